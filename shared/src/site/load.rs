//! Loading: the site file checked and compiled into a [`CompiledSite`]. Every mistake is
//! reported with its line, column, rule and what to fix.

use std::collections::BTreeMap;

use regex::{Regex, RegexBuilder, RegexSetBuilder};
use toml::Spanned;

use super::file::*;
use super::*;
use crate::markup::{check_host, https_host, links as markup_links};

/// The value of `r`, or `None` with its error recorded in `errors`: a mistake is reported and
/// loading goes on to find the next.
fn keep<T>(errors: &mut Vec<LoadError>, r: Result<T, LoadError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

pub(super) struct Loader<'s, 'm> {
    pub(super) source: &'s str,
    /// Called with the name of each loading stage as it ends: how the benchmark times the
    /// stages (`shared::cold`). The loader itself reads no clock.
    pub(super) mark: std::cell::RefCell<&'m mut dyn FnMut(&'static str)>,
}

impl Loader<'_, '_> {
    fn mark(&self, stage: &'static str) {
        (self.mark.borrow_mut())(stage);
    }

    pub(super) fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        rule: Option<&str>,
        message: String,
    ) -> Result<T, LoadError> {
        Err(self.error(span, rule, message))
    }

    /// The error at `span`, with its line and column.
    pub(super) fn error(
        &self,
        span: std::ops::Range<usize>,
        rule: Option<&str>,
        message: String,
    ) -> LoadError {
        let (line, column) = if span.is_empty() && span.start == 0 {
            (0, 0)
        } else {
            line_col(self.source, span.start)
        };
        LoadError {
            line,
            column,
            rule: rule.map(str::to_string),
            message,
            more: Vec::new(),
        }
    }

    pub(super) fn compile(&self, file: SiteFile) -> Result<CompiledSite, LoadError> {
        let site_id = file.site.id.get_ref().clone();
        if site_id.is_empty()
            || !site_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return self.err(
                file.site.id.span(),
                None,
                "site id must be ASCII letters, digits, `-` or `_`".into(),
            );
        }
        if file.site.languages.get_ref().is_empty() {
            return self.err(
                file.site.languages.span(),
                None,
                "`languages` must name at least one language; the first is the default".into(),
            );
        }
        let mut languages = Vec::new();
        for code in file.site.languages.get_ref() {
            let lang = self.lang(code, None)?;
            if languages.contains(&lang) {
                return self.err(
                    code.span(),
                    None,
                    format!("language `{lang}` is listed twice"),
                );
            }
            languages.push(lang);
        }
        let site_lang = |code: &Spanned<String>,
                         rule: Option<&str>|
         -> Result<LangCode, LoadError> {
            let lang = self.lang(code, rule)?;
            if !languages.contains(&lang) {
                return self.err(
                    code.span(),
                    rule,
                    format!("language `{lang}` is not in [site] languages; add it there or remove this entry"),
                );
            }
            Ok(lang)
        };
        let texts = |map: BTreeMap<Spanned<String>, String>,
                     rule: Option<&str>|
         -> Result<BTreeMap<LangCode, String>, LoadError> {
            map.into_iter()
                .map(|(k, v)| Ok((site_lang(&k, rule)?, v)))
                .collect()
        };
        // From here on every section and every rule is checked on its own: each mistake is
        // recorded and the next part checked, so one run reports them all.
        let mut errors: Vec<LoadError> = Vec::new();
        for color in [&file.widget.brand_color, &file.widget.on_brand_color] {
            if !is_css_hex_color(color.get_ref()) {
                errors.push(self.error(
                    color.span(),
                    None,
                    format!(
                        "`{}` is not a colour; write it as #rgb or #rrggbb",
                        color.get_ref()
                    ),
                ));
            }
        }

        let facts = match file.facts {
            Some(spanned) => {
                let span = spanned.span();
                Facts::compile(spanned.into_inner()).unwrap_or_else(|e| {
                    errors.push(self.error(span, None, e));
                    Facts::default()
                })
            }
            None => Facts::default(),
        };
        // Hosts links in answers may point to: every https link in the file, plus [widget]
        // link_hosts. The widget drops links to anywhere else.
        let mut hosts: Vec<String> = facts.links.values().filter_map(|u| https_host(u)).collect();
        let hours = match file.hours {
            Some(spanned) => {
                let span = spanned.span();
                let h = spanned.into_inner();
                BusinessHours::parse(&h.time_zone, &h.open, &h.holidays).unwrap_or_else(|e| {
                    errors.push(self.error(span, None, format!("[hours] {e}")));
                    BusinessHours::always_open()
                })
            }
            None => BusinessHours::always_open(),
        };
        let mut handoff_texts = |section: &str,
                                 map: BTreeMap<Spanned<String>, Spanned<String>>,
                                 required: bool|
         -> Result<BTreeMap<LangCode, Vec<Piece>>, LoadError> {
            let mut out = BTreeMap::new();
            for (lang, text) in map {
                let code = site_lang(&lang, None)?;
                self.inline_links(&text, None, &format!("[{section}] {code}"), &mut hosts)?;
                let pieces = crate::render::parse_template(text.get_ref(), &facts, None)
                    .or_else(|e| self.err(text.span(), None, format!("[{section}] {code}: {e}")))?;
                if let Some(slot) = pieces.iter().find_map(|p| match p {
                    Piece::Slot(slot) if slot.needs_country() || matches!(slot, Slot::Size(_)) => {
                        Some(slot)
                    }
                    _ => None,
                }) {
                    return self.err(
                        text.span(),
                        None,
                        format!("[{section}] {code}: {slot:?} depends on the question; handoff texts can use shop.name, support.email, links.<name>, returns.days, warranty.months, reply_by and opens_at (small-talk texts the same, without reply_by and opens_at)"),
                    );
                }
                out.insert(code, pieces);
            }
            if (required || !out.is_empty()) && !out.contains_key(&languages[0]) {
                return self.err(
                    0..0,
                    None,
                    format!(
                        "[{section}] needs a text in the default language `{}`",
                        languages[0]
                    ),
                );
            }
            Ok(out)
        };
        let handoff = Handoff {
            reply_within_hours: file.handoff.reply_within_hours,
            high_reply_within_hours: file
                .handoff
                .high_reply_within_hours
                .unwrap_or(file.handoff.reply_within_hours),
            urgent_reply_within_hours: file.handoff.urgent_reply_within_hours,
            reply: keep(
                &mut errors,
                handoff_texts("handoff.reply", file.handoff.reply, true),
            )
            .unwrap_or_default(),
            urgent_reply: keep(
                &mut errors,
                handoff_texts("handoff.urgent_reply", file.handoff.urgent_reply, false),
            )
            .unwrap_or_default(),
            security_reply: keep(
                &mut errors,
                handoff_texts("handoff.security_reply", file.handoff.security_reply, false),
            )
            .unwrap_or_default(),
            legal_reply: keep(
                &mut errors,
                handoff_texts("handoff.legal_reply", file.handoff.legal_reply, false),
            )
            .unwrap_or_default(),
            away_reply: keep(
                &mut errors,
                handoff_texts("handoff.away_reply", file.handoff.away_reply, false),
            )
            .unwrap_or_default(),
            holiday_reply: keep(
                &mut errors,
                handoff_texts("handoff.holiday_reply", file.handoff.holiday_reply, false),
            )
            .unwrap_or_default(),
            ask_contact: file.handoff.ask_contact,
            ask_order_number: file.handoff.ask_order_number,
            ask_contact_reply: keep(
                &mut errors,
                handoff_texts(
                    "handoff.ask_contact_reply",
                    file.handoff.ask_contact_reply,
                    file.handoff.ask_contact,
                ),
            )
            .unwrap_or_default(),
            contact_thanks: keep(
                &mut errors,
                handoff_texts(
                    "handoff.contact_thanks",
                    file.handoff.contact_thanks,
                    file.handoff.ask_contact,
                ),
            )
            .unwrap_or_default(),
        };
        let mut small_talk = BTreeMap::new();
        for (kind, texts) in file.smalltalk {
            let Some(k) = SmallTalk::parse(kind.get_ref()) else {
                let known: Vec<_> = SmallTalk::ALL.iter().map(|k| k.as_str()).collect();
                errors.push(self.error(
                    kind.span(),
                    None,
                    format!(
                        "[smalltalk.{}] is not a kind of small talk; use one of: {}",
                        kind.get_ref(),
                        known.join(", ")
                    ),
                ));
                continue;
            };
            let section = format!("smalltalk.{}", k.as_str());
            if let Some(t) = keep(&mut errors, handoff_texts(&section, texts, false)) {
                small_talk.insert(k, t);
            }
        }
        let retention_days = match file.site.retention_days {
            Some(days) if !(1..=3650).contains(days.get_ref()) => {
                errors.push(self.error(
                    days.span(),
                    None,
                    format!(
                        "retention_days = {}: keep conversations between 1 and 3650 days",
                        days.get_ref()
                    ),
                ));
                DEFAULT_RETENTION_DAYS
            }
            Some(days) => *days.get_ref(),
            None => DEFAULT_RETENTION_DAYS,
        };
        let contact_wait_secs = match file.handoff.contact_wait_minutes {
            Some(m) if !(1..=720).contains(m.get_ref()) => {
                errors.push(self.error(
                    m.span(),
                    None,
                    format!(
                        "contact_wait_minutes = {}: wait between 1 and 720 minutes (a queue delay is at most 12 hours)",
                        m.get_ref()
                    ),
                ));
                DEFAULT_CONTACT_WAIT_MINUTES * 60
            }
            Some(m) => m.get_ref() * 60,
            None => DEFAULT_CONTACT_WAIT_MINUTES * 60,
        };

        let mut origins = Vec::new();
        for origin in &file.site.origins {
            match guard::normalize_origin(origin.get_ref()) {
                Some(o) if !origins.contains(&o) => origins.push(o),
                Some(o) => {
                    errors.push(self.error(
                        origin.span(),
                        None,
                        format!("origin `{o}` is listed twice"),
                    ));
                }
                None => {
                    errors.push(self.error(
                        origin.span(),
                        None,
                        format!(
                            "`{}` is not an origin; write scheme, host and port only, e.g. \"https://shop.example\" (no path)",
                            origin.get_ref()
                        ),
                    ));
                }
            }
        }
        let limits = keep(&mut errors, self.limits(file.limits)).unwrap_or_default();
        let turnstile = match file.turnstile {
            None => None,
            Some(t) => {
                let key = t.site_key.get_ref().trim();
                let var_ok = |name: &str| {
                    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                };
                let key_ok = match key.strip_prefix("var:") {
                    Some(name) => var_ok(name),
                    None => {
                        !key.is_empty() && key.len() <= 128 && !key.contains(char::is_whitespace)
                    }
                };
                if !key_ok {
                    errors.push(self.error(
                        t.site_key.span(),
                        None,
                        "site_key: the Turnstile site key (e.g. \"0x4AAAAAAA…\") or `var:NAME` for a Worker variable".into(),
                    ));
                }
                if !var_ok(t.secret.get_ref()) {
                    errors.push(self.error(
                        t.secret.span(),
                        None,
                        "secret: the NAME of the Worker secret holding the Turnstile secret key (letters, digits, `_`), never the key itself".into(),
                    ));
                }
                Some(Turnstile {
                    site_key: key.to_string(),
                    secret: t.secret.into_inner(),
                })
            }
        };

        let mut fallback = BTreeMap::new();
        for (lang, chain) in &file.site.fallback {
            let from = keep(&mut errors, site_lang(lang, None));
            let to = keep(
                &mut errors,
                chain
                    .iter()
                    .map(|l| site_lang(l, None))
                    .collect::<Result<Vec<_>, _>>(),
            );
            if let (Some(from), Some(to)) = (from, to) {
                fallback.insert(from, to);
            }
        }

        // Concepts: the engine's, then the site's `[vocab.*]` on top.
        let engine = match crate::concept::engine() {
            Ok(w) => w,
            Err(e) => return self.err(0..0, None, e),
        };
        self.mark("concept TOMLs");
        let mut concepts = match crate::concept::Builder::from_written(engine) {
            Ok(b) => b,
            Err(e) => return self.err(0..0, None, e),
        };
        self.mark("concept terms parsed");
        for (name, langs) in &file.vocab {
            for (lang, terms) in langs {
                let Some(code) = keep(&mut errors, self.lang(lang, None)) else {
                    continue;
                };
                for term in terms {
                    if let Err(e) = concepts.add(name.get_ref(), code, term.get_ref()) {
                        errors.push(self.error(
                            term.span(),
                            None,
                            format!("[vocab.{}] {code}: {e}", name.get_ref()),
                        ));
                    }
                }
            }
        }

        self.mark("site sections checked");
        let mut rules = Vec::new();
        let mut sources = Vec::new();
        let mut pattern_rule = Vec::new();
        let mut unicode_sources: Vec<String> = Vec::new();
        let mut unicode_pattern_rule = Vec::new();
        // Each rule is checked on its own: every broken rule is reported, not the first.
        for rule in file.rules {
            let one = || -> Result<(), LoadError> {
                let id = rule.id.get_ref().clone();
                let rid = Some(id.as_str());
                if id.is_empty() {
                    return self.err(rule.id.span(), None, "rule id must not be empty".into());
                }
                if rules.iter().any(|r: &Rule| r.id == id) {
                    return self.err(
                        rule.id.span(),
                        rid,
                        "duplicate rule id; every rule needs its own".into(),
                    );
                }
                let topic = Topic::parse(rule.topic.get_ref()).map_or_else(
                    || {
                        let names: Vec<_> = Topic::ALL.iter().map(|t| t.as_str()).collect();
                        self.err(
                            rule.topic.span(),
                            rid,
                            format!(
                                "unknown topic `{}`; use one of: {}",
                                rule.topic.get_ref(),
                                names.join(", ")
                            ),
                        )
                    },
                    Ok,
                )?;
                if rule.patterns.is_empty() && rule.skeletons.is_empty() {
                    return self.err(
                        rule.id.span(),
                        rid,
                        "a rule needs at least one pattern or skeleton".into(),
                    );
                }
                let mut pattern_languages = Vec::new();
                let mut skeletons = Vec::new();
                for skeleton in &rule.skeletons {
                    let parts = concepts
                        .skeleton(skeleton.get_ref())
                        .or_else(|e| self.err(skeleton.span(), rid, format!("skeleton: {e}")))?;
                    pattern_languages.extend(concepts.skeleton_languages(&parts));
                    skeletons.push(parts);
                }
                for (lang, pats) in &rule.patterns {
                    pattern_languages.push(site_lang(lang, rid)?);
                    for pat in pats {
                        self.check_pattern(pat, rid)?;
                        let (source, unicode) = ascii_word_boundaries(&fold_pattern(pat.get_ref()));
                        if unicode {
                            unicode_sources.push(source);
                            unicode_pattern_rule.push(rules.len());
                        } else {
                            sources.push(source);
                            pattern_rule.push(rules.len());
                        }
                    }
                }
                // An `unless` written with concepts (`'{problem}'`) vetoes when they are all in
                // the message; any other is a regular expression.
                let mut unless = Vec::new();
                let mut concept_vetoes = Vec::new();
                for p in &rule.unless {
                    if crate::concept::names_concepts(p.get_ref(), |n| concepts.knows(n)) {
                        concept_vetoes.push(
                            concepts
                                .skeleton(p.get_ref())
                                .or_else(|e| self.err(p.span(), rid, format!("unless: {e}")))?,
                        );
                    } else {
                        unless.push(self.regex(p, rid)?);
                    }
                }
                let size_table = match &rule.sizes {
                    Some(name) => match facts.sizes.get(name.get_ref()) {
                        Some(table) => Some((name.get_ref().clone(), table)),
                        None => {
                            let known: Vec<_> = facts.sizes.keys().map(String::as_str).collect();
                            return self.err(
                                name.span(),
                                rid,
                                format!(
                                    "no size table `{}` in [facts.sizes] (there are: {})",
                                    name.get_ref(),
                                    known.join(", ")
                                ),
                            );
                        }
                    },
                    None => None,
                };
                let mut answer = BTreeMap::new();
                let (mut needs_country, mut needs_size) = (false, false);
                for (lang, text) in &rule.answer {
                    let code = site_lang(lang, rid)?;
                    self.inline_links(text, rid, &format!("answer.{code}"), &mut hosts)?;
                    let pieces = crate::render::parse_template(
                        text.get_ref(),
                        &facts,
                        size_table.as_ref().map(|(_, t)| *t),
                    )
                    .or_else(|e| self.err(text.span(), rid, format!("answer.{code}: {e}")))?;
                    for piece in &pieces {
                        if let Piece::Slot(slot @ (Slot::ReplyBy | Slot::OpensAt)) = piece {
                            let name = if matches!(slot, Slot::ReplyBy) {
                                "reply_by"
                            } else {
                                "opens_at"
                            };
                            return self.err(
                                text.span(),
                                rid,
                                format!("answer.{code}: `{{{name}}}` belongs in [handoff] texts, where a person takes over"),
                            );
                        }
                        if let Piece::Slot(slot) = piece {
                            needs_country |= slot.needs_country();
                            needs_size |= matches!(slot, crate::render::Slot::Size(_));
                        }
                    }
                    answer.insert(code, pieces);
                }
                let mut when_zones = Vec::new();
                let mut when_duties = None;
                if let Some(when) = &rule.when {
                    for zone in &when.zones {
                        if !facts.zones.iter().any(|z| &z.name == zone.get_ref()) {
                            let known: Vec<_> =
                                facts.zones.iter().map(|z| z.name.as_str()).collect();
                            return self.err(
                                zone.span(),
                                rid,
                                format!(
                                    "unknown shipping zone `{}` (there are: {})",
                                    zone.get_ref(),
                                    known.join(", ")
                                ),
                            );
                        }
                        when_zones.push(zone.get_ref().clone());
                    }
                    if let Some(d) = &when.duties {
                        when_duties = Some(Duties::parse(d.get_ref()).map_or_else(
                            || {
                                self.err(
                                    d.span(),
                                    rid,
                                    "when.duties must be \"DDP\" or \"DAP\"".into(),
                                )
                            },
                            Ok,
                        )?);
                    }
                    needs_country |= !when_zones.is_empty() || when_duties.is_some();
                }
                let then_handoff = match &rule.then {
                    None => false,
                    Some(t) if t.get_ref() == "handoff" => true,
                    Some(t) => {
                        return self.err(
                            t.span(),
                            rid,
                            format!(
                                "then = \"{}\": the only follow-up is \"handoff\"",
                                t.get_ref()
                            ),
                        );
                    }
                };
                if !answer.contains_key(&languages[0]) {
                    return self.err(
                        rule.id.span(),
                        rid,
                        format!("needs an answer in the default language `{}`", languages[0]),
                    );
                }
                let quick_replies = rule
                    .quick_replies
                    .into_iter()
                    .map(|(k, v)| Ok((site_lang(&k, rid)?, v)))
                    .collect::<Result<_, LoadError>>()?;
                let mut links = Vec::new();
                for link in rule.links {
                    let Some(host) = https_host(link.url.get_ref()) else {
                        return self.err(
                            link.url.span(),
                            rid,
                            "links must be https:// URLs with a host, e.g. https://shop.example/returns".into(),
                        );
                    };
                    hosts.push(host);
                    links.push((texts(link.label, rid)?, link.url.into_inner()));
                }
                for parts in skeletons {
                    concepts.push_skeleton(rules.len(), parts);
                }
                for parts in concept_vetoes {
                    concepts.push_veto(rules.len(), parts);
                }
                pattern_languages.sort_unstable_by_key(|l| l.as_str());
                pattern_languages.dedup();
                rules.push(Rule {
                    id,
                    pattern_languages,
                    topic,
                    priority: rule.priority,
                    unless,
                    answer,
                    quick_replies,
                    links,
                    when_zones,
                    when_duties,
                    size_table: size_table.map(|(name, _)| name),
                    needs_country,
                    needs_size,
                    then_handoff,
                });
                Ok(())
            };
            if let Err(e) = one() {
                errors.push(e);
            }
        }
        if let Some(e) = LoadError::of(errors) {
            return Err(e);
        }
        let set = |sources: &[String]| {
            RegexSetBuilder::new(sources)
                .case_insensitive(true)
                .size_limit(SET_SIZE_LIMIT)
                // A rule pack has thousands of patterns; with the default 2 MB lazy-DFA cache
                // the set keeps rebuilding states (~2.8 ms a message). The cache only grows as
                // needed.
                .dfa_size_limit(DFA_CACHE_LIMIT)
                .build()
                .or_else(|e| {
                    self.err(
                        0..0,
                        None,
                        format!("the rules' patterns together are too large to compile: {e}"),
                    )
                })
        };
        self.mark("rules checked (patterns parsed, NFAs sized)");
        let patterns = set(&sources)?;
        let unicode_patterns = set(&unicode_sources)?;
        self.mark("RegexSet");
        let concepts = concepts
            .build_marked(&mut |stage| self.mark(stage))
            .or_else(|e| self.err(0..0, None, format!("the concepts do not compile: {e}")))?;

        let (destinations, routes) = self.handoff_routing(file.destinations, file.routes)?;

        for host in &file.widget.link_hosts {
            if let Err(why) = check_host(host.get_ref()) {
                return self.err(
                    host.span(),
                    None,
                    format!("[widget] link_hosts: `{}` {why}", host.get_ref()),
                );
            }
            hosts.push(host.get_ref().clone());
        }
        hosts.sort();
        hosts.dedup();

        let widget = WidgetConfig {
            v: WIRE_VERSION,
            site: site_id.clone(),
            shop_name: file.site.name.clone(),
            greeting: file
                .widget
                .greeting
                .into_iter()
                .map(|(k, v)| Ok((site_lang(&k, None)?.to_string(), v)))
                .collect::<Result<_, LoadError>>()?,
            quick_replies: file
                .widget
                .quick_replies
                .into_iter()
                .map(|(k, v)| Ok((site_lang(&k, None)?.to_string(), v)))
                .collect::<Result<_, LoadError>>()?,
            colors: Colors {
                brand: file.widget.brand_color.into_inner(),
                on_brand: file.widget.on_brand_color.into_inner(),
            },
            languages: languages.iter().map(|l| l.to_string()).collect(),
            support_email: file.site.support_email.clone(),
            link_hosts: hosts,
            status: None,
            turnstile_site_key: None,
        };
        let detect_order = languages
            .iter()
            .take(1)
            .chain(
                LangCode::ALL
                    .iter()
                    .filter(|l| Some(*l) != languages.first()),
            )
            .copied()
            .collect();
        Ok(CompiledSite {
            id: site_id,
            name: file.site.name,
            support_email: file.site.support_email,
            languages,
            rules,
            patterns,
            pattern_rule,
            unicode_patterns,
            unicode_pattern_rule,
            concepts,
            typo_pass: true,
            handoff,
            hours,
            retention_days,
            contact_wait_secs,
            facts,
            destinations,
            origins,
            limits,
            turnstile,
            routes,
            fallback,
            detect_order,
            small_talk,
            widget,
        })
    }

    /// Checks the `[label](url)` links of a shopper-facing text: the url must be https (or a
    /// `{links.name}` placeholder, whose facts link is). Collects their hosts. An error points
    /// at the url itself when it can be found in the file.
    pub(super) fn inline_links(
        &self,
        text: &Spanned<String>,
        rule: Option<&str>,
        what: &str,
        hosts: &mut Vec<String>,
    ) -> Result<(), LoadError> {
        let span = text.span();
        let raw = self.source.get(span.clone()).unwrap_or("");
        let mut cursor = 0;
        for (label, url) in markup_links(text.get_ref()) {
            let at = raw[cursor..].find(url).map(|i| cursor + i);
            if let Some(at) = at {
                cursor = at + url.len();
            }
            let url = url.trim();
            let placeholder = url
                .strip_prefix("{links.")
                .and_then(|rest| rest.strip_suffix('}'))
                .is_some_and(|name| !name.is_empty() && !name.contains(['{', '}']));
            if placeholder {
                continue;
            }
            match https_host(url) {
                Some(host) => hosts.push(host),
                None => {
                    let start = at.map_or(span.start, |at| span.start + at);
                    return self.err(
                        start..start + url.len().max(1),
                        rule,
                        format!(
                            "{what}: the link [{label}]({url}) must point to an https:// URL (or {{links.name}})"
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    pub(super) fn lang(
        &self,
        code: &Spanned<String>,
        rule: Option<&str>,
    ) -> Result<LangCode, LoadError> {
        LangCode::parse(code.get_ref()).map_or_else(
            || {
                let known: Vec<_> = LangCode::ALL.iter().map(|l| l.as_str()).collect();
                self.err(
                    code.span(),
                    rule,
                    format!(
                        "unknown language code `{}`; use one of: {}",
                        code.get_ref(),
                        known.join(", ")
                    ),
                )
            },
            Ok,
        )
    }

    pub(super) fn regex(
        &self,
        pattern: &Spanned<String>,
        rule: Option<&str>,
    ) -> Result<Regex, LoadError> {
        RegexBuilder::new(&fold_pattern(pattern.get_ref()))
            .case_insensitive(true)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .or_else(|e| {
                let why = match e {
                    regex::Error::CompiledTooBig(limit) => too_big(limit),
                    other => does_not_compile(&other.to_string()),
                };
                self.err(pattern.span(), rule, why)
            })
    }

    /// Checks a rule's pattern as [`Loader::regex`] would compile it, with the same errors,
    /// but builds only what can fail — the syntax tree and the two NFAs, against the same
    /// size limit — not the matcher it would throw away (the pattern set is what runs): in
    /// wasm, compiling each pattern whole was most of a cold start.
    pub(super) fn check_pattern(
        &self,
        pattern: &Spanned<String>,
        rule: Option<&str>,
    ) -> Result<(), LoadError> {
        use regex_automata::nfa::thompson;
        use regex_automata::util::syntax;

        let source = fold_pattern(pattern.get_ref());
        let config = syntax::Config::new().case_insensitive(true).utf8(true);
        let hir = syntax::parse_with(&source, &config)
            .or_else(|e| self.err(pattern.span(), rule, does_not_compile(&e.to_string())))?;
        // The matcher would build a reverse NFA too (for its lazy DFA), often the larger: the
        // size limit applies to each.
        for reverse in [true, false] {
            let captures = if reverse {
                thompson::WhichCaptures::None
            } else {
                thompson::WhichCaptures::All
            };
            thompson::Compiler::new()
                .configure(
                    thompson::Config::new()
                        .nfa_size_limit(Some(PATTERN_SIZE_LIMIT))
                        .shrink(false)
                        .reverse(reverse)
                        .which_captures(captures),
                )
                .build_from_hir(&hir)
                .or_else(|e| {
                    let why = match e.size_limit() {
                        Some(limit) => too_big(limit),
                        None => does_not_compile(&e.to_string()),
                    };
                    self.err(pattern.span(), rule, why)
                })?;
        }
        Ok(())
    }
}

fn too_big(limit: usize) -> String {
    format!("pattern is too big (compiled size over {limit} bytes); split it or remove repetition")
}

/// The last line of the regex error (the first ones repeat the pattern and point into it).
fn does_not_compile(error: &str) -> String {
    format!(
        "pattern does not compile: {}",
        error.lines().last().unwrap_or("invalid")
    )
}
