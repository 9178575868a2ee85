//! The translator handed to templates: `{{ t.get("id") }}`.

use crate::{I18n, Value};
use netreach_core::Lang;

#[derive(Debug, Clone, Copy)]
pub struct Tr<'a> {
    i18n: &'a I18n,
    pub lang: Lang,
}

impl<'a> Tr<'a> {
    pub fn new(i18n: &'a I18n, lang: Lang) -> Self {
        Tr { i18n, lang }
    }

    pub fn get(&self, id: &str) -> String {
        self.i18n.get(self.lang, id)
    }

    /// A message with one text argument.
    pub fn with(&self, id: &str, name: &str, value: &str) -> String {
        self.i18n
            .get_with(self.lang, id, &[(name, Value::from(value.to_owned()))])
    }

    /// A message with two text arguments.
    pub fn with2(&self, id: &str, a: &str, a_value: &str, b: &str, b_value: &str) -> String {
        let args = [
            (a, Value::from(a_value.to_owned())),
            (b, Value::from(b_value.to_owned())),
        ];
        self.i18n.get_with(self.lang, id, &args)
    }

    /// A message with two number arguments.
    pub fn counts(
        &self,
        id: &str,
        a: &str,
        a_value: impl std::borrow::Borrow<i64>,
        b: &str,
        b_value: impl std::borrow::Borrow<i64>,
    ) -> String {
        let args = [
            (a, Value::from(*a_value.borrow())),
            (b, Value::from(*b_value.borrow())),
        ];
        self.i18n.get_with(self.lang, id, &args)
    }

    /// A message with one number argument (plural forms follow the language's rules).
    pub fn count(&self, id: &str, name: &str, value: impl std::borrow::Borrow<i64>) -> String {
        self.i18n
            .get_with(self.lang, id, &[(name, Value::from(*value.borrow()))])
    }
}
