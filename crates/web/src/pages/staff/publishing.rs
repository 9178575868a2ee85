//! Publishing in the console: the post composer (write once in Markdown, preview for every venue
//! with its count and warnings, approve, publish or record) and the helpers the venue register
//! ([`super::venues`]) and the publication log ([`super::publication_log`]) share. The same
//! service as the API.

use super::Done;
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::publishing::{self as service, Preview, PublishError, PublishRequest};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{Lang, PostId, PublicationStatus};
use netreach_store::{PostRecord, PostVersionRecord, PublicationFilter, PublicationRecord};
use serde::Deserialize;
use time::OffsetDateTime;

pub(super) fn date(t: Option<OffsetDateTime>) -> String {
    t.map(|t| t.date().to_string()).unwrap_or_default()
}

pub(super) fn minute(t: Option<OffsetDateTime>) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    t.and_then(|t| t.format(&format).ok()).unwrap_or_default()
}

/// An id from the path; text that is no id names nothing there is.
pub(super) fn page_id<T: std::str::FromStr>(text: &str) -> Result<T, PageError> {
    text.parse().map_err(|_| PageError::NotFound)
}

/// A failure shown on the form; store failures become the error page.
pub(super) fn shown(e: PublishError) -> Result<&'static str, PageError> {
    match e {
        PublishError::Store(e) => Err(e.into()),
        PublishError::NotFound => Err(PageError::NotFound),
        PublishError::Forbidden => Err(PageError::Forbidden),
        PublishError::Denied(denied) => Err(denied.into()),
        other => Ok(other.message_id()),
    }
}

/// A failure with nothing to show on the page: the error page.
pub(super) fn failed(e: PublishError) -> PageError {
    super::error_page(shown(e))
}

// --- posts ---

#[derive(Template)]
#[template(path = "staff/posts.html")]
struct PostsPage<'a> {
    chrome: Chrome<'a>,
    posts: Vec<PostRecord>,
    title: String,
    markdown: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    markdown: String,
    #[serde(default)]
    version: i64,
    /// `save`, `preview` or `insert`.
    #[serde(default)]
    action: String,
    /// A knowledge-base article (slug) to link to.
    #[serde(default)]
    kb: String,
    /// Substances (comma-separated) whose combination check goes into the post.
    #[serde(default)]
    check: String,
    /// A published Q&A entry (id) to link to.
    #[serde(default)]
    qa: String,
}

pub async fn posts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, "posts-title", "/staff/posts", Some(&session));
    Ok(render(&PostsPage {
        notice: done.message_id().map(|id| chrome.t.get(id)),
        error: None,
        chrome,
        posts: service::posts(&state, &session.staff())
            .await
            .map_err(failed)?
            .into_iter()
            .map(|(post, _)| post)
            .collect(),
        title: String::new(),
        markdown: String::new(),
    }))
}

pub async fn create_post(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<PostForm>,
) -> Result<Response, PageError> {
    match service::create_post(&state, &session.staff(), &form.title, &form.markdown).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/posts/{id}?done=post-saved")).into_response()),
        Err(e) => {
            let message = shown(e)?;
            let chrome = Chrome::new(&state, lang, "posts-title", "/staff/posts", Some(&session));
            Ok(render_invalid(&PostsPage {
                error: Some(chrome.t.get(message)),
                notice: None,
                chrome,
                posts: service::posts(&state, &session.staff())
                    .await
                    .map_err(failed)?
                    .into_iter()
                    .map(|(post, _)| post)
                    .collect(),
                title: form.title,
                markdown: form.markdown,
            }))
        }
    }
}

/// A version in the history list, with who edited and approved it.
#[derive(Debug)]
struct VersionRow {
    version: i64,
    edited_by: String,
    edited_at: String,
    approved_by: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/post.html")]
struct PostPage<'a> {
    chrome: Chrome<'a>,
    post: PostRecord,
    /// What is in the editor (the saved text, a draft being previewed, or an older version).
    title: String,
    markdown: String,
    /// The version the editor's text came from, when it is an older one.
    restoring: Option<i64>,
    /// The draft differs from the saved version (previews show the draft).
    unsaved: bool,
    approved: bool,
    /// The current version was last edited by this user (who cannot approve it).
    own_version: bool,
    versions: Vec<VersionRow>,
    previews: Vec<Preview>,
    articles: Vec<(String, String)>,
    /// Published Q&A entries: (id, question).
    qa_entries: Vec<(String, String)>,
    log: Vec<PublicationRecord>,
    /// What was typed into one venue's publish form, shown again after an error.
    typed: PublishForm,
    notice: Option<String>,
    error: Option<String>,
}

struct Draft {
    title: String,
    markdown: String,
    restoring: Option<i64>,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    /// A message written already: the words a mixing check could not read.
    refused: Option<String>,
}

async fn post_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    id: PostId,
    draft: Option<Draft>,
) -> Result<PostPage<'a>, PageError> {
    let (post, versions) = service::post(state, &session.staff(), id)
        .await
        .map_err(|_| PageError::NotFound)?;
    let chrome = Chrome::new(
        state,
        lang,
        "post-title",
        &format!("/staff/posts/{id}"),
        Some(&session),
    );
    let draft = draft.unwrap_or(Draft {
        title: post.title.clone(),
        markdown: post.body.clone(),
        restoring: None,
        notice: None,
        error: None,
        refused: None,
    });
    let users = crate::accounts::colleagues(state, &session.staff()).await?;
    let name = |id| crate::accounts::username_of(&users, id).unwrap_or_else(|| "—".into());
    let current = versions.iter().find(|v| v.version == post.version);
    let approved = service::current_approved(&post, &versions);
    let own_version =
        current.is_some_and(|v: &PostVersionRecord| v.edited_by == Some(session.user.id));
    let pack = state.content.pack();
    let articles = pack
        .articles
        .iter()
        .filter(|a| a.lang == lang)
        .map(|a| (a.slug.clone(), a.title.clone()))
        .collect();
    let qa_entries = crate::qa::published(state, None)
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?
        .into_iter()
        .map(|e| (e.id.to_string(), e.question.chars().take(80).collect()))
        .collect();
    Ok(PostPage {
        qa_entries,
        unsaved: draft.markdown != post.body || draft.title != post.title,
        previews: service::previews(state, &session.staff(), &draft.markdown)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?,
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                edited_by: name(v.edited_by),
                edited_at: minute(Some(v.edited_at)),
                approved_by: v.approved_at.map(|_| name(v.approved_by)),
            })
            .collect(),
        log: service::log(
            state,
            &session.staff(),
            PublicationFilter {
                post_id: Some(post.id),
                limit: 200,
                ..Default::default()
            },
        )
        .await
        .map_err(failed)?,
        notice: draft.notice.map(|id| chrome.t.get(id)),
        error: draft
            .refused
            .or_else(|| draft.error.map(|id| chrome.t.get(id))),
        chrome,
        title: draft.title,
        markdown: draft.markdown,
        restoring: draft.restoring,
        typed: PublishForm::default(),
        approved,
        own_version,
        articles,
        post,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct PostQuery {
    done: Option<String>,
    /// Load this older version into the editor (saving it restores it as a new version).
    version: Option<i64>,
}

pub async fn post(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(query): Query<PostQuery>,
) -> Result<Response, PageError> {
    let id = page_id(&id)?;
    let notice = Done { done: query.done }.message_id();
    let draft = match query.version {
        Some(wanted) => {
            let (_, versions) = service::post(&state, &session.staff(), id)
                .await
                .map_err(failed)?;
            let old = versions
                .into_iter()
                .find(|v| v.version == wanted)
                .ok_or(PageError::NotFound)?;
            Some(Draft {
                title: old.title,
                markdown: old.body,
                restoring: Some(wanted),
                notice,
                error: None,
                refused: None,
            })
        }
        None => notice.map(|notice| Draft {
            title: String::new(),
            markdown: String::new(),
            restoring: None,
            notice: Some(notice),
            error: None,
            refused: None,
        }),
    };
    // A notice alone keeps the saved text in the editor.
    let draft = match draft {
        Some(d) if d.restoring.is_none() => {
            let (post, _) = service::post(&state, &session.staff(), id)
                .await
                .map_err(failed)?;
            Some(Draft {
                title: post.title,
                markdown: post.body,
                ..d
            })
        }
        other => other,
    };
    Ok(render(&post_page(&state, lang, &session, id, draft).await?))
}

/// A knowledge-base or Q&A link or a combination check, in Markdown, added to the end of a post.
async fn insertion(
    state: &AppState,
    lang: Lang,
    form: &PostForm,
) -> Result<String, Option<crate::published::CheckRefused>> {
    if !form.qa.trim().is_empty() {
        let id = form.qa.trim().parse().ok().ok_or(None)?;
        crate::qa::public_entry(state, id).await.ok().ok_or(None)?;
    }
    let base = state
        .settings
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_owned();
    if !form.qa.trim().is_empty() {
        let t = netreach_i18n::Tr::new(&state.i18n, lang);
        return Ok(format!(
            "[{}]({base}/qa/{}?lang={})",
            t.get("qa-title"),
            form.qa.trim(),
            lang.code()
        ));
    }
    if !form.kb.trim().is_empty() {
        let pack = state.content.pack();
        let article = pack
            .article(form.kb.trim(), lang)
            .or_else(|| {
                Lang::ALL
                    .iter()
                    .find_map(|l| pack.article(form.kb.trim(), *l))
            })
            .ok_or(None)?;
        return Ok(format!(
            "[{}]({base}/kb/{}?lang={})",
            article.title.replace(['[', ']'], ""),
            article.slug,
            article.lang.code()
        ));
    }
    let summary = crate::published::check_summary(state, &form.check, lang).map_err(Some)?;
    let mut out = format!("**{}**\n\n", summary.heading);
    for pair in &summary.pairs {
        out.push_str(&format!("- {pair}\n"));
    }
    out.push_str(&format!("\n{base}{}", summary.path));
    Ok(out)
}

pub async fn save_post(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<PostForm>,
) -> Result<Response, PageError> {
    let id = page_id(&id)?;
    let draft = |markdown: String, notice, error| Draft {
        title: form.title.clone(),
        markdown,
        restoring: None,
        notice,
        error,
        refused: None,
    };
    let page = match form.action.as_str() {
        "preview" => draft(form.markdown.clone(), None, None),
        "insert" => match insertion(&state, lang, &form).await {
            Ok(text) => {
                let joined = format!("{}\n\n{text}", form.markdown.trim_end());
                draft(joined.trim_start().to_owned(), None, None)
            }
            Err(Some(refused)) if matches!(refused, crate::published::CheckRefused::Unknown(_)) => {
                let t = netreach_i18n::Tr::new(&state.i18n, lang);
                Draft {
                    refused: Some(refused.message(&state, &t)),
                    ..draft(form.markdown.clone(), None, None)
                }
            }
            Err(_) => draft(form.markdown.clone(), None, Some("error-post-insert")),
        },
        _ => {
            match service::update_post(
                &state,
                &session.staff(),
                id,
                form.version,
                &form.title,
                &form.markdown,
            )
            .await
            {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/staff/posts/{id}?done=post-saved")).into_response()
                    );
                }
                Err(e) => {
                    let message = shown(e)?;
                    let page = post_page(
                        &state,
                        lang,
                        &session,
                        id,
                        Some(draft(form.markdown.clone(), None, Some(message))),
                    );
                    return Ok(render_invalid(&page.await?));
                }
            }
        }
    };
    Ok(render(
        &post_page(&state, lang, &session, id, Some(page)).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    version: i64,
}

pub async fn approve(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<ApproveForm>,
) -> Result<Response, PageError> {
    let id = page_id(&id)?;
    match service::approve(&state, &session.staff(), id, form.version).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/staff/posts/{id}?done=post-approved")).into_response())
        }
        Err(e) => {
            let message = shown(e)?;
            let page = post_page(&state, lang, &session, id, None).await?;
            let page = PostPage {
                error: Some(page.chrome.t.get(message)),
                ..page
            };
            Ok(render_invalid(&page))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    venue_id: String,
    #[serde(default)]
    url: String,
    /// `send` (Telegram sends it) or `record` (posted by hand).
    #[serde(default)]
    mode: String,
    /// `YYYY-MM-DD HH:MM`, UTC; empty: now.
    #[serde(default)]
    send_at: String,
    #[serde(default)]
    acknowledge_permission: Option<String>,
}

pub async fn publish(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<PublishForm>,
) -> Result<Response, PageError> {
    let id = page_id(&id)?;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let send_at = match form.send_at.trim() {
        "" => Ok(None),
        raw => time::PrimitiveDateTime::parse(raw, &format)
            .map(|t| Some(t.assume_utc()))
            .map_err(|_| PublishError::Invalid("send_at")),
    };
    let result = match send_at {
        Ok(send_at) => {
            service::publish(
                &state,
                &session.staff(),
                id,
                PublishRequest {
                    venue_id: page_id(&form.venue_id)?,
                    url: (form.mode != "send").then(|| form.url.clone()),
                    send_at,
                    acknowledge_permission: form.acknowledge_permission.is_some(),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => {
            let done = if p.record.status == PublicationStatus::start(true) {
                "post-queued"
            } else {
                "post-recorded"
            };
            Ok(Redirect::to(&format!("/staff/posts/{id}?done={done}")).into_response())
        }
        Err(e) => {
            let message = shown(e)?;
            let page = post_page(&state, lang, &session, id, None).await?;
            let page = PostPage {
                error: Some(page.chrome.t.get(message)),
                typed: form,
                ..page
            };
            Ok(render_invalid(&page))
        }
    }
}
