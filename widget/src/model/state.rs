//! The widget's state: the [`Model`] and what it is made of (the conversation log, the
//! notice, the config, the contact form), with the queries the view and the runtime ask it.

use std::collections::VecDeque;

use ferry_shared::wire::{
    Away, ChatRequest, Colors, Contact, ConversationContext, Link, MAX_ID_LEN, MAX_URL_LEN,
    SiteStatus, WIRE_VERSION, is_locale_tag,
};
use serde::Serialize;

use super::{Cmd, MAX_ENTRIES};
use std::rc::Rc;

use crate::i18n::{self, Tables, Ui};

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

/// What the widget uses of [`WidgetConfig`](ferry_shared::wire::WidgetConfig), resolved for
/// the shopper's language.
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub site: String,
    pub conversation_id: String,
    /// The language of the shop's own content (greeting, chips): the site language that best
    /// matches the shopper's.
    pub lang: String,
    pub(super) requested_lang: String,
    /// The panel's own words, and their language (also the panel's `lang` and direction).
    pub ui: Rc<Ui>,
    pub ui_lang: &'static str,
    /// The tables at hand (English, and those fetched so far).
    pub tables: Tables,
    /// The table being fetched ([`Cmd::LoadUi`]): the panel switches to it when it arrives.
    pub ui_pending: Option<&'static str>,
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
    /// Checks run for the head of the outbox (at most [`MAX_CHALLENGES`](super::MAX_CHALLENGES)
    /// until Retry).
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
    /// What the conversation has named so far (the last reply's), sent with every message.
    pub context: Option<ConversationContext>,
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
        tables: Tables,
    ) -> Model {
        let requested_lang = requested_lang.trim().to_string();
        let client = Client {
            locale: client.locale.filter(|l| is_locale_tag(l)),
            time_zone: client.time_zone.filter(|tz| is_time_zone(tz)),
        };
        let lang = primary_subtag(&requested_lang)
            .unwrap_or("en")
            .to_ascii_lowercase();
        // The runtime fetched the requested language's table before mounting; if that
        // failed, the panel speaks English.
        let ui = ui_code(&requested_lang)
            .and_then(|code| tables.get(code))
            .unwrap_or_else(|| tables.english());
        let mut model = Model {
            site,
            conversation_id,
            ui_lang: ui.code,
            ui,
            tables,
            ui_pending: None,
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
            context: None,
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

    /// The panel's words follow `lang` if there is a table for it: at once when it is at
    /// hand, else once it is fetched (the [`Cmd::LoadUi`] returned).
    pub(super) fn set_ui_lang(&mut self, lang: &str) -> Option<Cmd> {
        let code = primary_subtag(lang).and_then(i18n::table)?;
        if code == self.ui_lang {
            self.ui_pending = None;
            return None;
        }
        if let Some(table) = self.tables.get(code) {
            self.use_table(table);
            return None;
        }
        if self.ui_pending == Some(code) {
            return None;
        }
        self.ui_pending = Some(code);
        Some(Cmd::LoadUi(code))
    }

    pub(super) fn use_table(&mut self, table: Rc<Ui>) {
        self.ui_pending = None;
        self.ui_lang = table.code;
        self.ui = table;
    }

    pub(super) fn trim_log(&mut self) {
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

    pub(super) fn request(
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
            context: self.context.clone(),
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

    pub(super) fn set_entry_state(&mut self, message_id: &str, new_state: Delivery) {
        for entry in self.entries.iter_mut().rev() {
            if let Entry::Shopper { id, state, .. } = entry
                && id == message_id
            {
                *state = new_state;
                return;
            }
        }
    }

    pub(super) fn save(&self) -> Cmd {
        Cmd::Save(self.entries.clone())
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

pub(super) fn primary_subtag(tag: &str) -> Option<&str> {
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
pub(super) fn fill(template: &str, value: &str) -> String {
    let (before, rest) = template.split_once('{').unwrap_or((template, "}"));
    let after = rest.split_once('}').map_or("", |(_, after)| after);
    [before, value, after].concat()
}

/// The table the panel starts in for a requested language (`data-lang` or the browser's
/// locale): its primary subtag's, if there is one.
pub fn ui_code(requested_lang: &str) -> Option<&'static str> {
    i18n::table(primary_subtag(requested_lang.trim()).unwrap_or("en"))
}

/// Only https links are kept; anything else (`http:`, `javascript:`, `data:`) is dropped.
pub fn is_https(url: &str) -> bool {
    ferry_shared::markup::https_host(url).is_some()
}
