//! The widget's state and every decision about it: [`Model`], the [`Msg`]s that change it and
//! the [`Cmd`]s (effects) that [`update()`] asks the runtime to perform.
//!
//! This module is pure: no web-sys, no clock, no randomness. Ids and the page URL arrive inside
//! messages ([`Stamp`]), network results arrive as [`Msg::Replied`] / [`Msg::SendFailed`], and
//! the runtime in `lib.rs` carries out the returned commands. That keeps every behaviour
//! testable natively with `cargo test -p ferry-widget`.
//!
//! Invariants:
//! - every shopper message gets its client message id once, when written; retries resend the
//!   same request, so the edge never sees a message twice;
//! - messages leave in the order they were written: only the head of the [`Model::outbox`] is
//!   ever in flight;
//! - nothing the shopper wrote is dropped silently: a refused message goes back to the input;
//! - a Turnstile token goes with one attempt only: it is cleared once that attempt has an
//!   outcome, whatever it is.
//!
//! Layout: `state.rs` holds the [`Model`] and what it is made of; `msg.rs` the [`Msg`]s and
//! what they carry ([`Stamp`], [`Failure`]); `cmd.rs` the [`Cmd`]s and the page [`Event`]s;
//! `update.rs` [`update()`] and every transition.

mod cmd;
mod msg;
mod state;
#[cfg(test)]
mod tests;
mod update;

pub use cmd::{Cmd, Event, Focus};
pub use msg::{Failure, Msg, Stamp};
pub use state::{
    Client, Config, ContactForm, Delivery, Entry, Model, Notice, Settings, is_https, is_id,
    pick_language, ui_code,
};
pub use update::{backoff_ms, update};

/// How many log entries are kept (and persisted); older ones are dropped first.
pub const MAX_ENTRIES: usize = 100;
/// Failed attempts of one message after which the outbox stops retrying by itself (the
/// shopper can still press Retry, and coming back online starts over).
pub const MAX_AUTO_ATTEMPTS: u32 = 8;
/// The longest wait between two automatic attempts, in milliseconds.
pub const MAX_BACKOFF_MS: u32 = 30_000;
/// The longest `Retry-After` the widget waits out by itself, in seconds.
pub const MAX_AUTO_RETRY_SECS: u32 = 60;
/// Turnstile challenges run for one message before it shows as not sent (with Retry).
pub const MAX_CHALLENGES: u32 = 3;
