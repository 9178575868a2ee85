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
