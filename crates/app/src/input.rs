//! Small checks on text typed into forms and API bodies, shared by the services that turn them
//! into their own errors.

/// The text trimmed and without control characters (line breaks and tabs stay), if it is within
/// `max` characters and, when `required`, not empty. A NUL would be refused by PostgreSQL and the
/// others make XML feeds invalid, and nobody types them on purpose.
pub fn bounded(value: &str, max: usize, required: bool) -> Option<String> {
    let value = without_controls(value.trim());
    let value = value.trim();
    ((!required || !value.is_empty()) && value.chars().count() <= max).then(|| value.to_owned())
}

/// The text without control characters other than line breaks and tabs.
pub fn without_controls(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::bounded;

    #[test]
    fn trims_and_counts_characters_not_bytes() {
        assert_eq!(bounded("  ok ", 2, true).as_deref(), Some("ok"));
        assert_eq!(bounded("   ", 5, true), None);
        assert_eq!(bounded("   ", 5, false).as_deref(), Some(""));
        assert_eq!(bounded("ёжик", 4, true).as_deref(), Some("ёжик"));
        assert_eq!(bounded("ёжики", 4, true), None);
    }

    #[test]
    fn control_characters_go_but_line_breaks_stay() {
        assert_eq!(
            bounded("a\0b\u{1b}[31m\nc\td\u{7f}", 20, true).as_deref(),
            Some("ab[31m\nc\td")
        );
        assert_eq!(bounded("\0\0", 5, true), None, "nothing left is empty");
    }
}
