//! Staff search: the published content (the same index as the public search), plus the team's
//! own canned replies, posts, venues and the services directory.

use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_content::search::Hit;
use netreach_core::{CannedId, Lang};
use netreach_store::StoreError;

/// How many content results the index returns.
const CONTENT_HITS: usize = 20;
/// How many canned replies, posts and venues (each) a search returns.
const OWN_HITS: u32 = 20;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One result of a staff search; the console decides where each kind links to.
#[derive(Debug, Clone)]
pub enum Found {
    /// A knowledge-base article, substance profile or Q&A entry from the search index.
    Content(Hit),
    CannedReply {
        id: CannedId,
        title: String,
    },
    Post {
        id: String,
        title: String,
    },
    Venue {
        id: String,
        name: String,
    },
    /// A service of the directory, its name in the language searched.
    Service {
        slug: String,
        name: String,
        city: String,
    },
}

fn matches(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}

/// Everything a staff member can find for `q` (already trimmed; empty finds nothing): content
/// first, in the index's order, then canned replies, posts, venues and services.
pub async fn staff_search(
    state: &AppState,
    staff: &Staff,
    q: &str,
    lang: Lang,
) -> Result<Vec<Found>, SearchError> {
    staff.may(Action::StaffSearch)?;
    let mut found = Vec::new();
    if q.is_empty() {
        return Ok(found);
    }
    let needle = q.to_lowercase();
    found.extend(
        state
            .content
            .index()
            .search(q, lang, CONTENT_HITS)
            .into_iter()
            .map(Found::Content),
    );
    // The database finds the team's own records and returns the first few of each kind, so a
    // search costs the same however many posts and replies the team has written.
    let own = state.store.find_staff_items(q, OWN_HITS).await?;
    found.extend(
        own.canned
            .into_iter()
            .map(|(id, title)| Found::CannedReply { id, title }),
    );
    found.extend(own.posts.into_iter().map(|(id, title)| Found::Post {
        id: id.to_string(),
        title,
    }));
    found.extend(own.venues.into_iter().map(|(id, name)| Found::Venue {
        id: id.to_string(),
        name,
    }));
    for service in &state.content.pack().services {
        if matches(&service.name.en, &needle)
            || matches(&service.name.ru, &needle)
            || matches(&service.city, &needle)
        {
            found.push(Found::Service {
                slug: service.slug.clone(),
                name: service.name.get(lang).to_owned(),
                city: service.city.clone(),
            });
        }
    }
    Ok(found)
}
