//! Every string Netreach shows, through Fluent, in English and Russian.
//!
//! Messages live in `locales/<lang>/<area>.ftl` and are compiled into the binary. Russian plural
//! rules come from Fluent's CLDR data. A test keeps the two languages in step (same message ids,
//! same `$variables`), and the web crate checks its templates only use ids that exist.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use netreach_core::Lang;
use std::fmt;

/// The message files, per language, as compiled in. Public for the parity tests.
pub const FILES: &[(Lang, &str, &str)] = &[
    (
        Lang::En,
        "common.ftl",
        include_str!("../locales/en/common.ftl"),
    ),
    (
        Lang::En,
        "public.ftl",
        include_str!("../locales/en/public.ftl"),
    ),
    (
        Lang::En,
        "staff.ftl",
        include_str!("../locales/en/staff.ftl"),
    ),
    (
        Lang::En,
        "watch.ftl",
        include_str!("../locales/en/watch.ftl"),
    ),
    (
        Lang::En,
        "notify.ftl",
        include_str!("../locales/en/notify.ftl"),
    ),
    (Lang::En, "bot.ftl", include_str!("../locales/en/bot.ftl")),
    (
        Lang::En,
        "worker.ftl",
        include_str!("../locales/en/worker.ftl"),
    ),
    (
        Lang::Ru,
        "common.ftl",
        include_str!("../locales/ru/common.ftl"),
    ),
    (
        Lang::Ru,
        "public.ftl",
        include_str!("../locales/ru/public.ftl"),
    ),
    (
        Lang::Ru,
        "staff.ftl",
        include_str!("../locales/ru/staff.ftl"),
    ),
    (
        Lang::Ru,
        "watch.ftl",
        include_str!("../locales/ru/watch.ftl"),
    ),
    (
        Lang::Ru,
        "notify.ftl",
        include_str!("../locales/ru/notify.ftl"),
    ),
    (Lang::Ru, "bot.ftl", include_str!("../locales/ru/bot.ftl")),
    (
        Lang::Ru,
        "worker.ftl",
        include_str!("../locales/ru/worker.ftl"),
    ),
];

/// A message bundle that could not be built.
#[derive(Debug, thiserror::Error)]
#[error("locale file {lang}/{file} is invalid: {detail}")]
pub struct I18nError {
    pub lang: Lang,
    pub file: &'static str,
    pub detail: String,
}

/// The loaded bundles. Cheap to share (`Arc`), safe across threads.
pub struct I18n {
    en: FluentBundle<FluentResource>,
    ru: FluentBundle<FluentResource>,
}

impl fmt::Debug for I18n {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("I18n { en, ru }")
    }
}

impl I18n {
    /// Builds both bundles from the compiled-in files.
    pub fn load() -> Result<I18n, I18nError> {
        Ok(I18n {
            en: bundle(Lang::En)?,
            ru: bundle(Lang::Ru)?,
        })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }

    /// Whether a message id exists in the given language.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    /// The message `id` in `lang`; a missing message shows its id (and the parity tests make sure
    /// none is missing).
    pub fn get(&self, lang: Lang, id: &str) -> String {
        self.format(lang, id, None)
    }

    /// The message `id` with arguments, e.g. `[("count", 3.into())]`.
    pub fn get_with(&self, lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(lang, id, Some(&fluent_args))
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

fn bundle(lang: Lang) -> Result<FluentBundle<FluentResource>, I18nError> {
    let langid = match lang {
        Lang::En => unic_langid::langid!("en"),
        Lang::Ru => unic_langid::langid!("ru"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // No Unicode isolation marks: the output goes into HTML and plain text, not mixed-direction UI.
    bundle.set_use_isolating(false);
    for (file_lang, file, source) in FILES.iter().filter(|(l, _, _)| *l == lang) {
        let resource =
            FluentResource::try_new((*source).to_owned()).map_err(|(_, errs)| I18nError {
                lang: *file_lang,
                file,
                detail: format!("{errs:?}"),
            })?;
        bundle.add_resource(resource).map_err(|errs| I18nError {
            lang: *file_lang,
            file,
            detail: format!("{errs:?}"),
        })?;
    }
    Ok(bundle)
}

pub use fluent_bundle::FluentValue as Value;

mod tr;
pub use tr::Tr;

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};

    /// Message id -> the set of `$variables` it uses, for one language.
    fn catalogue(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for (_, file, source) in FILES.iter().filter(|(l, _, _)| *l == lang) {
            let resource = fluent_syntax::parser::parse(*source)
                .unwrap_or_else(|(_, errs)| panic!("{lang}/{file} does not parse: {errs:?}"));
            for entry in resource.body {
                if let ast::Entry::Message(message) = entry {
                    let mut vars = BTreeSet::new();
                    if let Some(pattern) = &message.value {
                        collect_vars(pattern, &mut vars);
                    }
                    let id = message.id.name.to_owned();
                    assert!(
                        out.insert(id.clone(), vars).is_none(),
                        "{lang}: duplicate id {id}"
                    );
                }
            }
        }
        out
    }

    fn collect_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                collect_expr_vars(expression, vars);
            }
        }
    }

    fn collect_expr_vars(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                collect_inline_vars(selector, vars);
                for variant in variants {
                    collect_vars(&variant.value, vars);
                }
            }
            ast::Expression::Inline(inline) => collect_inline_vars(inline, vars),
        }
    }

    fn collect_inline_vars(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => collect_expr_vars(expression, vars),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for arg in &arguments.positional {
                    collect_inline_vars(arg, vars);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn english_and_russian_have_the_same_messages_and_variables() {
        let en = catalogue(Lang::En);
        let ru = catalogue(Lang::Ru);
        let en_ids: BTreeSet<_> = en.keys().collect();
        let ru_ids: BTreeSet<_> = ru.keys().collect();
        assert_eq!(
            en_ids.difference(&ru_ids).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "messages missing in Russian"
        );
        assert_eq!(
            ru_ids.difference(&en_ids).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "messages missing in English"
        );
        for (id, vars) in &en {
            assert_eq!(Some(vars), ru.get(id), "variables differ for {id}");
        }
    }

    #[test]
    fn bundles_load_and_format() {
        let i18n = I18n::load().unwrap();
        assert_eq!(i18n.get(Lang::En, "language-name"), "English");
        assert_eq!(i18n.get(Lang::Ru, "language-name"), "Русский");
        assert_eq!(i18n.get(Lang::En, "no-such-message"), "no-such-message");
    }

    #[test]
    fn russian_plurals_follow_cldr() {
        let i18n = I18n::load().unwrap();
        let minutes = |n: i64| i18n.get_with(Lang::Ru, "duration-minutes", &[("count", n.into())]);
        assert_eq!(minutes(1), "1 минуту");
        assert_eq!(minutes(3), "3 минуты");
        assert_eq!(minutes(5), "5 минут");
        assert_eq!(minutes(21), "21 минуту");
        assert_eq!(minutes(11), "11 минут");
        let en = |n: i64| i18n.get_with(Lang::En, "duration-minutes", &[("count", n.into())]);
        assert_eq!(en(1), "1 minute");
        assert_eq!(en(2), "2 minutes");
    }

    #[test]
    fn russian_after_within_takes_the_genitive() {
        let i18n = I18n::load().unwrap();
        let within = |id: &str, n: i64| i18n.get_with(Lang::Ru, id, &[("count", n.into())]);
        assert_eq!(within("within-minutes", 1), "1 минуты");
        assert_eq!(within("within-minutes", 2), "2 минут");
        assert_eq!(within("within-minutes", 5), "5 минут");
        assert_eq!(within("within-minutes", 21), "21 минуты");
        assert_eq!(within("within-hours", 1), "1 часа");
        assert_eq!(within("within-hours", 3), "3 часов");
        assert_eq!(within("within-days", 2), "2 дней");
        let plural =
            |n: i64| i18n.get_with(Lang::Ru, "nav-notifications-unread", &[("count", n.into())]);
        assert_eq!(plural(1), "Уведомления (1 новое)");
        assert_eq!(plural(5), "Уведомления (5 новых)");
    }
}
