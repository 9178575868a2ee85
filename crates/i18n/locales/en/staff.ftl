# The staff console.
nav-dashboard = Console
nav-users = Staff accounts
nav-tokens = API tokens
nav-account = My account
nav-logout = Sign out

role-admin = Admin
role-supervisor = Supervisor
role-worker = Outreach worker

field-username = Username
field-password = Password
field-role = Role
field-current-password = Current password
field-new-password = New password
field-confirm-password = Repeat the new password
hint-password = At least 12 characters. A few unrelated words are easy to remember and hard to guess.
hint-username = 3 to 32 characters: a–z, 0–9, dot, dash or underscore.

login-title = Staff sign-in
login-submit = Sign in
login-error-invalid = Wrong username or password.
login-error-disabled = This account is disabled. Ask an admin to re-enable it.
login-error-locked = Too many wrong passwords for this account. Try again in { $wait }.

logout-everywhere = Sign out on all devices

dashboard-title = Console
dashboard-signed-in-as = Signed in as { $username }
dashboard-sessions = { $count ->
    [one] You are signed in on { $count } device or browser.
   *[other] You are signed in on { $count } devices or browsers.
}

setup-title = Create the first admin account
setup-intro = This one-time link creates the first admin account. Choose a strong password and keep it safe: there is no back door. Later, add a second admin so the organisation never depends on one person.
setup-submit = Create the admin account

account-title = My account
account-change-password = Change password
account-sessions-heading = Sessions
account-sessions-intro = If you forgot to sign out on a shared or lost device, sign out everywhere. Changing your password does this too.

tokens-title = API tokens
tokens-intro = Tokens let programs use the Netreach API on your behalf. Each token can do everything you can; revoke any you no longer use.
tokens-none = You have no API tokens.
tokens-col-name = Name
tokens-col-created = Created
tokens-col-last-used = Last used
tokens-col-expires = Expires
tokens-never = never
tokens-revoke = Revoke
tokens-create-heading = New token
tokens-create-submit = Create token
tokens-created-once = Copy this token now. It will not be shown again.
tokens-error-name = Give the token a name of 1 to 64 characters, so you can recognise it later.
tokens-error-days = Choose how long the token stays valid.

users-title = Staff accounts
users-col-status = Status
users-col-created = Created
users-col-actions = Actions
users-status-active = active
users-status-disabled = disabled
users-you = (you)
users-manage = Manage
users-disable = Disable account
users-enable = Re-enable account
users-change-role = Change role
users-reset-password = Set new password
users-create-heading = Add a staff member
users-create-submit = Create account

flash-user-created = The account was created. Give the person their password through a safe channel.
flash-user-disabled = The account was disabled and signed out everywhere.
flash-user-enabled = The account was re-enabled.
flash-role-changed = The role was changed.
flash-password-reset = The password was set and the person was signed out everywhere.
flash-password-changed = Your password was changed. Sign in again with the new one.
flash-token-revoked = The token was revoked.
flash-logged-out-everywhere = You were signed out on all devices.
flash-setup-done = The admin account was created. Sign in with it now.

error-username-too-short = The username needs at least 3 characters.
error-username-too-long = The username can have at most 32 characters.
error-username-characters = The username may only use a–z, 0–9, dot, dash and underscore, and must start with a letter or digit.
error-username-taken = This username is already taken. Choose another.
error-password-too-short = The password needs at least 12 characters.
error-password-too-long = The password can have at most 256 characters.
error-password-repetitive = The password cannot be one character repeated.
error-password-mismatch = The two new passwords are not the same. Type them again.
error-current-password = The current password is wrong.
error-own-account = You cannot do this to your own account. Ask another admin.
error-role = Choose a role: admin, supervisor or outreach worker.

recovery-title = Your recovery key
recovery-intro = The admin account and the organisation's inbox key were created. These 24 words can unlock the inbox key if every admin password is ever lost (with the command netreach admin recover). Write them on paper now and keep them offline, somewhere safe.
recovery-warning = They are shown only this once. Anyone who has them and a copy of the database can read conversations.
recovery-continue = I have written them down: sign in
error-no-keys = This account has no key pair yet. Set a new password for it (Set new password): that gives it one, and access can then be granted.
error-conflict = Someone else changed this conversation while you were working on it. Reload to see their change; your text is kept below.
error-caseload-full = This worker already has the most open conversations allowed. Finish or hand over one first.
error-no-inbox-access = You have no access to conversation content yet. Ask an admin to grant it.

nav-inbox = Inbox
inbox-title = Inbox
inbox-all = All
inbox-filter-status = Filter by status
inbox-filter-assigned = Filter by assignment
inbox-assigned-all = Everyone's
inbox-assigned-mine = Mine
inbox-assigned-none = Unassigned
inbox-urgent-only = Urgent only
inbox-urgent = urgent
inbox-topic = Topic
inbox-lang = Language
inbox-channel = Channel
inbox-assigned = Assigned to
inbox-last-activity = Last activity
inbox-apply = Filter
inbox-empty = No conversations match.
inbox-next = Older conversations →
staff-status-new = new
staff-status-open = open
staff-status-waiting_for_client = waiting for client
staff-status-solved = solved
staff-status-archived = archived

conversation-title = Conversation
conversation-back = ← Inbox
conversation-created = Started
conversation-first-response = First response
conversation-rating = Client's rating
conversation-retention = Retention
conversation-deletion = { $days ->
    [one] Deleted automatically in { $days } day unless there is new activity.
   *[other] Deleted automatically in { $days } days unless there is new activity.
}
conversation-intake = Intake answers
conversation-note = Internal note
conversation-feedback = Client's comment on the rating
conversation-client = Client
conversation-locked = (encrypted: no inbox access)
conversation-reply = Reply to the client
conversation-send = Send reply
conversation-add-note = Internal note
conversation-note-hint = Notes are for the team only; the client never sees them.
conversation-save-note = Save note
conversation-manage = Assignment and status
conversation-claim = Claim
conversation-unassign = Unassign
conversation-assign-to = Assign to
conversation-assign = Assign
conversation-set-status = Set status

users-col-access = Conversations
users-access-yes = can read
users-access-no = no access
users-grant = Grant access

flash-replied = Your reply was sent.
flash-noted = The note was saved.
flash-assigned = The assignment was changed.
flash-status = The status was changed.
flash-granted = Access to conversations was granted.
dashboard-waiting = { $count ->
    [one] { $count } conversation waits for an answer.
   *[other] { $count } conversations wait for an answer.
}
dashboard-urgent = { $count ->
    [one] { $count } of them is urgent.
   *[other] { $count } of them are urgent.
}

day-mon = Monday
day-tue = Tuesday
day-wed = Wednesday
day-thu = Thursday
day-fri = Friday
day-sat = Saturday
day-sun = Sunday
availability-title = Working hours
availability-intro = Clients see on the home page whether the team is online, and outside these hours when someone will answer.
availability-timezone = Time zone
availability-timezone-hint = An IANA name such as Europe/Moscow, Europe/Berlin or Asia/Almaty.
availability-hours = Hours per day
availability-hours-hint = Write HH:MM-HH:MM, e.g. 09:00-18:00. Leave a day empty when nobody works.
availability-holidays = Holidays (one date per line, like 2026-01-07)
availability-away = The team is away now (manual switch)
availability-save = Save working hours
dashboard-availability = Availability
dashboard-away-on = The team is marked as away: clients see that answers may take longer.
dashboard-back = We are back
dashboard-go-away = Mark the team as away
canned-title = Canned replies
canned-intro = Prepared answers staff can put into a reply and then adjust. {"{"}worker{"}"} becomes the worker's username, {"{"}org{"}"} the organisation's name.
canned-none = No canned replies yet.
canned-col-title = Title
canned-delete = Delete
canned-edit = Edit canned reply
canned-new = New canned reply
canned-body = Text
canned-placeholders = Placeholders: {"{"}worker{"}"}, {"{"}org{"}"}.
canned-save = Save
conversation-tags = Tags
conversation-add-tag = Add a tag
conversation-tag-submit = Add
conversation-remove-tag = Remove this tag
conversation-canned = Insert a canned reply
flash-saved = Saved.
flash-away = The availability switch was changed.
flash-canned = The canned reply was saved.
flash-canned-deleted = The canned reply was deleted.
flash-tagged = The tags were changed.
error-timezone = Unknown time zone. Use a name like Europe/Moscow.
error-hours-format = Write hours as HH:MM-HH:MM, for example 09:00-18:00, or leave the day empty.
error-hours-order = The closing time must be after the opening time.
error-holiday = Write holidays as dates like 2026-01-07, one per line.
error-canned-title = Give the canned reply a title of 1 to 100 characters.
error-canned-body = Write the text of the canned reply (not longer than a message).
error-canned-lang = Choose the language of the canned reply.
error-tag = A tag has 1 to 32 letters, digits or dashes.
conversation-insert-check = Insert a mixing check (substances, comma-separated)
conversation-insert = Insert
error-markup = Choose a markup: bbcode, markdown, telegram_html or plain.
alerts-console-title = Drug alerts
alerts-console-alerts = Alerts
alerts-verify = Verify
alerts-publish = Publish
alerts-withdraw = Withdraw
alerts-new = New alert
alerts-severity = Severity
alerts-regions = Regions (comma-separated)
alerts-substances = Substances (slugs, comma-separated)
alerts-title-en = Title (English)
alerts-body-en = Text (English)
alerts-title-ru = Title (Russian)
alerts-body-ru = Text (Russian)
alerts-expires = Expires on (YYYY-MM-DD)
alerts-report-id = From report (id, optional)
alerts-save = Save the alert
alerts-reports = Reports received
alerts-no-reports = No reports.
alerts-flagged = may contain contact details
error-alert-form = Check the alert: severity, both titles and texts, a future expiry date (YYYY-MM-DD), known substances.
flash-alert-saved = The alert was saved. It needs verification before publishing.
flash-alert-verify = Your verification was recorded.
flash-alert-publish = The alert is published.
flash-alert-withdraw = The alert was withdrawn.
conversation-resolved = Resolved

## Publishing: venues, posts, the publication log
nav-posts = Posts
nav-venues = Venues
nav-log = Publication log
venues-title = Venues
venues-none = No venues registered yet.
venues-new = Register a venue
venues-back = ← All venues
venue-name = Name
venue-kind = Kind
venue-kind-darknet_forum = Darknet forum
venue-kind-clearnet_forum = Clearnet forum
venue-kind-telegram_channel = Telegram channel
venue-kind-telegram_group = Telegram group
venue-kind-other = Other
venue-address = Address (onion or clearnet URL)
venue-markup = Markup
venue-limit = Character limit per post
venue-limit-hint = Leave empty for no limit. Telegram venues default to 4096.
venue-rules = Rules
venue-permission = Permission to post
venue-permission-not_asked = not asked
venue-permission-asked = asked
venue-permission-granted = granted
venue-permission-refused = refused
venue-permission-date = Date of the permission status (YYYY-MM-DD)
venue-permission-contact = Who was asked (the venue's admin, never a client)
venue-needs-approval = Posts here need a second staff member's approval
venue-telegram-chat = Telegram chat for sending (@name or numeric id)
venue-push-alerts = Send published drug alerts here
venue-notes = Notes
venue-save = Save the venue
venue-token = Bot token
venue-token-set = A bot token is stored (encrypted). It is never shown again.
venue-token-unset = No bot token: posts here are recorded by hand.
venue-token-new = New bot token (empty removes the stored one)
venue-token-hint = From @BotFather. The bot must be an admin of the channel or a member of the group.
venue-token-save = Save the token
posts-title = Posts
posts-none = No posts yet.
posts-new = Write a post
post-title = Post
post-field-title = Title (for staff only)
post-field-markdown = Text (Markdown)
post-markdown-hint = **bold**, *italics*, [link](https://…), lists with "- ". Each venue gets it in its own markup, with everything typed escaped.
post-save = Save as a new version
post-preview = Preview without saving
post-version = Version { $version }
post-approved = approved
post-not-approved = not approved yet
post-approve = Approve version { $version }
post-approve-other = You edited this version last: another staff member must approve it.
post-editor = Text
post-restoring = Version { $version } is loaded into the editor. Saving restores it as a new version.
post-unsaved = The text below is not saved; the previews show it as it is.
post-insert = Insert a knowledge-base link or a mixing check
post-insert-kb = Knowledge-base article
post-insert-check = Substances to check (two to six, comma-separated)
post-insert-button = Insert at the end
post-previews = Previews per venue
post-copy = Copy-ready text
post-count = { $count ->
    [one] { $count } character
   *[other] { $count } characters
}
post-count-limit = { $count } of { $limit } characters
post-warn-permission = Permission to post here: { $status }. Posting may break the venue's rules and get the account banned.
post-save-first = Save the text before publishing it.
post-mode-send = Send through the bot
post-send-at = Send at (YYYY-MM-DD HH:MM, UTC; empty: now)
post-mode-record = I posted it by hand
post-url = Address of the published post
post-acknowledge = I have read the warning and post anyway
post-needs-approval = This venue needs the current version approved by a second staff member.
post-publish = Publish
post-log = Where this post went
post-versions = Versions
post-approved-by = approved by { $name }
log-title = Publication log
log-venue = Venue
log-status = Status
log-any = any
log-filter = Filter
log-csv = Download CSV
log-none = Nothing published yet.
log-alert = Drug alert
log-record = Record URL, status, follow-ups
log-followup = Replies to follow up on, notes
log-save = Save
log-attempts = { $count ->
    [one] { $count } attempt
   *[other] { $count } attempts
}
log-status-scheduled = scheduled
log-status-sending = sending
log-status-live = live
log-status-failed = failed
log-status-removed = removed by moderators
log-status-deleted = deleted
flash-venue-saved = The venue was saved.
flash-token-saved = The bot token was saved.
flash-post-saved = The post was saved as a new version.
flash-post-approved = The version is approved.
flash-post-queued = The post is queued for sending; the log shows when it is out.
flash-post-recorded = The publication was recorded in the log.
flash-log-saved = The log entry was saved.
error-venue-invalid = Give the venue a name (up to 100 characters), choose its kind, language, markup and permission status; rules and notes up to 4,000 characters.
error-venue-address = Enter the venue's address as a full http:// or https:// URL (onion addresses too), without spaces.
error-venue-chat = A Telegram chat is @name (5–32 letters, digits or _) or a numeric id, and only Telegram venues have one.
error-venue-limit = The character limit is a whole number from 1 to 100000, or empty.
error-venue-date = Write the permission date as YYYY-MM-DD.
error-venue-token = That does not look like a bot token (digits, a colon, then letters and digits), or this venue is not on Telegram.
error-post-invalid = A post needs a title (up to 200 characters) and a text (up to 20,000 characters).
error-post-conflict = Someone saved this post since you opened it. Your text is below: compare it with the latest version and save again.
error-post-approval-required = This venue needs the current version approved by a second staff member first.
error-post-own-version = You edited this version last, so someone else must approve it.
error-post-already-approved = This version is already approved, or it is no longer the current one.
error-venue-permission = We have no granted permission to post there. Tick the box to confirm you post anyway.
error-post-too-long = The text is longer than this venue allows. Shorten it and save a new version.
error-venue-no-sender = This venue cannot send by itself (no Telegram chat or bot token). Post by hand and record the address.
error-post-insert = Nothing to insert: choose an article, or name two to six known substances.
error-publish-url = The post's address must be a full http:// or https:// URL.
error-publish-send-at = Write the sending time as YYYY-MM-DD HH:MM (UTC), at most 90 days ahead.
error-log-invalid = Choose live, removed or deleted (a scheduled send can only be cancelled by deleting it); follow-up notes up to 2,000 characters.
