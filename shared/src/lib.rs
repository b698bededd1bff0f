//! Ferry's pure core.
//!
//! - [`wire`] and [`topic`]: the types the widget, the Worker and webhook receivers exchange.
//!   Always compiled; this is all the widget takes.
//! - `site`, `router`, `lang`, `lexicon` (feature `router`): the site file, the rules engine and
//!   the tagging that the Worker and the `ferry` CLI run.
//!
//! Invariant: no IO, no clock, no randomness, no platform crates. Callers pass `now` and ids in,
//! so every decision is reproducible from its inputs (`tests/purity.rs` checks the manifest).

/// An enum each of whose values has one name, written once: on the wire and in files (serde),
/// in storage and messages (`as_str`, `from_name`, `Display`), and in the list of them all
/// (`ALL`, in declaration order).
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The value's one name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value named `name`, if any.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.into_iter().find(|v| v.as_str() == name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod language;
pub mod markup;
pub mod mask;
pub mod reply;
pub mod status;
pub mod topic;
pub mod wire;

#[cfg(feature = "router")]
#[doc(hidden)]
pub mod cold;
#[cfg(feature = "router")]
pub mod concept;
#[cfg(feature = "router")]
pub mod country;
#[cfg(feature = "router")]
pub mod facts;
#[cfg(feature = "router")]
pub mod guard;
#[cfg(feature = "router")]
pub mod hours;
#[cfg(feature = "router")]
pub mod json;
#[cfg(feature = "router")]
pub mod lang;
#[cfg(feature = "router")]
pub mod lexicon;
#[cfg(feature = "router")]
pub mod normalize;
#[cfg(feature = "router")]
pub mod render;
#[cfg(feature = "router")]
pub mod report;
#[cfg(feature = "router")]
pub mod retry;
#[cfg(feature = "router")]
pub mod router;
#[cfg(feature = "router")]
pub mod site;
#[cfg(feature = "router")]
pub mod slack;
#[cfg(feature = "webhook")]
pub mod slack_events;
#[cfg(feature = "router")]
pub mod typo;
#[cfg(feature = "router")]
pub mod vocab;
#[cfg(feature = "webhook")]
pub mod webhook;

#[cfg(feature = "router")]
pub use router::{Decision, HandoffPlan, History, Outcome, route, route_in_conversation};
#[cfg(feature = "router")]
pub use site::{CompiledSite, LoadError};
pub use topic::Topic;
