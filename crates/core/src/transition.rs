//! What the state machines of alerts, publications, Q&A entries and content items share: a
//! refused step, and the macro that gives their states and kinds one text form.

/// A step the rules do not allow from where a thing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} from {from}")]
pub struct Refused {
    /// The step asked for, e.g. `publish`.
    pub action: &'static str,
    /// Where the thing stood, e.g. `withdrawn`.
    pub from: &'static str,
}

impl Refused {
    pub fn new(action: &'static str, from: impl Into<&'static str>) -> Refused {
        Refused {
            action,
            from: from.into(),
        }
    }
}

/// An enum whose values are stored and sent as fixed lower-case words: `ALL`, `as_str`,
/// `FromStr`, `Display` and serde all use the same words, so the database, the JSON API and the
/// forms cannot drift apart.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::conversation::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::conversation::UnknownValue(s.chars().take(40).collect())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> Self {
                value.as_str()
            }
        }
    };
}
pub(crate) use text_enum;
