//! The lexicons as data: `shared/lexicon/<lang>.toml`, one file per language, every reason of
//! `shared/lexicon/reasons.toml` in each (see `shared/lexicon/README.md`).
//!
//! They are compiled into the binary and, on first use, into three [`TermSet`]s (Aho-Corasick
//! automata over the terms' literal parts, see [`vocab`]):
//! - the alarm terms of every reason, the terms of every language together: a Korean shopper
//!   on an English shop is still heard;
//! - the neutral phrases ("fire-resistant"), blanked before the alarms run;
//! - the small talk of every kind and language: a message is small talk when nothing but small
//!   talk and filler is left (punctuation and emoji are not words).
//!
//! [`check`] reports every problem of the data at once (file, reason, term); the tidy test
//! `shared/tests/lexicon_tidy.rs` runs it, so a broken lexicon never ships.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::lang::LangCode;
use crate::vocab::{self, Term, TermSet};
use crate::wire::{Urgency, UrgencyTag};

const REASONS: &str = include_str!("../lexicon/reasons.toml");

/// The language files, as compiled in: the languages the lexicons know.
pub const FILES: [(LangCode, &str); 14] = [
    (LangCode::En, include_str!("../lexicon/en.toml")),
    (LangCode::Es, include_str!("../lexicon/es.toml")),
    (LangCode::Pt, include_str!("../lexicon/pt.toml")),
    (LangCode::Fr, include_str!("../lexicon/fr.toml")),
    (LangCode::De, include_str!("../lexicon/de.toml")),
    (LangCode::It, include_str!("../lexicon/it.toml")),
    (LangCode::Nl, include_str!("../lexicon/nl.toml")),
    (LangCode::Pl, include_str!("../lexicon/pl.toml")),
    (LangCode::Ru, include_str!("../lexicon/ru.toml")),
    (LangCode::Tr, include_str!("../lexicon/tr.toml")),
    (LangCode::Ar, include_str!("../lexicon/ar.toml")),
    (LangCode::Zh, include_str!("../lexicon/zh.toml")),
    (LangCode::Ja, include_str!("../lexicon/ja.toml")),
    (LangCode::Ko, include_str!("../lexicon/ko.toml")),
];

/// The tables whose reasons tag urgency or a complaint, in reporting order.
const ALARM_TABLES: [&str; 5] = ["safety", "security", "legal", "high", "complaint"];

/// Small talk the engine answers itself, never a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SmallTalk {
    /// "are you a bot?"
    Bot,
    /// "is anyone there?"
    Presence,
    Goodbye,
    /// Thanks, closings, "ok great".
    Thanks,
    Greeting,
}

impl SmallTalk {
    /// Highest precedence first: "thanks, bye" is thanks; a word that both greets and takes
    /// leave ("ciao", "buenas noches") greets.
    pub const ALL: [SmallTalk; 5] = [
        SmallTalk::Bot,
        SmallTalk::Presence,
        SmallTalk::Thanks,
        SmallTalk::Greeting,
        SmallTalk::Goodbye,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SmallTalk::Bot => "bot",
            SmallTalk::Presence => "presence",
            SmallTalk::Goodbye => "goodbye",
            SmallTalk::Thanks => "thanks",
            SmallTalk::Greeting => "greeting",
        }
    }

    pub fn parse(name: &str) -> Option<SmallTalk> {
        SmallTalk::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Words that may stand beside small talk without making the message more than that.
const FILLER: &str = "filler";
/// A longer message is never small talk, whatever its words.
const SMALL_TALK_MAX_WORDS: usize = 16;
/// The most words a closing may have beside its thanks or goodbye ([`Lexicon::closing`]).
const CLOSING_MAX_OTHER: usize = 10;
/// The shortest thanks or goodbye term, in bytes of the word form, that makes a closing
/// ("merci", "danke", "thank you", "спасибо", "谢谢"; not "ok", "ty", "bye").
const CLOSING_MIN_BYTES: usize = 5;
/// The most words of a name that may sign a closing ([`Lexicon::closing`]).
const SIGNATURE_MAX_WORDS: usize = 3;
/// A message of nothing but these is an acknowledgement.
const THANKS_EMOJI: &[char] = &[
    '👍', '🙏', '❤', '♥', '😊', '🙂', '👌', '✅', '😀', '😁', '😃', '🥰', '😍', '☺', '💯', '👏',
    '🤗', '😘', '💕', '🌹', '✌', '🙇', '🤝', '💐', '😇', '🫶', '🙌', '💙', '💚', '💜', '🧡', '💛',
    '🥳', '😄',
];

/// What the alarm tables found in one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scan {
    pub urgency: UrgencyTag,
    /// The first complaint reason that fired, e.g. `complaint:damaged`.
    pub complaint: Option<String>,
}

/// A reason as compiled: `safety:fire`, its level.
#[derive(Debug)]
struct Reason {
    name: String,
    level: Urgency,
    complaint: bool,
}

/// One reason in one language: its terms fire it, with a hit of its own `with` list where it
/// has one (a `with` list of one language never pairs with the terms of another).
#[derive(Debug)]
struct Unit {
    reason: usize,
    lang: LangCode,
    needs_with: bool,
}

/// A message that is nothing but small talk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Talk {
    /// The kind over every language's words.
    pub kind: SmallTalk,
    /// Each language whose own small talk covers the whole message, with the kind in it.
    pub languages: Vec<(LangCode, SmallTalk)>,
}

#[derive(Debug)]
pub struct Lexicon {
    /// Every alarm term; the label is its unit and whether the term is of the `with` list.
    alarms: TermSet<(usize, bool)>,
    reasons: Vec<Reason>,
    units: Vec<Unit>,
    /// The neutral phrases, blanked before the alarms run.
    neutral: TermSet<()>,
    /// Small talk, parsed squeezed: the kind (`None` for filler) and the language.
    small_talk: TermSet<(Option<SmallTalk>, LangCode)>,
    replies: BTreeMap<(LangCode, SmallTalk), String>,
}

static LEXICON: OnceLock<Lexicon> = OnceLock::new();

/// Loads the lexicons now, calling `mark` as each stage ends (`shared::cold`); a no-op when
/// they are already loaded.
pub(crate) fn warm(mark: &mut dyn FnMut(&'static str)) {
    if LEXICON.get().is_none() {
        let _ = LEXICON.set(
            Lexicon::load_marked(mark).expect("the lexicons load (run the lexicon_tidy test)"),
        );
    }
}

/// The languages the lexicons have a file for.
pub fn languages() -> impl Iterator<Item = LangCode> {
    FILES.iter().map(|(l, _)| *l)
}

/// The compiled lexicons.
pub fn get() -> &'static Lexicon {
    // The data is compiled in and `check()` is a test: a failure here is a build that no test
    // passed.
    LEXICON.get_or_init(|| Lexicon::load().expect("the lexicons load (run the lexicon_tidy test)"))
}

/// Every problem in the lexicon data, each naming its file, table, reason and term.
pub fn check() -> Vec<String> {
    match Lexicon::load() {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

// ---- the files ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LangFile {
    safety: BTreeMap<String, Terms>,
    security: BTreeMap<String, Terms>,
    legal: BTreeMap<String, Terms>,
    high: BTreeMap<String, Terms>,
    complaint: BTreeMap<String, Terms>,
    smalltalk: BTreeMap<String, Vec<String>>,
    replies: BTreeMap<String, String>,
    neutral: Neutral,
}

impl LangFile {
    fn table(&self, name: &str) -> Option<&BTreeMap<String, Terms>> {
        match name {
            "safety" => Some(&self.safety),
            "security" => Some(&self.security),
            "legal" => Some(&self.legal),
            "high" => Some(&self.high),
            "complaint" => Some(&self.complaint),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Terms {
    List(Vec<String>),
    With {
        terms: Vec<String>,
        with: Vec<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Neutral {
    terms: Vec<String>,
}

/// `reasons.toml`: table → key → description, plus each alarm table's `level`.
type ReasonsFile = BTreeMap<String, BTreeMap<String, String>>;

fn level(name: &str) -> Option<Urgency> {
    match name {
        "urgent" => Some(Urgency::Urgent),
        "high" => Some(Urgency::High),
        "normal" => Some(Urgency::Normal),
        _ => None,
    }
}

/// Collects terms per compiled pattern, and every error on the way.
struct Builder {
    errors: Vec<String>,
}

impl Builder {
    fn built<L>(&mut self, what: &str, set: Result<TermSet<L>, String>) -> Option<TermSet<L>> {
        set.map_err(|e| self.errors.push(format!("lexicon: {what}: {e}")))
            .ok()
    }

    fn terms(&mut self, file: LangCode, place: &str, raw: &[String], elongate: bool) -> Vec<Term> {
        if raw.is_empty() {
            self.errors
                .push(format!("lexicon/{file}.toml: {place} has no terms"));
        }
        raw.iter()
            .filter_map(|t| match vocab::term(t, elongate) {
                Ok(term) => Some(term),
                Err(e) => {
                    self.errors
                        .push(format!("lexicon/{file}.toml: {place}: {e}"));
                    None
                }
            })
            .collect()
    }
}

/// Which terms of which files fire on folded text (neutral phrases and alarm terms, each
/// with its reason). Slow — it compiles a set of its own: for `ferry try` and lexicon authors.
pub fn explain(folded: &str) -> Vec<String> {
    fn add(terms: &mut Vec<(usize, Term)>, labels: &mut Vec<String>, label: &str, list: &[String]) {
        for raw in list {
            if let Ok(t) = vocab::term(raw, false) {
                terms.push((labels.len(), t));
                labels.push(format!("{label} {raw:?}"));
            }
        }
    }
    let (mut terms, mut labels) = (Vec::new(), Vec::new());
    for (lang, text) in FILES {
        let Ok(file) = toml::from_str::<LangFile>(text) else {
            continue;
        };
        add(
            &mut terms,
            &mut labels,
            &format!("{lang} [neutral]"),
            &file.neutral.terms,
        );
        for table in ALARM_TABLES {
            for (key, value) in file.table(table).into_iter().flatten() {
                let place = format!("{lang} {table}:{key}");
                match value {
                    Terms::List(list) => add(&mut terms, &mut labels, &place, list),
                    Terms::With { terms: t, with: w } => {
                        add(&mut terms, &mut labels, &place, t);
                        add(&mut terms, &mut labels, &format!("{place} (with)"), w);
                    }
                }
            }
        }
    }
    let Ok(set) = TermSet::new(terms) else {
        return Vec::new();
    };
    let mut out: Vec<String> = set
        .find(&vocab::words(folded))
        .into_iter()
        .filter_map(|h| labels.get(h.label).cloned())
        .collect();
    out.dedup();
    out
}

impl Lexicon {
    fn load() -> Result<Lexicon, Vec<String>> {
        Lexicon::load_marked(&mut |_| {})
    }

    /// Loads the lexicons, calling `mark` as each stage ends (for `shared::cold`).
    pub(crate) fn load_marked(mark: &mut dyn FnMut(&'static str)) -> Result<Lexicon, Vec<String>> {
        let mut b = Builder { errors: Vec::new() };
        let spec: ReasonsFile =
            toml::from_str(REASONS).map_err(|e| vec![format!("lexicon/reasons.toml: {e}")])?;
        let mut files = Vec::new();
        for (lang, text) in FILES {
            match toml::from_str::<LangFile>(text) {
                Ok(file) => files.push((lang, file)),
                Err(e) => b.errors.push(format!("lexicon/{lang}.toml: {e}")),
            }
        }
        mark("lexicon TOMLs");

        // Alarm reasons: every term labelled with its reason.
        let mut reasons = Vec::new();
        let mut units = Vec::new();
        let mut alarm_terms: Vec<((usize, bool), Term)> = Vec::new();
        for table in ALARM_TABLES {
            let Some(keys) = spec.get(table) else {
                b.errors
                    .push(format!("lexicon/reasons.toml: table [{table}] is missing"));
                continue;
            };
            let lvl = keys.get("level").and_then(|l| level(l));
            let Some(lvl) = lvl else {
                b.errors.push(format!(
                    "lexicon/reasons.toml: [{table}] needs level = \"urgent\", \"high\" or \"normal\""
                ));
                continue;
            };
            for (lang, file) in &files {
                let Some(have) = file.table(table) else {
                    continue;
                };
                for key in have.keys() {
                    if !keys.contains_key(key) || key == "level" {
                        b.errors.push(format!(
                            "lexicon/{lang}.toml: [{table}] {key} is not a reason of lexicon/reasons.toml"
                        ));
                    }
                }
            }
            for key in keys.keys().filter(|k| *k != "level") {
                let place = format!("[{table}] {key}");
                let reason = reasons.len();
                for (lang, file) in &files {
                    let unit = units.len();
                    let needs_with = match file.table(table).and_then(|t| t.get(key)) {
                        None => {
                            b.errors
                                .push(format!("lexicon/{lang}.toml: {place} is missing"));
                            continue;
                        }
                        Some(Terms::List(list)) => {
                            let terms = b.terms(*lang, &place, list, false);
                            alarm_terms.extend(terms.into_iter().map(|t| ((unit, false), t)));
                            false
                        }
                        Some(Terms::With { terms: t, with: w }) => {
                            let terms = b.terms(*lang, &place, t, false);
                            alarm_terms.extend(terms.into_iter().map(|t| ((unit, false), t)));
                            let with = b.terms(*lang, &format!("{place} with"), w, false);
                            alarm_terms.extend(with.into_iter().map(|t| ((unit, true), t)));
                            true
                        }
                    };
                    units.push(Unit {
                        reason,
                        lang: *lang,
                        needs_with,
                    });
                }
                reasons.push(Reason {
                    name: format!("{table}:{key}"),
                    level: lvl,
                    complaint: table == "complaint",
                });
            }
        }

        // Neutral phrases.
        let mut neutral = Vec::new();
        for (lang, file) in &files {
            neutral.extend(
                b.terms(*lang, "[neutral] terms", &file.neutral.terms, false)
                    .into_iter()
                    .map(|t| ((), t)),
            );
        }

        // Small talk: every kind and the filler, squeezed ("holaaa" is "hola").
        let talk_spec = spec.get("smalltalk").cloned().unwrap_or_default();
        let kinds: Vec<(Option<SmallTalk>, &str)> = SmallTalk::ALL
            .iter()
            .map(|k| (Some(*k), k.as_str()))
            .chain([(None, FILLER)])
            .collect();
        let mut small_talk = Vec::new();
        for (kind, name) in &kinds {
            if !talk_spec.contains_key(*name) {
                b.errors.push(format!(
                    "lexicon/reasons.toml: [smalltalk] {name} is missing"
                ));
            }
            for (lang, file) in &files {
                match file.smalltalk.get(*name) {
                    Some(list) => small_talk.extend(
                        b.terms(*lang, &format!("[smalltalk] {name}"), list, true)
                            .into_iter()
                            .map(|t| ((*kind, *lang), t)),
                    ),
                    None => b.errors.push(format!(
                        "lexicon/{lang}.toml: [smalltalk] {name} is missing"
                    )),
                }
            }
        }
        let mut replies = BTreeMap::new();
        for (lang, file) in &files {
            for key in file.smalltalk.keys() {
                if SmallTalk::parse(key).is_none() && key != FILLER {
                    b.errors.push(format!(
                        "lexicon/{lang}.toml: [smalltalk] {key} is not a kind of lexicon/reasons.toml"
                    ));
                }
            }
            for (key, text) in &file.replies {
                match SmallTalk::parse(key) {
                    Some(kind) if !text.trim().is_empty() => {
                        replies.insert((*lang, kind), text.trim().to_string());
                    }
                    Some(_) => b
                        .errors
                        .push(format!("lexicon/{lang}.toml: [replies] {key} is empty")),
                    None => b.errors.push(format!(
                        "lexicon/{lang}.toml: [replies] {key} is not a small-talk kind"
                    )),
                }
            }
            for kind in SmallTalk::ALL {
                if !file.replies.contains_key(kind.as_str()) {
                    b.errors.push(format!(
                        "lexicon/{lang}.toml: [replies] {} is missing",
                        kind.as_str()
                    ));
                }
            }
        }

        mark("lexicon terms parsed");
        let alarms = b.built("the alarm terms", TermSet::new(alarm_terms));
        mark("lexicon alarm TermSet");
        let neutral = b.built("[neutral]", TermSet::new(neutral));
        let small_talk = b.built("[smalltalk]", TermSet::new(small_talk));
        mark("lexicon neutral + small-talk TermSets");
        match (alarms, neutral, small_talk) {
            (Some(alarms), Some(neutral), Some(small_talk)) if b.errors.is_empty() => Ok(Lexicon {
                alarms,
                reasons,
                units,
                neutral,
                small_talk,
                replies,
            }),
            _ => Err(b.errors),
        }
    }

    /// Urgency and complaint of folded text: every reason whose terms (and, where it has
    /// them, `with` terms) of one language occur, after the neutral phrases are blanked.
    /// `languages`, when given, are the languages the message may be in (see
    /// [`crate::lang::plausible`]): other languages' words do not count ("brand" is Dutch for
    /// fire, but not in "what brand is it?"). English words always count: shoppers everywhere
    /// borrow them ("mi power bank hizo smoke").
    pub fn scan(&self, folded: &str, languages: Option<&[LangCode]>) -> Scan {
        let mut text = vocab::words(folded);
        let neutral: Vec<(usize, usize)> = self
            .neutral
            .find(&text)
            .into_iter()
            .map(|h| (h.start, h.end))
            .collect();
        if !neutral.is_empty() {
            text = vocab::blank(&text, &neutral);
        }
        let mut terms = vec![false; self.units.len()];
        let mut with = vec![false; self.units.len()];
        for hit in self.alarms.find(&text) {
            let (unit, is_with) = hit.label;
            if is_with {
                with[unit] = true;
            } else {
                terms[unit] = true;
            }
        }
        let counts = |l: LangCode| l == LangCode::En || languages.is_none_or(|ls| ls.contains(&l));
        let mut fired = vec![false; self.reasons.len()];
        for (i, unit) in self.units.iter().enumerate() {
            if terms[i] && (!unit.needs_with || with[i]) && counts(unit.lang) {
                fired[unit.reason] = true;
            }
        }
        let mut scan = Scan::default();
        for (reason, _) in self.reasons.iter().zip(&fired).filter(|(_, f)| **f) {
            if reason.complaint {
                scan.complaint.get_or_insert_with(|| reason.name.clone());
            } else {
                scan.urgency.level = scan.urgency.level.max(reason.level);
                scan.urgency.reasons.push(reason.name.clone());
            }
        }
        scan
    }

    /// A closing that says more than small-talk words do ("Thank you kindly for your patience,
    /// you have been most helpful", "Dziękuję bardzo za pomoc, życzę miłego dnia"): thanks or
    /// goodbye words, no number, at most [`CLOSING_MAX_OTHER`] other words, opening with small
    /// talk and ending with thanks or a goodbye (a request never sits at either end). The router
    /// answers it as small talk only when no rule, alarm, complaint or question mark speaks
    /// for the message.
    pub fn closing(&self, folded: &str) -> Option<Talk> {
        if folded.chars().any(|c| c.is_numeric()) {
            return None;
        }
        let text = vocab::squeeze(&vocab::words(folded));
        let hits = self.small_talk.find(&text);
        let closes =
            |k: Option<SmallTalk>| matches!(k, Some(SmallTalk::Thanks | SmallTalk::Goodbye));
        // Short words ("ok", "ta", "nada", "bye") say too little on their own here.
        let closing: Vec<_> = hits
            .iter()
            .filter(|h| closes(h.label.0) && h.end - h.start >= CLOSING_MIN_BYTES)
            .collect();
        let kind = if closing.iter().any(|h| h.label.0 == Some(SmallTalk::Thanks)) {
            SmallTalk::Thanks
        } else {
            closing.first()?.label.0?
        };
        let spans: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
        let other = vocab::blank(&text, &spans)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .count();
        if other > CLOSING_MAX_OTHER {
            return None;
        }
        // A closing opens with small talk and ends with thanks or a goodbye: "thanks, please
        // call me back", "please call me back, thanks" and "gracias, necesito hablar con
        // alguien" are requests, not closings.
        let first = text.find(char::is_alphanumeric)?;
        let last = text.rfind(char::is_alphanumeric)?;
        let opens = hits
            .iter()
            .any(|h| h.label.0.is_some() && h.start <= first && first < h.end);
        let ends = hits
            .iter()
            .any(|h| closes(h.label.0) && h.start <= last && last < h.end);
        if !opens || !ends {
            return None;
        }
        let mut languages: Vec<(LangCode, SmallTalk)> = Vec::new();
        for h in &closing {
            if !languages.iter().any(|(l, _)| *l == h.label.1) {
                languages.push((h.label.1, kind));
            }
        }
        Some(Talk { kind, languages })
    }

    /// A message that is nothing but small talk ("holaaa buenas 👋", "thx!!", "is anyone
    /// there?"): its kind, and the languages whose own small talk covers it all with the kind
    /// in each. `None` for any other message (filler alone, "support?", is not small talk).
    /// Is `word` (folded) small talk on its own in some language ("hallo", "merci")? Such a
    /// word is never read as a typo of a vocabulary word.
    pub fn is_small_talk_word(&self, word: &str) -> bool {
        let text = vocab::squeeze(&vocab::words(word));
        self.small_talk
            .find(&text)
            .iter()
            .any(|h| h.start <= 1 && h.end + 1 >= text.len())
    }

    pub fn small_talk(&self, folded: &str) -> Option<Talk> {
        let text = vocab::squeeze(&vocab::words(folded));
        if text.split(' ').count() > SMALL_TALK_MAX_WORDS + 2 {
            return None;
        }
        let hits = self.small_talk.find(&text);
        if hits.is_empty() {
            let thanks = folded.chars().any(|c| THANKS_EMOJI.contains(&c))
                && !folded.chars().any(char::is_alphanumeric);
            return thanks.then(|| Talk {
                kind: SmallTalk::Thanks,
                languages: Vec::new(),
            });
        }
        // The kind of highest precedence among the hits kept, if they cover every word.
        let kind_if_covered = |keep: &dyn Fn(LangCode) -> bool| {
            let kept: Vec<_> = hits.iter().filter(|h| keep(h.label.1)).collect();
            let spans: Vec<(usize, usize)> = kept.iter().map(|h| (h.start, h.end)).collect();
            if vocab::blank(&text, &spans)
                .chars()
                .any(char::is_alphanumeric)
            {
                return None;
            }
            SmallTalk::ALL
                .into_iter()
                .find(|k| kept.iter().any(|h| h.label.0 == Some(*k)))
        };
        let kind = kind_if_covered(&|_| true)?;
        let languages = languages()
            .filter_map(|l| kind_if_covered(&|lang| lang == l).map(|k| (l, k)))
            .collect();
        Some(Talk { kind, languages })
    }

    /// The engine's answer to small talk in `lang`, if the lexicons have that language.
    pub fn reply(&self, kind: SmallTalk, lang: LangCode) -> Option<&str> {
        self.replies.get(&(lang, kind)).map(String::as_str)
    }
}

/// `folded` without the name that may sign it ("Met vriendelijke groet, Jan", "Thanks a lot
/// for your help! Maria Lopez"): one reading per possible name, the shortest first, each cutting
/// the last one to [`SIGNATURE_MAX_WORDS`] words of `raw` when they are capitalised (two letters
/// or more, the rest lower case, in a cased script; German nouns are capitalised too, hence
/// every length), keeping at least the first word. Empty when `raw` ends with no such word. A
/// longer capitalised run is a shouted sentence, not a name. The router reads small talk in
/// them only when no rule fired on the whole message.
pub fn unsigned(folded: &str, raw: &str) -> Vec<String> {
    let is_word_char = |c: char| c.is_alphabetic() || c == '\'' || c == '-';
    let name = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && w.chars().count() >= 2
            && chars.all(|c| c.is_lowercase() || c == '\'' || c == '-')
    };
    let words = |t: &str| -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in t.char_indices().chain([(t.len(), ' ')]) {
            match (is_word_char(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let w = &t[s..i];
                    if w.chars().any(char::is_alphabetic) {
                        out.push((s, w.to_string()));
                    }
                    start = None;
                }
                _ => {}
            }
        }
        out
    };
    let raw_words = words(raw);
    let run = raw_words.iter().rev().take_while(|(_, w)| name(w)).count();
    let folded_words = words(folded);
    // Folding keeps the words and their order (it changes letters, not word boundaries).
    if run > SIGNATURE_MAX_WORDS || folded_words.len() != raw_words.len() {
        return Vec::new();
    }
    // "Thanks, Jan": the first word is the message, however it is written.
    let run = run.min(raw_words.len().saturating_sub(1));
    (1..=run)
        .map(|k| {
            let cut = folded_words[folded_words.len() - k].0;
            folded[..cut].trim_end().to_string()
        })
        .collect()
}
