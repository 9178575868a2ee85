//! The staff console under `/staff/`. Every route names the action it performs; the guard in
//! front of it asks the application's policy (a worker gets a 403 page, never a crash), and every
//! state-changing route passes the CSRF check.

mod account;
mod alerts;
mod audit;
mod content;
mod content_versions;
mod conversation;
mod drafts;
mod inbox;
mod invites;
mod notifications;
mod publication_log;
mod publishing;
mod qa;
mod responses;
mod search;
mod session;
mod team;
mod telegram;
mod two_factor;
mod users;
mod venues;
mod watch;
mod watch_sources;

use super::{Chrome, render};
use crate::auth::StaffSession;
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use netreach_app::policy::Action;
use netreach_core::Lang;
use serde::Deserialize;

/// The console's routes, each with the action it performs (see `netreach_app::policy`).
pub fn routes(state: AppState) -> Routes {
    use Action::*;
    Routes::new()
        .get("/staff", SignIn, || async {
            Redirect::permanent("/staff/")
        })
        .get("/staff/login", SignIn, session::login_form)
        .post("/staff/login", SignIn, session::login)
        .post("/staff/login/code", SignIn, session::login_code)
        .get("/staff/setup", SetUp, session::setup_form)
        .post("/staff/setup", SetUp, session::setup)
        .post("/staff/setup/written", SetUp, session::recovery_written)
        .get("/staff/invite", AcceptInvite, invites::accept_form)
        .post("/staff/invite", AcceptInvite, invites::accept)
        .post(
            "/staff/checklist/recovery-key",
            ReviewOperations,
            confirm_recovery_key,
        )
        .get("/staff/", ViewDashboard, dashboard)
        .post("/staff/logout", SignOut, session::logout)
        .post(
            "/staff/logout-everywhere",
            SignOut,
            session::logout_everywhere,
        )
        .get("/staff/account/totp", ManageOwnTwoFactor, two_factor::show)
        .post(
            "/staff/account/totp/start",
            ManageOwnTwoFactor,
            two_factor::start,
        )
        .post(
            "/staff/account/totp/confirm",
            ManageOwnTwoFactor,
            two_factor::confirm,
        )
        .post(
            "/staff/account/totp/disable",
            ManageOwnTwoFactor,
            two_factor::disable,
        )
        .get("/staff/account", OwnAccount, account::account)
        .post(
            "/staff/account/sessions/{id}/end",
            OwnAccount,
            account::end_session,
        )
        .post("/staff/panic", PanicLock, account::panic_lock)
        .post(
            "/staff/account/password",
            OwnAccount,
            account::change_password,
        )
        .get("/staff/console.js", ReadPublic, notifications::script)
        .get(
            "/staff/push-worker.js",
            ReadPublic,
            notifications::push_worker,
        )
        .get(
            "/staff/notifications",
            OwnNotifications,
            notifications::list,
        )
        .get(
            "/staff/notifications/count",
            OwnNotifications,
            notifications::count,
        )
        .post(
            "/staff/notifications/read",
            OwnNotifications,
            notifications::read_all,
        )
        .get(
            "/staff/account/notifications",
            OwnNotifications,
            notifications::settings,
        )
        .post(
            "/staff/account/notifications",
            OwnNotifications,
            notifications::save,
        )
        .post(
            "/staff/account/telegram/link",
            OwnNotifications,
            notifications::link_telegram,
        )
        .post(
            "/staff/account/push",
            OwnNotifications,
            notifications::subscribe,
        )
        .post(
            "/staff/account/push/{id}/remove",
            OwnNotifications,
            notifications::unsubscribe,
        )
        .post(
            "/staff/account/telegram/unlink",
            OwnNotifications,
            notifications::unlink_telegram,
        )
        .get("/staff/telegram", ManageTelegramBot, telegram::show)
        .post("/staff/telegram", ManageTelegramBot, telegram::connect)
        .post("/staff/telegram/test", ManageTelegramBot, telegram::test)
        .post(
            "/staff/telegram/disconnect",
            ManageTelegramBot,
            telegram::disconnect,
        )
        .get("/staff/tokens", OwnAccount, account::tokens)
        .post("/staff/tokens", OwnAccount, account::create_token)
        .post(
            "/staff/tokens/{id}/revoke",
            OwnAccount,
            account::revoke_token,
        )
        .get("/staff/search", StaffSearch, search::search)
        // Conversations.
        .get("/staff/inbox", ListConversations, inbox::inbox)
        .get("/staff/inbox/next", ListConversations, inbox::next)
        .post("/staff/inbox/bulk", BulkConversations, inbox::bulk)
        .post("/staff/inbox/views", ListConversations, inbox::save_view)
        .post(
            "/staff/inbox/views/{id}/delete",
            ListConversations,
            inbox::delete_view,
        )
        .get(
            "/staff/conversations/{id}",
            ReadConversation,
            conversation::show,
        )
        .get(
            "/staff/conversations/{id}/attachments/{attachment}",
            ReadAttachment,
            conversation::attachment,
        )
        .post(
            "/staff/conversations/{id}/messages/{message}/resend",
            ReplyConversation,
            conversation::resend,
        )
        .post(
            "/staff/conversations/{id}/reply",
            ReplyConversation,
            conversation::reply,
        )
        .post(
            "/staff/conversations/{id}/draft",
            ReplyConversation,
            drafts::save,
        )
        .post(
            "/staff/conversations/{id}/note",
            NoteConversation,
            conversation::note,
        )
        .post(
            "/staff/conversations/{id}/assign",
            AssignConversation,
            conversation::assign,
        )
        .post(
            "/staff/conversations/{id}/status",
            SetConversationStatus,
            conversation::status,
        )
        .post(
            "/staff/conversations/{id}/tags",
            TagConversation,
            conversation::add_tag,
        )
        .post(
            "/staff/conversations/{id}/tags/remove",
            TagConversation,
            conversation::remove_tag,
        )
        .post(
            "/staff/conversations/{id}/macro",
            ReplyConversation,
            conversation::apply_macro,
        )
        .post(
            "/staff/conversations/{id}/follow_up",
            FollowUpConversation,
            conversation::follow_up,
        )
        .post(
            "/staff/conversations/{id}/follow_up/clear",
            FollowUpConversation,
            conversation::clear_follow_up,
        )
        // Alerts.
        .get("/staff/alerts", ListAlerts, alerts::index)
        .post("/staff/alerts", DraftAlert, alerts::create)
        .post("/staff/alerts/{id}/verify", VerifyAlert, alerts::verify)
        .post("/staff/alerts/{id}/publish", PublishAlert, alerts::publish)
        .post(
            "/staff/alerts/{id}/withdraw",
            WithdrawAlert,
            alerts::withdraw,
        )
        // Publishing.
        .get("/staff/venues", ListVenues, venues::venues)
        .post("/staff/venues", ManageVenues, venues::create_venue)
        .get("/staff/venues/{id}", ListVenues, venues::venue)
        .post("/staff/venues/{id}", ManageVenues, venues::update_venue)
        .post("/staff/venues/{id}/token", ManageVenues, venues::set_token)
        .get("/staff/posts", WritePost, publishing::posts)
        .post("/staff/posts", WritePost, publishing::create_post)
        .get("/staff/posts/{id}", WritePost, publishing::post)
        .post("/staff/posts/{id}", WritePost, publishing::save_post)
        .post(
            "/staff/posts/{id}/approve",
            ApprovePost,
            publishing::approve,
        )
        .post(
            "/staff/posts/{id}/publish",
            PublishPost,
            publishing::publish,
        )
        .get(
            "/staff/publications",
            ReadPublicationLog,
            publication_log::log,
        )
        .get(
            "/staff/publications.csv",
            ReadPublicationLog,
            publication_log::log_csv,
        )
        .post(
            "/staff/publications/{id}",
            RecordPublication,
            publication_log::record,
        )
        // Forum watch.
        .get("/staff/watch", ReadWatchQueue, watch::queue)
        .post("/staff/watch/paste", WorkWatchQueue, watch::paste)
        .post("/staff/watch/upload", WorkWatchQueue, watch::upload)
        .post("/staff/watch/{id}/claim", WorkWatchQueue, watch::claim)
        .post("/staff/watch/{id}/dismiss", WorkWatchQueue, watch::dismiss)
        .post("/staff/watch/{id}/answer", WorkWatchQueue, watch::answer)
        .post("/staff/watch/{id}/report", WorkWatchQueue, watch::report)
        .get(
            "/staff/watch/sources",
            ReadWatchQueue,
            watch_sources::sources,
        )
        .post(
            "/staff/watch/sources",
            ManageWatch,
            watch_sources::create_source,
        )
        .post(
            "/staff/watch/sources/test",
            ManageWatch,
            watch_sources::test_source,
        )
        .get(
            "/staff/watch/sources/{id}",
            ManageWatch,
            watch_sources::edit_source,
        )
        .post(
            "/staff/watch/sources/{id}",
            ManageWatch,
            watch_sources::update_source,
        )
        .post(
            "/staff/watch/sources/{id}/fetch",
            WorkWatchQueue,
            watch_sources::fetch_source,
        )
        .post(
            "/staff/watch/sources/{id}/cookie",
            ManageWatch,
            watch_sources::set_cookie,
        )
        .post(
            "/staff/watch/sources/{id}/delete",
            ManageWatch,
            watch_sources::delete_source,
        )
        .get("/staff/watch/lexicon", ReadWatchQueue, watch::lexicon)
        .post("/staff/watch/lexicon/add", ManageWatch, watch::add_term)
        .post(
            "/staff/watch/lexicon/remove",
            ManageWatch,
            watch::remove_term,
        )
        .post(
            "/staff/watch/lexicon/test",
            ReadWatchQueue,
            watch::test_text,
        )
        // Content and the Q&A archive.
        .get("/staff/content", EditContent, content::list)
        .get("/staff/content/edit", EditContent, content::edit)
        .post("/staff/content/edit", EditContent, content::save)
        .post("/staff/content/step", EditContent, content::step)
        .get(
            "/staff/content/versions",
            EditContent,
            content_versions::list,
        )
        .post(
            "/staff/content/versions/restore",
            RestoreContent,
            content_versions::restore,
        )
        .get("/staff/qa", ListQa, qa::index)
        .post("/staff/qa", DraftQa, qa::create)
        .post("/staff/qa/{id}", EditQa, qa::edit)
        .post("/staff/qa/{id}/publish", PublishQa, qa::publish)
        .post("/staff/qa/{id}/withdraw", PublishQa, qa::withdraw)
        // The team.
        .post("/staff/away", SetAway, team::set_away)
        .get("/staff/availability", ManageTeam, team::availability_form)
        .post("/staff/availability", ManageTeam, team::save_availability)
        .get("/staff/canned", ManageTeam, team::canned_list)
        .post("/staff/canned", ManageTeam, team::canned_create)
        .get("/staff/canned/{id}", ManageTeam, team::canned_edit)
        .post("/staff/canned/{id}", ManageTeam, team::canned_update)
        .post("/staff/canned/{id}/delete", ManageTeam, team::canned_delete)
        // Accounts.
        .get("/staff/responses", ReadResponseReport, responses::report)
        .get("/staff/audit", ReadAudit, audit::log)
        .get("/staff/audit.csv", ReadAudit, audit::log_csv)
        .get("/staff/users", ManageUsers, users::list)
        .post("/staff/users", ManageUsers, users::create)
        .post("/staff/users/invite", ManageUsers, invites::create)
        .post(
            "/staff/users/invites/{id}/withdraw",
            ManageUsers,
            invites::withdraw,
        )
        .post("/staff/users/{id}/disable", ManageUsers, users::disable)
        .post("/staff/users/{id}/revoke", ManageUsers, users::revoke)
        .post("/staff/users/{id}/enable", ManageUsers, users::enable)
        .post("/staff/users/{id}/role", ManageUsers, users::change_role)
        .post(
            "/staff/users/{id}/password",
            ManageUsers,
            users::reset_password,
        )
        .post("/staff/users/{id}/grant", GrantInboxAccess, users::grant)
        .post(
            "/staff/users/{id}/totp/reset",
            ResetTwoFactor,
            two_factor::reset,
        )
        .wrap(|router| {
            router.layer(axum::middleware::from_fn_with_state(
                state,
                crate::middleware::csrf,
            ))
        })
}

/// The page for a service failure where the page has no place for its message: the error page
/// the console's `shown` mapping chose, and 403 for anything it would have shown inline.
pub(super) fn error_page(
    shown: Result<&'static str, crate::error::PageError>,
) -> crate::error::PageError {
    shown.err().unwrap_or(crate::error::PageError::Forbidden)
}

/// A confirmation shown after a redirect (`?done=...`): only known keys map to messages.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

impl Done {
    pub fn message_id(&self) -> Option<&'static str> {
        Some(match self.done.as_deref()? {
            "created" => "flash-user-created",
            "disabled" => "flash-user-disabled",
            "enabled" => "flash-user-enabled",
            "role" => "flash-role-changed",
            "reset" => "flash-password-reset",
            "password" => "flash-password-changed",
            "revoked" => "flash-token-revoked",
            "everywhere" => "flash-logged-out-everywhere",
            "session-ended" => "flash-session-ended",
            "panic" => "flash-panic",
            "user-revoked" => "flash-user-revoked",
            "setup" => "flash-setup-done",
            "invite-accepted" => "flash-invite-accepted",
            "invite-withdrawn" => "flash-invite-withdrawn",
            "replied" => "flash-replied",
            "draft-saved" => "flash-draft-saved",
            "draft-deleted" => "flash-draft-deleted",
            "resent" => "flash-resent",
            "not-resent" => "flash-not-resent",
            "bot-connected" => "flash-bot-connected",
            "bot-disconnected" => "flash-bot-disconnected",
            "noted" => "flash-noted",
            "assigned" => "flash-assigned",
            "status" => "flash-status",
            "granted" => "flash-granted",
            "saved" => "flash-saved",
            "away" => "flash-away",
            "canned" => "flash-canned",
            "canned-deleted" => "flash-canned-deleted",
            "tagged" => "flash-tagged",
            "follow-up" => "flash-follow-up",
            "macro" => "flash-macro",
            "follow-up-cleared" => "flash-follow-up-cleared",
            "alert-saved" => "flash-alert-saved",
            "alert-verify" => "flash-alert-verify",
            "alert-publish" => "flash-alert-publish",
            "alert-withdraw" => "flash-alert-withdraw",
            "venue-saved" => "flash-venue-saved",
            "token-saved" => "flash-token-saved",
            "post-saved" => "flash-post-saved",
            "post-approved" => "flash-post-approved",
            "post-queued" => "flash-post-queued",
            "post-recorded" => "flash-post-recorded",
            "log-saved" => "flash-log-saved",
            "qa-saved" => "flash-qa-saved",
            "content-saved" => "flash-content-saved",
            "content-submit" => "flash-content-submit",
            "content-send-back" => "flash-content-send-back",
            "content-publish" => "flash-content-publish",
            "content-archive" => "flash-content-archive",
            "content-restored" => "flash-content-restored",
            "qa-publish" => "flash-qa-publish",
            "qa-withdraw" => "flash-qa-withdraw",
            "totp-off" => "flash-totp-off",
            "totp-reset" => "flash-totp-reset",
            "totp-none" => "flash-totp-none",
            "recovery-key" => "check-recovery-key-confirmed",
            _ => return None,
        })
    }
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome<'a>,
    role_label: String,
    sessions: String,
    waiting: String,
    urgent: String,
    any_urgent: bool,
    readable: bool,
    away: bool,
    supervisor: bool,
    notice: Option<String>,
    /// The first-run checklist, for admins: `(id, text)`.
    checklist: Option<Vec<(&'static str, String)>>,
    /// For supervisors: (link, text) of each kind of work waiting for them.
    waiting_for_you: Option<Vec<(&'static str, String)>>,
}

async fn dashboard(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, crate::error::PageError> {
    use netreach_app::dashboard::{self, DashboardError};
    let summary = dashboard::summary(&state, &session.staff())
        .await
        .map_err(|e| match e {
            DashboardError::Denied(denied) => crate::error::PageError::from(denied),
            DashboardError::Store(e) => e.into(),
        })?;
    let chrome = Chrome::new(&state, lang, "dashboard-title", "/staff/", Some(&session));
    let role_label = chrome.t.get(&format!("role-{}", session.user.role));
    let checklist = match netreach_app::operations::checklist(&state, &session.staff()).await {
        Ok(warnings) => Some(
            warnings
                .iter()
                .map(|w| (w.message_id(), w.text(&state, lang)))
                .collect(),
        ),
        Err(netreach_app::operations::OperationsError::Denied(_)) => None,
        Err(e) => return Err(operations_failure(e)),
    };
    let sessions = chrome
        .t
        .count("dashboard-sessions", "count", summary.sessions as i64);
    let waiting_for_you = summary.waiting_for_you.map(|q| {
        [
            ("/staff/content", "dashboard-queue-reviews", q.reviews),
            (
                "/staff/alerts",
                "dashboard-queue-verifications",
                q.verifications,
            ),
            ("/staff/qa", "dashboard-queue-qa", q.qa_drafts),
            ("/staff/posts", "dashboard-queue-approvals", q.approvals),
        ]
        .into_iter()
        .filter(|(_, _, n)| *n > 0)
        .map(|(href, id, n)| (href, chrome.t.count(id, "count", n as i64)))
        .collect()
    });
    Ok(render(&DashboardPage {
        waiting_for_you,
        away: summary.away,
        supervisor: summary.manages_team,
        notice: done.message_id().map(|id| chrome.t.get(id)),
        waiting: chrome
            .t
            .count("dashboard-waiting", "count", summary.waiting as i64),
        urgent: chrome
            .t
            .count("dashboard-urgent", "count", summary.urgent as i64),
        any_urgent: summary.urgent > 0,
        readable: summary.reads_inbox,
        chrome,
        role_label,
        sessions,
        checklist,
    }))
}

fn operations_failure(e: netreach_app::operations::OperationsError) -> crate::error::PageError {
    use netreach_app::operations::OperationsError;
    match e {
        OperationsError::Denied(denied) => denied.into(),
        OperationsError::Store(e) => e.into(),
        _ => crate::error::PageError::NotFound,
    }
}

/// The checklist's "I have the recovery key written down".
async fn confirm_recovery_key(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Response, crate::error::PageError> {
    netreach_app::operations::confirm_recovery_key(&state, &session.staff())
        .await
        .map_err(operations_failure)?;
    Ok(axum::response::IntoResponse::into_response(Redirect::to(
        "/staff/?done=recovery-key",
    )))
}
