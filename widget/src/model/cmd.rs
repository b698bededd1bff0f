//! What [`update`](super::update()) asks of the runtime: the [`Cmd`]s (effects), and the
//! [`Event`]s the page hears.

use ferry_shared::wire::{ChatRequest, ContactRequest};

use super::Entry;

/// Effects for the runtime to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    FetchConfig,
    Send(Box<ChatRequest>),
    SendContact(Box<ContactRequest>),
    /// Persist the conversation log.
    Save(Vec<Entry>),
    Focus(Focus),
    /// Dispatch [`Msg::RetryDue`](super::Msg::RetryDue) with this generation after this many
    /// milliseconds.
    RetryLater {
        ms: u32,
        generation: u32,
    },
    /// Tell the page's `Ferry.on` listeners.
    Emit(Event),
    /// Tell the shop's developer (the console) about a call that was ignored.
    Warn(String),
    /// Run the Turnstile check with this site key; its outcome is
    /// [`Msg::ChallengeSolved`](super::Msg::ChallengeSolved) or
    /// [`Msg::ChallengeFailed`](super::Msg::ChallengeFailed).
    Challenge {
        site_key: String,
    },
    /// Fetch the panel's words in this language (`widget/<version>/i18n/<code>.json`); the
    /// outcome is [`Msg::UiLoaded`](super::Msg::UiLoaded) or
    /// [`Msg::UiFailed`](super::Msg::UiFailed).
    LoadUi(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Input,
    Launcher,
    Email,
}

/// What the page hears through `Ferry.on(event, fn)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Open,
    Close,
    /// A message entered the log: `from` is `shopper` or `bot`.
    Message {
        from: &'static str,
        text: String,
        language: String,
    },
    /// The conversation went to a person.
    Handoff {
        ticket: String,
        reply_by: i64,
    },
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::Open => "open",
            Event::Close => "close",
            Event::Message { .. } => "message",
            Event::Handoff { .. } => "handoff",
        }
    }
}
