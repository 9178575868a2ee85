//! The watch queue: matched posts, newest first, with the highlighted snippet, the source, the
//! forum handle and the link. A worker claims one, dismisses it with a reason, answers it through
//! the post composer, or turns it into a drug-alert report. Matches are deleted with their text
//! `watch.retention_days` after they were found.

use super::WatchError;
use super::reply::{language_of, suggest};
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::watch::MatchStatus;
use netreach_core::{AlertReportId, Lang, PostId, WatchMatchId, WatchSourceId};
use netreach_store::{StoreError, WatchMatchFilter, WatchMatchRecord};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What is sealed of a matched post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostContent {
    pub handle: String,
    pub title: String,
    pub text: String,
    pub snippet: String,
    /// Byte ranges of the snippet to highlight.
    pub marks: Vec<(usize, usize)>,
}

impl PostContent {
    /// The snippet cut into pieces, each marked or not, for the console to highlight.
    pub fn pieces(&self) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut at = 0;
        for &(start, end) in &self.marks {
            if start < at
                || end > self.snippet.len()
                || !self.snippet.is_char_boundary(start)
                || !self.snippet.is_char_boundary(end)
            {
                continue;
            }
            if start > at {
                out.push((false, &self.snippet[at..start]));
            }
            out.push((true, &self.snippet[start..end]));
            at = end;
        }
        out.push((false, &self.snippet[at..]));
        out
    }
}

const POST_KEY: &str = "watch-post";

fn aad(id: WatchMatchId) -> String {
    format!("watch-match:{id}")
}

pub(super) fn seal(state: &AppState, id: WatchMatchId, content: &PostContent) -> Vec<u8> {
    let json = serde_json::to_vec(content).unwrap_or_default();
    state.secret.wrap_key(POST_KEY).encrypt(&json, &aad(id))
}

fn open(state: &AppState, record: &WatchMatchRecord) -> Option<PostContent> {
    let bytes = state
        .secret
        .wrap_key(POST_KEY)
        .decrypt(&record.sealed, &aad(record.id))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A match as the queue shows it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub record: WatchMatchRecord,
    pub source_name: String,
    /// `None` when it cannot be opened (another server secret).
    pub content: Option<PostContent>,
    /// Markdown for the composer, when the post names substances to answer about.
    pub suggested_reply: Option<String>,
    pub lang: Lang,
}

/// Which page of the queue.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// `None`: what still waits (open and claimed).
    pub status: Option<MatchStatus>,
    pub source_id: Option<WatchSourceId>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// One page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub next_cursor: Option<String>,
}

fn cursor_of(record: &WatchMatchRecord) -> String {
    format!("{}_{}", record.found_at.unix_timestamp(), record.id)
}

fn parse_cursor(text: &str) -> Option<(OffsetDateTime, WatchMatchId)> {
    let (at, id) = text.split_once('_')?;
    Some((
        OffsetDateTime::from_unix_timestamp(at.parse().ok()?).ok()?,
        id.parse().ok()?,
    ))
}

async fn item(
    state: &AppState,
    record: WatchMatchRecord,
    names: &[(WatchSourceId, String, Option<Lang>)],
    alerts: &[netreach_store::AlertRecord],
) -> QueueItem {
    let content = open(state, &record);
    let source = names.iter().find(|(id, _, _)| *id == record.source_id);
    let text = content
        .as_ref()
        .map(|c| format!("{}\n{}", c.title, c.text))
        .unwrap_or_default();
    let lang = source
        .and_then(|(_, _, lang)| *lang)
        .unwrap_or_else(|| language_of(&text));
    QueueItem {
        suggested_reply: suggest(state, &record.signals, &text, lang, alerts),
        source_name: source.map(|(_, name, _)| name.clone()).unwrap_or_default(),
        content,
        lang,
        record,
    }
}

/// Sources by id with their name and their venue's language.
async fn source_names(
    state: &AppState,
) -> Result<Vec<(WatchSourceId, String, Option<Lang>)>, StoreError> {
    let venues = state.store.venues().await?;
    Ok(state
        .store
        .watch_sources()
        .await?
        .into_iter()
        .map(|s| {
            let lang = s
                .venue_id
                .and_then(|v| venues.iter().find(|x| x.id == v))
                .map(|v| v.lang);
            (s.id, s.name, lang)
        })
        .collect())
}

async fn alerts_in_force(state: &AppState) -> Vec<netreach_store::AlertRecord> {
    match crate::alerts::published(state).await {
        Ok(alerts) => alerts
            .into_iter()
            .filter(|a| crate::alerts::is_active(state, a))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "alerts for suggested replies unavailable");
            Vec::new()
        }
    }
}

/// A page of the queue, newest first.
pub async fn queue(
    state: &AppState,
    staff: &Staff,
    query: QueueQuery,
) -> Result<QueuePage, WatchError> {
    staff.may(Action::ReadWatchQueue)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let before = match query.cursor.as_deref() {
        Some(c) if !c.is_empty() => Some(parse_cursor(c).ok_or(WatchError::Invalid("cursor"))?),
        _ => None,
    };
    let statuses = match query.status {
        Some(s) => vec![s],
        None => vec![MatchStatus::Open, MatchStatus::Claimed],
    };
    let mut records = state
        .store
        .watch_matches(&WatchMatchFilter {
            statuses,
            source_id: query.source_id,
            before,
            limit: limit + 1,
        })
        .await?;
    let next_cursor = if records.len() > limit as usize {
        records.truncate(limit as usize);
        records.last().map(cursor_of)
    } else {
        None
    };
    let names = source_names(state).await?;
    let alerts = alerts_in_force(state).await;
    let mut items = Vec::with_capacity(records.len());
    for record in records {
        items.push(item(state, record, &names, &alerts).await);
    }
    Ok(QueuePage { items, next_cursor })
}

/// One match.
pub async fn watch_match(
    state: &AppState,
    staff: &Staff,
    id: WatchMatchId,
) -> Result<QueueItem, WatchError> {
    staff.may(Action::ReadWatchQueue)?;
    let record = state
        .store
        .watch_match(id)
        .await?
        .ok_or(WatchError::NotFound)?;
    let names = source_names(state).await?;
    let alerts = alerts_in_force(state).await;
    Ok(item(state, record, &names, &alerts).await)
}

async fn move_to(
    state: &AppState,
    staff: &Staff,
    id: WatchMatchId,
    to: MatchStatus,
    reason: &str,
) -> Result<(), WatchError> {
    let from: &[MatchStatus] = match to {
        MatchStatus::Claimed => &[MatchStatus::Open],
        _ => &[MatchStatus::Open, MatchStatus::Claimed],
    };
    let moved = state
        .store
        .set_watch_match_status(id, from, to, Some(staff.user.id), reason, state.clock.now())
        .await?;
    if moved {
        tracing::info!(match_id = %id, status = %to, user_id = %staff.user.id, "watch match moved");
        return Ok(());
    }
    match state.store.watch_match(id).await? {
        None => Err(WatchError::NotFound),
        Some(_) => Err(WatchError::Conflict),
    }
}

/// Takes a match so that others see someone is on it.
pub async fn claim(state: &AppState, staff: &Staff, id: WatchMatchId) -> Result<(), WatchError> {
    staff.may(Action::WorkWatchQueue)?;
    move_to(state, staff, id, MatchStatus::Claimed, "").await
}

/// Takes a match out of the queue, saying why (kept with it until it is deleted).
pub async fn dismiss(
    state: &AppState,
    staff: &Staff,
    id: WatchMatchId,
    reason: &str,
) -> Result<(), WatchError> {
    staff.may(Action::WorkWatchQueue)?;
    let reason = crate::input::bounded(reason, 200, false).ok_or(WatchError::Invalid("reason"))?;
    move_to(state, staff, id, MatchStatus::Dismissed, &reason).await
}

/// Starts an answer: a post draft holding the suggested reply (or a quote of the snippet) for
/// the composer, where approval and the publication log work as for any post. The match is
/// marked answered.
pub async fn answer(
    state: &AppState,
    staff: &Staff,
    id: WatchMatchId,
) -> Result<PostId, WatchError> {
    staff.may(Action::WorkWatchQueue)?;
    staff.may(Action::WritePost)?;
    let item = watch_match(state, staff, id).await?;
    if !item.record.status.is_pending() {
        return Err(WatchError::Conflict);
    }
    let t = netreach_i18n::Tr::new(&state.i18n, item.lang);
    let snippet = item
        .content
        .as_ref()
        .map(|c| c.snippet.clone())
        .unwrap_or_default();
    let body = match &item.suggested_reply {
        Some(reply) => reply.clone(),
        None => format!("> {}\n\n", snippet.replace('\n', " ")),
    };
    let title = t.with("watch-answer-title", "source", &item.source_name);
    let title: String = title.chars().take(200).collect();
    let post = crate::publishing::create_post(state, staff, &title, &body).await?;
    move_to(state, staff, id, MatchStatus::Answered, "").await?;
    Ok(post)
}

/// Turns a match into a drug-alert report in one step: what was sold is the substances the post
/// names, what happened is its snippet and link; verification goes on as for any report.
pub async fn report(
    state: &AppState,
    staff: &Staff,
    id: WatchMatchId,
    region: &str,
) -> Result<AlertReportId, WatchError> {
    staff.may(Action::WorkWatchQueue)?;
    let item = watch_match(state, staff, id).await?;
    if !item.record.status.is_pending() {
        return Err(WatchError::Conflict);
    }
    let pack = state.content.pack();
    let sold_as: Vec<String> = item
        .record
        .signals
        .iter()
        .filter_map(|s| s.strip_prefix(super::lexicon::SUBSTANCE))
        .map(|slug| {
            pack.substance(slug)
                .map_or_else(|| slug.to_owned(), |s| s.name(item.lang).to_owned())
        })
        .collect();
    let sold_as = if sold_as.is_empty() {
        "?".to_owned()
    } else {
        sold_as.join(", ")
    };
    let snippet = item.content.map(|c| c.snippet).unwrap_or_default();
    let what_happened: String = format!("{snippet}\n\n{}", item.record.url)
        .chars()
        .take(2000)
        .collect();
    let report_id = crate::alerts::report(
        state,
        crate::alerts::ReportInput {
            sold_as: sold_as.chars().take(100).collect(),
            appearance: String::new(),
            region: region.to_owned(),
            what_happened,
            test_result: None,
        },
    )
    .await?;
    move_to(state, staff, id, MatchStatus::Reported, "").await?;
    Ok(report_id)
}

/// The housekeeping step: deletes matches (with their text) past the retention period.
pub async fn purge(state: &AppState) -> Result<u64, StoreError> {
    state
        .store
        .purge_watch_matches(super::fetcher::retention_cutoff(state))
        .await
}
