//! Who may do what: the one authorization policy of Netreach.
//!
//! Every service call that acts for someone receives who is acting, as the narrowest type that
//! can say it: nothing for what anyone may do (the public site), a `ClientAccess` for a client
//! (only a codename or a live client session can produce one), and a [`Staff`] member for staff,
//! who asks [`Staff::may`] before doing anything. [`Actor`] is their union, with the same rule. The HTTP skin authenticates (it
//! turns a cookie, a bearer token or a codename into an `Actor`) and asks the same table before it
//! parses a body, but it never decides on its own. The table in [`need`] is the whole policy; the
//! rules that depend on the thing acted on (the second approver, assigning only oneself) live in the
//! service beside the check and are written down in SECURITY.md.

use crate::conversations::ClientAccess;
use crate::keys;
use netreach_core::Role;
use netreach_crypto::{SecretKeyBytes, SecretToken};
use netreach_store::StaffUser;

/// Everything someone can ask Netreach to do, one variant per rule of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // Anyone, no account.
    ReadPublic,
    StartConversation,
    EnterConversation,
    ReportDrug,
    SignIn,
    SetUp,
    /// Opening an invitation link and choosing one's password (the link's token is checked by
    /// the accounts service).
    AcceptInvite,
    /// A webhook call from Telegram (checked against the bot's secret token by the service).
    ReceiveTelegramUpdate,
    // A client, holding their own conversation.
    ClientRead,
    ClientWrite,
    ClientDelete,
    // Any signed-in staff member, about themselves or what every role sees.
    /// Sign out (this device or everywhere): open even to a member who must still enrol.
    SignOut,
    /// Enrol in, or turn off, one's own two-factor sign-in: open even to a member who must
    /// still enrol.
    ManageOwnTwoFactor,
    OwnAccount,
    /// One's own notification settings and console notices.
    OwnNotifications,
    ViewDashboard,
    ListConversations,
    ReadConversation,
    StaffSearch,
    SetAway,
    ListAlerts,
    DraftAlert,
    VerifyAlert,
    ListVenues,
    WritePost,
    ApprovePost,
    PublishPost,
    ReadPublicationLog,
    RecordPublication,
    EditContent,
    ListQa,
    EditQa,
    PublishQa,
    // Staff who hold the inbox key: anything that reads or changes a conversation.
    ReplyConversation,
    NoteConversation,
    AssignConversation,
    SetConversationStatus,
    TagConversation,
    /// Put a conversation aside until a follow-up time, or take it back.
    FollowUpConversation,
    /// Claim, tag or set the status of several conversations at once (each still checked as
    /// its own action).
    BulkConversations,
    ReadAlertReports,
    /// Open a conversation's photos and voice messages (with the inbox key, like its text).
    ReadAttachment,
    DraftQa,
    /// See the forum-watch queue and the watched sources with their status.
    ReadWatchQueue,
    /// Claim, dismiss, answer or report a match of the watch queue; fetch a source now; paste
    /// or upload a saved forum page.
    WorkWatchQueue,
    // Supervisors.
    AssignToOthers,
    PublishAlert,
    WithdrawAlert,
    ManageVenues,
    /// Register and edit forum-watch sources (and their session cookies) and the lexicon.
    ManageWatch,
    ReviewContent,
    /// Bring back an earlier version of the whole published pack.
    RestoreContent,
    ManageTeam,
    /// The weekly first-response report per worker.
    ReadResponseReport,
    PanicLock,
    // Admins.
    ManageUsers,
    /// Remove another member's two-factor sign-in (a lost phone and lost recovery codes).
    ResetTwoFactor,
    GrantInboxAccess,
    ReadAudit,
    /// See the first-run checklist and confirm the recovery key is written down.
    ReviewOperations,
    /// Connect, test or disconnect the organisation's Telegram bot.
    ManageTelegramBot,
}

/// What an action needs of the one acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Anyone,
    /// A client holding their conversation (codename or client session).
    Client,
    /// A staff member whose role includes this one.
    Staff(Role),
    /// A staff member whose role includes this one and who holds the inbox key.
    Inbox(Role),
}

/// The policy, as a table: what each action needs.
pub const fn need(action: Action) -> Need {
    use Action::*;
    use Need::{Anyone, Client, Inbox, Staff};
    use Role::{Admin, Supervisor, Worker};
    match action {
        ReadPublic
        | StartConversation
        | EnterConversation
        | ReportDrug
        | SignIn
        | SetUp
        | AcceptInvite
        | ReceiveTelegramUpdate => Anyone,

        ClientRead | ClientWrite | ClientDelete => Client,

        SignOut | ManageOwnTwoFactor => Staff(Worker),
        OwnAccount | OwnNotifications | ViewDashboard | ListConversations | ReadConversation
        | StaffSearch | SetAway => Staff(Worker),
        ListAlerts | DraftAlert | VerifyAlert => Staff(Worker),
        ListVenues | WritePost | ApprovePost | PublishPost => Staff(Worker),
        ReadPublicationLog | RecordPublication => Staff(Worker),
        EditContent | ListQa => Staff(Worker),

        ReplyConversation
        | NoteConversation
        | AssignConversation
        | SetConversationStatus
        | TagConversation
        | FollowUpConversation
        | BulkConversations => Inbox(Worker),
        // Q&A drafts are sealed to the inbox key: writing, editing and publishing one opens it.
        ReadAlertReports | DraftQa | EditQa | PublishQa => Inbox(Worker),
        // An attachment is all content: like a message's text, it opens only with the inbox key
        // (a thread's page shows the rest of the conversation to every role).
        ReadAttachment => Inbox(Worker),
        // The queue holds what people wrote on forums about drugs and their health: those who
        // answer conversations answer these.
        ReadWatchQueue | WorkWatchQueue => Inbox(Worker),

        AssignToOthers => Inbox(Supervisor),
        PublishAlert | WithdrawAlert | ManageVenues | ManageWatch | ReviewContent
        | RestoreContent | ManageTeam | ReadResponseReport | PanicLock => Staff(Supervisor),

        ManageUsers | ReadAudit | ResetTwoFactor | ReviewOperations | ManageTelegramBot => {
            Staff(Admin)
        }
        GrantInboxAccess => Inbox(Admin),
    }
}

/// Why the policy said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Nobody (of the needed kind) is signed in: sign in, or enter the codename.
    #[error("not signed in")]
    NotSignedIn,
    /// Signed in, but the role does not include what the action needs.
    #[error("the role does not allow this")]
    Forbidden,
    /// The role would do, but this person does not hold the inbox key (yet).
    #[error("no access to the inbox key")]
    NoInboxKey,
    /// Two-factor sign-in is required for this member (`session.require_totp`) and they have
    /// not enrolled yet: only enrolment and signing out are open.
    #[error("two-factor sign-in must be set up first")]
    TwoFactorRequired,
}

/// What a member who must enrol in two-factor sign-in, and has not, may still do (besides what
/// anyone may).
pub const fn open_before_enrolment(action: Action) -> bool {
    matches!(action, Action::SignOut | Action::ManageOwnTwoFactor)
}

/// Who is acting in a request or a job.
#[derive(Debug)]
pub enum Actor {
    Anonymous,
    Client(Box<ClientAccess>),
    Staff(Box<Staff>),
}

impl Actor {
    /// Whether this actor may do `action`, by the table in [`need`].
    pub fn may(&self, action: Action) -> Result<(), Denied> {
        match (self, need(action)) {
            (_, Need::Anyone) => Ok(()),
            (Actor::Client(_), Need::Client) => Ok(()),
            (Actor::Staff(staff), Need::Staff(_) | Need::Inbox(_)) => staff.may(action),
            _ => Err(Denied::NotSignedIn),
        }
    }
}

/// A signed-in staff member as the services see them: the account, and the inbox key as the
/// session or API token holds it (opened only when a service needs it, for this request only).
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: StaffUser,
    key: Option<TokenWrappedKey>,
    /// Must enrol in two-factor sign-in before anything but [`open_before_enrolment`].
    must_enrol: bool,
}

#[derive(Debug, Clone)]
struct TokenWrappedKey {
    wrapped: Vec<u8>,
    token: SecretToken,
    purpose: &'static str,
}

impl Staff {
    /// A staff member signed in with `token`, whose session or token row holds `wrapped` (the
    /// inbox key wrapped under the token for `purpose`), if they have inbox access.
    pub fn new(
        user: StaffUser,
        token: SecretToken,
        wrapped: Option<Vec<u8>>,
        purpose: &'static str,
    ) -> Staff {
        Staff {
            user,
            key: wrapped.map(|wrapped| TokenWrappedKey {
                wrapped,
                token,
                purpose,
            }),
            must_enrol: false,
        }
    }

    /// This member, who must enrol in two-factor sign-in before doing anything else when
    /// `must_enrol` (see `accounts::must_enrol`).
    pub fn enrolment_required(mut self, must_enrol: bool) -> Staff {
        self.must_enrol = must_enrol;
        self
    }

    /// Whether this member must still enrol in two-factor sign-in.
    pub fn must_enrol(&self) -> bool {
        self.must_enrol
    }

    /// A staff member acting without a request (the CLI, a job), holding no inbox key.
    pub fn without_key(user: StaffUser) -> Staff {
        Staff {
            user,
            key: None,
            must_enrol: false,
        }
    }

    /// Whether this staff member holds the inbox key.
    pub fn has_inbox(&self) -> bool {
        self.key.is_some()
    }

    /// The inbox secret, opened for this call only; `None` without inbox access.
    pub fn inbox_key(&self) -> Option<SecretKeyBytes> {
        let key = self.key.as_ref()?;
        keys::unwrap_for_token(&key.wrapped, key.token.expose(), key.purpose)
    }

    /// Whether this staff member may do `action`, by the table in [`need`].
    pub fn may(&self, action: Action) -> Result<(), Denied> {
        let (role, inbox) = match need(action) {
            Need::Anyone => return Ok(()),
            Need::Client => return Err(Denied::NotSignedIn),
            Need::Staff(role) => (role, false),
            Need::Inbox(role) => (role, true),
        };
        if self.must_enrol && !open_before_enrolment(action) {
            Err(Denied::TwoFactorRequired)
        } else if !self.user.role.includes(role) {
            Err(Denied::Forbidden)
        } else if inbox && !self.has_inbox() {
            Err(Denied::NoInboxKey)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netreach_core::{UserId, Username};

    fn staff(role: Role, inbox: bool) -> Staff {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let user = StaffUser {
            id: UserId::new_random(),
            username: Username::parse("someone").unwrap_or_else(|_| unreachable!()),
            role,
            password_hash: String::new(),
            created_at: now,
            password_changed_at: now,
            disabled_at: None,
            failed_logins: 0,
            locked_until: None,
            keys: None,
            totp_enabled: false,
        };
        if inbox {
            Staff::new(
                user,
                SecretToken::generate(),
                Some(vec![0; 8]),
                keys::SESSION_WRAP,
            )
        } else {
            Staff::without_key(user)
        }
    }

    #[test]
    fn roles_nest_admin_over_supervisor_over_worker() {
        for action in [
            Action::ManageTeam,
            Action::PublishAlert,
            Action::ManageVenues,
        ] {
            assert_eq!(
                staff(Role::Worker, true).may(action),
                Err(Denied::Forbidden)
            );
            assert_eq!(staff(Role::Supervisor, true).may(action), Ok(()));
            assert_eq!(staff(Role::Admin, true).may(action), Ok(()));
        }
        assert_eq!(
            staff(Role::Supervisor, true).may(Action::ManageUsers),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn changing_a_conversation_needs_the_inbox_key_whatever_the_role() {
        for action in [
            Action::ReplyConversation,
            Action::AssignConversation,
            Action::SetConversationStatus,
            Action::TagConversation,
        ] {
            assert_eq!(
                staff(Role::Admin, false).may(action),
                Err(Denied::NoInboxKey)
            );
            assert_eq!(staff(Role::Worker, true).may(action), Ok(()));
        }
    }

    /// The rows the organisation's safety rests on. Lowering one needs a reason written here.
    #[test]
    fn the_rows_safety_rests_on_are_pinned() {
        use Need::{Inbox, Staff};
        let pinned = [
            (Action::PublishAlert, Staff(Role::Supervisor)),
            (Action::WithdrawAlert, Staff(Role::Supervisor)),
            // Venues decide where the organisation's bot speaks and whether posts need approval.
            (Action::ManageVenues, Staff(Role::Supervisor)),
            // Sources decide what the organisation reads and stores from forums, with its
            // forum account's cookie.
            (Action::ManageWatch, Staff(Role::Supervisor)),
            (Action::ReadWatchQueue, Inbox(Role::Worker)),
            (Action::WorkWatchQueue, Inbox(Role::Worker)),
            (Action::AssignToOthers, Inbox(Role::Supervisor)),
            // Bulk actions touch many conversations at once: never without the inbox key.
            (Action::BulkConversations, Inbox(Role::Worker)),
            (Action::AssignConversation, Inbox(Role::Worker)),
            (Action::TagConversation, Inbox(Role::Worker)),
            (Action::SetConversationStatus, Inbox(Role::Worker)),
            (Action::ReadAlertReports, Inbox(Role::Worker)),
            // Photos of wounds and voices are as sensitive as the text of a message.
            (Action::ReadAttachment, Inbox(Role::Worker)),
            // Q&A drafts are sealed to the inbox key.
            (Action::DraftQa, Inbox(Role::Worker)),
            (Action::EditQa, Inbox(Role::Worker)),
            (Action::PublishQa, Inbox(Role::Worker)),
            (Action::ManageUsers, Staff(Role::Admin)),
            // Who opened which conversation when is itself sensitive.
            (Action::ReadAudit, Staff(Role::Admin)),
            (Action::ReviewOperations, Staff(Role::Admin)),
            // The bot speaks for the organisation, and its token reads everything sent to it.
            (Action::ManageTelegramBot, Staff(Role::Admin)),
            // Anyone who can lead on a shift can pull the emergency brake.
            (Action::PanicLock, Staff(Role::Supervisor)),
            // Removing someone's second factor opens their account to their password alone.
            (Action::ResetTwoFactor, Staff(Role::Admin)),
            (Action::GrantInboxAccess, Inbox(Role::Admin)),
        ];
        for (action, expected) in pinned {
            assert_eq!(need(action), expected, "{action:?}");
        }
    }

    #[test]
    fn a_member_who_must_enrol_may_only_enrol_and_sign_out() {
        let admin = staff(Role::Admin, true).enrolment_required(true);
        assert_eq!(admin.may(Action::ManageOwnTwoFactor), Ok(()));
        assert_eq!(admin.may(Action::SignOut), Ok(()));
        assert_eq!(admin.may(Action::ReadPublic), Ok(()));
        for action in [
            Action::OwnAccount,
            Action::ViewDashboard,
            Action::ReplyConversation,
            Action::ManageUsers,
            Action::ResetTwoFactor,
        ] {
            assert_eq!(
                admin.may(action),
                Err(Denied::TwoFactorRequired),
                "{action:?}"
            );
        }
        let enrolled = staff(Role::Admin, true).enrolment_required(false);
        assert_eq!(enrolled.may(Action::ManageUsers), Ok(()));
    }

    #[test]
    fn anonymous_may_only_do_what_anyone_may() {
        assert_eq!(Actor::Anonymous.may(Action::ReadPublic), Ok(()));
        assert_eq!(Actor::Anonymous.may(Action::ReportDrug), Ok(()));
        assert_eq!(
            Actor::Anonymous.may(Action::ClientRead),
            Err(Denied::NotSignedIn)
        );
        assert_eq!(
            Actor::Anonymous.may(Action::OwnAccount),
            Err(Denied::NotSignedIn)
        );
    }

    #[test]
    fn staff_are_not_clients() {
        let actor = Actor::Staff(Box::new(staff(Role::Admin, true)));
        assert_eq!(actor.may(Action::ClientWrite), Err(Denied::NotSignedIn));
    }
}
