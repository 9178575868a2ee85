//! The suggested reply of a match, drafted from the content pack in Markdown (the composer
//! renders it in the venue's markup): the combination check for the substances the post names,
//! the knowledge-base article that fits, and the published alerts in force about them. Only for a
//! post that names two substances or more, or asks a question about one.

use super::lexicon::SUBSTANCE;
use crate::state::AppState;
use netreach_core::Lang;
use netreach_store::AlertRecord;

/// The public address of a path of the site, absolute when the public URL is configured.
fn link(state: &AppState, path: &str) -> String {
    match &state.settings.public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path.to_owned(),
    }
}

/// The language of a post: Russian when most of its letters are Cyrillic.
pub fn language_of(text: &str) -> Lang {
    let (mut cyrillic, mut latin) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyrillic += 1;
        } else {
            latin += 1;
        }
    }
    if cyrillic > latin { Lang::Ru } else { Lang::En }
}

/// The drafted reply, or `None` when the post names no substance to answer about.
pub fn suggest(
    state: &AppState,
    signals: &[String],
    text: &str,
    lang: Lang,
    alerts: &[AlertRecord],
) -> Option<String> {
    let slugs: Vec<&str> = signals
        .iter()
        .filter_map(|s| s.strip_prefix(SUBSTANCE))
        .collect();
    let risks: Vec<&str> = signals
        .iter()
        .filter(|s| !s.starts_with(SUBSTANCE))
        .map(String::as_str)
        .collect();
    if slugs.len() < 2 && !(slugs.len() == 1 && text.contains('?')) {
        return None;
    }
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let pack = state.content.pack();
    let chosen: Vec<_> = slugs.iter().filter_map(|s| pack.substance(s)).collect();
    let mut out = Vec::new();
    if chosen.len() >= 2 {
        out.push(t.get("watch-reply-mix"));
        for pair in netreach_content::check(&pack, &chosen) {
            let category = t.get(&format!(
                "category-{}",
                pair.category.as_str().replace('_', "-")
            ));
            let mut line = format!(
                "- **{} + {}**: {category}",
                pair.a.name(lang),
                pair.b.name(lang)
            );
            if let Some(note) = pair.note(lang) {
                line.push_str(" — ");
                line.push_str(note);
            }
            out.push(line);
        }
        let query: Vec<String> = chosen.iter().map(|s| format!("s={}", s.slug)).collect();
        out.push(t.with(
            "watch-reply-checker",
            "link",
            &link(state, &format!("/check?{}", query.join("&"))),
        ));
    } else if let Some(one) = chosen.first() {
        out.push(t.with(
            "watch-reply-substance",
            "link",
            &link(state, &format!("/substances/{}", one.slug)),
        ));
    }
    // The article whose tags name a substance of the post, else one of its risk signals.
    let article = pack
        .articles
        .iter()
        .filter(|a| a.lang == lang)
        .find(|a| a.tags.iter().any(|tag| slugs.contains(&tag.as_str())))
        .or_else(|| {
            pack.articles
                .iter()
                .filter(|a| a.lang == lang)
                .find(|a| a.tags.iter().any(|tag| risks.contains(&tag.as_str())))
        });
    if let Some(article) = article {
        out.push(t.with2(
            "watch-reply-article",
            "title",
            &article.title,
            "link",
            &link(state, &format!("/kb/{}", article.slug)),
        ));
    }
    for alert in alerts
        .iter()
        .filter(|a| a.substances.split(',').any(|s| slugs.contains(&s.trim())))
    {
        let title = match lang {
            Lang::En => &alert.title_en,
            Lang::Ru => &alert.title_ru,
        };
        out.push(t.with2(
            "watch-reply-alert",
            "title",
            title,
            "link",
            &link(state, &format!("/alerts/{}", alert.id)),
        ));
    }
    Some(out.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_is_russian_when_most_of_its_letters_are_cyrillic() {
        assert_eq!(language_of("передозировка after it"), Lang::Ru);
        assert_eq!(language_of("bad batch going around, осторожно"), Lang::En);
        assert_eq!(language_of("???"), Lang::En);
    }
}
