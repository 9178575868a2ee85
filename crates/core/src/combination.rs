//! Combination risk: the categories, their order of danger, and how a pair of substances finds
//! its rule (a pair-level override first, then the rule for their two classes). A pair without
//! any rule is "unknown", never safe.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Dangerous,
    Unsafe,
    Caution,
    LowRiskSynergy,
    LowRiskNoSynergy,
    LowRiskDecrease,
    Unknown,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Dangerous,
        Category::Unsafe,
        Category::Caution,
        Category::Unknown,
        Category::LowRiskSynergy,
        Category::LowRiskNoSynergy,
        Category::LowRiskDecrease,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Dangerous => "dangerous",
            Category::Unsafe => "unsafe",
            Category::Caution => "caution",
            Category::LowRiskSynergy => "low_risk_synergy",
            Category::LowRiskNoSynergy => "low_risk_no_synergy",
            Category::LowRiskDecrease => "low_risk_decrease",
            Category::Unknown => "unknown",
        }
    }

    /// Sort key, most dangerous first. "Unknown" ranks above every low-risk category: not
    /// knowing is never presented as safer than a known low risk.
    pub fn danger_rank(self) -> u8 {
        match self {
            Category::Dangerous => 0,
            Category::Unsafe => 1,
            Category::Caution => 2,
            Category::Unknown => 3,
            Category::LowRiskSynergy => 4,
            Category::LowRiskNoSynergy => 5,
            Category::LowRiskDecrease => 6,
        }
    }
}

impl FromStr for Category {
    type Err = crate::conversation::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| crate::conversation::UnknownValue(s.chars().take(40).collect()))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key for an unordered pair: the two names in sorted order.
pub fn pair_key(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

/// Which rule applies to two substances: their pair override if there is one, else the rule
/// for their classes; `None` means unknown.
pub fn resolve<'r, R>(
    (a, a_class): (&str, &str),
    (b, b_class): (&str, &str),
    pair_rule: impl Fn(&(String, String)) -> Option<&'r R>,
    class_rule: impl Fn(&(String, String)) -> Option<&'r R>,
) -> Option<&'r R> {
    pair_rule(&pair_key(a, b)).or_else(|| class_rule(&pair_key(a_class, b_class)))
}

/// Every unordered pair of distinct items, in input order.
pub fn pairs<T: Clone>(items: &[T]) -> Vec<(T, T)> {
    let mut out = Vec::new();
    for (i, a) in items.iter().enumerate() {
        for b in &items[i + 1..] {
            out.push((a.clone(), b.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn unknown_is_never_ranked_as_safe() {
        assert!(Category::Unknown.danger_rank() < Category::LowRiskSynergy.danger_rank());
        assert!(Category::Dangerous.danger_rank() < Category::Unsafe.danger_rank());
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
        }
    }

    #[test]
    fn pair_rules_override_class_rules_and_missing_rules_are_unknown() {
        let pairs_map: HashMap<(String, String), &str> =
            [(pair_key("tramadol", "ssris"), "pair")].into();
        let classes: HashMap<(String, String), &str> =
            [(pair_key("opioid", "ssri"), "class")].into();
        let p = |k: &(String, String)| pairs_map.get(k);
        let c = |k: &(String, String)| classes.get(k);
        assert_eq!(
            resolve(("ssris", "ssri"), ("tramadol", "opioid"), p, c),
            Some(&"pair")
        );
        assert_eq!(
            resolve(("heroin", "opioid"), ("ssris", "ssri"), p, c),
            Some(&"class")
        );
        assert_eq!(
            resolve(("heroin", "opioid"), ("lsd", "psychedelic"), p, c),
            None
        );
        assert_eq!(pairs(&[1, 2, 3]), vec![(1, 2), (1, 3), (2, 3)]);
    }
}
