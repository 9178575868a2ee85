//! The team's shared settings as a service: working hours and the away switch, and the canned
//! replies workers pick from while answering.
//!
//! Hours and canned replies are the supervisors' ([`Action::ManageTeam`]); the away switch is for
//! anyone on duty ([`Action::SetAway`]). Each call asks the policy before anything else.

use crate::availability::{self, ScheduleError};
use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_core::availability::Schedule;
use netreach_core::{CannedId, Lang, Status};
use netreach_store::{CannedReply, StoreError};

/// The time zone the schedule form offers before any is saved.
const DEFAULT_TIMEZONE: &str = "Europe/Moscow";
/// The longest canned reply title, in characters.
const CANNED_TITLE_MAX: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error("a canned reply needs a title of at most 100 characters")]
    CannedTitle,
    #[error("a canned reply needs a body no longer than a message")]
    CannedBody,
    #[error("a canned reply needs a language")]
    CannedLang,
    #[error("a macro's tags are short labels separated by spaces")]
    CannedTags,
    #[error("a macro can set only a status staff can set by hand")]
    CannedStatus,
    #[error("no such canned reply")]
    NoSuchReply,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TeamError {
    /// The Fluent id that tells the person what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            TeamError::Schedule(e) => e.message_id(),
            TeamError::CannedTitle => "error-canned-title",
            TeamError::CannedBody => "error-canned-body",
            TeamError::CannedLang => "error-canned-lang",
            TeamError::CannedTags => "error-macro-tags",
            TeamError::CannedStatus => "error-body-400",
            TeamError::NoSuchReply => "error-body-404",
            TeamError::Denied(Denied::NoInboxKey) => "error-no-inbox-access",
            TeamError::Denied(_) => "error-body-403",
            TeamError::Store(_) => "error-body-500",
        }
    }
}

/// The working hours as the console's form shows them: one `HH:MM-HH:MM` text per weekday
/// (Monday first, empty when closed) and one holiday date per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleForm {
    pub timezone: String,
    pub days: [String; 7],
    pub holidays: String,
    pub away: bool,
}

/// The saved working hours, or an empty form in the default time zone.
pub async fn schedule(state: &AppState, staff: &Staff) -> Result<ScheduleForm, TeamError> {
    staff.may(Action::ManageTeam)?;
    Ok(match state.store.availability().await? {
        Some(record) => {
            let days = Schedule::days_from_text(&record.hours).unwrap_or_default();
            ScheduleForm {
                timezone: record.timezone,
                days: days.map(|d| d.map(|h| h.to_string()).unwrap_or_default()),
                holidays: record.holidays.replace(' ', "\n"),
                away: record.away,
            }
        }
        None => ScheduleForm {
            timezone: DEFAULT_TIMEZONE.into(),
            days: Default::default(),
            holidays: String::new(),
            away: false,
        },
    })
}

/// Saves the working hours as typed, once they check out.
pub async fn save_schedule(
    state: &AppState,
    staff: &Staff,
    form: &ScheduleForm,
) -> Result<(), TeamError> {
    staff.may(Action::ManageTeam)?;
    let record = availability::validate(
        &form.timezone,
        &form.days,
        &form.holidays,
        form.away,
        state.clock.now(),
    )?;
    state.store.put_availability(record).await?;
    tracing::info!(user_id = %staff.user.id, "working hours saved");
    crate::audit::record(
        state,
        &staff.user,
        netreach_core::AuditAction::SettingsChanged,
        "working-hours",
    )
    .await;
    Ok(())
}

/// The manual away switch, for any staff member on duty.
pub async fn set_away(state: &AppState, staff: &Staff, away: bool) -> Result<(), TeamError> {
    staff.may(Action::SetAway)?;
    let now = state.clock.now();
    if !state.store.set_away(away, now).await? {
        // No schedule yet: store one with no hours, only the switch.
        let record = availability::validate("UTC", &Default::default(), "", away, now)?;
        state.store.put_availability(record).await?;
    }
    tracing::info!(user_id = %staff.user.id, away, "away switch changed");
    Ok(())
}

/// The canned replies page: every reply, and the one being edited, if any.
#[derive(Debug, Clone)]
pub struct CannedReplies {
    pub replies: Vec<CannedReply>,
    pub editing: Option<CannedReply>,
}

/// Every canned reply, with the one `editing` names (`NoSuchReply` if it does not exist).
pub async fn canned_replies(
    state: &AppState,
    staff: &Staff,
    editing: Option<CannedId>,
) -> Result<CannedReplies, TeamError> {
    staff.may(Action::ManageTeam)?;
    let editing = match editing {
        Some(id) => Some(
            state
                .store
                .canned_reply(id)
                .await?
                .ok_or(TeamError::NoSuchReply)?,
        ),
        None => None,
    };
    Ok(CannedReplies {
        replies: state.store.canned_replies(None).await?,
        editing,
    })
}

/// A canned reply as typed into the console.
#[derive(Debug, Clone, Copy)]
pub struct CannedDraft<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub lang: &'a str,
    /// Tags a macro adds, separated by spaces or commas (empty: none).
    pub tags: &'a str,
    /// The status a macro sets (empty: none).
    pub status: &'a str,
}

/// Most tags one macro adds.
const MACRO_TAGS_MAX: usize = 5;

/// Saves a new canned reply (`id` is `None`) or replaces an existing one; returns its id.
pub async fn save_canned_reply(
    state: &AppState,
    staff: &Staff,
    id: Option<CannedId>,
    draft: CannedDraft<'_>,
) -> Result<CannedId, TeamError> {
    staff.may(Action::ManageTeam)?;
    // Replacing a reply that is gone is a 404 even when the form is wrong too.
    if let Some(id) = id
        && state.store.canned_reply(id).await?.is_none()
    {
        return Err(TeamError::NoSuchReply);
    }
    let reply = checked_reply(
        id.unwrap_or_else(CannedId::new_random),
        draft,
        state.settings.conversations.max_message_chars,
        state.clock.now(),
    )?;
    let id = reply.id;
    state.store.put_canned_reply(reply).await?;
    Ok(id)
}

/// The reply to store, or what is wrong with the draft (title first, then body, then language).
fn checked_reply(
    id: CannedId,
    draft: CannedDraft<'_>,
    max_body_chars: usize,
    now: time::OffsetDateTime,
) -> Result<CannedReply, TeamError> {
    let title = draft.title.trim();
    let body = draft.body.trim();
    if title.is_empty() || title.chars().count() > CANNED_TITLE_MAX {
        return Err(TeamError::CannedTitle);
    }
    if body.is_empty() || body.chars().count() > max_body_chars {
        return Err(TeamError::CannedBody);
    }
    let lang = Lang::parse(draft.lang).ok_or(TeamError::CannedLang)?;
    let mut tags: Vec<String> = Vec::new();
    for typed in draft
        .tags
        .split([' ', ','])
        .filter(|t| !t.trim().is_empty())
    {
        let tag = crate::inbox::tag(typed).ok_or(TeamError::CannedTags)?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MACRO_TAGS_MAX {
        return Err(TeamError::CannedTags);
    }
    let status = match draft.status.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<Status>()
                .ok()
                .filter(|s| s.settable_by_staff())
                .ok_or(TeamError::CannedStatus)?,
        ),
    };
    Ok(CannedReply {
        id,
        lang,
        title: title.to_owned(),
        body: body.to_owned(),
        updated_at: now,
        tags,
        status,
    })
}

/// Deletes a canned reply.
pub async fn delete_canned_reply(
    state: &AppState,
    staff: &Staff,
    id: CannedId,
) -> Result<(), TeamError> {
    staff.may(Action::ManageTeam)?;
    if !state.store.delete_canned_reply(id).await? {
        return Err(TeamError::NoSuchReply);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>(title: &'a str, body: &'a str, lang: &'a str) -> CannedDraft<'a> {
        CannedDraft {
            title,
            body,
            lang,
            tags: "",
            status: "",
        }
    }

    fn check(d: CannedDraft<'_>) -> Result<CannedReply, TeamError> {
        checked_reply(
            CannedId::new_random(),
            d,
            20,
            time::OffsetDateTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn a_canned_reply_is_stored_trimmed() {
        let reply = check(draft("  Hello ", " Hi there \n", "ru")).unwrap();
        assert_eq!(reply.title, "Hello");
        assert_eq!(reply.body, "Hi there");
        assert_eq!(reply.lang, Lang::Ru);
    }

    #[test]
    fn a_macro_keeps_distinct_tags_and_a_status_staff_can_set() {
        let reply = check(CannedDraft {
            tags: "Naloxone, сдано naloxone",
            status: "solved",
            ..draft("t", "b", "en")
        })
        .unwrap();
        assert_eq!(reply.tags, ["naloxone", "сдано"]);
        assert_eq!(reply.status, Some(Status::Solved));
        assert!(matches!(
            check(CannedDraft {
                tags: "lives-at-5-main-st.",
                ..draft("t", "b", "en")
            }),
            Err(TeamError::CannedTags)
        ));
        assert!(matches!(
            check(CannedDraft {
                tags: "a b c d e f",
                ..draft("t", "b", "en")
            }),
            Err(TeamError::CannedTags)
        ));
        assert!(matches!(
            check(CannedDraft {
                status: "new",
                ..draft("t", "b", "en")
            }),
            Err(TeamError::CannedStatus)
        ));
    }

    #[test]
    fn a_canned_reply_is_refused_for_its_title_first_then_body_then_language() {
        assert!(matches!(
            check(draft(" ", "", "xx")),
            Err(TeamError::CannedTitle)
        ));
        assert!(matches!(
            check(draft(&"t".repeat(101), "b", "en")),
            Err(TeamError::CannedTitle)
        ));
        assert!(matches!(
            check(draft("t", "", "xx")),
            Err(TeamError::CannedBody)
        ));
        assert!(matches!(
            check(draft("t", &"b".repeat(21), "en")),
            Err(TeamError::CannedBody)
        ));
        assert!(matches!(
            check(draft("t", "b", "xx")),
            Err(TeamError::CannedLang)
        ));
    }
}
