//! The services directory (`/services`): real places people can go, from the organisation's own
//! pack files, filterable by city and kind without JavaScript; and the referral text staff put
//! into a reply.

use crate::pages::{Chrome, render};
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use netreach_app::policy::Action;
use netreach_content::{SERVICE_KINDS, Service};
use netreach_core::Lang;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new().get("/services", Action::ReadPublic, index)
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    city: String,
    #[serde(default)]
    kind: String,
}

/// A service as the page shows it, in the visitor's language.
#[derive(Debug)]
struct Listing {
    slug: String,
    name: String,
    city: String,
    kinds: Vec<String>,
    address: String,
    hours: String,
    contact: String,
    url: Option<String>,
    languages: String,
    description: String,
    anonymous: bool,
    free: bool,
    checked_at: String,
}

#[derive(Template)]
#[template(path = "content/services.html")]
struct ServicesPage<'a> {
    chrome: Chrome<'a>,
    services: Vec<Listing>,
    cities: Vec<String>,
    kinds: Vec<(&'static str, String)>,
    city: String,
    kind: String,
    total: usize,
}

async fn index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(filter): Query<Filter>,
) -> Response {
    let pack = state.content.pack();
    let chrome = Chrome::new(&state, lang, "services-title", "/services", None);
    let mut cities: Vec<String> = pack.services.iter().map(|s| s.city.clone()).collect();
    cities.dedup();
    let services = pack
        .services
        .iter()
        .filter(|s| filter.city.is_empty() || s.city == filter.city)
        .filter(|s| filter.kind.is_empty() || s.kinds.contains(&filter.kind))
        .map(|s| Listing {
            slug: s.slug.clone(),
            name: s.name.get(lang).to_owned(),
            city: s.city.clone(),
            kinds: s
                .kinds
                .iter()
                .map(|k| chrome.t.get(&format!("service-kind-{k}")))
                .collect(),
            address: s.address.clone(),
            hours: s.hours.get(lang).to_owned(),
            contact: s.contact.clone(),
            url: s.url.clone(),
            languages: s.languages.join(", "),
            description: s.description.get(lang).to_owned(),
            anonymous: s.anonymous,
            free: s.free,
            checked_at: s.checked_at.clone(),
        })
        .collect();
    render(&ServicesPage {
        kinds: SERVICE_KINDS
            .iter()
            .map(|k| (*k, chrome.t.get(&format!("service-kind-{k}"))))
            .collect(),
        total: pack.services.len(),
        chrome,
        services,
        cities,
        city: filter.city,
        kind: filter.kind,
    })
}

/// What a worker pastes to refer someone: name, where, when, how to reach them, the page.
pub fn referral_text(state: &AppState, s: &Service, lang: Lang) -> String {
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let mut lines = vec![format!("{} ({})", s.name.get(lang), s.city)];
    let description = s.description.get(lang);
    if !description.is_empty() {
        lines.push(description.to_owned());
    }
    if !s.address.is_empty() {
        lines.push(format!("{}: {}", t.get("service-address"), s.address));
    }
    let hours = s.hours.get(lang);
    if !hours.is_empty() {
        lines.push(format!("{}: {hours}", t.get("service-hours")));
    }
    if !s.contact.is_empty() {
        lines.push(format!("{}: {}", t.get("service-contact"), s.contact));
    }
    if s.anonymous {
        lines.push(t.get("service-anonymous"));
    }
    let base = state.settings.public_url.as_deref().unwrap_or("");
    lines.push(format!(
        "{}/services?lang={}#{}",
        base.trim_end_matches('/'),
        lang.code(),
        s.slug
    ));
    lines.join("\n")
}
