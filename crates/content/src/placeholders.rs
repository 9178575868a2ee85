//! Placeholders for the numbers a reader must call, and the check that keeps literal numbers out
//! of the pack.
//!
//! The pack is written once and served by organisations in different countries: "103 или 112"
//! is right in Russia and wrong in Estonia. So the text names what to call, and the organisation's
//! configuration says the number, filled in when the text is rendered:
//!
//! - `{{emergency_number}}` may stand anywhere in a sentence ("call {{emergency_number}}");
//! - `{{crisis_line}}` and `{{naloxone_contact}}` stand alone on their own line (a paragraph or a
//!   list item, `- {{crisis_line}}`) and become a whole sentence in the reader's language: the
//!   number when the organisation set one, otherwise where to ask for it.
//!
//! [`check`] refuses any other `{{...}}`, a line placeholder inside a sentence, and a literal
//! emergency or phone number ([`EMERGENCY_NUMBERS`], [`find_numbers`]).

use netreach_core::Lang;

/// Placeholders that may stand inside a sentence.
pub const INLINE: [&str; 1] = ["emergency_number"];
/// Placeholders that stand alone on their line and become a sentence.
pub const LINES: [&str; 2] = ["crisis_line", "naloxone_contact"];

/// Emergency numbers refused as standalone tokens in the pack's text: the EU's 112; the
/// Russian, Belarusian, Kazakh and Ukrainian 101-104 (fire, police, ambulance, gas) and the older
/// 01-03; Latvia's 113; Germany's and China's 110; Japan's and Korea's 119; 911 (the Americas),
/// 999 (UK, Ireland and others), 000 (Australia) and 118 (Italy's ambulance). 100 (police in a
/// few countries) is left out: "a pulse above 100" is far likelier in health text. A token
/// followed by a unit ("112 mg", "110 mmHg") or part of a range or decimal ("100-200", "1.03") is
/// not a phone number and passes.
pub const EMERGENCY_NUMBERS: [&str; 15] = [
    "01", "02", "03", "000", "101", "102", "103", "104", "110", "112", "113", "118", "119", "911",
    "999",
];

/// Words after a number that make it a quantity, not a number to call (lower case).
const UNITS: &[&str] = &[
    "mg",
    "мг",
    "g",
    "г",
    "mcg",
    "мкг",
    "µg",
    "ug",
    "ml",
    "мл",
    "l",
    "л",
    "kg",
    "кг",
    "mmhg",
    "mm",
    "мм",
    "cm",
    "см",
    "iu",
    "ме",
    "ng",
    "нг",
    "h",
    "ч",
    "hour",
    "hours",
    "час",
    "часа",
    "часов",
    "min",
    "мин",
    "minute",
    "minutes",
    "минут",
    "минуты",
    "day",
    "days",
    "дня",
    "дней",
    "week",
    "weeks",
    "недель",
    "year",
    "years",
    "лет",
    "people",
    "человек",
    "times",
    "раз",
    "bpm",
    "уд",
    "beats",
    "ударов",
    "удара",
    "percent",
    "процентов",
    "mmol",
    "ммоль",
    "tablets",
    "таблеток",
    "таблетки",
    "pills",
    "drops",
    "капель",
    "doses",
    "доз",
];

/// What a placeholder becomes in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// The emergency number, as configured.
    pub emergency_number: String,
    pub crisis_line: Sentence,
    pub naloxone_contact: Sentence,
}

/// A whole sentence for a line placeholder, with an optional link after it (where to ask when
/// the organisation configured no number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    /// `(href, label)`: a path on this site and its label.
    pub link: Option<(String, String)>,
}

impl Sentence {
    fn html(&self) -> String {
        match &self.link {
            Some((href, label)) => format!(
                "{} <a href=\"{}\">{}</a>",
                escape(&self.text),
                escape(href),
                escape(label)
            ),
            None => escape(&self.text),
        }
    }
}

/// The values of every placeholder, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    pub en: Local,
    pub ru: Local,
}

impl Fill {
    fn local(&self, lang: Lang) -> &Local {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }

    /// Fills rendered HTML (the values escaped; the sentences' links as links).
    pub fn html(&self, html: &str, lang: Lang) -> String {
        if !html.contains("{{") {
            return html.to_owned();
        }
        let local = self.local(lang);
        html.replace("{{emergency_number}}", &escape(&local.emergency_number))
            .replace("{{crisis_line}}", &local.crisis_line.html())
            .replace("{{naloxone_contact}}", &local.naloxone_contact.html())
    }

    /// Fills plain text (a combination note, a reply written for a client): the sentences
    /// without their links.
    pub fn text(&self, text: &str, lang: Lang) -> String {
        if !text.contains("{{") {
            return text.to_owned();
        }
        let local = self.local(lang);
        text.replace("{{emergency_number}}", &local.emergency_number)
            .replace("{{crisis_line}}", &local.crisis_line.text)
            .replace("{{naloxone_contact}}", &local.naloxone_contact.text)
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One problem found in a text: its line (1-based, within the text) and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Checks a text of the pack that readers see: placeholders known and well placed, no literal
/// emergency or phone number.
pub fn check(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                problems.push(Problem {
                    line: line_no,
                    message: "a placeholder opened with {{ is not closed with }}".into(),
                });
                break;
            };
            let name = &after[..end];
            if LINES.contains(&name) {
                if !stands_alone(line, name) {
                    problems.push(Problem {
                        line: line_no,
                        message: format!(
                            "{{{{{name}}}}} must stand alone on its line (a paragraph or a list item \"- {{{{{name}}}}}\"): it becomes a whole sentence"
                        ),
                    });
                }
            } else if !INLINE.contains(&name) {
                problems.push(Problem {
                    line: line_no,
                    message: format!(
                        "unknown placeholder {{{{{name}}}}}; use {}",
                        INLINE
                            .iter()
                            .chain(LINES.iter())
                            .map(|n| format!("{{{{{n}}}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            rest = &after[end + 2..];
        }
        for found in find_numbers(line) {
            problems.push(Problem {
                line: line_no,
                message: format!(
                    "{found:?} looks like a phone or emergency number: numbers depend on the country, so write {{{{emergency_number}}}}, or {{{{crisis_line}}}} / {{{{naloxone_contact}}}} on a line of their own"
                ),
            });
        }
    }
    problems
}

fn stands_alone(line: &str, name: &str) -> bool {
    let trimmed = line.trim();
    let item = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.strip_prefix("* "))
        .or_else(|| trimmed.strip_prefix("+ "))
        .or_else(|| {
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            (digits > 0)
                .then(|| trimmed[digits..].strip_prefix(". "))
                .flatten()
        })
        .unwrap_or(trimmed);
    item.trim() == format!("{{{{{name}}}}}")
}

/// The literal phone and emergency numbers in one line of text:
/// - a known emergency number ([`EMERGENCY_NUMBERS`]) standing alone, not followed by a unit;
/// - `+` followed by at least six digits (spaces and dashes between them allowed);
/// - at least six digits in three or more groups separated by spaces or dashes ("8 800
///   200-00-00", "123-45-67"), or in two groups separated by a space ("5123 4567", seven or more
///   digits), or seven or more digits in a row.
///
/// Doses, years, ranges ("10-20 mg", "2019-2023"), decimals and identifiers inside links or
/// DOIs (a run that touches a letter, `.`, `/`, `:` or `=`) pass.
pub fn find_numbers(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut groups = vec![String::new()];
        let mut separators = Vec::new();
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() {
                if let Some(g) = groups.last_mut() {
                    g.push(c);
                }
                i += 1;
            } else if (c == ' ' || c == '-') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                separators.push(c);
                groups.push(String::new());
                i += 1;
            } else {
                break;
            }
        }
        let end = i;
        let before = start.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(end).copied();
        let plus = before == Some('+');
        let touches =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || ".,/:=_#–—×x%°".contains(c));
        // Part of a link, a DOI, a decimal, a longer range or an identifier.
        if (touches(before) && !plus)
            || (after.is_some_and(|c| c.is_alphanumeric() || "/:=_%°".contains(c)))
        {
            continue;
        }
        if matches!(after, Some('.' | ',')) && chars.get(end + 1).is_some_and(char::is_ascii_digit)
        {
            continue;
        }
        if matches!(after, Some('–' | '—' | '-'))
            && chars.get(end + 1).is_some_and(char::is_ascii_digit)
        {
            continue;
        }
        let digits: usize = groups.iter().map(String::len).sum();
        let text: String = chars[start..end].iter().collect();
        let phone = if plus {
            digits >= 6
        } else {
            (groups.len() >= 3 && digits >= 6)
                || (groups.len() == 2 && separators[0] == ' ' && digits >= 7)
                || (groups.len() == 1 && digits >= 7)
        };
        if phone {
            found.push(if plus { format!("+{text}") } else { text });
            continue;
        }
        if groups.len() == 1
            && EMERGENCY_NUMBERS.contains(&text.as_str())
            && !unit_follows(&chars[end..])
        {
            found.push(text);
        }
    }
    found
}

fn unit_follows(rest: &[char]) -> bool {
    let word: String = rest
        .iter()
        .skip_while(|c| **c == ' ' || **c == '\u{a0}')
        .take_while(|c| c.is_alphabetic() || **c == 'µ')
        .collect::<String>()
        .to_lowercase();
    UNITS.contains(&word.as_str())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn fill() -> Fill {
        let local = |n: &str, crisis: &str| Local {
            emergency_number: n.into(),
            crisis_line: Sentence {
                text: crisis.into(),
                link: None,
            },
            naloxone_contact: Sentence {
                text: "Ask us <here>.".into(),
                link: Some(("/ask?lang=en".into(), "Start a chat".into())),
            },
        };
        Fill {
            en: local("112 <b>", "Crisis line: 116 123."),
            ru: local("112", "Телефон доверия: 116 123."),
        }
    }

    #[test]
    fn placeholders_are_filled_escaped_in_html_and_plain_in_text() {
        let html = fill().html(
            "<p>Call {{emergency_number}}.</p>\n<ul><li>{{naloxone_contact}}</li></ul>",
            Lang::En,
        );
        assert_eq!(
            html,
            "<p>Call 112 &lt;b&gt;.</p>\n<ul><li>Ask us &lt;here&gt;. <a href=\"/ask?lang=en\">Start a chat</a></li></ul>"
        );
        assert_eq!(
            fill().text("{{crisis_line}}", Lang::Ru),
            "Телефон доверия: 116 123."
        );
    }

    #[test]
    fn known_placeholders_in_their_place_pass() {
        let text = "Call {{emergency_number}} now.\n\n{{crisis_line}}\n\n- {{naloxone_contact}}\n1. {{crisis_line}}";
        assert_eq!(check(text), vec![]);
    }

    #[test]
    fn unknown_misplaced_and_unclosed_placeholders_are_refused() {
        let problems = check("Call {{ambulance}}.\nOr {{crisis_line}} today.\n{{emergency_number");
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![1, 2, 3], "{problems:?}");
        assert!(
            problems[0]
                .message
                .contains("unknown placeholder {{ambulance}}")
        );
        assert!(problems[1].message.contains("must stand alone"));
        assert!(problems[2].message.contains("not closed"));
    }

    #[test]
    fn literal_emergency_and_phone_numbers_are_refused() {
        for line in [
            "Вызовите скорую: 103 или 112.",
            "Call 911 now",
            "Dial 999.",
            "(000)",
            "Звоните 112 или 103.",
            "Телефон доверия 8 800 2000 122",
            "Call +372 5555 5555",
            "+7(495)1234567",
            "Ring 123-45-67 any time",
            "Mobile 5123 4567",
            "Hotline 88002000122",
        ] {
            assert!(!find_numbers(line).is_empty(), "{line:?} passed");
        }
        assert_eq!(find_numbers("скорую: 103 или 112."), vec!["103", "112"]);
    }

    #[test]
    fn doses_years_ranges_and_links_pass() {
        for line in [
            "Start with 100 mg and wait 2 hours.",
            "A 4 mg nasal spray since 2023.",
            "Doses of 100-200 mg [S1].",
            "Take 112 mg at most.",
            "From 2019-2023, and 1000–2000 mg.",
            "1.03 g, 0.112 ml, 3×103",
            "About 100 people died [2].",
            "See https://doi.org/10.1016/S0140-6736(13)61127-7 and https://example.org/112",
            "1 in 100 000",
            "Blood pressure above 180/110 mmHg",
            "Step 3. Wait 10 minutes, then 5-10 more.",
            "A pulse above 100, or 110 beats a minute",
        ] {
            assert_eq!(find_numbers(line), Vec::<String>::new(), "{line:?}");
        }
    }
}
