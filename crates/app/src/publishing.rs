//! Outreach publishing as a service: the venue register, posts written once in Markdown (every
//! save a version, a second staff member approves a version), per-venue previews with character
//! counts, the publication log, and sending to Telegram channels through the Bot API from a queue
//! in the database (rate-limited per chat, retried with backoff, failures kept in the log).
//! Published alerts are queued for every Telegram venue that takes alerts.

mod sender;
pub use sender::{SendReport, queue_alert, send_due};

use crate::audit;
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_channels::telegram;
use netreach_channels::{Markup, render, visible_length};
use netreach_core::AuditAction;
use netreach_core::publishing::{ApprovalRefused, CurrentVersion, PublishRefused, may_publish};
use netreach_core::{
    Lang, Permission, PostId, PublicationId, PublicationStatus, VenueId, VenueKind,
};
use netreach_store::{
    Guarded, PostRecord, PostVersionRecord, PublicationFilter, PublicationRecord, StoreError,
    VenueRecord,
};
use secrecy::SecretString;
use time::OffsetDateTime;

/// Telegram's limit for one text message.
pub const TELEGRAM_LIMIT: i64 = 4096;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("a field is empty, too long or not one of the allowed values: {0}")]
    Invalid(&'static str),
    #[error("no such venue, post or publication")]
    NotFound,
    #[error("the post changed since it was opened")]
    Conflict,
    #[error("this venue needs a second staff member's approval of the current version")]
    ApprovalRequired,
    #[error("the last editor of a version cannot approve it")]
    OwnVersion,
    #[error("the version is already approved or is not the current one")]
    AlreadyApproved,
    #[error("the organisation has no granted permission to post there")]
    PermissionNotGranted,
    #[error("the text is {length} characters; the venue allows {limit}")]
    TooLong { length: usize, limit: i64 },
    #[error("this venue cannot send by itself (no Telegram chat or bot token)")]
    NoSender,
    #[error("only a supervisor can do this")]
    Forbidden,
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PublishError {
    pub fn message_id(&self) -> &'static str {
        match self {
            PublishError::Invalid(field) => match *field {
                "address" => "error-venue-address",
                "telegram_chat" => "error-venue-chat",
                "char_limit" => "error-venue-limit",
                "permission_at" => "error-venue-date",
                "bot_token" => "error-venue-token",
                "title" | "markdown" | "version" => "error-post-invalid",
                "url" => "error-publish-url",
                "send_at" => "error-publish-send-at",
                "status" | "followup" => "error-log-invalid",
                _ => "error-venue-invalid",
            },
            PublishError::NotFound => "error-body-404",
            PublishError::Conflict => "error-post-conflict",
            PublishError::ApprovalRequired => "error-post-approval-required",
            PublishError::OwnVersion => "error-post-own-version",
            PublishError::AlreadyApproved => "error-post-already-approved",
            PublishError::PermissionNotGranted => "error-venue-permission",
            PublishError::TooLong { .. } => "error-post-too-long",
            PublishError::NoSender => "error-venue-no-sender",
            PublishError::Forbidden => "error-body-403",
            PublishError::Denied(crate::policy::Denied::NoInboxKey) => "error-no-inbox-access",
            PublishError::Denied(_) => "error-body-403",
            PublishError::Store(_) => "error-body-500",
        }
    }
}

fn text(
    value: &str,
    max: usize,
    name: &'static str,
    required: bool,
) -> Result<String, PublishError> {
    crate::input::bounded(value, max, required).ok_or(PublishError::Invalid(name))
}

/// An http or https address (onion addresses too) without whitespace.
fn web_url(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !value.chars().any(char::is_whitespace)
}

/// A venue as staff describe it (the words typed or chosen; [`create_venue`] parses them).
#[derive(Debug, Clone, Default)]
pub struct VenueInput {
    pub name: String,
    pub kind: String,
    pub address: String,
    pub lang: String,
    pub markup: String,
    pub rules: String,
    pub permission: String,
    pub permission_at: Option<OffsetDateTime>,
    pub permission_contact: String,
    pub notes: String,
    pub needs_approval: bool,
    pub char_limit: Option<i64>,
    pub telegram_chat: Option<String>,
    pub push_alerts: bool,
}

fn venue_record(
    id: VenueId,
    input: VenueInput,
    created_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<VenueRecord, PublishError> {
    let name = text(&input.name, 100, "name", true)?;
    let kind: VenueKind = input
        .kind
        .parse()
        .map_err(|_| PublishError::Invalid("kind"))?;
    let address = text(&input.address, 300, "address", true)?;
    if !web_url(&address) {
        return Err(PublishError::Invalid("address"));
    }
    let lang = Lang::parse(&input.lang).ok_or(PublishError::Invalid("lang"))?;
    let markup = Markup::parse(&input.markup).ok_or(PublishError::Invalid("markup"))?;
    let permission: Permission = input
        .permission
        .parse()
        .map_err(|_| PublishError::Invalid("permission"))?;
    let telegram_chat = match input.telegram_chat.as_deref().map(str::trim) {
        Some(chat) if !chat.is_empty() => {
            if !kind.is_telegram() || !telegram::valid_chat(chat) {
                return Err(PublishError::Invalid("telegram_chat"));
            }
            Some(chat.to_owned())
        }
        _ => None,
    };
    let char_limit = match input.char_limit {
        Some(limit) if !(1..=100_000).contains(&limit) => {
            return Err(PublishError::Invalid("char_limit"));
        }
        Some(limit) => Some(limit),
        None if kind.is_telegram() => Some(TELEGRAM_LIMIT),
        None => None,
    };
    let push_alerts = input.push_alerts && kind.is_telegram();
    Ok(VenueRecord {
        id,
        name,
        kind,
        address,
        lang,
        markup: markup.as_str().to_owned(),
        rules: text(&input.rules, 4000, "rules", false)?,
        permission,
        permission_at: input.permission_at,
        permission_contact: text(&input.permission_contact, 300, "permission_contact", false)?,
        notes: text(&input.notes, 4000, "notes", false)?,
        needs_approval: input.needs_approval,
        char_limit,
        telegram_chat,
        has_bot_token: false,
        push_alerts,
        last_sent_at: None,
        created_at,
        updated_at: now,
    })
}

pub async fn create_venue(
    state: &AppState,
    staff: &Staff,
    input: VenueInput,
) -> Result<VenueId, PublishError> {
    staff.may(Action::ManageVenues)?;
    let now = state.clock.now();
    let id = VenueId::new_random();
    state
        .store
        .create_venue(venue_record(id, input, now, now)?)
        .await?;
    tracing::info!(venue_id = %id, "venue registered");
    audit::record(state, &staff.user, AuditAction::SettingsChanged, id).await;
    Ok(id)
}

pub async fn update_venue(
    state: &AppState,
    staff: &Staff,
    id: VenueId,
    input: VenueInput,
) -> Result<(), PublishError> {
    staff.may(Action::ManageVenues)?;
    let old = state.store.venue(id).await?.ok_or(PublishError::NotFound)?;
    let record = venue_record(id, input, old.created_at, state.clock.now())?;
    state.store.update_venue(record).await?;
    audit::record(state, &staff.user, AuditAction::SettingsChanged, id).await;
    Ok(())
}

pub async fn venue(
    state: &AppState,
    staff: &Staff,
    id: VenueId,
) -> Result<VenueRecord, PublishError> {
    staff.may(Action::ListVenues)?;
    state.store.venue(id).await?.ok_or(PublishError::NotFound)
}

/// The venue register.
pub async fn venues(state: &AppState, staff: &Staff) -> Result<Vec<VenueRecord>, PublishError> {
    staff.may(Action::ListVenues)?;
    Ok(state.store.venues().await?)
}

/// Every post with its versions, newest first as the store keeps them.
pub async fn posts(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<(PostRecord, Vec<PostVersionRecord>)>, PublishError> {
    staff.may(Action::WritePost)?;
    let mut posts = Vec::new();
    for post in state.store.posts().await? {
        let versions = state.store.post_versions(post.id).await?;
        posts.push((post, versions));
    }
    Ok(posts)
}

fn token_aad(venue_id: VenueId) -> String {
    format!("venue-bot-token:{venue_id}")
}

/// Stores a venue's bot token encrypted (never shown again), or removes it with an empty one.
/// A secret: supervisors only.
pub async fn set_bot_token(
    state: &AppState,
    staff: &Staff,
    id: VenueId,
    token: &str,
) -> Result<(), PublishError> {
    staff.may(Action::ManageVenues)?;
    let venue = venue(state, staff, id).await?;
    let token = token.trim();
    let sealed = if token.is_empty() {
        None
    } else {
        if !venue.kind.is_telegram() || !telegram::valid_token(token) {
            return Err(PublishError::Invalid("bot_token"));
        }
        let key = state.secret.wrap_key("venue-bot-token");
        Some(key.encrypt(token.as_bytes(), &token_aad(id)))
    };
    state.store.set_venue_bot_token(id, sealed).await?;
    tracing::info!(venue_id = %id, user_id = %staff.user.id, "venue bot token changed");
    audit::record(state, &staff.user, AuditAction::SettingsChanged, id).await;
    Ok(())
}

async fn bot_token(
    state: &AppState,
    venue_id: VenueId,
) -> Result<Option<SecretString>, StoreError> {
    let Some(sealed) = state.store.venue_bot_token(venue_id).await? else {
        return Ok(None);
    };
    let key = state.secret.wrap_key("venue-bot-token");
    Ok(key
        .decrypt(&sealed, &token_aad(venue_id))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(SecretString::from))
}

fn can_send(venue: &VenueRecord) -> bool {
    venue.kind.is_telegram() && venue.telegram_chat.is_some() && venue.has_bot_token
}

// --- posts ---

fn post_fields(title: &str, body: &str) -> Result<(String, String), PublishError> {
    Ok((
        text(title, 200, "title", true)?,
        text(body, 20_000, "markdown", true)?,
    ))
}

pub async fn create_post(
    state: &AppState,
    staff: &Staff,
    title: &str,
    body: &str,
) -> Result<PostId, PublishError> {
    staff.may(Action::WritePost)?;
    let staff = &staff.user;
    let (title, body) = post_fields(title, body)?;
    let now = state.clock.now();
    let id = PostId::new_random();
    state
        .store
        .create_post(PostRecord {
            id,
            title,
            body,
            version: 1,
            created_by: Some(staff.id),
            created_at: now,
            updated_at: now,
        })
        .await?;
    tracing::info!(post_id = %id, user_id = %staff.id, "post written");
    waiting_for_approval(state, id, staff.id).await;
    Ok(id)
}

/// Saves a new version; `expected_version` is the one the editor opened.
pub async fn update_post(
    state: &AppState,
    staff: &Staff,
    id: PostId,
    expected_version: i64,
    title: &str,
    body: &str,
) -> Result<i64, PublishError> {
    staff.may(Action::WritePost)?;
    let staff = &staff.user;
    let (title, body) = post_fields(title, body)?;
    match state
        .store
        .update_post(
            id,
            expected_version,
            &title,
            &body,
            staff.id,
            state.clock.now(),
        )
        .await?
    {
        Guarded::Done(version) => {
            waiting_for_approval(state, id, staff.id).await;
            Ok(version)
        }
        Guarded::Conflict => Err(PublishError::Conflict),
        Guarded::Missing => Err(PublishError::NotFound),
    }
}

/// A new version of a post waits for a second person's approval: tells those who chose to hear.
async fn waiting_for_approval(state: &AppState, id: PostId, author: netreach_core::UserId) {
    crate::notify::emit_logged(
        state,
        &[crate::notify::Event::PostApproval],
        &format!("/staff/posts/{id}"),
        &crate::notify::Audience::Everyone,
        Some(author),
    )
    .await;
}

pub async fn post(
    state: &AppState,
    staff: &Staff,
    id: PostId,
) -> Result<(PostRecord, Vec<PostVersionRecord>), PublishError> {
    staff.may(Action::WritePost)?;
    load_post(state, id).await
}

async fn load_post(
    state: &AppState,
    id: PostId,
) -> Result<(PostRecord, Vec<PostVersionRecord>), PublishError> {
    let post = state.store.post(id).await?.ok_or(PublishError::NotFound)?;
    let versions = state.store.post_versions(id).await?;
    Ok((post, versions))
}

/// Whether the post's current version is approved (an edit needs a new approval).
pub fn current_approved(post: &PostRecord, versions: &[PostVersionRecord]) -> bool {
    versions
        .iter()
        .any(|v| v.version == post.version && v.approved_at.is_some())
}

/// Approves the current version; the approver must not be its last editor.
pub async fn approve(
    state: &AppState,
    staff: &Staff,
    id: PostId,
    version: i64,
) -> Result<(), PublishError> {
    staff.may(Action::ApprovePost)?;
    let staff = &staff.user;
    let (post, versions) = load_post(state, id).await?;
    let current = versions
        .iter()
        .find(|v| v.version == post.version)
        .ok_or(PublishError::NotFound)?;
    CurrentVersion {
        version: post.version,
        edited_by: current.edited_by,
        approved: current.approved_at.is_some(),
    }
    .approve(version, staff.id)
    .map_err(|refused| match refused {
        ApprovalRefused::NotPending => PublishError::AlreadyApproved,
        ApprovalRefused::OwnVersion => PublishError::OwnVersion,
    })?;
    if !state
        .store
        .approve_post_version(id, version, staff.id, state.clock.now())
        .await?
    {
        return Err(PublishError::AlreadyApproved);
    }
    tracing::info!(post_id = %id, version, user_id = %staff.id, "post version approved");
    audit::record(state, staff, AuditAction::PostApproved, id).await;
    Ok(())
}

/// A post rendered for one venue.
#[derive(Debug, Clone)]
pub struct Preview {
    pub venue: VenueRecord,
    pub text: String,
    pub length: usize,
    pub over_limit: bool,
    pub permission_granted: bool,
    pub can_send: bool,
}

pub fn preview(venue: &VenueRecord, markdown: &str) -> Preview {
    let markup = Markup::parse(&venue.markup).unwrap_or(Markup::Plain);
    let text = render(markdown, markup);
    let length = visible_length(&text, markup);
    Preview {
        over_limit: venue.char_limit.is_some_and(|limit| length as i64 > limit),
        permission_granted: venue.permission.is_granted(),
        can_send: can_send(venue),
        venue: venue.clone(),
        text,
        length,
    }
}

/// The post rendered for every venue in the register.
pub async fn previews(
    state: &AppState,
    staff: &Staff,
    markdown: &str,
) -> Result<Vec<Preview>, PublishError> {
    staff.may(Action::WritePost)?;
    Ok(state
        .store
        .venues()
        .await?
        .iter()
        .map(|v| preview(v, markdown))
        .collect())
}

/// Putting the current version of a post on a venue.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub venue_id: VenueId,
    /// The address of a post made by hand; records it as live.
    pub url: Option<String>,
    /// For venues that send by themselves: when (default now).
    pub send_at: Option<OffsetDateTime>,
    /// The worker saw the warning that permission is not granted and goes ahead.
    pub acknowledge_permission: bool,
}

fn clean_url(url: &str) -> Result<String, PublishError> {
    let url = text(url, 500, "url", false)?;
    if !url.is_empty() && !web_url(&url) {
        return Err(PublishError::Invalid("url"));
    }
    Ok(url)
}

/// A new log entry and the warnings the worker went past.
#[derive(Debug, Clone)]
pub struct Published {
    pub record: PublicationRecord,
    /// `permission_not_granted` when posted after acknowledging that warning.
    pub warnings: Vec<&'static str>,
}

/// Records a hand-made publication, or queues a Telegram send.
pub async fn publish(
    state: &AppState,
    staff: &Staff,
    post_id: PostId,
    request: PublishRequest,
) -> Result<Published, PublishError> {
    staff.may(Action::PublishPost)?;
    let staff = &staff.user;
    let (post, versions) = load_post(state, post_id).await?;
    let venue = state
        .store
        .venue(request.venue_id)
        .await?
        .ok_or(PublishError::NotFound)?;
    may_publish(
        venue.needs_approval,
        current_approved(&post, &versions),
        venue.permission,
        request.acknowledge_permission,
    )
    .map_err(|refused| match refused {
        PublishRefused::ApprovalRequired => PublishError::ApprovalRequired,
        PublishRefused::PermissionNotGranted => PublishError::PermissionNotGranted,
    })?;
    let rendered = preview(&venue, &post.body);
    if rendered.over_limit {
        return Err(PublishError::TooLong {
            length: rendered.length,
            limit: venue.char_limit.unwrap_or_default(),
        });
    }
    let now = state.clock.now();
    let manual_url = request.url.as_deref().map(clean_url).transpose()?;
    let queued = manual_url.is_none();
    if queued && !rendered.can_send {
        return Err(PublishError::NoSender);
    }
    // The bot sends in Telegram's HTML mode, whatever markup the venue lists for hand posting.
    let body = if queued {
        render(&post.body, Markup::TelegramHtml)
    } else {
        rendered.text
    };
    if request
        .send_at
        .is_some_and(|at| at > now + time::Duration::days(90))
    {
        return Err(PublishError::Invalid("send_at"));
    }
    let record = PublicationRecord {
        id: PublicationId::new_random(),
        venue_id: venue.id,
        post_id: Some(post.id),
        post_version: Some(post.version),
        alert_id: None,
        body,
        created_by: Some(staff.id),
        created_at: now,
        status: PublicationStatus::start(queued),
        url: manual_url.unwrap_or_default(),
        followup: String::new(),
        attempts: 0,
        next_attempt_at: queued.then(|| request.send_at.unwrap_or(now).max(now)),
        last_error: String::new(),
        published_at: (!queued).then_some(now),
        updated_at: now,
    };
    state.store.create_publication(record.clone()).await?;
    tracing::info!(publication_id = %record.id, post_id = %post.id, venue_id = %venue.id,
        user_id = %staff.id, queued, "post published");
    audit::record(state, staff, AuditAction::PostPublished, post.id).await;
    let warnings = (!venue.permission.is_granted())
        .then_some("permission_not_granted")
        .into_iter()
        .collect();
    Ok(Published { record, warnings })
}

// --- the publication log ---

/// The log's filter from what was typed: blank means any; text that is no id names nothing (the
/// nil id, which nothing has); an unknown status is refused.
pub fn log_filter(
    venue_id: &str,
    post_id: &str,
    status: &str,
    limit: u32,
) -> Result<PublicationFilter, PublishError> {
    fn id<T: std::str::FromStr + From<uuid::Uuid>>(text: &str) -> Option<T> {
        let text = text.trim();
        (!text.is_empty()).then(|| text.parse().unwrap_or_else(|_| T::from(uuid::Uuid::nil())))
    }
    let status = match status.trim() {
        "" => None,
        text => Some(
            text.parse::<PublicationStatus>()
                .map_err(|_| PublishError::Invalid("status"))?,
        ),
    };
    Ok(PublicationFilter {
        venue_id: id(venue_id),
        post_id: id(post_id),
        status,
        limit,
    })
}

pub async fn log(
    state: &AppState,
    staff: &Staff,
    filter: PublicationFilter,
) -> Result<Vec<PublicationRecord>, PublishError> {
    staff.may(Action::ReadPublicationLog)?;
    Ok(state.store.publications(&filter).await?)
}

/// What staff record after the fact: the URL, whether it is still up, what to follow up on.
pub async fn record(
    state: &AppState,
    staff: &Staff,
    id: PublicationId,
    url: &str,
    status: &str,
    followup: &str,
) -> Result<PublicationRecord, PublishError> {
    staff.may(Action::RecordPublication)?;
    let existing = state
        .store
        .publication(id)
        .await?
        .ok_or(PublishError::NotFound)?;
    let url = clean_url(url)?;
    let followup = text(followup, 2000, "followup", false)?;
    // Setting a queued send to "deleted" cancels it; other sender states stay the sender's.
    let status = status
        .trim()
        .parse::<PublicationStatus>()
        .ok()
        .and_then(|to| existing.status.record(to).ok())
        .ok_or(PublishError::Invalid("status"))?;
    state
        .store
        .update_publication(id, &url, status, &followup, state.clock.now())
        .await?;
    state
        .store
        .publication(id)
        .await?
        .ok_or(PublishError::NotFound)
}

/// The titles of the posts these log entries name, read by id: a page of the log costs the same
/// however many posts there are.
pub async fn post_titles(
    state: &AppState,
    staff: &Staff,
    entries: &[PublicationRecord],
) -> Result<std::collections::HashMap<PostId, String>, PublishError> {
    staff.may(Action::ReadPublicationLog)?;
    let ids: Vec<PostId> = entries.iter().filter_map(|e| e.post_id).collect();
    Ok(state.store.post_titles(&ids).await?.into_iter().collect())
}

/// The log as CSV, one row per publication, with cells that a spreadsheet would run as a formula
/// made inert.
pub async fn log_csv(
    state: &AppState,
    staff: &Staff,
    filter: PublicationFilter,
) -> Result<String, PublishError> {
    staff.may(Action::ReadPublicationLog)?;
    let entries = log(state, staff, filter).await?;
    let venues = state.store.venues().await?;
    let users = state.store.list_users().await?;
    let posts = post_titles(state, staff, &entries).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "created_at",
        "venue",
        "venue_kind",
        "post",
        "post_version",
        "alert_id",
        "by",
        "status",
        "url",
        "published_at",
        "attempts",
        "last_error",
        "followup",
    ];
    let _ = writer.write_record(header);
    let rfc = |t: Option<OffsetDateTime>| {
        t.and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
    };
    for e in &entries {
        let venue = venues.iter().find(|v| v.id == e.venue_id);
        let by = crate::accounts::username_of(&users, e.created_by).unwrap_or_default();
        let row = [
            rfc(Some(e.created_at)),
            venue.map(|v| v.name.clone()).unwrap_or_default(),
            venue.map(|v| v.kind.to_string()).unwrap_or_default(),
            e.post_id
                .and_then(|id| posts.get(&id).cloned())
                .unwrap_or_default(),
            e.post_version.map(|v| v.to_string()).unwrap_or_default(),
            e.alert_id.map(|id| id.to_string()).unwrap_or_default(),
            by,
            e.status.to_string(),
            e.url.clone(),
            rfc(e.published_at),
            e.attempts.to_string(),
            e.last_error.clone(),
            e.followup.clone(),
        ];
        let _ = writer.write_record(row.iter().map(|cell| inert(cell)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    audit::record(state, &staff.user, AuditAction::Exported, "publication-log").await;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// Spreadsheets run cells starting with these as formulas ("CSV injection"); a leading
/// apostrophe keeps them text.
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}
