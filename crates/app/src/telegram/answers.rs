//! What the bot answers from the content pack and the team's status, as Telegram HTML: first
//! aid, the knowledge base, the combination checker, alerts, services, working hours. Every text
//! from Fluent or the pack is escaped; only the tags written here are markup.

use crate::state::AppState;
use netreach_content::{Substance, check as check_pairs};
use netreach_core::Lang;
use netreach_i18n::Tr;

/// Escapes text for Telegram's HTML parse mode.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn tr(state: &AppState, lang: Lang) -> Tr<'_> {
    Tr::new(&state.i18n, lang)
}

fn number(state: &AppState) -> &str {
    &state.settings.conversations.emergency_number
}

/// A link to a page of the public site, when its address is configured.
fn site_link(state: &AppState, path: &str) -> Option<String> {
    state
        .settings
        .public_url
        .as_deref()
        .map(|base| format!("{}{path}", base.trim_end_matches('/')))
}

/// First aid for a possible overdose, with the emergency number first.
pub(crate) fn first_aid(state: &AppState, lang: Lang) -> String {
    let t = tr(state, lang);
    let mut out = format!(
        "<b>{}</b>\n\n<b>{}</b>\n",
        escape(&t.get("bot-firstaid-title")),
        escape(&t.with("bot-firstaid-call", "number", number(state))),
    );
    for id in [
        "first-aid-check",
        "first-aid-breathing",
        "first-aid-naloxone",
        "first-aid-position",
        "first-aid-stay",
    ] {
        out.push_str(&format!("\n• {}", escape(&t.get(id))));
    }
    out.push_str(&format!(
        "\n\n<i>{}</i>",
        escape(&t.get("first-aid-sources"))
    ));
    out
}

/// Told after first aid when the conversation was flagged urgent.
pub(crate) fn alerted(state: &AppState, lang: Lang) -> String {
    escape(&tr(state, lang).with("bot-firstaid-alerted", "number", number(state)))
}

/// The welcome: who we are, what Telegram sees, and the web way in for anything sensitive.
pub(crate) fn welcome(state: &AppState, lang: Lang) -> String {
    let t = tr(state, lang);
    let web = match site_link(state, "/ask") {
        Some(url) => t.with("bot-welcome-web", "url", &url),
        None => t.get("bot-welcome-web-nourl"),
    };
    format!(
        "{}\n\n{}\n\n{}\n\n{}",
        escape(&t.with("bot-welcome", "org", &state.settings.org_name)),
        escape(&t.get("bot-welcome-telegram")),
        escape(&web),
        escape(&t.get("bot-menu-intro")),
    )
}

/// What a client is told once their message is with the team: received, how long answers
/// usually take, and outside working hours when the team is back and what to do in an emergency.
pub(crate) async fn received(state: &AppState, lang: Lang, first: bool) -> Option<String> {
    let t = tr(state, lang);
    let status = crate::availability::team_status(state).await.ok()?;
    let closed = matches!(
        status.availability,
        Some(netreach_core::availability::Availability::Offline { .. })
    );
    if !first && !closed {
        return None;
    }
    let mut lines = vec![escape(&t.get("bot-received"))];
    if let Some(seconds) = status.typical_response {
        let time = crate::availability::describe_within(seconds, &t);
        lines.push(escape(&t.with("bot-received-typical", "time", &time)));
    }
    if closed {
        lines.push(escape(&t.get("bot-after-hours")));
        if let Some(when) = &status.back_at {
            lines.push(escape(&t.with("bot-after-hours-back", "when", when)));
        }
        lines.push(escape(&t.with(
            "bot-after-hours-emergency",
            "number",
            number(state),
        )));
    }
    Some(lines.join("\n"))
}

/// Knowledge-base and substance pages for the words typed.
pub(crate) fn search(state: &AppState, lang: Lang, query: &str) -> String {
    let t = tr(state, lang);
    let query: String = query.chars().take(100).collect();
    let hits = state.content.index().search(&query, lang, 5);
    if hits.is_empty() {
        return escape(&t.get("bot-search-none"));
    }
    let mut out = escape(&t.get("bot-search-results"));
    for hit in hits {
        let path = hit.path();
        match site_link(state, &path) {
            Some(url) => out.push_str(&format!(
                "\n• <a href=\"{}\">{}</a>",
                escape(&url),
                escape(&hit.title)
            )),
            None => out.push_str(&format!("\n• {}", escape(&hit.title))),
        }
    }
    out
}

fn substance_name(s: &Substance, lang: Lang) -> &str {
    match lang {
        Lang::Ru if !s.names.ru.is_empty() => &s.names.ru,
        _ => &s.names.en,
    }
}

/// What is known about every pair of the substances typed (2 to 6, names or street names).
pub(crate) fn check(state: &AppState, lang: Lang, typed: &str) -> String {
    let t = tr(state, lang);
    let pack = state.content.pack();
    let index = state.content.index();
    let words: Vec<&str> = if typed.contains([',', '+', ';', '\n']) {
        typed.split([',', '+', ';', '\n']).collect()
    } else {
        typed.split_whitespace().collect()
    };
    let mut chosen: Vec<&Substance> = Vec::new();
    for word in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let found = index
            .aliases()
            .find(word)
            .and_then(|slug| pack.substance(slug));
        let Some(substance) = found else {
            let name: String = word.chars().take(40).collect();
            return escape(&t.with("bot-check-unknown", "name", &name));
        };
        if !chosen.iter().any(|c| c.slug == substance.slug) {
            chosen.push(substance);
        }
    }
    if !(2..=6).contains(&chosen.len()) {
        return escape(&t.get("bot-check-count"));
    }
    let mut out = escape(&t.get("bot-check-intro"));
    for pair in check_pairs(&pack, &chosen) {
        let category = format!("category-{}", pair.category.as_str().replace('_', "-"));
        out.push_str(&format!(
            "\n\n<b>{} + {}</b>: {}",
            escape(substance_name(pair.a, lang)),
            escape(substance_name(pair.b, lang)),
            escape(&t.get(&category)),
        ));
        if let Some(note) = pair.note(lang) {
            out.push_str(&format!(
                "\n{}",
                escape(&state.content.fill().text(note, lang))
            ));
        }
    }
    let slugs: Vec<String> = chosen.iter().map(|s| format!("s={}", s.slug)).collect();
    if let Some(url) = site_link(
        state,
        &format!("/check?{}&lang={}", slugs.join("&"), lang.code()),
    ) {
        out.push_str(&format!("\n\n{}", escape(&url)));
    }
    out
}

/// The drug alerts in force.
pub(crate) async fn alerts(state: &AppState, lang: Lang) -> String {
    let t = tr(state, lang);
    let active: Vec<_> = match crate::alerts::published(state).await {
        Ok(all) => all
            .into_iter()
            .filter(|a| crate::alerts::is_active(state, a))
            .take(5)
            .collect(),
        Err(_) => Vec::new(),
    };
    if active.is_empty() {
        return escape(&t.get("bot-alerts-none"));
    }
    let mut out = escape(&t.get("bot-alerts-title"));
    for alert in active {
        let (title, body) = match lang {
            Lang::Ru if !alert.title_ru.is_empty() => (&alert.title_ru, &alert.body_ru),
            _ => (&alert.title_en, &alert.body_en),
        };
        let body: String = body.chars().take(400).collect();
        out.push_str(&format!(
            "\n\n⚠️ <b>{}</b>\n{}",
            escape(title),
            escape(&body)
        ));
        if let Some(url) = site_link(state, &format!("/alerts/{}?lang={}", alert.id, lang.code())) {
            out.push_str(&format!("\n{}", escape(&url)));
        }
    }
    out
}

/// Services whose city, name, kind or description holds the words typed.
pub(crate) fn services(state: &AppState, lang: Lang, typed: &str) -> String {
    let t = tr(state, lang);
    let pack = state.content.pack();
    let wanted = typed.trim().to_lowercase();
    let found: Vec<_> = pack
        .services
        .iter()
        .filter(|s| {
            wanted.is_empty()
                || [
                    s.city.as_str(),
                    s.name.get(Lang::En),
                    s.name.get(Lang::Ru),
                    s.description.get(lang),
                ]
                .iter()
                .any(|field| field.to_lowercase().contains(&wanted))
                || s.kinds
                    .iter()
                    .any(|k| k.replace('_', " ").contains(&wanted))
        })
        .take(5)
        .collect();
    if found.is_empty() {
        return escape(&t.get("bot-services-none"));
    }
    let mut out = escape(&t.get("bot-services-title"));
    for s in found {
        out.push_str(&format!(
            "\n\n<b>{}</b> — {}",
            escape(s.name.get(lang)),
            escape(&s.city)
        ));
        for line in [s.address.as_str(), s.hours.get(lang), s.contact.as_str()] {
            if !line.is_empty() {
                out.push_str(&format!("\n{}", escape(line)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
    }
}
