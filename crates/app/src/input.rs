//! Small checks on text typed into forms and API bodies, shared by the services that turn them
//! into their own errors.

/// The text trimmed, if it is within `max` characters and, when `required`, not empty.
pub fn bounded(value: &str, max: usize, required: bool) -> Option<String> {
    let value = value.trim();
    ((!required || !value.is_empty()) && value.chars().count() <= max).then(|| value.to_owned())
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
}
