//! Everything that can happen to the widget: the [`Msg`]s, and what they carry from the
//! runtime ([`Stamp`]) and the network ([`Failure`]).

use ferry_shared::wire::{ChatResponse, Contact, ContactResponse, ErrorCode, WidgetConfig};

use crate::i18n::Ui;

/// Everything that can happen to the widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Open,
    Close,
    Toggle,
    ConfigLoaded(WidgetConfig),
    ConfigFailed(Failure),
    /// The input's text changed.
    Draft(String),
    /// Send the draft.
    Submit(Stamp),
    /// A quick-reply chip was chosen: send its text; the keyboard focus goes to the input
    /// (the chip itself disappears).
    QuickReply(String, Stamp),
    /// The page called `Ferry.send(text)`: send this text; focus stays where it is.
    Say(String, Stamp),
    Replied(ChatResponse),
    SendFailed {
        client_message_id: String,
        failure: Failure,
        /// `Retry-After` as the shopper's local date and time, formatted by the runtime
        /// (the model has no clock).
        retry_at: Option<String>,
    },
    /// The Turnstile check gave a token for the head of the outbox.
    ChallengeSolved(String),
    /// The check could not run (its script blocked or offline) or ended in an error.
    ChallengeFailed,
    /// The shopper pressed Retry: try whatever failed now.
    Retry,
    /// A scheduled retry is due; only the latest schedule counts.
    RetryDue(u32),
    /// The browser's `online` / `offline` events.
    Online,
    Offline,
    /// `Ferry.identify({email, name})`.
    Identify(Contact),
    ContactEmail(String),
    ContactOrder(String),
    ContactSubmit,
    ContactSaved(ContactResponse),
    ContactFailed(Failure),
    /// The table [`Cmd::LoadUi`](super::Cmd::LoadUi) asked for.
    UiLoaded(Box<Ui>),
    /// It could not be fetched (or did not read as a table): the panel keeps its words.
    UiFailed(&'static str),
}

/// What the runtime knows at the moment the shopper sends: a fresh client message id and the
/// page the shopper is on (single-page shops change it without reloading the widget).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub message_id: String,
    pub page_url: Option<String>,
}

/// Why a request did not produce a usable response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No HTTP response: offline, DNS, blocked, timed out.
    Network,
    /// An HTTP error status, with the code of its `{"error":{"code"}}` body when there was
    /// one.
    Http {
        status: u16,
        code: Option<ErrorCode>,
        retry_after_secs: Option<u32>,
    },
    /// A 2xx whose body is not the JSON we expect.
    Malformed,
}

impl Failure {
    /// Whether sending the same request again can succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Failure::Network | Failure::Malformed => true,
            Failure::Http { status, .. } => *status >= 500 || *status == 408 || *status == 429,
        }
    }

    /// The edge's error code, when it answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Failure::Http { code, .. } => *code,
            Failure::Network | Failure::Malformed => None,
        }
    }
}
