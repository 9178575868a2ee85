## Worker speed (issue 12): follow-ups, macros and the weekly response report.

follow-up-title = Follow-up
follow-up-pending = put aside until { $at }
follow-up-due = set for { $at }
follow-up-due-badge = follow-up
follow-up-in-days = Follow up in (days)
follow-up-on = or on (time zone { $timezone })
follow-up-submit = Follow up
follow-up-clear = Take it back now
follow-up-hint = The conversation leaves the inbox until then and comes back marked, or earlier if the client writes.
inbox-follow-up-pending = Put aside
inbox-follow-up-due = Follow-ups due
flash-follow-up = Put aside: it comes back at the follow-up time, or when the client writes.
flash-follow-up-cleared = The follow-up is cleared.
error-follow-up-time = Give a number of days or a date and time to follow up.
error-follow-up-past = The follow-up time must be in the future.
error-follow-up-too-far = A follow-up can be at most a year away.
error-follow-up-after-deletion = Retention deletes this conversation before then: choose an earlier time.
macro-title = Macros
macro-hint = One click sends the macro's reply, adds its tags and sets its status.
macro-form-hint = Optional: with tags or a status, this canned reply is also a macro. Applying it from a conversation sends the reply, adds the tags and sets the status in one action.
macro-tags = Tags it adds (separated by spaces)
macro-status = Status it sets
macro-badge = macro
flash-macro = Macro applied: reply sent, tags and status set.
error-macro-tags = Tags are at most 5 short labels (letters, digits and dashes) separated by spaces.
responses-title = First responses by week
responses-intro = { $weeks ->
    [one] The last week, per worker: how many conversations each answered first, the share within the response target, and the median and 90th percentile of the first response, in working time. Recorded when the answer is sent, so it stays after retention deletes the conversations.
   *[other] The last { $weeks } weeks, per worker: how many conversations each answered first, the share within the response target, and the median and 90th percentile of the first response, in working time. Recorded when the answer is sent, so it stays after retention deletes the conversations.
}
responses-none = No first answers in this period.
responses-week = Week from
responses-worker = Worker
responses-answered = Answered
responses-within = Within target
responses-median = Median
responses-p90 = 90th percentile
responses-former-member = (former member)
dashboard-queue-approvals = { $count ->
    [one] { $count } post waiting for approval
   *[other] { $count } posts waiting for approval
}
inbox-views = My views
inbox-view-delete = Delete this view
inbox-view-save = Save these filters as a view named
inbox-view-submit = Save view
error-view-name = A view needs a name of 1 to 40 characters.
error-too-many-views = You have 20 saved views: delete one first.
skip-link = Skip to the main part (on a conversation: the reply box)
inbox-next-waiting = Next waiting →
conversation-mark-solved = Mark solved
## Reply drafts: kept sealed on the server until the reply is sent.
draft-save = Save draft
draft-saved = Draft saved { $time }
draft-saved-on = Draft saved on { $date } at { $time }
draft-deleted = Draft deleted
draft-not-saved = Draft not saved
flash-draft-saved = Draft saved. Only you can open it; it is deleted when you send your reply, or after a week untouched.
flash-draft-deleted = The reply box was empty, so your draft is deleted.
