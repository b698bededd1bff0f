//! The widget's state and every decision about it: [`Model`], the [`Msg`]s that change it and
//! the [`Cmd`]s (effects) that [`update`] asks the runtime to perform.
//!
//! This module is pure: no web-sys, no clock, no randomness. Ids and the page URL arrive inside
//! messages ([`Stamp`]), network results arrive as [`Msg::Replied`] / [`Msg::SendFailed`], and
//! the runtime in `lib.rs` carries out the returned commands. That keeps every behaviour
//! testable natively with `cargo test -p ferry-widget`.

use ferry_shared::wire::{
    ChatRequest, ChatResponse, Colors, Link, MAX_ID_LEN, MAX_TEXT_CHARS, MAX_URL_LEN, Reply,
    WIRE_VERSION, WidgetConfig, is_locale_tag,
};
use std::collections::BTreeMap;

use serde::Serialize;

use crate::i18n::{self, Ui};

/// How many log entries are kept (and persisted); older ones are dropped first.
pub const MAX_ENTRIES: usize = 100;
/// Automatic retries of one message when the server says when to retry (503 + Retry-After).
pub const MAX_AUTO_RETRIES: u8 = 2;
/// The longest Retry-After the widget waits out by itself, in seconds.
pub const MAX_AUTO_RETRY_SECS: u32 = 10;

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
    },
}

/// Where a shopper message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Sending,
    Sent,
    Failed,
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
    Ready(Settings),
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
}

/// The message in flight (or failed and waiting for a retry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbox {
    pub request: ChatRequest,
    pub in_flight: bool,
    pub auto_retries: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub site: String,
    pub conversation_id: String,
    /// The language the widget speaks: the site language that best matches the shopper's.
    pub lang: String,
    requested_lang: String,
    pub ui: &'static Ui,
    pub client: Client,
    pub config: Config,
    pub entries: Vec<Entry>,
    pub draft: String,
    pub outbox: Option<Outbox>,
    pub notice: Option<Notice>,
    pub open: bool,
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
    /// A quick-reply chip was chosen: send its text.
    QuickReply(String, Stamp),
    Replied(ChatResponse),
    SendFailed {
        client_message_id: String,
        failure: Failure,
    },
    /// Try again whatever failed: the config or the last message.
    Retry,
}

/// Effects for the runtime to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    FetchConfig,
    Send(Box<ChatRequest>),
    /// Persist the conversation log.
    Save(Vec<Entry>),
    Focus(Focus),
    /// Dispatch [`Msg::Retry`] after this many milliseconds.
    RetryLater(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Input,
    Launcher,
}

impl Model {
    /// A closed widget for `site`. `entries` is the restored log of this conversation; a
    /// message that was still sending when the previous page unloaded comes back as failed,
    /// ready to be retried with the same id (the edge deduplicates on it).
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
        let mut model = Model {
            site,
            conversation_id,
            ui: i18n::ui(&lang),
            lang,
            requested_lang,
            client,
            config: Config::Loading,
            entries,
            draft: String::new(),
            outbox: None,
            notice: None,
            open: false,
        };
        model.trim_log();
        model.resume_unsent();
        model
    }

    /// The chips to show now: the config's before the first message, then those of the last
    /// answer; none while a message is on its way or after a handoff.
    pub fn chips(&self) -> &[String] {
        if self.outbox.is_some() {
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

    /// Whether a message is on its way (the send button is disabled, dots are shown).
    pub fn sending(&self) -> bool {
        self.outbox.as_ref().is_some_and(|o| o.in_flight)
    }

    pub fn settings(&self) -> Option<&Settings> {
        match &self.config {
            Config::Ready(settings) => Some(settings),
            Config::Loading | Config::Failed => None,
        }
    }

    fn trim_log(&mut self) {
        if self.entries.len() > MAX_ENTRIES {
            let excess = self.entries.len() - MAX_ENTRIES;
            self.entries.drain(..excess);
        }
    }

    fn resume_unsent(&mut self) {
        let unsent = self.entries.iter_mut().rev().find_map(|e| match e {
            Entry::Shopper { id, text, state } if *state != Delivery::Sent => {
                *state = Delivery::Failed;
                Some((id.clone(), text.clone()))
            }
            _ => None,
        });
        // Only the last shopper message can be unsent, and only if nothing answered it.
        let is_last_shopper = matches!(self.entries.last(), Some(Entry::Shopper { .. }));
        if let (Some((id, text)), true) = (unsent, is_last_shopper) {
            let request = self.request(id, text, None);
            self.outbox = Some(Outbox {
                request,
                in_flight: false,
                auto_retries: MAX_AUTO_RETRIES,
            });
            self.notice = Some(Notice {
                text: self.ui.not_sent.into(),
                retry: true,
            });
        }
    }

    fn request(
        &self,
        client_message_id: String,
        text: String,
        page_url: Option<String>,
    ) -> ChatRequest {
        ChatRequest {
            v: WIRE_VERSION,
            site: self.site.clone(),
            conversation_id: self.conversation_id.clone(),
            client_message_id,
            text,
            page_url: page_url.filter(|u| !u.is_empty() && u.len() <= MAX_URL_LEN),
            locale: self.client.locale.clone(),
            time_zone: self.client.time_zone.clone(),
            contact: None,
            country: None,
            previous_language: self.previous_language(),
        }
    }

    /// The language of the last reply, so the edge keeps a short follow-up ("ok", "and to
    /// Portugal?") in the conversation's language.
    fn previous_language(&self) -> Option<String> {
        self.entries.iter().rev().find_map(|e| match e {
            Entry::Bot { language, .. } | Entry::Handoff { language, .. } => {
                Some(language.clone()).filter(|l| is_locale_tag(l))
            }
            Entry::Shopper { .. } => None,
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

    /// Validates and sends `text`; `from_draft` says whether the input should be cleared.
    fn send(&mut self, text: String, stamp: Stamp, from_draft: bool) -> Vec<Cmd> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        if let Some(outbox) = &self.outbox {
            if !outbox.in_flight {
                // Never drop a message silently: the failed one goes first.
                self.notice = Some(Notice {
                    text: self.ui.retry_first.into(),
                    retry: true,
                });
            }
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
            text,
            state: Delivery::Sending,
        });
        self.trim_log();
        self.outbox = Some(Outbox {
            request: request.clone(),
            in_flight: true,
            auto_retries: 0,
        });
        self.notice = None;
        if from_draft {
            self.draft.clear();
        }
        vec![Cmd::Send(Box::new(request)), self.save()]
    }
}

/// Applies `msg` to `model` and returns the effects to run, in order.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Open => {
            model.open = true;
            let mut cmds = Vec::new();
            if model.config == Config::Failed {
                model.config = Config::Loading;
                model.notice = None;
                cmds.push(Cmd::FetchConfig);
            }
            cmds.push(Cmd::Focus(Focus::Input));
            cmds
        }
        Msg::Close => {
            if !model.open {
                return Vec::new();
            }
            model.open = false;
            vec![Cmd::Focus(Focus::Launcher)]
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
            };
            model.ui = i18n::ui(&lang);
            model.lang = lang;
            model.config = Config::Ready(settings);
            if model.outbox.is_none() {
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
            if model.notice.as_ref().is_some_and(|n| !n.retry) {
                model.notice = None;
            }
            Vec::new()
        }
        Msg::Submit(stamp) => {
            let text = model.draft.clone();
            model.send(text, stamp, true)
        }
        Msg::QuickReply(text, stamp) => model.send(text, stamp, false),
        Msg::Replied(response) => {
            let Some(outbox) = &model.outbox else {
                return Vec::new();
            };
            if outbox.request.client_message_id != response.client_message_id
                || outbox.request.conversation_id != response.conversation_id
            {
                return Vec::new(); // a stale response to a message no longer in flight
            }
            model.set_entry_state(&response.client_message_id, Delivery::Sent);
            model.outbox = None;
            model.notice = None;
            model.entries.push(match response.reply {
                Reply::Answer(answer) => Entry::Bot {
                    text: answer.text,
                    links: answer
                        .links
                        .into_iter()
                        .filter(|l| is_web_url(&l.url))
                        .collect(),
                    quick_replies: answer.quick_replies,
                    language: answer.language,
                },
                Reply::Handoff(handoff) => Entry::Handoff {
                    text: handoff.text,
                    ticket: handoff.ticket,
                    reply_by: handoff.reply_by,
                    language: handoff.language,
                },
            });
            model.trim_log();
            vec![model.save()]
        }
        Msg::SendFailed {
            client_message_id,
            failure,
        } => {
            let ui = model.ui;
            let Some(outbox) = &mut model.outbox else {
                return Vec::new();
            };
            if outbox.request.client_message_id != client_message_id {
                return Vec::new();
            }
            outbox.in_flight = false;
            if failure.retryable() {
                let mut cmds = Vec::new();
                let text = match &failure {
                    Failure::Network => ui.offline,
                    Failure::Http {
                        retry_after_secs: Some(secs),
                        ..
                    } if *secs <= MAX_AUTO_RETRY_SECS && outbox.auto_retries < MAX_AUTO_RETRIES => {
                        outbox.auto_retries += 1;
                        cmds.push(Cmd::RetryLater((*secs).max(1) * 1000));
                        ui.busy
                    }
                    _ => ui.not_sent,
                };
                model.set_entry_state(&client_message_id, Delivery::Failed);
                model.notice = Some(Notice {
                    text: text.into(),
                    retry: true,
                });
                cmds.push(model.save());
                cmds
            } else {
                // The server refused this text: take it out of the log and give it back to
                // the shopper to change, unless they have typed something new meanwhile.
                let text = outbox.request.text.clone();
                model.outbox = None;
                model.entries.retain(
                    |e| !matches!(e, Entry::Shopper { id, .. } if *id == client_message_id),
                );
                if model.draft.trim().is_empty() {
                    model.draft = text;
                }
                let refused = match &failure {
                    Failure::Http { status: 413, .. } => ui.refused_long,
                    _ => ui.refused,
                };
                model.notice = Some(Notice {
                    text: refused.into(),
                    retry: false,
                });
                vec![model.save(), Cmd::Focus(Focus::Input)]
            }
        }
        Msg::Retry => {
            let mut cmds = Vec::new();
            if model.config == Config::Failed {
                model.config = Config::Loading;
                cmds.push(Cmd::FetchConfig);
            }
            if let Some(outbox) = model.outbox.as_mut().filter(|o| !o.in_flight) {
                outbox.in_flight = true;
                let request = outbox.request.clone();
                model.set_entry_state(&request.client_message_id, Delivery::Sending);
                cmds.push(Cmd::Send(Box::new(request)));
                cmds.push(model.save());
            }
            if !cmds.is_empty() {
                model.notice = None;
            }
            cmds
        }
    }
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

/// Only http(s) links are rendered; anything else (`javascript:`, `data:`) is dropped.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use ferry_shared::Topic;
    use ferry_shared::wire::{Answer, Handoff, Urgency};

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
        }
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

    #[test]
    fn sending_appends_the_shopper_message_and_a_pending_state() {
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
        let Some(Cmd::Send(req)) = cmds.first() else {
            panic!("expected a send: {cmds:?}")
        };
        assert_eq!(req.site, "demo");
        assert_eq!(req.conversation_id, "conv1");
        assert_eq!(req.client_message_id, "m1");
        assert_eq!(req.text, "How long does shipping take?");
        assert_eq!(req.page_url.as_deref(), Some("https://shop.example/p/1"));
        assert_eq!(req.locale.as_deref(), Some("de-AT"));
        assert_eq!(req.time_zone.as_deref(), Some("Europe/Vienna"));
        assert_eq!(req.previous_language, None, "no reply yet");
        assert_eq!(req.validate(), Ok(()));
        assert!(matches!(cmds.get(1), Some(Cmd::Save(entries)) if entries.len() == 1));
        // A second submit while the first is in flight sends nothing.
        assert_eq!(typed(&mut m, "hello?", "m2"), Vec::new());
        assert_eq!(m.entries.len(), 1);
    }

    #[test]
    fn an_answer_appends_bot_text_and_its_quick_replies() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        let cmds = update(
            &mut m,
            Msg::Replied(response("m1", answer("3–5 days.", &["Duties?"]))),
        );
        assert_eq!(cmds, vec![Cmd::Save(m.entries.clone())]);
        assert!(!m.sending());
        assert!(matches!(
            &m.entries[0],
            Entry::Shopper {
                state: Delivery::Sent,
                ..
            }
        ));
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
        assert_eq!(links.len(), 1, "only http(s) links are kept");
        assert_eq!(m.chips(), quick_replies.as_slice());
        assert_eq!(m.chips(), ["Duties?".to_string()]);

        // The next message tells the edge which language the conversation is in.
        let cmds = typed(&mut m, "ok", "m2");
        let Some(Cmd::Send(req)) = cmds.first() else {
            panic!("expected a send: {cmds:?}")
        };
        assert_eq!(req.previous_language.as_deref(), Some("en"));
        assert_eq!(req.validate(), Ok(()));
    }

    #[test]
    fn a_handoff_appends_its_text_and_ticket() {
        let mut m = model();
        typed(&mut m, "My charger smoked!", "m1");
        let reply = Reply::Handoff(Handoff {
            ticket: "FRY-7K2M9QXA".into(),
            text: "A person will reply.".into(),
            language: "en".into(),
            urgency: Urgency::Urgent,
            topic: Topic::Safety,
            reply_by: 1_767_225_600_000,
            away: None,
            ask_contact: false,
            ask_order_number: false,
        });
        update(&mut m, Msg::Replied(response("m1", reply)));
        assert_eq!(
            m.entries.last(),
            Some(&Entry::Handoff {
                text: "A person will reply.".into(),
                ticket: "FRY-7K2M9QXA".into(),
                reply_by: 1_767_225_600_000,
                language: "en".into(),
            })
        );
        assert!(m.chips().is_empty());
        assert_eq!(m.outbox, None);
    }

    #[test]
    fn a_network_error_shows_a_retryable_notice_and_retry_reuses_the_id() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        let failed = Msg::SendFailed {
            client_message_id: "m1".into(),
            failure: Failure::Network,
        };
        update(&mut m, failed);
        let notice = m.notice.clone().expect("a notice");
        assert!(notice.retry);
        assert_eq!(notice.text, m.ui.offline);
        assert!(matches!(
            &m.entries[0],
            Entry::Shopper {
                state: Delivery::Failed,
                ..
            }
        ));
        assert!(!m.sending());

        // A new message waits for the failed one.
        assert_eq!(typed(&mut m, "another", "m2"), Vec::new());
        assert_eq!(
            m.notice.as_ref().map(|n| n.text.as_str()),
            Some(m.ui.retry_first)
        );

        let cmds = update(&mut m, Msg::Retry);
        let Some(Cmd::Send(req)) = cmds.first() else {
            panic!("expected a send: {cmds:?}")
        };
        assert_eq!(
            req.client_message_id, "m1",
            "a retry reuses the client message id"
        );
        assert_eq!(m.notice, None);
        assert!(m.sending());
        // Retrying again while in flight does nothing.
        assert_eq!(update(&mut m, Msg::Retry), Vec::new());
    }

    #[test]
    fn a_503_with_retry_after_retries_by_itself_a_bounded_number_of_times() {
        let mut m = model();
        typed(&mut m, "shipping?", "m1");
        let busy = || Msg::SendFailed {
            client_message_id: "m1".into(),
            failure: Failure::Http {
                status: 503,
                code: None,
                retry_after_secs: Some(2),
            },
        };
        for _ in 0..MAX_AUTO_RETRIES {
            let cmds = update(&mut m, busy());
            assert_eq!(cmds.first(), Some(&Cmd::RetryLater(2000)));
            assert!(m.notice.as_ref().is_some_and(|n| n.retry));
            update(&mut m, Msg::Retry);
        }
        let cmds = update(&mut m, busy());
        assert!(
            !cmds.iter().any(|c| matches!(c, Cmd::RetryLater(_))),
            "{cmds:?}"
        );
        assert!(
            m.notice.as_ref().is_some_and(|n| n.retry),
            "manual retry stays possible"
        );
    }

    #[test]
    fn a_refused_message_goes_back_to_the_input() {
        let mut m = model();
        typed(&mut m, "bad", "m1");
        let failure = Failure::Http {
            status: 400,
            code: Some("bad_request".into()),
            retry_after_secs: None,
        };
        update(
            &mut m,
            Msg::SendFailed {
                client_message_id: "m1".into(),
                failure,
            },
        );
        assert!(m.entries.is_empty());
        assert_eq!(m.draft, "bad");
        assert_eq!(m.outbox, None);
        assert!(m.notice.as_ref().is_some_and(|n| !n.retry));
    }

    #[test]
    fn empty_or_whitespace_input_is_ignored() {
        let mut m = model();
        for text in ["", "   ", "\n\t "] {
            assert_eq!(typed(&mut m, text, "m1"), Vec::new());
        }
        assert!(m.entries.is_empty());
        assert_eq!(m.outbox, None);
        assert_eq!(m.notice, None);
        assert_eq!(
            update(&mut m, Msg::QuickReply(" ".into(), stamp("m2"))),
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
        assert!(matches!(
            update(&mut m, Msg::Submit(stamp("m1"))).first(),
            Some(Cmd::Send(_))
        ));
    }

    #[test]
    fn config_picks_the_shoppers_language_and_falls_back_to_the_default() {
        let mut m = model();
        assert!(m.chips().is_empty());
        update(&mut m, Msg::ConfigLoaded(config()));
        let settings = m.settings().expect("ready");
        assert_eq!(m.lang, "de");
        assert_eq!(settings.greeting.as_deref(), Some("Hallo!"));
        // No German quick replies: the default language's.
        assert_eq!(
            m.chips(),
            ["Shipping times".to_string(), "Size guide".to_string()]
        );
        let cmds = update(&mut m, Msg::QuickReply("Size guide".into(), stamp("m1")));
        assert!(matches!(cmds.first(), Some(Cmd::Send(r)) if r.text == "Size guide"));
        assert!(m.chips().is_empty());

        assert_eq!(pick_language("pt-BR", &["en".into(), "pt".into()]), "pt");
        assert_eq!(pick_language("ja", &["en".into(), "pt".into()]), "en");
        assert_eq!(pick_language("", &[]), "en");
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
            vec![Cmd::FetchConfig, Cmd::Focus(Focus::Input)]
        );
        update(&mut m, Msg::ConfigLoaded(config()));
        assert_eq!(m.notice, None);
    }

    #[test]
    fn open_close_and_toggle_move_focus() {
        let mut m = model();
        assert_eq!(update(&mut m, Msg::Toggle), vec![Cmd::Focus(Focus::Input)]);
        assert!(m.open);
        assert_eq!(
            update(&mut m, Msg::Close),
            vec![Cmd::Focus(Focus::Launcher)]
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
    }

    #[test]
    fn a_restored_unsent_message_is_offered_for_retry() {
        let entries = vec![Entry::Shopper {
            id: "m9".into(),
            text: "hi".into(),
            state: Delivery::Sending,
        }];
        let mut m = Model::new(
            "demo".into(),
            "conv1".into(),
            "en",
            Client::default(),
            entries,
        );
        assert!(matches!(
            &m.entries[0],
            Entry::Shopper {
                state: Delivery::Failed,
                ..
            }
        ));
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
        let cmds = update(&mut m, Msg::Retry);
        assert!(matches!(cmds.first(), Some(Cmd::Send(r)) if r.client_message_id == "m9"));
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
        let Some(Cmd::Send(req)) = cmds.first() else {
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
}
