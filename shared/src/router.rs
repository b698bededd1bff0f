//! The router: one message in, one [`Decision`] out. Pure: the caller passes `now`.
//!
//! 1. Fold the text ([`normalize::fold`]); detect the shopper's language among every language
//!    Ferry knows (the tag agents see), then pick the reply language among the site's (the
//!    fallback chain, flagged); tag urgency and complaints from the lexicons ([`lexicon`]).
//! 2. A message that is nothing but small talk ("holaaa", "thx 👍", "is anyone there?") is
//!    answered by the engine, in the shopper's language, and never becomes a ticket.
//! 3. Match every pattern at once (one `RegexSet`); drop rules vetoed by `unless`.
//! 4. Keep the rules that can answer this shopper: their `when` holds for the shopper's
//!    shipping zone and every placeholder fills (country known, size given).
//! 5. Highest priority wins; on a tie, the rule earlier in the file.
//! 6. Urgent, high or complaining messages go to a person even if a rule matched: a wrong
//!    auto-answer costs the shop more than a handoff. A safety, security or legal reason gets
//!    its own reply (the safety intake; no admission, what to keep ready), never a how-to.

use crate::country;
use crate::facts;
use crate::hours;
use crate::lang::{self, LangCode};
use crate::lexicon::{self, SmallTalk};
use crate::normalize::fold;
use crate::render::{self, Fill, Piece};
use crate::site::{CompiledSite, Rule, link_for};
use crate::topic::Topic;
use crate::wire::{
    Answer, Away, AwayReason, ChatRequest, ConversationContext, Handoff, HandoffPayload, Language,
    LanguageSource, Link, Reply, TranscriptLine, Urgency, UrgencyTag, WIRE_VERSION,
};

const HOUR_MS: i64 = 3_600_000;

/// A language the text model gives at least this probability may be the message's: its
/// lexicon words count ([`lang::plausible`]).
const PLAUSIBLE: f32 = 0.001;

/// What the conversation so far tells the router (the caller reads it from its store).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    /// Handoffs already made in this conversation.
    pub earlier_handoffs: u32,
}

/// The urgency reason a second handoff in one conversation adds.
pub const REPEATED_CONTACT: &str = "high:repeated_contact";

/// What the router decided, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The site also asks for the order number when it asks for an email.
    pub ask_order_number: bool,
    pub language: Language,
    pub urgency: UrgencyTag,
    /// The shipping country the answer used, and where it came from.
    pub country: Option<(String, CountrySource)>,
    /// What the conversation has named so far, for the next message ([`ConversationContext`]).
    pub context: ConversationContext,
    pub outcome: Outcome,
    pub trace: Trace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountrySource {
    /// Named in the message ("shipping to Brazil").
    Text,
    /// Named earlier in the conversation (the request's `context`).
    Conversation,
    /// The request's `country` (the edge sets it from the visitor's location).
    Request,
    /// The region of the browser locale (`pt-BR`).
    Locale,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Answer {
        rule: String,
        topic: Topic,
        text: String,
        /// The language `text` is written in.
        language: LangCode,
        /// True when the rule had no text in the detected language.
        fallback: bool,
        quick_replies: Vec<String>,
        links: Vec<Link>,
    },
    Handoff(HandoffPlan),
}

/// A handoff as the router decides it; the shell adds the ids and sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffPlan {
    pub topic: Topic,
    /// The reply shown to the shopper: a rule's answer first when the rule says
    /// `then = "handoff"`, then the handoff text.
    pub text: String,
    pub language: LangCode,
    pub fallback: bool,
    /// The rule that answered before handing off, if any.
    pub rule: Option<String>,
    /// Unix epoch milliseconds.
    pub reply_by: i64,
    /// Set outside business hours and on holidays.
    pub away: Option<Away>,
    /// The site wants an email before the ticket is final and the shopper gave none:
    /// `text` ends with the request for it.
    pub ask_contact: bool,
}

/// Why: which rules' patterns fired, which were vetoed, which could not fill their answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub matched: Vec<String>,
    pub vetoed: Vec<String>,
    /// Matched, but `when` did not hold or a placeholder had no value for this shopper.
    pub inapplicable: Vec<String>,
    /// Why a matched answer was overridden by a handoff, if it was.
    pub overridden_by: Option<String>,
    /// Words read as the vocabulary word they are one typo away from: (typed, read).
    pub corrected: Vec<(String, String)>,
}

impl Decision {
    pub fn is_handoff(&self) -> bool {
        self.handoff().is_some()
    }

    /// The handoff, when the decision is one.
    pub fn handoff(&self) -> Option<&HandoffPlan> {
        match &self.outcome {
            Outcome::Handoff(plan) => Some(plan),
            Outcome::Answer { .. } => None,
        }
    }

    pub fn topic(&self) -> Topic {
        match &self.outcome {
            Outcome::Answer { topic, .. } | Outcome::Handoff(HandoffPlan { topic, .. }) => *topic,
        }
    }

    pub fn reply_language(&self) -> LangCode {
        match &self.outcome {
            Outcome::Answer { language, .. } | Outcome::Handoff(HandoffPlan { language, .. }) => {
                *language
            }
        }
    }

    pub fn text(&self) -> &str {
        match &self.outcome {
            Outcome::Answer { text, .. } | Outcome::Handoff(HandoffPlan { text, .. }) => text,
        }
    }

    /// The wire reply; `ticket` is the caller's id for a handoff (ignored for answers).
    pub fn to_reply(&self, ticket: &str) -> Reply {
        match &self.outcome {
            Outcome::Answer {
                rule,
                topic,
                text,
                language,
                quick_replies,
                links,
                ..
            } => Reply::Answer(Answer {
                text: text.clone(),
                topic: *topic,
                rule: rule.clone(),
                language: language.to_string(),
                shopper_language: self.language.code.clone(),
                quick_replies: quick_replies.clone(),
                links: links.clone(),
            }),
            Outcome::Handoff(HandoffPlan {
                topic,
                text,
                language,
                reply_by,
                away,
                ask_contact,
                ..
            }) => Reply::Handoff(Handoff {
                ticket: ticket.to_string(),
                text: text.clone(),
                language: language.to_string(),
                shopper_language: self.language.code.clone(),
                urgency: self.urgency.level,
                topic: *topic,
                reply_by: *reply_by,
                away: *away,
                ask_contact: *ask_contact,
                ask_order_number: *ask_contact && self.ask_order_number,
            }),
        }
    }
}

impl HandoffPayload {
    /// The payload a handoff decision sends to the team, for `req` on `site`: the shell mints
    /// the ids (`id`, stable across delivery retries; `ticket`, the one the shopper sees) and
    /// reads the transcript; everything else is the decision's. `None` for an answer.
    pub fn from_decision(
        decision: &Decision,
        req: &ChatRequest,
        site: &str,
        (id, ticket): (String, String),
        transcript: Vec<TranscriptLine>,
        now: i64,
    ) -> Option<HandoffPayload> {
        let plan = decision.handoff()?;
        Some(HandoffPayload {
            v: WIRE_VERSION,
            id,
            ticket,
            site: site.to_string(),
            conversation_id: req.conversation_id.clone(),
            created_at: now,
            language: decision.language.clone(),
            urgency: decision.urgency.clone(),
            topic: plan.topic,
            question: req.text.clone(),
            page_url: req.page_url.clone(),
            locale: req.locale.clone(),
            time_zone: req.time_zone.clone(),
            contact: req.contact.clone(),
            reply_by: plan.reply_by,
            country: req.country.clone(),
            transcript,
            away: plan.away,
        })
    }
}

/// Lower-cases, folds width and diacritics, collapses whitespace: the form patterns match.
pub fn normalise(text: &str) -> String {
    fold(text)
}

/// Routes one shopper message. Never fails: a loaded site has been fully checked.
pub fn route(site: &CompiledSite, req: &ChatRequest, now: i64) -> Decision {
    route_in_conversation(site, req, &History::default(), now)
}

/// [`route`] with what the conversation so far tells: a second handoff in one conversation
/// is a shopper contacting the shop again, and at least `high`.
pub fn route_in_conversation(
    site: &CompiledSite,
    req: &ChatRequest,
    history: &History,
    now: i64,
) -> Decision {
    let text = fold(&req.text);
    let language = detect_language(site, req);
    let detected = LangCode::parse(&language.code).unwrap_or(site.default_language());
    let lexicon = lexicon::get();
    let plausible = lang::plausible(&req.text, PLAUSIBLE);
    let lexicon::Scan {
        mut urgency,
        complaint,
    } = lexicon.scan(&text, plausible.as_deref());
    let country = resolve_country(&text, req);

    let size = mentioned_size(&text, req);
    let context = context_of(country.as_ref(), size.as_ref());

    let mut trace = Trace::default();
    let mut best: Option<(&Rule, String, LangCode, bool)> = None;
    let mut fired = fired_rules(site, &text);

    // Small talk is answered, never a ticket, unless the same message raises an alarm or a
    // complaint ("thanks, but it arrived broken"), or asks for a person without asking a
    // question ("real person please" is a request; "are you a real person?" small talk).
    let asks_for_person = fired.iter().any(|&i| {
        site.rules[i].topic == Topic::Human
            && !site.rules[i].unless.iter().any(|u| u.is_match(&text))
    });
    let asks = req.text.contains(['?', '？', '؟']);
    // Bot terms are question shapes ("am i talking to a real person", "bot oder mensch"): a
    // shopper asking who answers is small talk even without a question mark.
    let read_talk = |text: &str| {
        lexicon
            .small_talk(text)
            .filter(|talk| {
                !asks_for_person
                    || talk.kind == SmallTalk::Bot
                    || req.text.trim_end().ends_with(['?', '？', '؟'])
            })
            // A longer thanks or goodbye counts when nothing else speaks for the message.
            .or_else(|| {
                (fired.is_empty() && !asks)
                    .then(|| lexicon.closing(text))
                    .flatten()
            })
    };
    // Signed with a name ("Met vriendelijke groet, Jan"): small talk without it, when no rule
    // read anything in the whole message.
    let talk = read_talk(&text).or_else(|| {
        let signed = if fired.is_empty() {
            lexicon::unsigned(&text, &req.text)
        } else {
            Vec::new()
        };
        signed.iter().find_map(|unsigned| read_talk(unsigned))
    });
    if urgency.level <= Urgency::Normal
        && complaint.is_none()
        && let Some(talk) = talk
    {
        let (language, outcome) = small_talk(site, req, language, &talk);
        return Decision {
            ask_order_number: site.handoff.ask_order_number,
            language,
            urgency,
            country,
            context,
            outcome,
            trace: Trace::default(),
        };
    }
    // A message no rule understood may have a typo in a vocabulary word ("shippinh"): read
    // with the corrections, it is routed as if typed right. Small talk and the lexicons
    // read what the shopper typed.
    let mut text = text;
    if fired.is_empty()
        && site.typo_pass
        && let Some((fixed, fixes)) = site
            .concepts
            .correct(&text, &|word| lexicon.is_small_talk_word(word))
    {
        fired = fired_rules(site, &fixed);
        if !fired.is_empty() {
            text = fixed;
            trace.corrected = fixes;
        }
    }
    for index in fired {
        let rule = &site.rules[index];
        if rule.unless.iter().any(|u| u.is_match(&text)) {
            trace.vetoed.push(rule.id.clone());
            continue;
        }
        trace.matched.push(rule.id.clone());
        if best
            .as_ref()
            .is_some_and(|(b, ..)| b.priority >= rule.priority)
        {
            continue; // a rule earlier in the file with at least this priority already answers
        }
        match answer_text(
            site,
            rule,
            detected,
            country.as_ref().map(|(c, _)| c.as_str()),
            size.as_ref(),
        ) {
            Some((text, lang, fallback)) => best = Some((rule, text, lang, fallback)),
            None => trace.inapplicable.push(rule.id.clone()),
        }
    }

    let override_reason = if urgency.level >= Urgency::High {
        Some(format!("urgency {}", urgency.level.as_str()))
    } else {
        complaint.as_ref().map(|c| format!("complaint ({c})"))
    };
    let alarm = Alarm::of(&urgency);
    let high = urgency.level >= Urgency::High;
    // An alarm names the topic; a complaint is one; an overdue or angry message keeps the
    // topic its words are about ("40 days and the tracking hasn't moved" is order.track).
    let handoff_topic = |matched: Option<Topic>| match alarm {
        Some(Alarm::Safety) => Topic::Safety,
        Some(Alarm::Security) => Topic::Security,
        Some(Alarm::Legal) => Topic::Legal,
        None if complaint.is_some() => Topic::Complaint,
        None => matched.unwrap_or(if high { Topic::Complaint } else { Topic::Other }),
    };
    let ask_contact = site.handoff.ask_contact
        && req
            .contact
            .as_ref()
            .and_then(|c| c.email.as_deref())
            .is_none_or(str::is_empty);
    // Only handoffs need these: answers (most messages) skip the calendar arithmetic.
    let away_now = || site.away(now);
    // Urgent counts calendar hours (someone is on call); the rest count business hours.
    let reply_by = |level: Urgency| match level {
        Urgency::Urgent => {
            now.saturating_add(i64::from(site.handoff.urgent_reply_within_hours) * HOUR_MS)
        }
        Urgency::High => site
            .hours
            .add_business_hours(now, site.handoff.high_reply_within_hours),
        Urgency::Normal | Urgency::Low => site
            .hours
            .add_business_hours(now, site.handoff.reply_within_hours),
    };
    let handoff_text = |level: Urgency, want: LangCode, away: Option<Away>, reply_by_ms: i64| {
        let urgent = level == Urgency::Urgent;
        let own = match alarm {
            Some(Alarm::Safety) => &site.handoff.urgent_reply,
            Some(Alarm::Security) => &site.handoff.security_reply,
            Some(Alarm::Legal) => &site.handoff.legal_reply,
            None => &site.handoff.reply,
        };
        let texts = if own.is_empty() {
            &site.handoff.reply
        } else {
            own
        };
        let Some((lang, pieces, fallback)) = site.pick(texts, want) else {
            return (site.default_language(), String::new(), true);
        };
        let tz = req.time_zone.as_deref();
        let reply_by_text = hours::for_shopper(hours::TimePhrase::By, reply_by_ms, now, tz, lang);
        let opens_at_text =
            away.map(|a| hours::for_shopper(hours::TimePhrase::At, a.opens_at, now, tz, lang));
        let fill = |pieces: &[Piece]| {
            render::fill(
                pieces,
                &shop_fill(site, lang, Some(&reply_by_text), opens_at_text.as_deref()),
            )
            .unwrap_or_default()
        };
        let mut text = fill(pieces);
        // The away notice: not for urgent handoffs, which someone on call answers.
        let notice = match away {
            Some(a) if !urgent => {
                let holiday =
                    a.reason == AwayReason::Holiday && !site.handoff.holiday_reply.is_empty();
                let notices = if holiday {
                    &site.handoff.holiday_reply
                } else {
                    &site.handoff.away_reply
                };
                notices
                    .get(&lang)
                    .or_else(|| site.pick(notices, lang).map(|(_, p, _)| p))
            }
            _ => None,
        };
        if let Some(notice) = notice {
            text.push_str("\n\n");
            text.push_str(&fill(notice));
        }
        if let Some((_, ask, _)) = site
            .pick(&site.handoff.ask_contact_reply, lang)
            .filter(|_| ask_contact)
        {
            text.push_str("\n\n");
            text.push_str(&fill(ask));
        }
        (lang, text, fallback)
    };

    let outcome = match best {
        Some((rule, text, lang, fallback)) if override_reason.is_none() && !rule.then_handoff => {
            Outcome::Answer {
                rule: rule.id.clone(),
                topic: rule.topic,
                text,
                language: lang,
                fallback,
                quick_replies: rule.quick_replies.get(&lang).cloned().unwrap_or_default(),
                links: rule
                    .links
                    .iter()
                    .filter_map(|(label, url)| link_for(lang, site.default_language(), label, url))
                    .collect(),
            }
        }
        // `then = "handoff"`: the rule's answer, then a person follows up. A complaint does not
        // silence such a rule: "the earbud stopped charging, is that covered by warranty?" gets
        // the claim policy, and the person who acts on it.
        Some((rule, text, lang, fallback))
            if override_reason.is_none()
                || (rule.then_handoff && alarm.is_none() && !high && complaint.is_some()) =>
        {
            repeated_contact(&mut urgency, history);
            let (away, reply_by) = (away_now(), reply_by(urgency.level));
            let (_, handoff, _) = handoff_text(urgency.level, lang, away, reply_by);
            Outcome::Handoff(HandoffPlan {
                topic: rule.topic,
                text: format!("{text}\n\n{handoff}"),
                language: lang,
                fallback,
                rule: Some(rule.id.clone()),
                reply_by,
                away,
                ask_contact,
            })
        }
        matched => {
            trace.overridden_by = matched.as_ref().and(override_reason);
            let matched_topic = matched.map(|(r, ..)| r.topic).or_else(|| {
                // A rule that matched but could not fill its answer still says what it is about.
                trace
                    .inapplicable
                    .first()
                    .and_then(|id| site.rules.iter().find(|r| &r.id == id))
                    .map(|r| r.topic)
            });
            let topic = handoff_topic(matched_topic);
            repeated_contact(&mut urgency, history);
            let (away, reply_by) = (away_now(), reply_by(urgency.level));
            let (lang, text, fallback) = handoff_text(urgency.level, detected, away, reply_by);
            Outcome::Handoff(HandoffPlan {
                topic,
                text,
                language: lang,
                fallback,
                rule: None,
                reply_by,
                away,
                ask_contact,
            })
        }
    };
    Decision {
        ask_order_number: site.handoff.ask_order_number,
        language,
        urgency,
        country,
        context,
        outcome,
        trace,
    }
}

/// What a text about the shop (not about this shopper's country or size) can fill.
fn shop_fill<'a>(
    site: &'a CompiledSite,
    lang: LangCode,
    reply_by: Option<&'a str>,
    opens_at: Option<&'a str>,
) -> Fill<'a> {
    Fill {
        shop_name: &site.name,
        support_email: &site.support_email,
        facts: &site.facts,
        lang,
        country: None,
        size_row: None,
        reply_by,
        opens_at,
    }
}

/// The kind of alarm an urgent reason raises: it names the handoff's topic and its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alarm {
    Safety,
    Security,
    Legal,
}

impl Alarm {
    /// Safety first: a swollen battery in a chargeback threat is still a safety case.
    fn of(urgency: &UrgencyTag) -> Option<Alarm> {
        let has = |table: &str| {
            urgency
                .reasons
                .iter()
                .any(|r| r.split(':').next() == Some(table))
        };
        [
            ("safety", Alarm::Safety),
            ("security", Alarm::Security),
            ("legal", Alarm::Legal),
        ]
        .into_iter()
        .find_map(|(table, alarm)| has(table).then_some(alarm))
    }
}

/// The answer to a message that is nothing but small talk, and the language tag it settles:
/// greetings are too short for the text model, so the languages whose words they are decide.
fn small_talk(
    site: &CompiledSite,
    req: &ChatRequest,
    language: Language,
    talk: &lexicon::Talk,
) -> (Language, Outcome) {
    let detected = LangCode::parse(&language.code).unwrap_or(site.default_language());
    let says: Vec<LangCode> = talk.languages.iter().map(|(l, _)| *l).collect();
    let clear = language.confidence >= 0.5 || language.source == LanguageSource::Script;
    let language = if says.is_empty() || (says.contains(&detected) && clear) {
        language
    } else {
        // Words several languages use ("hello", "ciao", "merci"): the conversation's language
        // or the browser's if they say it; else the text model among those that do, the
        // shop's default first (a prior).
        let prefer = [
            req.previous_language.as_deref().and_then(LangCode::parse),
            req.locale.as_deref().and_then(LangCode::parse),
        ];
        match prefer.into_iter().flatten().find(|l| says.contains(l)) {
            Some(code) => Language {
                code: code.to_string(),
                confidence: 0.6,
                source: LanguageSource::Conversation,
            },
            None => {
                let mut among = says.clone();
                if let Some(i) = among.iter().position(|l| *l == site.default_language()) {
                    among[..=i].rotate_right(1);
                }
                lang::detect(&req.text, &among, None)
            }
        }
    };
    let lang = LangCode::parse(&language.code).unwrap_or(detected);
    let kind = talk
        .languages
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(talk.kind, |(_, k)| *k);
    let (text, reply_language, fallback) = small_talk_reply(site, kind, lang);
    let outcome = Outcome::Answer {
        rule: format!("smalltalk:{}", kind.as_str()),
        topic: Topic::Greeting,
        text,
        language: reply_language,
        fallback,
        quick_replies: Vec::new(),
        links: Vec::new(),
    };
    (language, outcome)
}

/// The answer to small talk: the site's own text in the shopper's language, else the engine's,
/// else the site's along its fallback chain, else the engine's in the site's default language.
fn small_talk_reply(
    site: &CompiledSite,
    kind: SmallTalk,
    want: LangCode,
) -> (String, LangCode, bool) {
    let lexicon = lexicon::get();
    let site_texts = site.small_talk.get(&kind);
    let fill =
        |pieces: &[Piece], lang: LangCode| render::fill(pieces, &shop_fill(site, lang, None, None));
    if let Some(text) = site_texts
        .and_then(|t| t.get(&want))
        .and_then(|p| fill(p, want))
    {
        return (text, want, false);
    }
    if let Some(text) = lexicon.reply(kind, want) {
        return (text.to_string(), want, false);
    }
    if let Some((lang, pieces, _)) = site_texts.and_then(|t| site.pick(t, want))
        && let Some(text) = fill(pieces, lang)
    {
        return (text, lang, true);
    }
    let lang = site.default_language();
    let text = lexicon
        .reply(kind, lang)
        .or_else(|| lexicon.reply(kind, LangCode::En))
        .unwrap_or_default();
    (text.to_string(), lang, true)
}

/// A shopper handed to a person before in this conversation is contacting the shop again.
fn repeated_contact(urgency: &mut UrgencyTag, history: &History) {
    if history.earlier_handoffs > 0 {
        urgency.level = urgency.level.max(Urgency::High);
        if !urgency.reasons.iter().any(|r| r == REPEATED_CONTACT) {
            urgency.reasons.push(REPEATED_CONTACT.to_string());
        }
    }
}

/// The text decides when it is clear; otherwise the conversation's earlier language (the
/// language of the previous reply, sent back by the widget) beats the browser locale.
///
/// Every language Ferry knows is a candidate, not only the site's: the tag is the shopper's
/// language (it routes the handoff to the right team); the reply language is chosen after.
fn detect_language(site: &CompiledSite, req: &ChatRequest) -> Language {
    let found = lang::detect(&req.text, &site.detect_order, req.locale.as_deref());
    let decided_by_text = matches!(found.source, LanguageSource::Text | LanguageSource::Script)
        && found.confidence >= 0.7;
    let previous = req.previous_language.as_deref().and_then(LangCode::parse);
    match previous {
        Some(prev) if !decided_by_text => Language {
            code: prev.to_string(),
            confidence: 0.7,
            source: LanguageSource::Conversation,
        },
        _ => found,
    }
}

/// The rules whose patterns or skeletons fire on folded `text`, in file order, each once and
/// not vetoed by a concept `unless`.
fn fired_rules(site: &CompiledSite, text: &str) -> Vec<usize> {
    let mut fired: Vec<usize> = site
        .patterns
        .matches(text)
        .iter()
        .map(|p| site.pattern_rule[p])
        .collect();
    if !site.unicode_pattern_rule.is_empty() {
        fired.extend(
            site.unicode_patterns
                .matches(text)
                .iter()
                .map(|p| site.unicode_pattern_rule[p]),
        );
    }
    let found = site.concepts.find(text);
    fired.extend(site.concepts.fired(&found));
    fired.sort_unstable();
    fired.dedup();
    fired.retain(|&rule| !site.concepts.vetoes(rule, &found));
    fired
}

/// What `req`'s conversation has named so far, as [`route`] returns it in
/// [`Decision::context`]: the shell answers a retried message with it without routing again.
pub fn conversation_context(req: &ChatRequest) -> ConversationContext {
    let text = fold(&req.text);
    let country = resolve_country(&text, req);
    context_of(country.as_ref(), mentioned_size(&text, req).as_ref())
}

/// The size the message names, else the one named earlier in the conversation.
fn mentioned_size(folded: &str, req: &ChatRequest) -> Option<(&'static str, String)> {
    facts::size_mention(folded).or_else(|| {
        let earlier = req.context.as_ref()?.size.as_deref()?;
        facts::size_mention(&fold(earlier))
    })
}

/// The context to carry on: what the shopper named (not the location or the locale).
fn context_of(
    country: Option<&(String, CountrySource)>,
    size: Option<&(&'static str, String)>,
) -> ConversationContext {
    ConversationContext {
        country: country
            .filter(|(_, from)| matches!(from, CountrySource::Text | CountrySource::Conversation))
            .map(|(code, _)| code.clone()),
        size: size.map(|(system, value)| format!("{system} {value}")),
    }
}

/// The shipping country: named in the text, else earlier in the conversation, else the
/// request's (the visitor's location), else the locale's region.
fn resolve_country(folded: &str, req: &ChatRequest) -> Option<(String, CountrySource)> {
    if let Some(code) = country::find_in(folded) {
        return Some((code.to_string(), CountrySource::Text));
    }
    if let Some(code) = req
        .context
        .as_ref()
        .and_then(|c| c.country.as_deref())
        .map(str::to_ascii_uppercase)
        .filter(|c| country::is_known(c))
    {
        return Some((code, CountrySource::Conversation));
    }
    if let Some(code) = req
        .country
        .as_deref()
        .map(str::to_ascii_uppercase)
        .filter(|c| country::is_known(c))
    {
        return Some((code, CountrySource::Request));
    }
    let region = req
        .locale
        .as_deref()?
        .split(['-', '_'])
        .skip(1)
        .find(|part| part.len() == 2)?
        .to_ascii_uppercase();
    country::is_known(&region).then_some((region, CountrySource::Locale))
}

/// The rule's answer for this shopper, or `None` if the rule cannot answer them.
fn answer_text(
    site: &CompiledSite,
    rule: &Rule,
    want: LangCode,
    country: Option<&str>,
    size: Option<&(&'static str, String)>,
) -> Option<(String, LangCode, bool)> {
    if rule.needs_country && country.is_none() {
        return None;
    }
    let zone = country.and_then(|c| site.facts.zone_of(c));
    if !rule.when_zones.is_empty() && !zone.is_some_and(|z| rule.when_zones.contains(&z.name)) {
        return None;
    }
    if rule.when_duties.is_some() && zone.map(|z| z.duties) != rule.when_duties {
        return None;
    }
    let size_row = match (&rule.size_table, size) {
        (Some(table), Some((system, value))) => {
            facts::size_row(site.facts.sizes.get(table)?, system, value)
        }
        _ => None,
    };
    if rule.needs_size && size_row.is_none() {
        return None;
    }
    let (lang, pieces, fallback) = site.pick(&rule.answer, want)?;
    let fill = Fill {
        shop_name: &site.name,
        support_email: &site.support_email,
        facts: &site.facts,
        lang,
        country,
        size_row,
        reply_by: None,
        opens_at: None,
    };
    render::fill(pieces, &fill).map(|text| (text, lang, fallback))
}
