//! [`update`] and every transition of the [`Model`]: sending through the outbox, answers and
//! handoffs, failures and retries, Turnstile checks, the contact form.

use std::collections::BTreeMap;

use ferry_shared::wire::{
    ChatResponse, Contact, ContactRequest, ContactResponse, ErrorCode, MAX_TEXT_CHARS,
    MAX_TURNSTILE_TOKEN_LEN, Reply, WIRE_VERSION,
};

use super::state::{fill, is_https, primary_subtag};
use super::{
    Cmd, Config, ContactForm, Delivery, Entry, Event, Failure, Focus, MAX_AUTO_ATTEMPTS,
    MAX_AUTO_RETRY_SECS, MAX_BACKOFF_MS, MAX_CHALLENGES, Model, Msg, Notice, Settings, Stamp,
    is_id, pick_language,
};
use crate::i18n;

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
            let mut cmds = Vec::new();
            if i18n::table(&requested.to_ascii_lowercase()).is_none() {
                cmds.extend(model.set_ui_lang(&lang));
            }
            model.lang = lang;
            model.config = Config::Ready(Box::new(settings));
            if model.outbox.is_empty() {
                model.notice = None;
            }
            cmds
        }
        Msg::ConfigFailed(_) => {
            model.config = Config::Failed;
            if model.notice.is_none() {
                model.notice = Some(Notice {
                    text: model.ui.unavailable.clone(),
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
                    text: model.ui.queued.clone(),
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
                    &model.ui.not_sent
                } else {
                    &model.ui.refused
                }
                .clone(),
            );
            vec![Cmd::Focus(Focus::Email)]
        }
        Msg::UiLoaded(table) => {
            let table = model.tables.add(*table);
            if model.ui_pending == Some(table.code) {
                model.use_table(table);
            }
            Vec::new()
        }
        Msg::UiFailed(code) => {
            if model.ui_pending == Some(code) {
                model.ui_pending = None;
            }
            Vec::new()
        }
    }
}

/// The wait before automatic attempt `attempt + 1` after `attempt` failures: 1 s, 2 s, 4 s, …
/// up to [`MAX_BACKOFF_MS`].
pub fn backoff_ms(attempt: u32) -> u32 {
    let doubled = 1000u32.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    doubled.min(MAX_BACKOFF_MS)
}

impl Model {
    /// Validates `text` and puts it in the outbox; `from_draft` says whether the input
    /// should be cleared.
    fn send(&mut self, text: String, stamp: Stamp, from_draft: bool) -> Vec<Cmd> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        let chars = text.chars().count();
        if chars > MAX_TEXT_CHARS {
            let text = self.ui.too_long(chars, MAX_TEXT_CHARS);
            self.notice = Some(Notice { text, retry: false });
            return Vec::new();
        }
        if !is_id(&stamp.message_id) {
            // The runtime's id source failed; nothing sensible can be sent.
            self.notice = Some(Notice {
                text: self.ui.not_sent.clone(),
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
                text: self.ui.queued.clone(),
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
        // What this reply's conversation named goes with the messages still waiting too.
        if response.context.is_some() {
            self.context = response.context.clone();
            for waiting in &mut self.outbox {
                waiting.context = self.context.clone();
            }
        }
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
        cmds.extend(self.set_ui_lang(&language));
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
            .map(|e| fill(&self.ui.write_to, e));
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
        let text = self.sentences(&[Some(self.ui.not_sent.as_str())]);
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
        let ui = self.ui.clone();
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
        match failure.code() {
            Some(ErrorCode::ChallengeRequired | ErrorCode::ChallengeFailed) => {
                return self.challenge_head();
            }
            Some(ErrorCode::HandoffLimit) => {
                // Too many handoffs from this address: hours, not seconds. Keep the message,
                // say so calmly, and leave the next attempt to the shopper.
                self.held = true;
                self.retry_generation += 1; // a pending timer is now moot
                self.set_entry_state(&client_message_id, Delivery::Queued);
                let try_after = retry_at.map(|when| fill(&ui.try_after, &when));
                let text = self.sentences(&[Some(ui.no_person.as_str()), try_after.as_deref()]);
                self.notice = Some(Notice { text, retry: true });
                return vec![self.save()];
            }
            // The rest is decided by the status: refused, or worth another attempt.
            _ => {}
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
                Failure::Http { status: 413, .. } => ui.refused_long.clone(),
                // Not this text's fault (`ErrorCode::OriginNotAllowed`): rephrasing would not help.
                Failure::Http {
                    status: 401 | 403, ..
                } => self.sentences(&[Some(ui.not_sent.as_str())]),
                _ => ui.refused.clone(),
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
                text: ui.queued.clone(),
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
                (Failure::Http { .. }, Some(_)) => ui.busy.clone(),
                _ => ui.retrying(ms.div_ceil(1000)),
            };
            Notice { text, retry: true }
        } else {
            Notice {
                text: ui.not_sent.clone(),
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
                "contact.order_number" => self.ui.order_invalid.clone(),
                _ => self.ui.email_invalid.clone(),
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
            self.ui.contact_saved.clone()
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

/// The language the panel's own words follow after a reply: the shopper's, as the edge
/// detected it, when the panel has words for it (a Korean shopper on a shop that answers in
/// English still gets a Korean panel); else the reply's.
fn shopper_or(shopper: &str, reply: &str) -> String {
    let known =
        primary_subtag(shopper).is_some_and(|p| i18n::table(&p.to_ascii_lowercase()).is_some());
    if known { shopper } else { reply }.to_string()
}
