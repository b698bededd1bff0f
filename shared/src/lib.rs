//! Ferry's pure core.
//!
//! - [`wire`] and [`topic`]: the types the widget, the Worker and webhook receivers exchange.
//!   Always compiled; this is all the widget takes.
//! - `site`, `router`, `lang`, `lexicon` (feature `router`): the site file, the rules engine and
//!   the tagging that the Worker and the `ferry` CLI run.
//!
//! Invariant: no IO, no clock, no randomness, no platform crates. Callers pass `now` and ids in,
//! so every decision is reproducible from its inputs (`tests/purity.rs` checks the manifest).

pub mod topic;
pub mod wire;

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
pub mod mask;
#[cfg(feature = "router")]
pub mod normalize;
#[cfg(feature = "router")]
pub mod retry;
#[cfg(feature = "router")]
pub mod router;
#[cfg(feature = "router")]
pub mod site;
#[cfg(feature = "router")]
pub mod slack;
#[cfg(feature = "router")]
pub mod vocab;
#[cfg(feature = "webhook")]
pub mod webhook;

#[cfg(feature = "router")]
pub use router::{Decision, History, Outcome, route, route_in_conversation};
#[cfg(feature = "router")]
pub use site::{CompiledSite, LoadError};
pub use topic::Topic;
