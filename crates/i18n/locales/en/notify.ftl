# Staff notifications: events, transports, the console's notices and settings.

notify-event-new_conversation = New conversation waiting
notify-event-client_reply_assigned = A client wrote in a conversation assigned to you
notify-event-client_reply_unassigned = A client wrote in an unassigned conversation
notify-event-assigned = A conversation was assigned to you
notify-event-mentioned = You were mentioned in a note
notify-event-urgent = Urgent conversation waiting
notify-event-target_breached = A conversation has waited longer than its target
notify-event-alert_report = New drug report
notify-event-post_approval = A post is waiting for approval
notify-event-content_review = A content revision is waiting for review
notify-email-footer = This message only says that something needs attention. Open the console to see it.
notify-transport-console = Console
notify-transport-email = Email
notify-transport-telegram = Telegram
notify-transport-push = Browser push
notify-title = Notifications
notify-settings-title = Notification settings
notify-settings-intro = Choose what you want to hear about, and how. A notification never contains message text or anything about the client: only what happened and a link into the console.
notify-event = Event
notify-email-label = Your email address (for email notifications)
notify-quiet-label = Quiet hours, in the organisation's time, e.g. 22:00-07:00 (leave empty for none)
notify-on-call-label = I am on call: send me urgent events at any time, also outside working hours and my quiet hours
notify-rules = Outside working hours and during your quiet hours, only urgent events are sent outside the console, and only to the people on call (to everyone who chose them when nobody is on call). The console always keeps the notice.
notify-not-available = not set up on this server
notify-save = Save
notify-saved = Your notification settings are saved.
notify-none = No notices.
notify-mark-all-read = Mark all as read
notify-unread = new
notify-settings-link = Choose what you are told about
nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [one] Notifications ({ $count } new)
   *[other] Notifications ({ $count } new)
}
error-notify-email = This is not an email address.
error-notify-quiet-hours = Write quiet hours as HH:MM-HH:MM, e.g. 22:00-07:00, or leave the field empty.
inbox-waiting = Waiting (working time)
inbox-over-target = over target
conversation-gone-title = This conversation is gone
conversation-gone-body = The client deleted this conversation (or it was deleted after its retention period) while you were writing. Nothing was sent.
conversation-gone-back = Back to the inbox
conversation-gone-kept = What you wrote, to copy if you need it
shortcuts-title = Keyboard shortcuts
shortcuts-list = r: reply box · n: note box · Ctrl+Enter: send what you are writing · j: next waiting conversation · a: assign to me · s: mark solved · i: inbox · ?: show or hide this list. Everything also works without them.
inbox-sort = Order
inbox-sort-oldest = Longest waiting first
inbox-sort-newest = Newest first
dashboard-queue = Waiting for you
dashboard-queue-empty = Nothing waits for your review.
dashboard-queue-reviews = { $count ->
    [one] { $count } content revision to review
   *[other] { $count } content revisions to review
}
dashboard-queue-verifications = { $count ->
    [one] { $count } alert to verify
   *[other] { $count } alerts to verify
}
dashboard-queue-qa = { $count ->
    [one] { $count } Q&A draft to publish
   *[other] { $count } Q&A drafts to publish
}
inbox-bulk = With the selected conversations
inbox-bulk-select = Select
inbox-bulk-action = Do
inbox-bulk-claim = Assign to me
inbox-bulk-solve = Mark solved
inbox-bulk-tag = Add the tag
inbox-bulk-apply = Apply
inbox-bulk-nothing = Choose what to do with the selected conversations.
inbox-bulk-done = Done for { $done }; refused for { $refused } (a caseload cap, someone else's conversation, or one deleted meanwhile).
notify-telegram-heading = Your Telegram account
notify-telegram-intro = To get notifications in Telegram, link your own account to the organisation's bot. Notifications never contain what clients wrote.
notify-telegram-link = Link my Telegram account
notify-telegram-code = Send this message to @{ $bot } in Telegram within 15 minutes: /link { $code }
notify-telegram-linked = Your Telegram account is linked: notifications you choose for Telegram arrive there.
notify-telegram-unlink = Unlink my Telegram account
notify-push-title = Needs attention
notify-push-heading = Notifications in this browser
notify-push-intro = Browser push shows a notification on this device when something you chose needs you, even when the console is closed. It says only what kind of thing happened and opens the console; it never contains what clients wrote. Do not turn it on for a shared device.
notify-push-turn-on = Turn on notifications in this browser
notify-push-needs-script = Turning it on needs this page's script: allow JavaScript for the console, then reload.
notify-push-unsupported = This browser cannot receive push notifications (Tor Browser cannot).
notify-push-denied = The browser refused: allow notifications for this site in its settings, then try again.
notify-push-working = Turning on…
notify-push-done = Notifications are on in this browser.
notify-push-failed = Turning on failed. Reload the page and try again.
notify-push-devices = Browsers that get your notifications
notify-push-device = Through { $service }, since { $since }
notify-push-remove = Stop
notify-push-none = No browser gets your notifications yet.
notify-push-removed = That browser no longer gets your notifications.
error-push-off = Browser push is not set up on this server: an admin sets push.subject in the settings.
error-push-subscription = This browser's push subscription cannot be used here: its push service is not one this server posts to, or its keys are incomplete.
