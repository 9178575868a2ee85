//! The editorial workflow over the content pack: staff edit a pack file (an article in Markdown
//! with front matter, a substance profile, a rule file or a service in TOML) in the console;
//! every save is a revision, validated against the whole pack; a file goes draft -> in review ->
//! published (by a supervisor who did not write the revision) -> archived. Publishing rewrites
//! the published pack in the database, so every node reloads it; import and export keep working
//! on the same files.

use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_content::{Pack, PackError, bundled_files};
use netreach_core::editorial::wrote_unpublished as wrote_since_published;
use netreach_core::{ContentPath, ContentState, Refused};
use netreach_store::{ContentItem, ContentRevision, Guarded, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum EditorialError {
    #[error("not a pack file path")]
    BadPath,
    #[error("the pack would be invalid")]
    Invalid(Vec<PackError>),
    #[error("no such file or revision")]
    NotFound,
    #[error("someone changed the file or the pack since")]
    Conflict,
    #[error("the file is not in a state that allows this")]
    WrongState,
    #[error("the last editor cannot review their own revision")]
    OwnRevision,
    #[error("only a supervisor can publish or archive content")]
    Forbidden,
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EditorialError {
    pub fn message_id(&self) -> &'static str {
        match self {
            EditorialError::BadPath => "error-editor-path",
            EditorialError::Invalid(_) => "error-editor-invalid",
            EditorialError::NotFound => "error-body-404",
            EditorialError::Conflict => "error-editor-conflict",
            EditorialError::WrongState => "error-editor-state",
            EditorialError::OwnRevision => "error-editor-own",
            EditorialError::Forbidden => "error-body-403",
            EditorialError::Denied(crate::policy::Denied::NoInboxKey) => "error-no-inbox-access",
            EditorialError::Denied(_) => "error-body-403",
            EditorialError::Store(_) => "error-body-500",
        }
    }
}

/// Whether a path names a file the pack reads (see [`ContentPath`]).
pub fn valid_path(path: &str) -> bool {
    ContentPath::parse(path).is_ok()
}

/// A path typed into the editor, or [`EditorialError::BadPath`].
pub fn parse_path(path: &str) -> Result<ContentPath, EditorialError> {
    ContentPath::parse(path).map_err(|_| EditorialError::BadPath)
}

/// The published pack's files and its version (0: the bundled pack, nothing imported yet).
async fn published_files(state: &AppState) -> Result<(Vec<(String, String)>, i64), StoreError> {
    let version = state.store.content_version().await?;
    let mut files = state.store.content_files().await?;
    if files.is_empty() {
        files = bundled_files();
    }
    Ok((files, version))
}

fn with_file(
    files: &[(String, String)],
    path: &ContentPath,
    text: Option<&str>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = files
        .iter()
        .filter(|(p, _)| p != path.as_str())
        .cloned()
        .collect();
    if let Some(text) = text {
        out.push((path.to_string(), text.to_owned()));
        out.sort();
    }
    out
}

fn validate(files: Vec<(String, String)>) -> Result<Pack, EditorialError> {
    Pack::from_files(files).map_err(EditorialError::Invalid)
}

/// One file in the editor's list.
#[derive(Debug, Clone)]
pub struct Listed {
    pub path: ContentPath,
    /// Files never edited here are published.
    pub state: ContentState,
    pub head_version: Option<i64>,
}

/// Every pack file, published or under edit, by path.
pub async fn list(state: &AppState, staff: &Staff) -> Result<Vec<Listed>, EditorialError> {
    staff.may(Action::EditContent)?;
    let (files, _) = published_files(state).await?;
    let items = state.store.content_items().await?;
    let mut listed: Vec<Listed> = files
        .iter()
        .filter_map(|(p, _)| ContentPath::parse(p).ok())
        .map(|path| Listed {
            path,
            state: ContentState::UNEDITED,
            head_version: None,
        })
        .collect();
    for item in items {
        match listed.iter_mut().find(|l| l.path == item.path) {
            Some(l) => {
                // A file archived here but brought back by an import is live again.
                if item.state != ContentState::Archived {
                    l.state = item.state;
                }
                l.head_version = Some(item.head_version);
            }
            None => listed.push(Listed {
                path: item.path,
                state: item.state,
                head_version: Some(item.head_version),
            }),
        }
    }
    listed.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listed)
}

/// A file as the editor opens it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub path: ContentPath,
    /// The latest text: the head revision, or the published file.
    pub text: String,
    pub item: Option<ContentItem>,
    pub revisions: Vec<ContentRevision>,
    /// The text the public pack carries now, if any.
    pub published: Option<String>,
}

/// What every step works from, read once: the published pack with its version, and the file's
/// item and revisions (newest first).
struct Loaded {
    files: Vec<(String, String)>,
    pack_version: i64,
    item: Option<ContentItem>,
    revisions: Vec<ContentRevision>,
}

impl Loaded {
    fn published(&self, path: &ContentPath) -> Option<&str> {
        self.files
            .iter()
            .find(|(p, _)| p == path.as_str())
            .map(|(_, t)| t.as_str())
    }

    /// Where the file stands; one never edited here is as imported.
    fn state(&self) -> ContentState {
        self.item
            .as_ref()
            .map_or(ContentState::UNEDITED, |i| i.state)
    }

    /// The live text to record as revision 1 when the file has never been edited here.
    fn baseline(&self, path: &ContentPath) -> Option<&str> {
        match self.item {
            None => self.published(path),
            Some(_) => None,
        }
    }
}

async fn load(state: &AppState, path: &ContentPath) -> Result<Loaded, EditorialError> {
    let (files, pack_version) = published_files(state).await?;
    Ok(Loaded {
        files,
        pack_version,
        item: state.store.content_item(path).await?,
        revisions: state.store.content_revisions(path).await?,
    })
}

/// Whether `user` wrote any revision that is not yet published: such a person may not review it.
pub fn wrote_unpublished(
    item: Option<&ContentItem>,
    revisions: &[ContentRevision],
    user: netreach_core::UserId,
) -> bool {
    wrote_since_published(
        item.and_then(|i| i.published_version),
        revisions.iter().map(|r| (r.version, r.edited_by)),
        user,
    )
}

pub async fn open(
    state: &AppState,
    staff: &Staff,
    path: &ContentPath,
) -> Result<Opened, EditorialError> {
    staff.may(Action::EditContent)?;
    let loaded = load(state, path).await?;
    let published = loaded.published(path).map(str::to_owned);
    // A draft or a revision in review is what the editor works on; otherwise what is live, which
    // an import may have changed since the last revision saved here.
    let text = match (&loaded.item, loaded.revisions.first()) {
        (Some(i), Some(head)) if i.state.is_being_edited() => head.body.clone(),
        (Some(_), Some(head)) => published.clone().unwrap_or_else(|| head.body.clone()),
        _ => published.clone().unwrap_or_default(),
    };
    Ok(Opened {
        path: path.clone(),
        text,
        item: loaded.item,
        revisions: loaded.revisions,
        published,
    })
}

/// Checks the whole pack with this text in place of the file; the problems, if any.
pub async fn check(
    state: &AppState,
    staff: &Staff,
    path: &ContentPath,
    text: &str,
) -> Result<Pack, EditorialError> {
    staff.may(Action::EditContent)?;
    let (files, _) = published_files(state).await?;
    validate(with_file(&files, path, Some(text)))
}

/// Saves a new revision (a draft) if the whole pack stays valid with it.
pub async fn save(
    state: &AppState,
    staff: &Staff,
    path: &ContentPath,
    text: &str,
    expected_head: Option<i64>,
) -> Result<i64, EditorialError> {
    staff.may(Action::EditContent)?;
    let staff = &staff.user;
    let loaded = load(state, path).await?;
    validate(with_file(&loaded.files, path, Some(text)))?;
    match state
        .store
        .save_revision(
            path,
            loaded.baseline(path),
            text,
            expected_head,
            staff.id,
            state.clock.now(),
        )
        .await?
    {
        Guarded::Done(version) => {
            tracing::info!(%path, version, user_id = %staff.id, "content revision saved");
            Ok(version)
        }
        _ => Err(EditorialError::Conflict),
    }
}

/// Draft -> in review.
pub async fn submit(
    state: &AppState,
    staff: &Staff,
    path: &ContentPath,
) -> Result<(), EditorialError> {
    staff.may(Action::EditContent)?;
    transition(state, path, ContentState::submit).await?;
    crate::notify::emit_logged(
        state,
        &[crate::notify::Event::ContentReview],
        &format!("/staff/content/edit?path={}", path.as_str()),
        &crate::notify::Audience::AtLeast(netreach_core::Role::Supervisor),
        Some(staff.user.id),
    )
    .await;
    Ok(())
}

/// In review -> draft (the reviewer asks for changes).
pub async fn send_back(
    state: &AppState,
    staff: &Staff,
    path: &ContentPath,
) -> Result<(), EditorialError> {
    staff.may(Action::ReviewContent)?;
    transition(state, path, ContentState::send_back).await
}

/// Moves a file edited here one `step` on, from where it stands now.
async fn transition(
    state: &AppState,
    path: &ContentPath,
    step: fn(ContentState) -> Result<ContentState, Refused>,
) -> Result<(), EditorialError> {
    let from = state
        .store
        .content_item(path)
        .await?
        .ok_or(EditorialError::WrongState)?
        .state;
    let to = step(from).map_err(|_| EditorialError::WrongState)?;
    if !state
        .store
        .set_content_state(path, from, to, state.clock.now())
        .await?
    {
        return Err(EditorialError::WrongState);
    }
    Ok(())
}

/// Publishes the revision in review: a supervisor who wrote none of the unpublished revisions;
/// the pack is validated with it and replaced in the same transaction; this node reloads at once,
/// others within 30 s.
pub async fn publish(
    state: &AppState,
    staff: &Staff,
    path: &ContentPath,
) -> Result<(), EditorialError> {
    staff.may(Action::ReviewContent)?;
    let staff = &staff.user;
    let loaded = load(state, path).await?;
    let item = loaded.item.as_ref().ok_or(EditorialError::NotFound)?;
    item.state
        .publish()
        .map_err(|_| EditorialError::WrongState)?;
    let head = loaded.revisions.first().ok_or(EditorialError::NotFound)?;
    // The reviewer wrote none of what would go live.
    if wrote_unpublished(Some(item), &loaded.revisions, staff.id) {
        return Err(EditorialError::OwnRevision);
    }
    let next = with_file(&loaded.files, path, Some(&head.body));
    validate(next.clone())?;
    match state
        .store
        .publish_revision(
            path,
            head.version,
            staff.id,
            next,
            loaded.pack_version,
            state.clock.now(),
        )
        .await?
    {
        Guarded::Done(_) => {
            tracing::info!(%path, version = head.version, user_id = %staff.id, "content published");
            crate::audit::record(
                state,
                staff,
                netreach_core::AuditAction::ContentPublished,
                &path,
            )
            .await;
            crate::published::refresh_logged(state).await;
            Ok(())
        }
        Guarded::Missing => Err(EditorialError::NotFound),
        Guarded::Conflict => Err(EditorialError::Conflict),
    }
}

/// Takes a file out of the published pack (if the pack stays valid without it).
pub async fn archive(
    state: &AppState,
    staff: &Staff,
    path: &ContentPath,
) -> Result<(), EditorialError> {
    staff.may(Action::ReviewContent)?;
    let staff = &staff.user;
    let loaded = load(state, path).await?;
    loaded
        .state()
        .archive()
        .map_err(|_| EditorialError::WrongState)?;
    let next = with_file(&loaded.files, path, None);
    validate(next.clone())?;
    match state
        .store
        .archive_item(
            path,
            loaded.baseline(path),
            next,
            loaded.pack_version,
            state.clock.now(),
        )
        .await?
    {
        Guarded::Done(_) => {
            tracing::info!(%path, user_id = %staff.id, "content archived");
            crate::published::refresh_logged(state).await;
            Ok(())
        }
        Guarded::Missing => Err(EditorialError::NotFound),
        Guarded::Conflict => Err(EditorialError::Conflict),
    }
}

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `+` added, `-` removed, ` ` unchanged.
    pub sign: char,
    pub text: String,
}

/// Line-by-line differences from `old` to `new`.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            sign: match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            },
            text: change.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}
