//! Editing the content pack in the console: the list of files with their state, an editor with
//! a server-rendered preview (no JavaScript), revisions with comparison and restore, and the
//! review steps (submit, send back, publish, archive).

use super::Done;
use crate::auth::StaffSession;
use crate::editorial::{self as service, DiffLine, EditorialError, Listed};
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::Lang;
use netreach_core::{ContentPath, ContentState};
use serde::Deserialize;

fn encoded(path: &str) -> String {
    form_urlencoded::byte_serialize(path.as_bytes()).collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/content_list.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    files: Vec<(Listed, String)>,
    notice: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(
        &state,
        lang,
        "editor-title",
        "/staff/content",
        Some(&session),
    );
    let files = service::list(&state, &session.staff())
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?
        .into_iter()
        .filter(|f| query.state.is_empty() || f.state.as_str() == query.state)
        .map(|f| {
            let link = encoded(f.path.as_str());
            (f, link)
        })
        .collect();
    Ok(render(&ListPage {
        notice: Done { done: query.done }
            .message_id()
            .map(|id| chrome.t.get(id)),
        chrome,
        files,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    path: String,
    /// Load this revision into the editor (saving restores it as a new revision).
    version: Option<i64>,
    /// Compare two revisions: `a` (older) and `b` (newer; default the head).
    a: Option<i64>,
    b: Option<i64>,
    done: Option<String>,
}

/// A revision in the history list.
#[derive(Debug)]
struct RevisionRow {
    version: i64,
    edited_by: String,
    edited_at: String,
    reviewed_by: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/content_edit.html")]
struct EditPage<'a> {
    chrome: Chrome<'a>,
    path: String,
    link: String,
    text: String,
    /// draft, in_review, published, archived, or new (for the state's label).
    item_state: String,
    /// The steps the file's state allows (a new file has none yet).
    can_submit: bool,
    can_review: bool,
    can_archive: bool,
    head: Option<i64>,
    published_version: Option<i64>,
    restoring: Option<i64>,
    /// The viewer wrote a revision since the published one (and so cannot review it).
    own_head: bool,
    supervisor: bool,
    revisions: Vec<RevisionRow>,
    /// Rendered preview (sanitised HTML) of an article, or a summary of another file.
    preview_article: Option<ArticlePreview>,
    preview_lines: Vec<String>,
    problems: Vec<String>,
    diff: Option<(i64, i64, Vec<DiffLine>)>,
    notice: Option<String>,
    error: Option<String>,
}

struct Shown<'e> {
    text: Option<String>,
    restoring: Option<i64>,
    preview: bool,
    problems: Vec<String>,
    notice: Option<&'e str>,
    error: Option<&'e str>,
    compare: Option<(i64, Option<i64>)>,
}

impl Shown<'_> {
    fn plain() -> Self {
        Shown {
            text: None,
            restoring: None,
            preview: false,
            problems: Vec::new(),
            notice: None,
            error: None,
            compare: None,
        }
    }
}

/// A path from the query or the form; one that names no pack file is not found.
fn pack_path(path: &str) -> Result<ContentPath, PageError> {
    ContentPath::parse(path).map_err(|_| PageError::NotFound)
}

fn name(users: &[netreach_store::StaffUser], id: Option<netreach_core::UserId>) -> String {
    crate::accounts::username_of(users, id).unwrap_or_else(|| "—".into())
}

async fn edit_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    path: &ContentPath,
    shown: Shown<'_>,
) -> Result<EditPage<'a>, PageError> {
    let opened = match service::open(state, &session.staff(), path).await {
        Ok(o) => o,
        Err(EditorialError::Store(e)) => return Err(e.into()),
        Err(EditorialError::Denied(d)) => return Err(d.into()),
        Err(_) => return Err(PageError::NotFound),
    };
    let chrome = Chrome::new(
        state,
        lang,
        "editor-title",
        "/staff/content/edit",
        Some(&session),
    );
    let users = crate::accounts::colleagues(state, &session.staff()).await?;
    let text = shown.text.clone().unwrap_or_else(|| opened.text.clone());
    let (mut preview_article, mut preview_lines) = (None, Vec::new());
    let mut problems = shown.problems.clone();
    if shown.preview {
        match service::check(state, &session.staff(), path, &text).await {
            Ok(pack) => {
                (preview_article, preview_lines) =
                    preview(&pack, path.as_str(), state.content.fill())
            }
            Err(EditorialError::Invalid(errors)) => {
                problems = errors.iter().map(ToString::to_string).collect();
            }
            Err(EditorialError::Store(e)) => return Err(e.into()),
            Err(EditorialError::Denied(d)) => return Err(d.into()),
            Err(_) => {}
        }
    }
    let diff = match shown.compare {
        Some((a, b)) => {
            let find = |v: i64| opened.revisions.iter().find(|r| r.version == v);
            let b = b.unwrap_or_else(|| opened.revisions.first().map_or(0, |r| r.version));
            match (find(a), find(b)) {
                (Some(old), Some(new)) => Some((a, b, service::diff(&old.body, &new.body))),
                _ => return Err(PageError::NotFound),
            }
        }
        None => None,
    };
    let file_state = opened
        .item
        .as_ref()
        .map(|i| i.state)
        .or(opened.published.as_ref().map(|_| ContentState::UNEDITED));
    let allows = |step: fn(ContentState) -> Result<ContentState, netreach_core::Refused>| {
        file_state.is_some_and(|s| step(s).is_ok())
    };
    Ok(EditPage {
        can_submit: allows(ContentState::submit),
        can_review: allows(ContentState::publish),
        can_archive: allows(ContentState::archive),
        path: path.to_string(),
        link: encoded(path.as_str()),
        item_state: opened
            .item
            .as_ref()
            .map(|i| i.state.as_str())
            .unwrap_or_else(|| {
                if opened.published.is_some() {
                    ContentState::UNEDITED.as_str()
                } else {
                    "new"
                }
            })
            .to_owned(),
        head: opened.item.as_ref().map(|i| i.head_version),
        published_version: opened.item.as_ref().and_then(|i| i.published_version),
        restoring: shown.restoring,
        own_head: service::wrote_unpublished(
            opened.item.as_ref(),
            &opened.revisions,
            session.user.id,
        ),
        supervisor: session.user.role.includes(netreach_core::Role::Supervisor),
        revisions: opened
            .revisions
            .iter()
            .map(|r| RevisionRow {
                version: r.version,
                edited_by: match r.edited_by {
                    Some(_) => name(&users, r.edited_by),
                    None => chrome.t.get("editor-imported"),
                },
                edited_at: r.edited_at.date().to_string(),
                reviewed_by: r.reviewed_at.map(|_| name(&users, r.reviewed_by)),
            })
            .collect(),
        notice: shown.notice.map(|id| chrome.t.get(id)),
        error: shown.error.map(|id| chrome.t.get(id)),
        chrome,
        text,
        preview_article,
        preview_lines,
        problems,
        diff,
    })
}

/// An article as the preview shows it: the template escapes the title and summary; the body is
/// the Markdown rendered and sanitised as on the public page.
#[derive(Debug)]
struct ArticlePreview {
    title: String,
    summary: String,
    body_html: String,
}

/// What the preview shows for the file at `path` in a validated pack.
fn preview(
    pack: &netreach_content::Pack,
    path: &str,
    fill: &netreach_content::placeholders::Fill,
) -> (Option<ArticlePreview>, Vec<String>) {
    let stem = path.rsplit('/').next().unwrap_or(path);
    if let Some(rest) = path.strip_prefix("kb/") {
        let (slug, lang) = match rest.strip_suffix(".md").and_then(|r| r.rsplit_once('.')) {
            Some((slug, lang)) => (slug, Lang::parse(lang).unwrap_or(Lang::En)),
            None => (rest, Lang::En),
        };
        if let Some(a) = pack.article(slug, lang) {
            let article = ArticlePreview {
                title: a.title.clone(),
                summary: a.summary.clone(),
                body_html: netreach_content::render::filled(&a.body, fill, a.lang),
            };
            return (Some(article), Vec::new());
        }
    }
    let slug = stem.trim_end_matches(".toml");
    if path.starts_with("substances/")
        && let Some(s) = pack.substance(slug)
    {
        let mut lines = vec![format!("{} / {} ({})", s.names.en, s.names.ru, s.class)];
        for l in Lang::ALL {
            lines.push(format!("[{}] {}", l.code(), s.texts(l).summary));
        }
        lines.push(format!("{} source(s)", s.sources.len()));
        return (None, lines);
    }
    if path.starts_with("services/")
        && let Some(s) = pack.service(slug)
    {
        return (
            None,
            vec![
                format!("{} — {}", s.name.get(Lang::En), s.city),
                s.description.get(Lang::En).to_owned(),
            ],
        );
    }
    (
        None,
        vec![format!(
            "{} class rules, {} pair rules",
            pack.class_rules.len(),
            pack.pair_rules.len()
        )],
    )
}

pub async fn edit(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(query): Query<EditQuery>,
) -> Result<Response, PageError> {
    let path = pack_path(&query.path)?;
    let mut shown = Shown::plain();
    shown.notice = Done {
        done: query.done.clone(),
    }
    .message_id();
    if let Some(version) = query.version {
        let opened = match service::open(&state, &session.staff(), &path).await {
            Ok(opened) => opened,
            Err(EditorialError::Store(e)) => return Err(e.into()),
            Err(EditorialError::Denied(d)) => return Err(d.into()),
            Err(_) => return Err(PageError::NotFound),
        };
        let old = opened
            .revisions
            .into_iter()
            .find(|r| r.version == version)
            .ok_or(PageError::NotFound)?;
        shown.text = Some(old.body);
        shown.restoring = Some(version);
    }
    if let Some(a) = query.a {
        shown.compare = Some((a, query.b));
    }
    Ok(render(
        &edit_page(&state, lang, &session, &path, shown).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    path: String,
    #[serde(default)]
    text: String,
    /// The head revision the editor started from; empty for a file never edited here.
    #[serde(default)]
    head: String,
    /// `save` or `preview`.
    #[serde(default)]
    action: String,
}

pub async fn save(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    let path = pack_path(&form.path)?;
    // Browsers send CRLF from a textarea; the pack's files use LF.
    let text = form.text.replace("\r\n", "\n");
    let mut shown = Shown::plain();
    shown.text = Some(text.clone());
    if form.action == "preview" {
        shown.preview = true;
        return Ok(render(
            &edit_page(&state, lang, &session, &path, shown).await?,
        ));
    }
    let head = form.head.trim().parse::<i64>().ok();
    match service::save(&state, &session.staff(), &path, &text, head).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/staff/content/edit?path={}&done=content-saved",
            encoded(&form.path)
        ))
        .into_response()),
        Err(EditorialError::Store(e)) => Err(e.into()),
        Err(EditorialError::Denied(d)) => Err(d.into()),
        Err(EditorialError::BadPath) => Err(PageError::NotFound),
        Err(e) => {
            if let EditorialError::Invalid(errors) = &e {
                shown.problems = errors.iter().map(ToString::to_string).collect();
            }
            shown.error = Some(e.message_id());
            Ok(render_invalid(
                &edit_page(&state, lang, &session, &path, shown).await?,
            ))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    path: String,
    /// submit, send_back, publish or archive
    #[serde(default)]
    step: String,
}

pub async fn step(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<StepForm>,
) -> Result<Response, PageError> {
    let path = pack_path(&form.path)?;
    let result = match form.step.as_str() {
        "submit" => service::submit(&state, &session.staff(), &path).await,
        "send_back" => service::send_back(&state, &session.staff(), &path).await,
        "publish" => service::publish(&state, &session.staff(), &path).await,
        "archive" => service::archive(&state, &session.staff(), &path).await,
        _ => return Err(PageError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/staff/content/edit?path={}&done=content-{}",
            encoded(&form.path),
            form.step.replace('_', "-")
        ))
        .into_response()),
        Err(EditorialError::Store(e)) => Err(e.into()),
        Err(EditorialError::Denied(d)) => Err(d.into()),
        Err(EditorialError::NotFound | EditorialError::BadPath) => Err(PageError::NotFound),
        Err(EditorialError::Forbidden) => Err(PageError::Forbidden),
        Err(e) => {
            let mut shown = Shown::plain();
            if let EditorialError::Invalid(errors) = &e {
                shown.problems = errors.iter().map(ToString::to_string).collect();
            }
            shown.error = Some(e.message_id());
            Ok(render_invalid(
                &edit_page(&state, lang, &session, &path, shown).await?,
            ))
        }
    }
}
