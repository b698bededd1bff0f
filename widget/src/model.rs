//! The widget's state and every decision about it: [`Model`], the [`Msg`]s that change it and
//! the [`Cmd`]s (effects) that [`update`] asks the runtime to perform.
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

use std::collections::{BTreeMap, VecDeque};

use ferry_shared::wire::{
    Away, ChatRequest, ChatResponse, Colors, Contact, ContactRequest, ContactResponse, Link,
    MAX_ID_LEN, MAX_TEXT_CHARS, MAX_TURNSTILE_TOKEN_LEN, MAX_URL_LEN, Reply, SiteStatus,
    WIRE_VERSION, WidgetConfig, is_locale_tag,
};
use serde::Serialize;

use crate::i18n::{self, Ui};

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

/// What the runtime knows at the moment the shopper sends: a fresh client message id and the
/// page the shopper is on (single-page shops change it without reloading the widget).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub message_id: String,
    pub page_url: Option<String>,
}

/// Facts about the shopper's browser that go into every request; read once at mount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    /// `navigator.language`, e.g. `pt-BR`.
    pub locale: Option<String>,
    /// The IANA time zone, e.g. `America/Sao_Paulo`.
    pub time_zone: Option<String>,
}

/// One line of the conversation log. Persisted as JSON (written by this derive, read back by
/// `decode::entries`) so the conversation survives a page change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Entry {
    /// What the shopper wrote.
    Shopper {
        id: String,
        text: String,
        state: Delivery,
    },
    /// An automatic answer.
    Bot {
        text: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        quick_replies: Vec<String>,
        /// The language the answer is written in (sent back as `previous_language`).
        #[serde(skip_serializing_if = "String::is_empty")]
        language: String,
    },
    /// The question went to a person: the reply text, the ticket and the promised time.
    Handoff {
        text: String,
        ticket: String,
        /// Unix epoch milliseconds.
        reply_by: i64,
        #[serde(skip_serializing_if = "String::is_empty")]
        language: String,
        /// The edge wants an email to answer to (and maybe the order number).
        #[serde(skip_serializing_if = "is_false")]
        ask_contact: bool,
        #[serde(skip_serializing_if = "is_false")]
        ask_order_number: bool,
        /// Nobody is at the inbox now.
        #[serde(skip_serializing_if = "Option::is_none")]
        away: Option<Away>,
    },
    /// The shopper left their contact for `ticket`; `text` is the edge's confirmation.
    Contact { ticket: String, text: String },
}

fn is_false(b: &bool) -> bool {
    !b
}

/// Where a shopper message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In the outbox, waiting for its turn, the network or a retry.
    Queued,
    /// On its way.
    Sending,
    /// The edge answered it.
    Sent,
}

/// Why a request did not produce a usable response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No HTTP response: offline, DNS, blocked, timed out.
    Network,
    /// An HTTP error status, with the `{"error":{..}}` body when there was one.
    Http {
        status: u16,
        code: Option<String>,
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
}

/// A visible notice above the input (rendered as `.ferry-error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// Whether a Retry button is offered.
    pub retry: bool,
}

/// The site's configuration as far as this shopper is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Config {
    Loading,
    Ready(Box<Settings>),
    Failed,
}

/// What the widget uses of [`WidgetConfig`], resolved for the shopper's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub shop_name: String,
    pub greeting: Option<String>,
    pub quick_replies: Vec<String>,
    pub colors: Colors,
    pub support_email: String,
    /// Hosts links in answers may point to (https only).
    pub link_hosts: Vec<String>,
    /// Open or away, when the config was loaded.
    pub status: Option<SiteStatus>,
    /// The site's Turnstile key, for the check the edge may ask for before a handoff.
    pub turnstile_site_key: Option<String>,
}

/// The contact form shown after a handoff that asked for an email.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactForm {
    pub email: String,
    pub order: String,
    /// What is wrong with the input or the last attempt, shown under the form.
    pub error: Option<String>,
    pub sending: bool,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub site: String,
    pub conversation_id: String,
    /// The language of the shop's own content (greeting, chips): the site language that best
    /// matches the shopper's.
    pub lang: String,
    requested_lang: String,
    /// The panel's own words, and their language (also the panel's `lang` and direction).
    pub ui: &'static Ui,
    pub ui_lang: &'static str,
    pub client: Client,
    pub config: Config,
    pub entries: Vec<Entry>,
    pub draft: String,
    /// Shopper messages not yet answered, oldest first; only the head is ever in flight.
    pub outbox: VecDeque<ChatRequest>,
    pub in_flight: bool,
    /// Failed attempts of the head of the outbox since it last went well.
    pub attempts: u32,
    /// The Turnstile check running for the head of the outbox (its site key): the head waits.
    pub challenge: Option<String>,
    /// Checks run for the head of the outbox (at most [`MAX_CHALLENGES`] until Retry).
    pub challenges: u32,
    /// The head waits for the shopper's Retry, whatever happens (the edge said a person
    /// cannot be reached through the chat for hours): nothing is attempted by itself.
    pub held: bool,
    /// Bumped whenever a retry is scheduled, so only the latest timer counts.
    pub retry_generation: u32,
    /// What the browser says (`navigator.onLine` and its events).
    pub online: bool,
    pub notice: Option<Notice>,
    pub open: bool,
    /// Replies that arrived while the panel was closed (the launcher's badge).
    pub unread: usize,
    /// Who the shop says the shopper is (`Ferry.identify`); sent with every message.
    pub identity: Contact,
    pub contact: ContactForm,
}

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
}

/// Effects for the runtime to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    FetchConfig,
    Send(Box<ChatRequest>),
    SendContact(Box<ContactRequest>),
    /// Persist the conversation log.
    Save(Vec<Entry>),
    Focus(Focus),
    /// Dispatch [`Msg::RetryDue`] with this generation after this many milliseconds.
    RetryLater {
        ms: u32,
        generation: u32,
    },
    /// Tell the page's `Ferry.on` listeners.
    Emit(Event),
    /// Tell the shop's developer (the console) about a call that was ignored.
    Warn(String),
    /// Run the Turnstile check with this site key; its outcome is [`Msg::ChallengeSolved`]
    /// or [`Msg::ChallengeFailed`].
    Challenge {
        site_key: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Input,
    Launcher,
    Email,
}

/// The wait before automatic attempt `attempt + 1` after `attempt` failures: 1 s, 2 s, 4 s, …
/// up to [`MAX_BACKOFF_MS`].
pub fn backoff_ms(attempt: u32) -> u32 {
    let doubled = 1000u32.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    doubled.min(MAX_BACKOFF_MS)
}

impl Model {
    /// A closed widget for `site`. `entries` is the restored log of this conversation; shopper
    /// messages that were not answered when the previous page unloaded go back into the
    /// outbox, with their ids (the edge deduplicates on them).
    pub fn new(
        site: String,
        conversation_id: String,
        requested_lang: &str,
        client: Client,
        entries: Vec<Entry>,
    ) -> Model {
        let requested_lang = requested_lang.trim().to_string();
        let client = Client {
            locale: client.locale.filter(|l| is_locale_tag(l)),
            time_zone: client.time_zone.filter(|tz| is_time_zone(tz)),
        };
        let lang = primary_subtag(&requested_lang)
            .unwrap_or("en")
            .to_ascii_lowercase();
        let ui_lang = i18n::table(&lang).unwrap_or("en");
        let mut model = Model {
            site,
            conversation_id,
            ui: i18n::ui(ui_lang),
            ui_lang,
            lang,
            requested_lang,
            client,
            config: Config::Loading,
            entries,
            draft: String::new(),
            outbox: VecDeque::new(),
            in_flight: false,
            attempts: 0,
            challenge: None,
            challenges: 0,
            held: false,
            retry_generation: 0,
            online: true,
            notice: None,
            open: false,
            unread: 0,
            identity: Contact::default(),
            contact: ContactForm::default(),
        };
        model.trim_log();
        model.resume_unsent();
        model
    }

    /// The chips to show now: the config's before the first message, then those of the last
    /// answer; none while a message is on its way or after a handoff.
    pub fn chips(&self) -> &[String] {
        if !self.outbox.is_empty() {
            return &[];
        }
        match self.entries.last() {
            None => match &self.config {
                Config::Ready(settings) => &settings.quick_replies,
                Config::Loading | Config::Failed => &[],
            },
            Some(Entry::Bot { quick_replies, .. }) => quick_replies,
            Some(_) => &[],
        }
    }

    /// Whether a message is on its way (the typing indicator is shown).
    pub fn sending(&self) -> bool {
        self.in_flight
    }

    pub fn settings(&self) -> Option<&Settings> {
        match &self.config {
            Config::Ready(settings) => Some(settings),
            Config::Loading | Config::Failed => None,
        }
    }

    /// Whether the panel's text runs right to left.
    pub fn rtl(&self) -> bool {
        i18n::is_rtl(self.ui_lang)
    }

    /// The handoff waiting for the shopper's contact, and whether it asks for the order
    /// number: the last handoff that asked, unless the contact was given since.
    pub fn contact_wanted(&self) -> Option<(&str, bool)> {
        for entry in self.entries.iter().rev() {
            match entry {
                Entry::Contact { .. } => return None,
                Entry::Handoff {
                    ticket,
                    ask_contact: true,
                    ask_order_number,
                    ..
                } => return Some((ticket, *ask_order_number)),
                Entry::Handoff { .. } => return None,
                Entry::Shopper { .. } | Entry::Bot { .. } => {}
            }
        }
        None
    }

    fn set_ui_lang(&mut self, lang: &str) {
        if let Some(code) = primary_subtag(lang).and_then(i18n::table) {
            self.ui_lang = code;
            self.ui = i18n::ui(code);
        }
    }

    fn trim_log(&mut self) {
        if self.entries.len() > MAX_ENTRIES {
            let excess = self.entries.len() - MAX_ENTRIES;
            self.entries.drain(..excess);
        }
    }

    /// The unanswered shopper messages at the end of the log go back into the outbox.
    fn resume_unsent(&mut self) {
        let start = self
            .entries
            .iter()
            .rposition(|e| !matches!(e, Entry::Shopper { .. }))
            .map_or(0, |i| i + 1);
        let mut unsent = Vec::new();
        for entry in &mut self.entries[start..] {
            if let Entry::Shopper { id, text, state } = entry
                && *state != Delivery::Sent
            {
                *state = Delivery::Queued;
                unsent.push((id.clone(), text.clone()));
            }
        }
        for (id, text) in unsent {
            let request = self.request(id, text, None);
            self.outbox.push_back(request);
        }
    }

    fn request(
        &self,
        client_message_id: String,
        text: String,
        page_url: Option<String>,
    ) -> ChatRequest {
        let identified = self.identity.email.is_some() || self.identity.name.is_some();
        ChatRequest {
            v: WIRE_VERSION,
            site: self.site.clone(),
            conversation_id: self.conversation_id.clone(),
            client_message_id,
            text,
            page_url: page_url.filter(|u| !u.is_empty() && u.len() <= MAX_URL_LEN),
            locale: self.client.locale.clone(),
            time_zone: self.client.time_zone.clone(),
            contact: identified.then(|| self.identity.clone()),
            country: None,
            previous_language: self.previous_language(),
            turnstile_token: None,
        }
    }

    /// The language of the last reply, so the edge keeps a short follow-up ("ok", "and to
    /// Portugal?") in the conversation's language.
    fn previous_language(&self) -> Option<String> {
        self.entries.iter().rev().find_map(|e| match e {
            Entry::Bot { language, .. } | Entry::Handoff { language, .. } => {
                Some(language.clone()).filter(|l| is_locale_tag(l))
            }
            Entry::Shopper { .. } | Entry::Contact { .. } => None,
        })
    }

    fn set_entry_state(&mut self, message_id: &str, new_state: Delivery) {
        for entry in self.entries.iter_mut().rev() {
            if let Entry::Shopper { id, state, .. } = entry
                && id == message_id
            {
                *state = new_state;
                return;
            }
        }
    }

    fn save(&self) -> Cmd {
        Cmd::Save(self.entries.clone())
    }

    /// Validates `text` and puts it in the outbox; `from_draft` says whether the input
    /// should be cleared.
    fn send(&mut self, text: String, stamp: Stamp, from_draft: bool) -> Vec<Cmd> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        let chars = text.chars().count();
        if chars > MAX_TEXT_CHARS {
            let text = (self.ui.too_long)(chars, MAX_TEXT_CHARS);
            self.notice = Some(Notice { text, retry: false });
            return Vec::new();
        }
        if !is_id(&stamp.message_id) {
            // The runtime's id source failed; nothing sensible can be sent.
            self.notice = Some(Notice {
                text: self.ui.not_sent.into(),
                retry: false,
            });
            return Vec::new();
        }
        let request = self.request(stamp.message_id.clone(), text.clone(), stamp.page_url);
        self.entries.push(Entry::Shopper {
            id: stamp.message_id,
            text: text.clone(),
            state: Delivery::Queued,
        });
        self.trim_log();
        self.outbox.push_back(request);
        if from_draft {
            self.draft.clear();
        }
        if !self.online {
            self.notice = Some(Notice {
                text: self.ui.queued.into(),
                retry: false,
            });
        }
        let mut cmds = vec![Cmd::Emit(Event::Message {
            from: "shopper",
            text,
            language: String::new(),
        })];
        cmds.extend(self.send_next());
        cmds.push(self.save());
        cmds
    }

    /// Sends the head of the outbox, unless one is in flight, the head waits for a check or
    /// the shopper, or the browser is offline.
    fn send_next(&mut self) -> Vec<Cmd> {
        if self.in_flight || self.challenge.is_some() || self.held || !self.online {
            return Vec::new();
        }
        let Some(request) = self.outbox.front().cloned() else {
            return Vec::new();
        };
        self.in_flight = true;
        self.set_entry_state(&request.client_message_id, Delivery::Sending);
        vec![Cmd::Send(Box::new(request))]
    }

    /// Try now what failed: the config, then the outbox.
    fn retry_now(&mut self) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if self.config == Config::Failed {
            self.config = Config::Loading;
            cmds.push(Cmd::FetchConfig);
        }
        let sends = self.send_next();
        if !sends.is_empty() {
            self.retry_generation += 1; // a pending timer is now moot
            cmds.extend(sends);
            cmds.push(self.save());
        }
        if !cmds.is_empty() {
            self.notice = None;
        }
        cmds
    }

    fn answered(&mut self, response: ChatResponse) -> Vec<Cmd> {
        let Some(head) = self.outbox.front() else {
            return Vec::new();
        };
        if head.client_message_id != response.client_message_id
            || head.conversation_id != response.conversation_id
        {
            return Vec::new(); // a stale response to a message no longer in flight
        }
        self.outbox.pop_front();
        self.in_flight = false;
        self.next_head();
        self.set_entry_state(&response.client_message_id, Delivery::Sent);
        if self.notice.as_ref().is_some_and(|n| n.retry) || self.outbox.is_empty() {
            self.notice = None;
        }
        let mut cmds = Vec::new();
        let (entry, language) = match response.reply {
            Reply::Answer(answer) => {
                cmds.push(Cmd::Emit(Event::Message {
                    from: "bot",
                    text: answer.text.clone(),
                    language: answer.language.clone(),
                }));
                let language = shopper_or(&answer.shopper_language, &answer.language);
                let entry = Entry::Bot {
                    text: answer.text,
                    links: answer
                        .links
                        .into_iter()
                        .filter(|l| is_https(&l.url))
                        .collect(),
                    quick_replies: answer.quick_replies,
                    language: answer.language,
                };
                (entry, language)
            }
            Reply::Handoff(handoff) => {
                cmds.push(Cmd::Emit(Event::Message {
                    from: "bot",
                    text: handoff.text.clone(),
                    language: handoff.language.clone(),
                }));
                cmds.push(Cmd::Emit(Event::Handoff {
                    ticket: handoff.ticket.clone(),
                    reply_by: handoff.reply_by,
                }));
                let language = shopper_or(&handoff.shopper_language, &handoff.language);
                let entry = Entry::Handoff {
                    text: handoff.text,
                    ticket: handoff.ticket,
                    reply_by: handoff.reply_by,
                    language: handoff.language,
                    // Someone the shop identified has given their email already.
                    ask_contact: handoff.ask_contact && self.identity.email.is_none(),
                    ask_order_number: handoff.ask_order_number,
                    away: handoff.away,
                };
                (entry, language)
            }
        };
        self.entries.push(entry);
        self.trim_log();
        self.set_ui_lang(&language);
        if !self.open {
            self.unread += 1;
        }
        if self.contact_wanted().is_some() && self.contact.email.is_empty() {
            self.contact.email = self.identity.email.clone().unwrap_or_default();
        }
        cmds.extend(self.send_next());
        cmds.push(self.save());
        cmds
    }

    /// The outbox has a new head (or none): its attempts, checks and hold start over.
    fn next_head(&mut self) {
        self.attempts = 0;
        self.challenges = 0;
        self.held = false;
    }

    /// `parts` as one notice, the shop's email last as the way out (when it is known):
    /// sentences joined by a space, none after a CJK full stop.
    fn sentences(&self, parts: &[Option<&str>]) -> String {
        let email = self
            .settings()
            .map(|s| s.support_email.trim())
            .filter(|e| !e.is_empty())
            .map(|e| fill(self.ui.write_to, e));
        let mut text = String::new();
        for part in parts.iter().copied().chain([email.as_deref()]).flatten() {
            if !text.is_empty() && !text.ends_with('。') {
                text.push(' ');
            }
            text.push_str(part);
        }
        text
    }

    /// The edge wants a Turnstile token for the head: run the check, unless this message
    /// has had its checks (or the site has no key to run one with).
    fn challenge_head(&mut self) -> Vec<Cmd> {
        let key = self.settings().and_then(|s| s.turnstile_site_key.clone());
        match key {
            Some(site_key) if self.challenges < MAX_CHALLENGES => {
                self.challenges += 1;
                self.challenge = Some(site_key.clone());
                self.notice = None;
                vec![Cmd::Challenge { site_key }]
            }
            _ => self.challenge_gave_up(),
        }
    }

    /// The head stays in the outbox, not sent, with Retry and the shop's email.
    fn challenge_gave_up(&mut self) -> Vec<Cmd> {
        self.challenge = None;
        if let Some(id) = self.outbox.front().map(|r| r.client_message_id.clone()) {
            self.set_entry_state(&id, Delivery::Queued);
        }
        let text = self.sentences(&[Some(self.ui.not_sent)]);
        self.notice = Some(Notice { text, retry: true });
        vec![self.save()]
    }

    fn challenge_solved(&mut self, token: String) -> Vec<Cmd> {
        if self.challenge.is_none() {
            return Vec::new(); // no check is running: a stale callback
        }
        if token.is_empty() || token.len() > MAX_TURNSTILE_TOKEN_LEN {
            // Not a token the edge would accept: as good as a failed check.
            self.challenge = None;
            return self.challenge_head();
        }
        self.challenge = None;
        if let Some(head) = self.outbox.front_mut() {
            head.turnstile_token = Some(token);
        }
        self.send_next()
    }

    fn send_failed(
        &mut self,
        client_message_id: String,
        failure: Failure,
        retry_at: Option<String>,
    ) -> Vec<Cmd> {
        let ui = self.ui;
        let is_head = self
            .outbox
            .front()
            .is_some_and(|r| r.client_message_id == client_message_id);
        if !is_head || !self.in_flight {
            return Vec::new();
        }
        self.in_flight = false;
        // The attempt is over: its token (if any) is spent, whatever the edge made of it.
        if let Some(head) = self.outbox.front_mut() {
            head.turnstile_token = None;
        }
        let code = match &failure {
            Failure::Http { code, .. } => code.as_deref().unwrap_or_default(),
            _ => "",
        };
        if matches!(code, "challenge_required" | "challenge_failed") {
            return self.challenge_head();
        }
        if code == "handoff_limit" {
            // Too many handoffs from this address: hours, not seconds. Keep the message,
            // say so calmly, and leave the next attempt to the shopper.
            self.held = true;
            self.retry_generation += 1; // a pending timer is now moot
            self.set_entry_state(&client_message_id, Delivery::Queued);
            let try_after = retry_at.map(|when| fill(ui.try_after, &when));
            let text = self.sentences(&[Some(ui.no_person), try_after.as_deref()]);
            self.notice = Some(Notice { text, retry: true });
            return vec![self.save()];
        }
        if !failure.retryable() {
            // The server refused this text: take it out of the log and give it back to the
            // shopper to change, unless they have typed something new meanwhile.
            let request = self.outbox.pop_front();
            let text = request.map(|r| r.text).unwrap_or_default();
            self.next_head();
            self.entries
                .retain(|e| !matches!(e, Entry::Shopper { id, .. } if *id == client_message_id));
            if self.draft.trim().is_empty() {
                self.draft = text;
            }
            let text = match &failure {
                Failure::Http { status: 413, .. } => ui.refused_long.into(),
                // Not this text's fault (`origin_not_allowed`): rephrasing would not help.
                Failure::Http {
                    status: 401 | 403, ..
                } => self.sentences(&[Some(ui.not_sent)]),
                _ => ui.refused.into(),
            };
            self.notice = Some(Notice { text, retry: false });
            let mut cmds = vec![Cmd::Focus(Focus::Input)];
            cmds.extend(self.send_next());
            cmds.push(self.save());
            return cmds;
        }

        self.attempts += 1;
        self.set_entry_state(&client_message_id, Delivery::Queued);
        let mut cmds = Vec::new();
        let retry_after = match failure {
            Failure::Http {
                retry_after_secs: Some(secs),
                ..
            } => Some(secs),
            _ => None,
        };
        self.notice = Some(if !self.online {
            // The `online` event sends it.
            Notice {
                text: ui.queued.into(),
                retry: false,
            }
        } else if self.attempts <= MAX_AUTO_ATTEMPTS
            && retry_after.is_none_or(|s| s <= MAX_AUTO_RETRY_SECS)
        {
            let ms = backoff_ms(self.attempts).max(retry_after.unwrap_or(0).saturating_mul(1000));
            self.retry_generation += 1;
            cmds.push(Cmd::RetryLater {
                ms,
                generation: self.retry_generation,
            });
            let text = match (&failure, retry_after) {
                (Failure::Http { .. }, Some(_)) => ui.busy.to_string(),
                _ => (ui.retrying)(ms.div_ceil(1000)),
            };
            Notice { text, retry: true }
        } else {
            Notice {
                text: ui.not_sent.into(),
                retry: true,
            }
        });
        cmds.push(self.save());
        cmds
    }

    fn submit_contact(&mut self) -> Vec<Cmd> {
        let Some((ticket, ask_order)) = self.contact_wanted() else {
            return Vec::new();
        };
        if self.contact.sending {
            return Vec::new();
        }
        let ticket = ticket.to_string();
        let email = self.contact.email.trim().to_string();
        let order = self.contact.order.trim();
        let contact = Contact {
            email: Some(email),
            name: self.identity.name.clone(),
            order_number: (ask_order && !order.is_empty()).then(|| order.to_string()),
        };
        let request = ContactRequest {
            v: WIRE_VERSION,
            site: self.site.clone(),
            conversation_id: self.conversation_id.clone(),
            ticket,
            contact,
        };
        if let Err(error) = request.validate() {
            self.contact.error = Some(match error.field {
                "contact.order_number" => self.ui.order_invalid.into(),
                _ => self.ui.email_invalid.into(),
            });
            return vec![Cmd::Focus(Focus::Email)];
        }
        self.contact.error = None;
        self.contact.sending = true;
        vec![Cmd::SendContact(Box::new(request))]
    }

    fn contact_saved(&mut self, response: ContactResponse) -> Vec<Cmd> {
        let Some((ticket, _)) = self.contact_wanted() else {
            return Vec::new();
        };
        if ticket != response.ticket || !self.contact.sending {
            return Vec::new();
        }
        let text = if response.text.trim().is_empty() {
            self.ui.contact_saved.to_string()
        } else {
            response.text
        };
        self.identity.email = Some(self.contact.email.trim().to_string());
        self.contact = ContactForm::default();
        self.entries.push(Entry::Contact {
            ticket: response.ticket,
            text: text.clone(),
        });
        self.trim_log();
        vec![
            Cmd::Emit(Event::Message {
                from: "bot",
                text,
                language: String::new(),
            }),
            self.save(),
            Cmd::Focus(Focus::Input),
        ]
    }
}

/// Applies `msg` to `model` and returns the effects to run, in order.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Open => {
            let mut cmds = Vec::new();
            if !model.open {
                cmds.push(Cmd::Emit(Event::Open));
            }
            model.open = true;
            model.unread = 0;
            if model.config == Config::Failed {
                model.config = Config::Loading;
                model.notice = None;
                cmds.push(Cmd::FetchConfig);
            }
            cmds.push(Cmd::Focus(if model.contact_wanted().is_some() {
                Focus::Email
            } else {
                Focus::Input
            }));
            cmds
        }
        Msg::Close => {
            if !model.open {
                return Vec::new();
            }
            model.open = false;
            vec![Cmd::Focus(Focus::Launcher), Cmd::Emit(Event::Close)]
        }
        Msg::Toggle => update(model, if model.open { Msg::Close } else { Msg::Open }),
        Msg::ConfigLoaded(config) => {
            let lang = pick_language(&model.requested_lang, &config.languages);
            let default = config
                .languages
                .first()
                .cloned()
                .unwrap_or_else(|| lang.clone());
            fn in_lang<T: Clone>(
                map: &BTreeMap<String, T>,
                lang: &str,
                default: &str,
            ) -> Option<T> {
                map.get(lang).or_else(|| map.get(default)).cloned()
            }
            let settings = Settings {
                greeting: in_lang(&config.greeting, &lang, &default),
                quick_replies: in_lang(&config.quick_replies, &lang, &default).unwrap_or_default(),
                shop_name: config.shop_name,
                colors: config.colors,
                support_email: config.support_email,
                link_hosts: config.link_hosts,
                status: config.status,
                turnstile_site_key: config.turnstile_site_key.filter(|k| !k.trim().is_empty()),
            };
            // The panel speaks the shopper's language if it can; else the shop's.
            let requested = primary_subtag(&model.requested_lang).unwrap_or("");
            if i18n::table(&requested.to_ascii_lowercase()).is_none() {
                model.set_ui_lang(&lang);
            }
            model.lang = lang;
            model.config = Config::Ready(Box::new(settings));
            if model.outbox.is_empty() {
                model.notice = None;
            }
            Vec::new()
        }
        Msg::ConfigFailed(_) => {
            model.config = Config::Failed;
            if model.notice.is_none() {
                model.notice = Some(Notice {
                    text: model.ui.unavailable.into(),
                    retry: true,
                });
            }
            Vec::new()
        }
        Msg::Draft(text) => {
            model.draft = text;
            // A too-long notice goes away once the shopper starts fixing the text.
            if model.notice.as_ref().is_some_and(|n| !n.retry) && model.online {
                model.notice = None;
            }
            Vec::new()
        }
        Msg::Submit(stamp) => {
            let text = model.draft.clone();
            model.send(text, stamp, true)
        }
        Msg::QuickReply(text, stamp) => {
            let mut cmds = model.send(text, stamp, false);
            if !cmds.is_empty() {
                cmds.push(Cmd::Focus(Focus::Input));
            }
            cmds
        }
        Msg::Say(text, stamp) => model.send(text, stamp, false),
        Msg::Replied(response) => model.answered(response),
        Msg::SendFailed {
            client_message_id,
            failure,
            retry_at,
        } => model.send_failed(client_message_id, failure, retry_at),
        Msg::ChallengeSolved(token) => model.challenge_solved(token),
        Msg::ChallengeFailed => {
            if model.challenge.is_none() {
                return Vec::new();
            }
            model.challenge_gave_up()
        }
        Msg::Retry => {
            if model.challenge.is_none() {
                model.next_head();
            }
            model.retry_now()
        }
        Msg::RetryDue(generation) => {
            if generation != model.retry_generation {
                return Vec::new();
            }
            model.retry_now()
        }
        Msg::Online => {
            model.online = true;
            model.attempts = 0;
            if model
                .notice
                .as_ref()
                .is_some_and(|n| n.text == model.ui.queued)
            {
                model.notice = None;
            }
            model.retry_now()
        }
        Msg::Offline => {
            model.online = false;
            // A held message waits for the shopper anyway: its notice (and email) stays.
            if !model.outbox.is_empty() && !model.held {
                model.notice = Some(Notice {
                    text: model.ui.queued.into(),
                    retry: false,
                });
            }
            Vec::new()
        }
        Msg::Identify(contact) => {
            let contact = Contact {
                email: contact
                    .email
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty()),
                name: contact
                    .name
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
                order_number: None,
            };
            if let Err(error) = contact.validate() {
                return vec![Cmd::Warn(format!(
                    "Ferry.identify: {} {}; ignored",
                    error.field.trim_start_matches("contact."),
                    error.message
                ))];
            }
            if model.contact.email.is_empty() {
                model.contact.email = contact.email.clone().unwrap_or_default();
            }
            model.identity = contact;
            Vec::new()
        }
        Msg::ContactEmail(email) => {
            model.contact.email = email;
            model.contact.error = None;
            Vec::new()
        }
        Msg::ContactOrder(order) => {
            model.contact.order = order;
            model.contact.error = None;
            Vec::new()
        }
        Msg::ContactSubmit => model.submit_contact(),
        Msg::ContactSaved(response) => model.contact_saved(response),
        Msg::ContactFailed(failure) => {
            if !model.contact.sending {
                return Vec::new();
            }
            model.contact.sending = false;
            model.contact.error = Some(
                if failure.retryable() {
                    model.ui.not_sent
                } else {
                    model.ui.refused
                }
                .into(),
            );
            vec![Cmd::Focus(Focus::Email)]
        }
    }
}

/// The language the panel's own words follow after a reply: the shopper's, as the edge
/// detected it, when the panel has words for it (a Korean shopper on a shop that answers in
/// English still gets a Korean panel); else the reply's.
fn shopper_or(shopper: &str, reply: &str) -> String {
    let known =
        primary_subtag(shopper).is_some_and(|p| i18n::table(&p.to_ascii_lowercase()).is_some());
    if known { shopper } else { reply }.to_string()
}

/// The site language for a shopper who asked for `requested` (a BCP 47 tag): an exact match,
/// else the same primary language, else the site's default (its first language).
pub fn pick_language(requested: &str, languages: &[String]) -> String {
    let exact = languages.iter().find(|l| l.eq_ignore_ascii_case(requested));
    let primary = primary_subtag(requested)
        .and_then(|p| languages.iter().find(|l| l.eq_ignore_ascii_case(p)));
    exact
        .or(primary)
        .or(languages.first())
        .map_or_else(|| "en".to_string(), |l| l.to_ascii_lowercase())
}

fn primary_subtag(tag: &str) -> Option<&str> {
    let primary = tag.split(['-', '_']).next()?;
    (2..=3).contains(&primary.len()).then_some(primary)
}

/// The id shape the edge accepts: `[A-Za-z0-9_-]{1,64}`.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_time_zone(tz: &str) -> bool {
    !tz.is_empty()
        && tz.len() <= 64
        && tz
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
}

/// `template` with its one `{placeholder}` replaced by `value`.
fn fill(template: &str, value: &str) -> String {
    let (before, rest) = template.split_once('{').unwrap_or((template, "}"));
    let after = rest.split_once('}').map_or("", |(_, after)| after);
    [before, value, after].concat()
}

/// Only https links are kept; anything else (`http:`, `javascript:`, `data:`) is dropped.
pub fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

#[cfg(test)]
mod tests {
    use ferry_shared::Topic;
    use ferry_shared::wire::{Answer, AwayReason, Handoff, Urgency};

    use super::*;

    fn model() -> Model {
        Model::new(
            "demo".into(),
            "conv1".into(),
            "de-AT",
            Client {
                locale: Some("de-AT".into()),
                time_zone: Some("Europe/Vienna".into()),
            },
            Vec::new(),
        )
    }

    fn stamp(id: &str) -> Stamp {
        Stamp {
            message_id: id.into(),
            page_url: Some("https://shop.example/p/1".into()),
        }
    }

    fn config() -> WidgetConfig {
        WidgetConfig {
            v: 1,
            site: "demo".into(),
            shop_name: "Kestrel Goods".into(),
            greeting: BTreeMap::from([("en".into(), "Hi!".into()), ("de".into(), "Hallo!".into())]),
            quick_replies: BTreeMap::from([(
                "en".into(),
                vec!["Shipping times".into(), "Size guide".into()],
            )]),
            colors: Colors {
                brand: "#0f766e".into(),
                on_brand: "#ffffff".into(),
            },
            languages: vec!["en".into(), "de".into()],
            support_email: "help@kestrel.example".into(),
            link_hosts: vec!["kestrel.example".into()],
            status: Some(SiteStatus {
                open: false,
                away: Some(Away {
                    reason: AwayReason::Closed,
                    opens_at: 1_767_600_000_000,
                }),
                reply_within_hours: 4,
            }),
            turnstile_site_key: None,
        }
    }

    const SITE_KEY: &str = "1x00000000000000000000AA";

    /// The German model with a loaded config whose site asks for Turnstile checks.
    fn checked_model() -> Model {
        let mut m = model();
        update(
            &mut m,
            Msg::ConfigLoaded(WidgetConfig {
                turnstile_site_key: Some(SITE_KEY.into()),
                ..config()
            }),
        );
        m
    }

    fn http(status: u16, code: &str, retry_after_secs: Option<u32>) -> Failure {
        Failure::Http {
            status,
            code: Some(code.into()),
            retry_after_secs,
        }
    }

    /// The requests among `cmds`.
    fn requests(cmds: &[Cmd]) -> Vec<&ChatRequest> {
        cmds.iter()
            .filter_map(|c| match c {
                Cmd::Send(r) => Some(&**r),
                _ => None,
            })
            .collect()
    }

    fn notice_text(m: &Model) -> &str {
        m.notice.as_ref().map_or("", |n| n.text.as_str())
    }

    fn typed(model: &mut Model, text: &str, id: &str) -> Vec<Cmd> {
        update(model, Msg::Draft(text.into()));
        update(model, Msg::Submit(stamp(id)))
    }

    fn response(id: &str, reply: Reply) -> ChatResponse {
        ChatResponse {
            v: 1,
            conversation_id: "conv1".into(),
            client_message_id: id.into(),
            reply,
        }
    }

    fn answer(text: &str, quick_replies: &[&str]) -> Reply {
        Reply::Answer(Answer {
            text: text.into(),
            topic: Topic::ShippingTime,
            rule: "shipping-time".into(),
            language: "en".into(),
            shopper_language: String::new(),
            quick_replies: quick_replies.iter().map(|s| s.to_string()).collect(),
            links: vec![
                Link {
                    label: "Track".into(),
                    url: "https://kestrel.example/track".into(),
                },
                Link {
                    label: "Evil".into(),
                    url: "javascript:alert(1)".into(),
                },
            ],
        })
    }

    fn handoff(ask_contact: bool, ask_order_number: bool) -> Reply {
        Reply::Handoff(Handoff {
            ticket: "FRY-7K2M9QXA".into(),
            text: "A person will reply.".into(),
            language: "en".into(),
            shopper_language: String::new(),
            urgency: Urgency::Normal,
            topic: Topic::Other,
            reply_by: 1_767_225_600_000,
            away: None,
            ask_contact,
            ask_order_number,
        })
    }

    fn sends(cmds: &[Cmd]) -> Vec<&str> {
        cmds.iter()
            .filter_map(|c| match c {
                Cmd::Send(r) => Some(r.client_message_id.as_str()),
                _ => None,
            })
            .collect()
    }

    fn failed(id: &str, failure: Failure) -> Msg {
        Msg::SendFailed {
            client_message_id: id.into(),
            failure,
            retry_at: None,
        }
    }

    fn state_of(m: &Model, wanted: &str) -> Option<Delivery> {
        m.entries.iter().find_map(|e| match e {
            Entry::Shopper { id, state, .. } if id == wanted => Some(*state),
            _ => None,
        })
    }

    #[test]
    fn sending_appends_the_shopper_message_and_sends_it() {
        let mut m = model();
        let cmds = typed(&mut m, "How long does shipping take?", "m1");
        assert_eq!(
            m.entries,
            vec![Entry::Shopper {
                id: "m1".into(),
                text: "How long does shipping take?".into(),
                state: Delivery::Sending
            }]
        );
        assert!(m.sending());
        assert_eq!(m.draft, "", "the input is cleared");
        assert_eq!(sends(&cmds), ["m1"]);
        let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
            unreachable!()
        };
        assert_eq!(req.site, "demo");
        assert_eq!(req.conversation_id, "conv1");
        assert_eq!(req.text, "How long does shipping take?");
        assert_eq!(req.page_url.as_deref(), Some("https://shop.example/p/1"));
        assert_eq!(req.locale.as_deref(), Some("de-AT"));
        assert_eq!(req.time_zone.as_deref(), Some("Europe/Vienna"));
        assert_eq!(req.previous_language, None, "no reply yet");
        assert_eq!(req.contact, None);
        assert_eq!(req.validate(), Ok(()));
        assert!(cmds.contains(&Cmd::Emit(Event::Message {
            from: "shopper",
            text: "How long does shipping take?".into(),
            language: String::new()
        })));
        assert!(matches!(cmds.last(), Some(Cmd::Save(entries)) if entries.len() == 1));
    }

    #[test]
    fn the_outbox_sends_one_at_a_time_in_order() {
        let mut m = model();
        typed(&mut m, "first", "m1");
        // Written while the first is in flight: queued, not sent yet.
        let cmds = typed(&mut m, "second", "m2");
        assert_eq!(sends(&cmds), Vec::<&str>::new());
        assert_eq!(state_of(&m, "m2"), Some(Delivery::Queued));
        assert_eq!(m.outbox.len(), 2);
        // The first is answered: the second goes.
        let cmds = update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
        assert_eq!(sends(&cmds), ["m2"]);
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Sent));
        assert_eq!(state_of(&m, "m2"), Some(Delivery::Sending));
        update(&mut m, Msg::Replied(response("m2", answer("b", &[]))));
        assert!(m.outbox.is_empty() && !m.sending());
        let kinds: Vec<&str> = m
            .entries
            .iter()
            .map(|e| match e {
                Entry::Shopper { .. } => "shopper",
                _ => "bot",
            })
            .collect();
        assert_eq!(kinds, ["shopper", "shopper", "bot", "bot"]);
    }

    #[test]
    fn an_answer_appends_bot_text_links_and_quick_replies() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        let cmds = update(
            &mut m,
            Msg::Replied(response("m1", answer("3–5 days.", &["Duties?"]))),
        );
        assert_eq!(cmds.last(), Some(&Cmd::Save(m.entries.clone())));
        assert!(cmds.contains(&Cmd::Emit(Event::Message {
            from: "bot",
            text: "3–5 days.".into(),
            language: "en".into()
        })));
        assert!(!m.sending());
        let Entry::Bot {
            text,
            links,
            quick_replies,
            language,
        } = &m.entries[1]
        else {
            panic!("expected a bot entry: {:?}", m.entries)
        };
        assert_eq!(text, "3–5 days.");
        assert_eq!(language, "en");
        assert_eq!(links.len(), 1, "only https links are kept");
        assert_eq!(m.chips(), quick_replies.as_slice());
        assert_eq!(m.chips(), ["Duties?".to_string()]);

        // The next message tells the edge which language the conversation is in.
        let cmds = typed(&mut m, "ok", "m2");
        let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
            panic!("expected a send: {cmds:?}")
        };
        assert_eq!(req.previous_language.as_deref(), Some("en"));
    }

    #[test]
    fn the_panel_follows_the_reply_language() {
        // A German browser writing in Spanish gets Spanish chrome once the edge answers in Spanish.
        let mut m = model();
        assert_eq!(m.ui_lang, "de");
        typed(&mut m, "¿cuánto tarda el envío?", "m1");
        let mut reply = answer("3–5 días.", &[]);
        if let Reply::Answer(a) = &mut reply {
            a.language = "es".into();
        }
        update(&mut m, Msg::Replied(response("m1", reply)));
        assert_eq!(m.ui_lang, "es");
        assert!(std::ptr::eq(m.ui, i18n::ui("es")));
        assert!(!m.rtl());
        let mut reply = answer("٣-٥ أيام", &[]);
        if let Reply::Answer(a) = &mut reply {
            a.language = "ar".into();
        }
        typed(&mut m, "كم يستغرق الشحن؟", "m2");
        update(&mut m, Msg::Replied(response("m2", reply)));
        assert!(m.rtl());
    }

    #[test]
    fn the_panel_follows_the_shoppers_language_over_the_reply_language() {
        // A Korean shopper on a shop that answers in English keeps a Korean panel; a language
        // the panel has no words for (Polish) falls back to the reply's.
        let mut m = model();
        typed(&mut m, "배송은 얼마나 걸리나요?", "m1");
        let mut reply = answer("3–5 days.", &[]);
        if let Reply::Answer(a) = &mut reply {
            a.shopper_language = "ko".into();
        }
        update(&mut m, Msg::Replied(response("m1", reply)));
        assert_eq!(m.ui_lang, "ko");
        typed(&mut m, "ile kosztuje wysylka", "m2");
        let mut reply = handoff(false, false);
        if let Reply::Handoff(h) = &mut reply {
            h.shopper_language = "pl".into();
        }
        update(&mut m, Msg::Replied(response("m2", reply)));
        assert_eq!(m.ui_lang, "en");
    }

    #[test]
    fn a_handoff_that_asks_for_contact_opens_the_form_and_saves_it() {
        let mut m = model();
        typed(&mut m, "I want to return a gift", "m1");
        let cmds = update(&mut m, Msg::Replied(response("m1", handoff(true, true))));
        assert!(cmds.contains(&Cmd::Emit(Event::Handoff {
            ticket: "FRY-7K2M9QXA".into(),
            reply_by: 1_767_225_600_000
        })));
        assert_eq!(m.contact_wanted(), Some(("FRY-7K2M9QXA", true)));
        assert!(m.chips().is_empty());

        // An invalid email is refused in place, with the reason, and focus goes back to it.
        update(&mut m, Msg::ContactEmail("ana@".into()));
        assert_eq!(
            update(&mut m, Msg::ContactSubmit),
            vec![Cmd::Focus(Focus::Email)]
        );
        assert_eq!(m.contact.error.as_deref(), Some(m.ui.email_invalid));
        // Typing clears the error; an over-long order number is refused with its own reason.
        update(&mut m, Msg::ContactEmail(" ana@example.com ".into()));
        assert_eq!(m.contact.error, None);
        update(&mut m, Msg::ContactOrder("9".repeat(500)));
        update(&mut m, Msg::ContactSubmit);
        assert_eq!(m.contact.error.as_deref(), Some(m.ui.order_invalid));
        update(&mut m, Msg::ContactOrder("#10423".into()));
        let cmds = update(&mut m, Msg::ContactSubmit);
        let [Cmd::SendContact(request)] = cmds.as_slice() else {
            panic!("{cmds:?}")
        };
        assert_eq!(request.ticket, "FRY-7K2M9QXA");
        assert_eq!(request.contact.email.as_deref(), Some("ana@example.com"));
        assert_eq!(request.contact.order_number.as_deref(), Some("#10423"));
        assert_eq!(request.validate(), Ok(()));
        assert!(m.contact.sending);
        // A double submit sends nothing more.
        assert_eq!(update(&mut m, Msg::ContactSubmit), Vec::new());

        // A failure keeps the form, with a message; the next submit goes again.
        update(&mut m, Msg::ContactFailed(Failure::Network));
        assert_eq!(m.contact.error.as_deref(), Some(m.ui.not_sent));
        assert!(matches!(
            update(&mut m, Msg::ContactSubmit).as_slice(),
            [Cmd::SendContact(_)]
        ));
        let cmds = update(
            &mut m,
            Msg::ContactSaved(ContactResponse {
                v: 1,
                ticket: "FRY-7K2M9QXA".into(),
                text: "Thanks, we'll write to ana@example.com.".into(),
            }),
        );
        assert!(cmds.iter().any(|c| matches!(c, Cmd::Save(_))));
        assert_eq!(m.contact_wanted(), None, "the form is gone");
        assert_eq!(
            m.entries.last(),
            Some(&Entry::Contact {
                ticket: "FRY-7K2M9QXA".into(),
                text: "Thanks, we'll write to ana@example.com.".into()
            })
        );
        // Later messages carry the email, so the edge does not ask again.
        let cmds = typed(&mut m, "one more thing", "m2");
        let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
            panic!("{cmds:?}")
        };
        assert_eq!(
            req.contact.as_ref().and_then(|c| c.email.as_deref()),
            Some("ana@example.com")
        );
    }

    #[test]
    fn a_handoff_without_contact_request_shows_no_form() {
        let mut m = model();
        typed(&mut m, "My charger smoked!", "m1");
        update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
        assert_eq!(m.contact_wanted(), None);
        assert_eq!(update(&mut m, Msg::ContactSubmit), Vec::new());
        assert!(
            matches!(m.entries.last(), Some(Entry::Handoff { ticket, .. }) if ticket == "FRY-7K2M9QXA")
        );
    }

    #[test]
    fn identify_fills_the_contact_and_rejects_bad_input() {
        let mut m = model();
        let bad = update(
            &mut m,
            Msg::Identify(Contact {
                email: Some("not-an-email".into()),
                name: None,
                order_number: None,
            }),
        );
        assert!(
            matches!(bad.as_slice(), [Cmd::Warn(w)] if w.contains("email")),
            "{bad:?}"
        );
        assert_eq!(m.identity, Contact::default());
        update(
            &mut m,
            Msg::Identify(Contact {
                email: Some("ana@example.com".into()),
                name: Some("Ana".into()),
                order_number: None,
            }),
        );
        let cmds = typed(&mut m, "hi", "m1");
        let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
            panic!("{cmds:?}")
        };
        assert_eq!(
            req.contact.as_ref().and_then(|c| c.name.as_deref()),
            Some("Ana")
        );
        // The edge asked anyway (an old edge): an identified shopper is not asked twice.
        update(&mut m, Msg::Replied(response("m1", handoff(true, false))));
        assert_eq!(m.contact_wanted(), None);
    }

    #[test]
    fn network_errors_retry_with_backoff_and_the_same_id() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        let mut delays = Vec::new();
        for attempt in 1..=MAX_AUTO_ATTEMPTS {
            let cmds = update(&mut m, failed("m1", Failure::Network));
            let Some(&Cmd::RetryLater { ms, generation }) =
                cmds.iter().find(|c| matches!(c, Cmd::RetryLater { .. }))
            else {
                panic!("attempt {attempt}: {cmds:?}")
            };
            delays.push(ms);
            assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
            assert!(m.notice.as_ref().is_some_and(|n| n.retry));
            // An older timer firing does nothing.
            assert_eq!(update(&mut m, Msg::RetryDue(generation - 1)), Vec::new());
            let cmds = update(&mut m, Msg::RetryDue(generation));
            assert_eq!(sends(&cmds), ["m1"], "a retry reuses the client message id");
        }
        assert_eq!(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
        // Then it stops by itself; the Retry button still works.
        let cmds = update(&mut m, failed("m1", Failure::Network));
        assert!(!cmds.iter().any(|c| matches!(c, Cmd::RetryLater { .. })));
        assert_eq!(
            m.notice.as_ref().map(|n| n.text.as_str()),
            Some(m.ui.not_sent)
        );
        assert_eq!(sends(&update(&mut m, Msg::Retry)), ["m1"]);
        // Retrying again while in flight does nothing.
        assert_eq!(update(&mut m, Msg::Retry), Vec::new());
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_minute() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        let busy = |secs| {
            failed(
                "m1",
                Failure::Http {
                    status: 503,
                    code: None,
                    retry_after_secs: Some(secs),
                },
            )
        };
        let cmds = update(&mut m, busy(7));
        assert!(cmds.contains(&Cmd::RetryLater {
            ms: 7000,
            generation: m.retry_generation
        }));
        assert_eq!(m.notice.as_ref().map(|n| n.text.as_str()), Some(m.ui.busy));
        update(&mut m, Msg::Retry);
        let cmds = update(&mut m, busy(3600));
        assert!(!cmds.iter().any(|c| matches!(c, Cmd::RetryLater { .. })));
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
    }

    #[test]
    fn offline_messages_wait_for_the_online_event() {
        let mut m = model();
        update(&mut m, Msg::Offline);
        let cmds = typed(&mut m, "first", "m1");
        assert_eq!(sends(&cmds), Vec::<&str>::new());
        typed(&mut m, "second", "m2");
        assert_eq!(
            m.notice.as_ref().map(|n| n.text.as_str()),
            Some(m.ui.queued)
        );
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
        let cmds = update(&mut m, Msg::Online);
        assert_eq!(sends(&cmds), ["m1"]);
        assert_eq!(m.notice, None);
        let cmds = update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
        assert_eq!(sends(&cmds), ["m2"]);

        // Going offline mid-flight: the failure waits for `online` instead of a timer.
        update(&mut m, Msg::Offline);
        let cmds = update(&mut m, failed("m2", Failure::Network));
        assert!(!cmds.iter().any(|c| matches!(c, Cmd::RetryLater { .. })));
        assert_eq!(sends(&update(&mut m, Msg::Online)), ["m2"]);
    }

    #[test]
    fn a_refused_message_goes_back_to_the_input_and_the_next_goes_on() {
        let mut m = model();
        typed(&mut m, "bad", "m1");
        typed(&mut m, "good", "m2");
        m.draft.clear();
        let failure = Failure::Http {
            status: 400,
            code: Some("bad_request".into()),
            retry_after_secs: None,
        };
        let cmds = update(&mut m, failed("m1", failure));
        assert_eq!(sends(&cmds), ["m2"]);
        assert_eq!(state_of(&m, "m1"), None);
        assert_eq!(m.draft, "bad");
        assert!(m.notice.as_ref().is_some_and(|n| !n.retry));
    }

    #[test]
    fn empty_or_whitespace_input_is_ignored() {
        let mut m = model();
        for text in ["", "   ", "\n\t "] {
            assert_eq!(typed(&mut m, text, "m1"), Vec::new());
        }
        assert!(m.entries.is_empty());
        assert!(m.outbox.is_empty());
        assert_eq!(m.notice, None);
        assert_eq!(
            update(&mut m, Msg::Say(" ".into(), stamp("m2"))),
            Vec::new()
        );
    }

    #[test]
    fn text_over_the_limit_is_refused_with_a_visible_message() {
        let mut m = model();
        let long = "é".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(typed(&mut m, &long, "m1"), Vec::new());
        assert!(m.entries.is_empty());
        assert_eq!(m.draft, long, "the text stays for the shopper to shorten");
        let notice = m.notice.clone().expect("a notice");
        assert!(!notice.retry);
        assert!(
            notice.text.contains("2001") && notice.text.contains("2000"),
            "{}",
            notice.text
        );
        // Editing clears it; exactly at the limit is accepted.
        update(&mut m, Msg::Draft("é".repeat(MAX_TEXT_CHARS)));
        assert_eq!(m.notice, None);
        assert_eq!(sends(&update(&mut m, Msg::Submit(stamp("m1")))), ["m1"]);
    }

    #[test]
    fn config_picks_the_shoppers_language_and_falls_back_to_the_default() {
        let mut m = model();
        assert!(m.chips().is_empty());
        update(&mut m, Msg::ConfigLoaded(config()));
        let settings = m.settings().expect("ready");
        assert_eq!(m.lang, "de");
        assert_eq!(m.ui_lang, "de");
        assert_eq!(settings.greeting.as_deref(), Some("Hallo!"));
        assert_eq!(settings.link_hosts, ["kestrel.example"]);
        assert_eq!(settings.status.map(|s| s.reply_within_hours), Some(4));
        // No German quick replies: the default language's.
        assert_eq!(
            m.chips(),
            ["Shipping times".to_string(), "Size guide".to_string()]
        );
        let cmds = update(&mut m, Msg::QuickReply("Size guide".into(), stamp("m1")));
        assert!(
            matches!(cmds.iter().find(|c| matches!(c, Cmd::Send(_))), Some(Cmd::Send(r)) if r.text == "Size guide")
        );
        assert_eq!(
            cmds.last(),
            Some(&Cmd::Focus(Focus::Input)),
            "the chip is gone"
        );
        // `Ferry.send` moves no focus: the shopper may be busy elsewhere on the page.
        let cmds = update(&mut m, Msg::Say("Shipping times".into(), stamp("m2")));
        assert!(!cmds.iter().any(|c| matches!(c, Cmd::Focus(_))), "{cmds:?}");
        assert!(m.chips().is_empty());

        assert_eq!(pick_language("pt-BR", &["en".into(), "pt".into()]), "pt");
        assert_eq!(pick_language("ja", &["en".into(), "pt".into()]), "en");
        assert_eq!(pick_language("", &[]), "en");

        // A browser language the panel has no words for: the shop's language.
        let mut m = Model::new(
            "demo".into(),
            "c".into(),
            "sw-KE",
            Client::default(),
            Vec::new(),
        );
        assert_eq!(m.ui_lang, "en");
        let mut c = config();
        c.languages = vec!["de".into(), "en".into()];
        update(&mut m, Msg::ConfigLoaded(c));
        assert_eq!((m.lang.as_str(), m.ui_lang), ("de", "de"));
    }

    #[test]
    fn config_failure_is_retryable_and_retried_on_reopen() {
        let mut m = model();
        update(&mut m, Msg::ConfigFailed(Failure::Network));
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
        assert_eq!(update(&mut m, Msg::Retry), vec![Cmd::FetchConfig]);
        assert_eq!(m.config, Config::Loading);
        update(&mut m, Msg::ConfigFailed(Failure::Network));
        assert_eq!(
            update(&mut m, Msg::Open),
            vec![
                Cmd::Emit(Event::Open),
                Cmd::FetchConfig,
                Cmd::Focus(Focus::Input)
            ]
        );
        update(&mut m, Msg::ConfigLoaded(config()));
        assert_eq!(m.notice, None);
    }

    #[test]
    fn open_close_toggle_move_focus_emit_and_clear_unread() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
        assert_eq!(m.unread, 1, "a reply while closed is unread");
        assert_eq!(
            update(&mut m, Msg::Toggle),
            vec![Cmd::Emit(Event::Open), Cmd::Focus(Focus::Input)]
        );
        assert!(m.open);
        assert_eq!(m.unread, 0);
        typed(&mut m, "and duties?", "m2");
        update(&mut m, Msg::Replied(response("m2", answer("b", &[]))));
        assert_eq!(m.unread, 0, "a reply while open is read");
        assert_eq!(
            update(&mut m, Msg::Close),
            vec![Cmd::Focus(Focus::Launcher), Cmd::Emit(Event::Close)]
        );
        assert!(!m.open);
        assert_eq!(update(&mut m, Msg::Close), Vec::new());
    }

    #[test]
    fn stale_responses_are_ignored() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        assert_eq!(
            update(&mut m, Msg::Replied(response("other", answer("x", &[])))),
            Vec::new()
        );
        assert!(m.sending());
        assert_eq!(
            update(&mut m, failed("other", Failure::Network)),
            Vec::new()
        );
        assert!(m.sending());
    }

    #[test]
    fn restored_unanswered_messages_go_back_into_the_outbox() {
        let entries = vec![
            Entry::Shopper {
                id: "m7".into(),
                text: "answered".into(),
                state: Delivery::Sent,
            },
            Entry::Bot {
                text: "yes".into(),
                links: Vec::new(),
                quick_replies: Vec::new(),
                language: "en".into(),
            },
            Entry::Shopper {
                id: "m8".into(),
                text: "hi".into(),
                state: Delivery::Sending,
            },
            Entry::Shopper {
                id: "m9".into(),
                text: "hello?".into(),
                state: Delivery::Queued,
            },
        ];
        let mut m = Model::new(
            "demo".into(),
            "conv1".into(),
            "en",
            Client::default(),
            entries,
        );
        assert_eq!(state_of(&m, "m8"), Some(Delivery::Queued));
        let ids: Vec<&str> = m
            .outbox
            .iter()
            .map(|r| r.client_message_id.as_str())
            .collect();
        assert_eq!(ids, ["m8", "m9"]);
        // The runtime reports the browser online at mount: the oldest goes first.
        assert_eq!(sends(&update(&mut m, Msg::Online)), ["m8"]);
    }

    #[test]
    fn the_log_is_bounded() {
        let entries: Vec<Entry> = (0..MAX_ENTRIES + 5)
            .map(|i| Entry::Bot {
                text: i.to_string(),
                links: Vec::new(),
                quick_replies: Vec::new(),
                language: "en".into(),
            })
            .collect();
        let m = Model::new("demo".into(), "c".into(), "en", Client::default(), entries);
        assert_eq!(m.entries.len(), MAX_ENTRIES);
        assert!(
            matches!(&m.entries[0], Entry::Bot { text, .. } if text == "5"),
            "oldest dropped"
        );
    }

    #[test]
    fn bad_browser_facts_are_dropped_not_sent() {
        let client = Client {
            locale: Some("not a locale!".into()),
            time_zone: Some("Europe/Berlin;".into()),
        };
        let mut m = Model::new("demo".into(), "c".into(), "en", client, Vec::new());
        update(&mut m, Msg::Draft("hi".into()));
        let long_url = format!("https://x.example/{}", "a".repeat(MAX_URL_LEN));
        let cmds = update(
            &mut m,
            Msg::Submit(Stamp {
                message_id: "m1".into(),
                page_url: Some(long_url),
            }),
        );
        let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
            panic!("expected a send")
        };
        assert_eq!(
            (
                req.locale.as_ref(),
                req.time_zone.as_ref(),
                req.page_url.as_ref()
            ),
            (None, None, None)
        );
        assert_eq!(req.validate(), Ok(()));
        assert!(is_id("0f1e2d3c4b5a69788796a5b4c3d2e1f0") && !is_id("a b") && !is_id(""));
    }

    #[test]
    fn backoff_doubles_to_a_ceiling() {
        assert_eq!(backoff_ms(0), 1000);
        assert_eq!(backoff_ms(1), 1000);
        assert_eq!(backoff_ms(3), 4000);
        assert_eq!(backoff_ms(40), MAX_BACKOFF_MS);
        assert!(is_https("HTTPS://kestrel.example") && !is_https("http://x") && !is_https("javas"));
        assert_eq!(
            fill("Try again after {when}.", "9:30"),
            "Try again after 9:30."
        );
        assert_eq!(fill("{email} へ", "a@b.example"), "a@b.example へ");
    }

    #[test]
    fn a_burst_limit_waits_out_retry_after_then_resends_the_same_request() {
        let mut m = checked_model();
        let cmds = typed(&mut m, "shipping?", "m1");
        let sent = requests(&cmds)[0].clone();
        let cmds = update(&mut m, failed("m1", http(429, "rate_limited", Some(10))));
        assert_eq!(
            cmds.iter()
                .filter(|c| matches!(c, Cmd::RetryLater { .. }))
                .collect::<Vec<_>>(),
            [&Cmd::RetryLater {
                ms: 10_000,
                generation: m.retry_generation
            }],
            "waits out Retry-After, not the 1 s backoff"
        );
        assert_eq!(
            m.notice,
            Some(Notice {
                text: m.ui.busy.into(),
                retry: true
            })
        );
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
        assert_eq!(m.outbox.len(), 1);
        let due = Msg::RetryDue(m.retry_generation);
        let cmds = update(&mut m, due);
        assert_eq!(
            requests(&cmds),
            [&sent],
            "the same request, same client message id"
        );
        update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
        assert_eq!(m.notice, None);
    }

    #[test]
    fn a_handoff_limit_keeps_the_message_and_waits_for_the_shopper() {
        let mut m = checked_model();
        let cmds = typed(&mut m, "Can I order 200 shirts?", "m1");
        let sent = requests(&cmds)[0].clone();
        let cmds = update(
            &mut m,
            Msg::SendFailed {
                client_message_id: "m1".into(),
                failure: http(429, "handoff_limit", Some(7 * 3600)),
                retry_at: Some("Di., 1. Dez., 23:05".into()),
            },
        );
        assert!(
            !cmds
                .iter()
                .any(|c| matches!(c, Cmd::RetryLater { .. } | Cmd::Send(_))),
            "no automatic attempt: {cmds:?}"
        );
        assert!(matches!(cmds.as_slice(), [Cmd::Save(_)]), "{cmds:?}");
        assert_eq!(
            notice_text(&m),
            "Über den Chat ist gerade kein Mensch erreichbar. Versuchen Sie es ab Di., 1. Dez., \
             23:05 erneut. Sie können uns auch an help@kestrel.example schreiben."
        );
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued), "kept, not lost");
        assert_eq!(m.outbox.front(), Some(&sent));
        assert!(!m.sending());

        // Nothing sends it by itself: not the network coming back, not an old timer, not the
        // next message (which waits behind it, in order).
        assert_eq!(update(&mut m, Msg::Offline), Vec::new());
        assert_eq!(sends(&update(&mut m, Msg::Online)), Vec::<&str>::new());
        for generation in 0..=m.retry_generation {
            assert_eq!(update(&mut m, Msg::RetryDue(generation)), Vec::new());
        }
        assert_eq!(sends(&typed(&mut m, "hello?", "m2")), Vec::<&str>::new());
        assert!(notice_text(&m).contains("help@kestrel.example"));

        // The Retry button sends it again, as it was.
        let cmds = update(&mut m, Msg::Retry);
        assert_eq!(requests(&cmds), [&sent]);
        assert_eq!(m.notice, None);
        // Still limited: the same calm notice (without a time if the edge gave none).
        update(&mut m, failed("m1", http(429, "handoff_limit", None)));
        assert_eq!(
            notice_text(&m),
            format!(
                "{} {}",
                m.ui.no_person,
                m.ui.write_to.replace("{email}", "help@kestrel.example")
            )
        );
        // Later it goes through, and the message behind it follows by itself.
        update(&mut m, Msg::Retry);
        let cmds = update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
        assert_eq!(sends(&cmds), ["m2"]);
        assert!(!m.held);
    }

    #[test]
    fn a_challenge_runs_then_the_same_request_goes_again_with_a_token_used_once() {
        let mut m = checked_model();
        let cmds = typed(&mut m, "Can I order 200 shirts?", "m1");
        let first = requests(&cmds)[0].clone();
        assert_eq!(first.turnstile_token, None);
        let cmds = update(&mut m, failed("m1", http(403, "challenge_required", None)));
        assert_eq!(
            cmds,
            [Cmd::Challenge {
                site_key: SITE_KEY.into()
            }]
        );
        assert_eq!(m.challenge.as_deref(), Some(SITE_KEY));
        assert_eq!(m.notice, None, "no error while the check runs");
        // While it runs, nothing else sends the message.
        assert_eq!(sends(&update(&mut m, Msg::Online)), Vec::<&str>::new());
        assert_eq!(sends(&update(&mut m, Msg::Retry)), Vec::<&str>::new());
        assert_eq!(
            sends(&typed(&mut m, "and in blue?", "m2")),
            Vec::<&str>::new()
        );

        let cmds = update(&mut m, Msg::ChallengeSolved("tok-1".into()));
        let [again] = requests(&cmds)[..] else {
            panic!("{cmds:?}")
        };
        assert_eq!(
            again,
            &ChatRequest {
                turnstile_token: Some("tok-1".into()),
                ..first.clone()
            },
            "the same request (same client message id), now with the token"
        );
        assert_eq!(again.validate(), Ok(()));
        assert_eq!(m.challenge, None);
        // A second callback of the same check is ignored.
        assert_eq!(
            update(&mut m, Msg::ChallengeSolved("tok-1".into())),
            Vec::new()
        );

        // The attempt fails on the way: the token is spent, the retry goes without it.
        update(&mut m, failed("m1", Failure::Network));
        assert_eq!(
            m.outbox.front().and_then(|r| r.turnstile_token.clone()),
            None
        );
        let due = Msg::RetryDue(m.retry_generation);
        let cmds = update(&mut m, due);
        assert_eq!(requests(&cmds), [&first]);
        // The edge asks again: a second check, and this time the answer comes.
        let cmds = update(&mut m, failed("m1", http(403, "challenge_required", None)));
        assert!(matches!(cmds.as_slice(), [Cmd::Challenge { .. }]));
        let cmds = update(&mut m, Msg::ChallengeSolved("tok-2".into()));
        assert_eq!(requests(&cmds)[0].turnstile_token.as_deref(), Some("tok-2"));
        let cmds = update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
        // The next message goes without a token, and gets its own checks.
        let [next] = requests(&cmds)[..] else {
            panic!("{cmds:?}")
        };
        assert_eq!(
            (next.client_message_id.as_str(), &next.turnstile_token),
            ("m2", &None)
        );
        assert_eq!((m.challenges, m.challenge.as_deref()), (0, None));
    }

    #[test]
    fn a_rejected_token_gets_a_new_check_up_to_three() {
        let mut m = checked_model();
        let first = requests(&typed(&mut m, "wholesale?", "m1"))[0].clone();
        let mut codes = vec!["challenge_required", "challenge_failed", "challenge_failed"];
        let mut tokens = Vec::new();
        for (round, code) in codes.drain(..).enumerate() {
            let cmds = update(&mut m, failed("m1", http(403, code, None)));
            assert!(
                matches!(cmds.as_slice(), [Cmd::Challenge { site_key }] if site_key == SITE_KEY),
                "round {round}: {cmds:?}"
            );
            let token = format!("tok-{round}");
            let cmds = update(&mut m, Msg::ChallengeSolved(token.clone()));
            let [request] = requests(&cmds)[..] else {
                panic!("{cmds:?}")
            };
            assert_eq!(request.client_message_id, "m1");
            assert_eq!(request.text, first.text);
            tokens.push(request.turnstile_token.clone().unwrap_or_default());
        }
        assert_eq!(
            tokens,
            ["tok-0", "tok-1", "tok-2"],
            "a fresh token each round"
        );
        // The third check was the last: its token works.
        update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
        assert!(m.outbox.is_empty() && m.notice.is_none());
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Sent));
    }

    #[test]
    fn three_failed_checks_leave_the_message_not_sent_with_retry() {
        let mut m = checked_model();
        let first = requests(&typed(&mut m, "wholesale?", "m1"))[0].clone();
        update(&mut m, failed("m1", http(403, "challenge_required", None)));
        for round in 1..=MAX_CHALLENGES {
            let cmds = update(&mut m, Msg::ChallengeSolved(format!("tok-{round}")));
            assert_eq!(sends(&cmds), ["m1"]);
            let cmds = update(&mut m, failed("m1", http(403, "challenge_failed", None)));
            if round < MAX_CHALLENGES {
                assert!(
                    matches!(cmds.as_slice(), [Cmd::Challenge { .. }]),
                    "{cmds:?}"
                );
            } else {
                assert!(matches!(cmds.as_slice(), [Cmd::Save(_)]), "{cmds:?}");
            }
        }
        assert_eq!(m.challenge, None);
        assert_eq!(
            notice_text(&m),
            format!(
                "{} {}",
                m.ui.not_sent,
                m.ui.write_to.replace("{email}", "help@kestrel.example")
            )
        );
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
        assert_eq!(m.outbox.front(), Some(&first), "kept, and without a token");
        // Retry starts over: the same request, and three checks again.
        assert_eq!(requests(&update(&mut m, Msg::Retry)), [&first]);
        let cmds = update(&mut m, failed("m1", http(403, "challenge_required", None)));
        assert!(matches!(cmds.as_slice(), [Cmd::Challenge { .. }]));
    }

    #[test]
    fn a_check_that_cannot_run_shows_not_sent_with_retry_and_the_email() {
        let mut m = checked_model();
        let first = requests(&typed(&mut m, "wholesale?", "m1"))[0].clone();
        update(&mut m, failed("m1", http(403, "challenge_required", None)));
        // The script is blocked (CSP), the browser offline, or the check errs.
        let cmds = update(&mut m, Msg::ChallengeFailed);
        assert!(matches!(cmds.as_slice(), [Cmd::Save(_)]), "{cmds:?}");
        assert_eq!(m.challenge, None, "no hang: the check is over");
        assert_eq!(
            notice_text(&m),
            "Ihre Nachricht wurde nicht gesendet. Sie können uns auch an help@kestrel.example \
             schreiben."
        );
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
        // A late callback changes nothing; Retry sends the message again.
        assert_eq!(update(&mut m, Msg::ChallengeFailed), Vec::new());
        assert_eq!(
            update(&mut m, Msg::ChallengeSolved("late".into())),
            Vec::new()
        );
        assert_eq!(requests(&update(&mut m, Msg::Retry)), [&first]);
        // A token the edge could not accept counts as a failed check, not a send.
        update(&mut m, failed("m1", http(403, "challenge_required", None)));
        let cmds = update(&mut m, Msg::ChallengeSolved(String::new()));
        assert!(
            matches!(cmds.as_slice(), [Cmd::Challenge { .. }]),
            "{cmds:?}"
        );
        assert_eq!(m.challenges, 2);
    }

    #[test]
    fn a_check_the_config_has_no_key_for_is_not_sent_with_retry() {
        // The config has not loaded (or predates the site's [turnstile]): no key to run with.
        let mut m = model();
        typed(&mut m, "wholesale?", "m1");
        let cmds = update(&mut m, failed("m1", http(403, "challenge_required", None)));
        assert!(
            !cmds.iter().any(|c| matches!(c, Cmd::Challenge { .. })),
            "{cmds:?}"
        );
        assert_eq!(notice_text(&m), m.ui.not_sent, "no email before the config");
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
        assert_eq!(m.outbox.len(), 1);
    }

    #[test]
    fn origin_not_allowed_is_not_retried() {
        let mut m = checked_model();
        typed(&mut m, "shipping?", "m1");
        m.draft.clear();
        let cmds = update(&mut m, failed("m1", http(403, "origin_not_allowed", None)));
        assert!(
            !cmds.iter().any(|c| matches!(
                c,
                Cmd::RetryLater { .. } | Cmd::Send(_) | Cmd::Challenge { .. }
            )),
            "{cmds:?}"
        );
        let notice = m.notice.clone().expect("a notice");
        assert!(!notice.retry, "retrying cannot help");
        assert!(
            notice.text.starts_with(m.ui.not_sent) && notice.text.contains("help@kestrel.example"),
            "{}",
            notice.text
        );
        // As with any refused message: it leaves the outbox and the text goes back to the input.
        assert!(m.outbox.is_empty() && !m.sending());
        assert_eq!(state_of(&m, "m1"), None);
        assert_eq!(m.draft, "shipping?");
        assert_eq!(update(&mut m, Msg::Online), Vec::new());
    }
}
