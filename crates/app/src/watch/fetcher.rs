//! Fetching sources and processing what they serve: the job's single step ([`fetch_due`]), a
//! fetch on demand ([`fetch_now`]), a worker's pasted or uploaded page ([`paste`], [`upload`]) and a
//! supervisor's dry run ([`test_source`]). Each source is leased in the database while it is
//! fetched, so only one node fetches it at a time; failures back off exponentially.

use super::lexicon::{Signals, matcher};
use super::queue::{PostContent, seal};
use super::{WatchError, cookie, selectors_of};
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_channels::watch::extract::{self, ForumPost};
use netreach_channels::watch::fetch::{self, Fetched, Limits, Validators};
use netreach_channels::watch::{Matcher, Scratch, Selectors, snippet};
use netreach_core::watch::{MatchStatus, SourceKind, retry_after};
use netreach_core::{WatchMatchId, WatchSourceId};
use netreach_store::{StoreError, WatchFetchOutcome, WatchMatchRecord, WatchSourceRecord};
use std::time::Duration as StdDuration;
use time::{Duration, OffsetDateTime};

/// Characters of a snippet.
pub const SNIPPET_CHARS: usize = 240;

/// What one fetch or paste did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    /// Posts read from the page or feed.
    pub posts: usize,
    /// Posts that matched and were new to the queue.
    pub new_matches: usize,
    /// The forum said nothing changed (304).
    pub not_modified: bool,
}

fn limits(state: &AppState) -> Limits {
    let s = &state.settings.watch;
    Limits {
        max_bytes: s.max_page_bytes,
        timeout: StdDuration::from_secs(u64::from(s.fetch_timeout_seconds.max(1))),
        max_redirects: s.max_redirects as usize,
    }
}

/// How long a lease lasts: longer than any fetch may take.
fn lease(state: &AppState) -> Duration {
    Duration::seconds(i64::from(state.settings.watch.fetch_timeout_seconds) * 2 + 60)
}

fn extract_posts(
    source_kind: SourceKind,
    body: &str,
    base: &str,
    selectors: Option<&Selectors>,
) -> Result<Vec<ForumPost>, WatchError> {
    match (source_kind, selectors) {
        (SourceKind::Feed, _) => Ok(extract::feed(body, base)?),
        (_, Some(selectors)) => Ok(extract::html(body, base, selectors)?),
        (_, None) => Err(WatchError::Invalid("selectors")),
    }
}

/// Matches posts and queues the new ones that matched.
async fn process(
    state: &AppState,
    source: &WatchSourceRecord,
    posts: Vec<ForumPost>,
    matcher: &Matcher,
) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let oldest = now - Duration::days(i64::from(state.settings.watch.retention_days));
    let mut new = 0;
    let mut scratch = Scratch::new();
    for post in posts {
        // A post older than the retention period would only be deleted again.
        if post.posted_at.is_some_and(|t| t < oldest) {
            continue;
        }
        let whole = if post.title.is_empty() {
            post.text.clone()
        } else {
            format!("{}\n{}", post.title, post.text)
        };
        let hits = matcher.find_with(&whole, &mut scratch);
        let signals = Signals::of(&hits);
        if !signals.worth_queueing(&whole) {
            continue;
        }
        let (snip, marks) = snippet(&whole, &hits, SNIPPET_CHARS);
        let id = WatchMatchId::new_random();
        let content = PostContent {
            handle: post.handle,
            title: post.title,
            text: post.text,
            snippet: snip,
            marks,
        };
        let record = WatchMatchRecord {
            id,
            source_id: source.id,
            entry_key: post.key.chars().take(500).collect(),
            url: post.url.chars().take(1000).collect(),
            sealed: seal(state, id, &content),
            signals: signals.names(),
            status: MatchStatus::Open,
            claimed_by: None,
            dismiss_reason: String::new(),
            posted_at: post.posted_at,
            found_at: now,
            updated_at: now,
        };
        if state.store.insert_watch_match(&record).await? {
            new += 1;
        }
    }
    Ok(new)
}

/// Fetches a leased source and records the outcome (releasing the lease).
async fn run(state: &AppState, source: WatchSourceRecord) -> Result<FetchReport, WatchError> {
    let interval = Duration::seconds(source.interval_seconds);
    let result = fetch_and_process(state, &source).await;
    let now = state.clock.now();
    let outcome = match &result {
        Ok((report, validators)) => {
            tracing::info!(source_id = %source.id, posts = report.posts,
                new_matches = report.new_matches, "watch source fetched");
            match validators {
                Some(v) => WatchFetchOutcome::Success {
                    etag: v.etag.clone(),
                    last_modified: v.last_modified.clone(),
                    next_fetch_at: now + interval,
                },
                None => WatchFetchOutcome::NotModified {
                    next_fetch_at: now + interval,
                },
            }
        }
        Err(e) => {
            let failures = u32::try_from(source.failures + 1).unwrap_or(u32::MAX);
            tracing::warn!(source_id = %source.id, error = %e, "watch source fetch failed");
            WatchFetchOutcome::Failed {
                error: e.to_string().chars().take(300).collect(),
                next_fetch_at: now + retry_after(interval, failures),
            }
        }
    };
    state
        .store
        .finish_watch_fetch(source.id, outcome, now)
        .await?;
    result.map(|(report, _)| report)
}

async fn fetch_and_process(
    state: &AppState,
    source: &WatchSourceRecord,
) -> Result<(FetchReport, Option<Validators>), WatchError> {
    let validators = Validators {
        etag: source.etag.clone(),
        last_modified: source.last_modified.clone(),
    };
    let cookie = cookie(state, source.id).await?;
    let settings = &state.settings.watch;
    let fetched = fetch::fetch(
        &source.url,
        &validators,
        cookie.as_ref(),
        &limits(state),
        settings.socks5_proxy.as_deref(),
        settings.proxy_everything,
    )
    .await?;
    let (text, validators) = match fetched {
        Fetched::NotModified => {
            return Ok((
                FetchReport {
                    not_modified: true,
                    ..FetchReport::default()
                },
                None,
            ));
        }
        Fetched::Body { text, validators } => (text, validators),
    };
    let posts = extract_posts(
        source.kind,
        &text,
        &source.url,
        selectors_of(source).as_ref(),
    )?;
    let count = posts.len();
    let matcher = matcher(state).await?;
    let new_matches = process(state, source, posts, &matcher).await?;
    Ok((
        FetchReport {
            posts: count,
            new_matches,
            not_modified: false,
        },
        Some(validators),
    ))
}

/// The job's single step: fetches every source that is due (a few at a time), each under a
/// lease. Returns how many sources were fetched.
pub async fn fetch_due(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let due = state
        .store
        .claim_due_watch_sources(now, now + lease(state), 4)
        .await?;
    let count = due.len();
    for source in due {
        // A failed fetch is recorded on the source; the run goes on with the next.
        if let Err(WatchError::Store(e)) = run(state, source).await {
            return Err(e);
        }
    }
    Ok(count)
}

/// Fetches one source now, whatever its schedule. `Busy` when another node holds its lease.
pub async fn fetch_now(
    state: &AppState,
    staff: &Staff,
    id: WatchSourceId,
) -> Result<FetchReport, WatchError> {
    staff.may(Action::WorkWatchQueue)?;
    let existing = state
        .store
        .watch_source(id)
        .await?
        .ok_or(WatchError::NotFound)?;
    if existing.kind == SourceKind::Paste {
        return Err(WatchError::Invalid("kind"));
    }
    let now = state.clock.now();
    let source = state
        .store
        .claim_watch_source(id, now, now + lease(state))
        .await?
        .ok_or(WatchError::Busy)?;
    run(state, source).await
}

/// A page or thread a worker saved from a forum that cannot be fetched (captcha, login wall).
#[derive(Debug, Clone, Default)]
pub struct PastedPage {
    /// The saved HTML (read with the source's selectors) or the thread's plain text.
    pub content: String,
    /// The thread's address, for the link in the queue.
    pub url: String,
}

/// Processes a pasted page as if it had been fetched for `source`: HTML with the source's
/// selectors when it has them, else the whole text as one post.
pub async fn paste(
    state: &AppState,
    staff: &Staff,
    id: WatchSourceId,
    page: PastedPage,
) -> Result<FetchReport, WatchError> {
    staff.may(Action::WorkWatchQueue)?;
    if page.content.len() > state.settings.watch.max_page_bytes {
        return Err(WatchError::Invalid("content"));
    }
    saved(state, id, page).await
}

/// A saved page uploaded as a file (from the browser's "Save page as", or a text file).
#[derive(Debug, Clone, Default)]
pub struct UploadedPage {
    /// The file's name as the browser sent it: only its extension is looked at.
    pub file_name: String,
    /// The type the browser declared for it (`text/html`, `text/plain`, ...), if any.
    pub content_type: String,
    /// The file; a caller need read no more than `watch.max_upload_bytes` and one byte.
    pub bytes: Vec<u8>,
    /// The thread's address, for the link in the queue.
    pub url: String,
}

/// The text of an uploaded file when it is a saved HTML page or a text file: declared as
/// such (or as nothing in particular, with an .html, .htm, .xhtml or .txt name), with no NUL
/// byte, in the encoding the page declares (a browser saves a windows-1251 forum page with its
/// `<meta charset>`), or else in valid UTF-8.
fn uploaded_text(page: UploadedPage) -> Result<String, WatchError> {
    let declared = page
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let extension = page
        .file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let typed = match declared.as_str() {
        "text/html" | "application/xhtml+xml" | "text/plain" => true,
        "" | "application/octet-stream" => {
            matches!(extension.as_str(), "html" | "htm" | "xhtml" | "txt")
        }
        _ => false,
    };
    let read = netreach_channels::watch::charset::decode(&page.bytes, Some(&page.content_type));
    if typed && (read.declared || !read.malformed) && !read.text.contains('\0') {
        Ok(read.text)
    } else {
        Err(WatchError::UploadType)
    }
}

/// Processes an uploaded saved page exactly as [`paste`] processes a pasted one, within
/// `watch.max_upload_bytes`.
pub async fn upload(
    state: &AppState,
    staff: &Staff,
    id: WatchSourceId,
    page: UploadedPage,
) -> Result<FetchReport, WatchError> {
    staff.may(Action::WorkWatchQueue)?;
    if page.bytes.len() > state.settings.watch.max_upload_bytes {
        return Err(WatchError::UploadTooLarge);
    }
    let url = page.url.clone();
    let content = uploaded_text(page)?;
    saved(state, id, PastedPage { content, url }).await
}

/// A pasted or uploaded page, processed as if it had been fetched for the source.
async fn saved(
    state: &AppState,
    id: WatchSourceId,
    page: PastedPage,
) -> Result<FetchReport, WatchError> {
    let source = state
        .store
        .watch_source(id)
        .await?
        .ok_or(WatchError::NotFound)?;
    if page.content.trim().is_empty() {
        return Err(WatchError::Invalid("content"));
    }
    let url = match page.url.trim() {
        "" => source.url.clone(),
        url => fetch::parse_url(url)
            .map_err(|_| WatchError::Invalid("url"))?
            .to_string(),
    };
    let looks_like_html = page.content.trim_start().starts_with('<');
    let posts = match selectors_of(&source) {
        Some(selectors) if looks_like_html => extract::html(&page.content, &url, &selectors)?,
        _ if source.kind == SourceKind::Feed && looks_like_html => {
            extract::feed(&page.content, &url)?
        }
        _ => {
            let text = if looks_like_html {
                extract::html_text(&page.content)
            } else {
                page.content
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            vec![ForumPost {
                key: format!("paste:{}:{}", url, state.clock.now().unix_timestamp()),
                url: url.clone(),
                handle: String::new(),
                title: String::new(),
                text: text.chars().take(extract::MAX_POST_CHARS).collect(),
                posted_at: None,
            }]
        }
    };
    let count = posts.len();
    let matcher = matcher(state).await?;
    let new_matches = process(state, &source, posts, &matcher).await?;
    tracing::info!(source_id = %id, posts = count, new_matches, "saved page processed by forum watch");
    Ok(FetchReport {
        posts: count,
        new_matches,
        not_modified: false,
    })
}

/// A post as "test this source" shows it.
#[derive(Debug, Clone)]
pub struct Preview {
    pub post: ForumPost,
    pub signals: Vec<String>,
    pub queued: bool,
}

/// Fetches a source as described (saved or not) and shows what would be extracted and what
/// would match, storing nothing.
pub async fn test_source(
    state: &AppState,
    staff: &Staff,
    input: super::SourceInput,
) -> Result<Vec<Preview>, WatchError> {
    staff.may(Action::ManageWatch)?;
    let record =
        super::source_record(state, WatchSourceId::new_random(), input, state.clock.now())?;
    let settings = &state.settings.watch;
    let fetched = fetch::fetch(
        &record.url,
        &Validators::default(),
        None,
        &limits(state),
        settings.socks5_proxy.as_deref(),
        settings.proxy_everything,
    )
    .await?;
    let Fetched::Body { text, .. } = fetched else {
        return Ok(Vec::new());
    };
    let posts = extract_posts(
        record.kind,
        &text,
        &record.url,
        selectors_of(&record).as_ref(),
    )?;
    let matcher = matcher(state).await?;
    Ok(posts
        .into_iter()
        .take(50)
        .map(|post| {
            let whole = format!("{}\n{}", post.title, post.text);
            let signals = Signals::of(&matcher.find(&whole));
            Preview {
                queued: signals.worth_queueing(&whole),
                signals: signals.names(),
                post,
            }
        })
        .collect())
}

/// When the queue's oldest kept post was found, for the retention purge.
pub(super) fn retention_cutoff(state: &AppState) -> OffsetDateTime {
    state.clock.now() - Duration::days(i64::from(state.settings.watch.retention_days))
}
