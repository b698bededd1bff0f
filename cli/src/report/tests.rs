//! `ferry report` over a generated export: the numbers against counts computed here from the
//! messages the export was made of, the text and JSON output, and the column lists against
//! the migrations.

use std::collections::BTreeMap;

use super::*;
use ferry_shared::wire::{Answer, Handoff, Language, LanguageSource, UrgencyTag};

/// What happened to one message of the generated export.
#[derive(Clone)]
enum Fate {
    Answer(Topic, &'static str),
    /// Topic, urgency, reasons, by design (decided here, not by the code under test).
    Handoff(Topic, Urgency, &'static [&'static str], bool),
}

/// One shopper message of the generated export.
#[derive(Clone)]
struct Msg {
    site: &'static str,
    language: &'static str,
    /// The language the reply is written in (the demo answers en, es, pt, fr, de).
    reply_language: &'static str,
    text: &'static str,
    fate: Fate,
    /// Stored: the message row (false: only the handoff row), and its reply (false: NULL).
    message_row: bool,
    reply_stored: bool,
}

const NONE: &[&str] = &[];

fn msg(language: &'static str, text: &'static str, fate: Fate) -> Msg {
    let reply_language = match language {
        "en" | "es" | "pt" | "fr" | "de" => language,
        _ => "en",
    };
    Msg {
        site: "demo",
        language,
        reply_language,
        text,
        fate,
        message_row: true,
        reply_stored: true,
    }
}

fn answer(topic: Topic, rule: &'static str) -> Fate {
    Fate::Answer(topic, rule)
}

fn other() -> Fate {
    Fate::Handoff(Topic::Other, Urgency::Normal, NONE, false)
}

fn messages() -> Vec<Msg> {
    use Topic::*;
    let mut list = vec![
        msg(
            "en",
            "How long does shipping to Brazil take?",
            answer(ShippingTime, "shipping-time"),
        ),
        msg(
            "en",
            "do you ship to canada",
            answer(ShippingCountries, "shipping-countries"),
        ),
        msg("en", "Can you gift wrap my order?", other()),
        msg("en", "is gift wrap available", other()),
        msg("en", "gift wrapping for a birthday?", other()),
        msg(
            "en",
            "My charger is smoking!!",
            Fate::Handoff(Safety, Urgency::Urgent, &["safety:smoke"], true),
        ),
        msg(
            "en",
            "I want to talk to a human",
            Fate::Handoff(Human, Urgency::Normal, NONE, true),
        ),
        msg(
            "en",
            "what's your return policy?",
            answer(Returns, "returns"),
        ),
        msg(
            "en",
            "It's the third time I write: where is my invoice?",
            Fate::Handoff(Other, Urgency::High, &["high:repeated_contact"], false),
        ),
        msg(
            "pt",
            "Quanto tempo demora o envio para o Brasil?",
            answer(ShippingTime, "shipping-time"),
        ),
        msg("pt", "vocês fazem embrulho para presente?", other()),
        msg("pt", "Tem embrulho de presente?", other()),
        msg(
            "pt",
            "Posso pagar com Pix?",
            answer(PaymentMethods, "payment"),
        ),
        msg(
            "pt",
            "O pedido chegou quebrado",
            Fate::Handoff(Complaint, Urgency::Normal, NONE, true),
        ),
        msg(
            "de",
            "Wie lange dauert der Versand?",
            answer(ShippingTime, "shipping-time"),
        ),
        msg(
            "de",
            "Kann ich eine Rechnung auf meine Firma bekommen?",
            other(),
        ),
        msg("de", "Rechnung mit Firmenadresse bitte", other()),
        msg(
            "de",
            "Ich will mein Geld zurück, ich gehe zum Anwalt",
            Fate::Handoff(Legal, Urgency::Urgent, &["legal:lawyer"], true),
        ),
        msg(
            "fr",
            "Livrez-vous en Belgique ?",
            answer(ShippingCountries, "shipping-countries"),
        ),
        msg("fr", "C'est quoi l'emballage cadeau ? « joli »", other()),
        msg(
            "ja",
            "配送にどれくらいかかりますか",
            answer(ShippingTime, "shipping-time"),
        ),
        msg("ja", "ギフト包装はできますか", other()),
        msg(
            "ru",
            "Сколько стоит доставка?",
            answer(ShippingCost, "shipping-cost"),
        ),
        msg("ru", "Можно оплатить\nпо счёту?", other()),
        msg("ar", "هل يمكن الدفع عند الاستلام؟", other()),
        msg(
            "es",
            "¿Cuánto tarda el envío a México?",
            answer(ShippingTime, "shipping-time"),
        ),
        msg("es", "¿Hacen envoltorio de regalo?", other()),
        msg("es", "envoltorio para regalo por favor", other()),
        msg("es", "hola", answer(Greeting, "small-talk")),
        msg(
            "es",
            "Mi pedido lleva 30 días sin llegar",
            Fate::Handoff(OrderTrack, Urgency::High, &["high:overdue"], true),
        ),
        msg(
            "en",
            "Where is my order?",
            answer(OrderTrack, "order-track"),
        ),
        msg(
            "en",
            "where is my order #1234",
            answer(OrderTrack, "order-track"),
        ),
        msg(
            "en",
            "tracking number please",
            answer(OrderTrack, "order-track"),
        ),
        msg("pt", "Qual o prazo de troca?", answer(Returns, "returns")),
        msg(
            "de",
            "Kann ich mit PayPal zahlen?",
            answer(PaymentMethods, "payment"),
        ),
        msg("en", "Gift\r\nwrap?", other()),
        msg(
            "en",
            "Ship to 'Nowhere'; DROP TABLE messages; --",
            answer(ShippingCountries, "shipping-countries"),
        ),
    ];
    let mut elsewhere = msg("en", "gift wrap please", other());
    elsewhere.site = "other";
    let mut elsewhere_answered = msg("en", "shipping time", answer(ShippingTime, "shipping-time"));
    elsewhere_answered.site = "other";
    let mut handoff_only = msg("en", "do you sell gift cards", other());
    handoff_only.message_row = false;
    let mut no_reply = msg("en", "??", other());
    no_reply.reply_stored = false;
    // Not a handoff either: nothing says what became of it.
    no_reply.fate = answer(Other, "none");
    list.extend([elsewhere, elsewhere_answered, handoff_only, no_reply]);
    list
}

/// A string as wrangler's `dumpSql` writes it (`outputQuotedEscapedString`).
fn sql_string(text: &str) -> String {
    let (mut lf, mut cr) = (false, false);
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\n' => {
                lf = true;
                out.push_str("\\n");
            }
            '\r' => {
                cr = true;
                out.push_str("\\r");
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    if cr {
        out = format!("replace({out},'\\r',char(13))");
    }
    if lf {
        out = format!("replace({out},'\\n',char(10))");
    }
    out
}

enum V {
    S(String),
    N(i64),
    Null,
}

fn s(text: &str) -> V {
    V::S(text.to_string())
}

fn insert(table: &str, columns: &[&str], values: &[V]) -> String {
    let columns: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let values: Vec<String> = values
        .iter()
        .map(|v| match v {
            V::S(text) => sql_string(text),
            V::N(n) => n.to_string(),
            V::Null => "NULL".into(),
        })
        .collect();
    format!(
        "INSERT INTO \"{table}\" ({}) VALUES({});\n",
        columns.join(","),
        values.join(",")
    )
}

const T0: i64 = 1_775_466_000_000;

/// The export of `messages`, as `wrangler d1 export` writes it.
fn export(messages: &[Msg]) -> String {
    let mut sql = String::from(
        "PRAGMA defer_foreign_keys=TRUE;\n\
         CREATE TABLE IF NOT EXISTS d1_migrations(\n\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,\n\
         \t\tname       TEXT UNIQUE,\n\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n);\n\
         INSERT INTO \"d1_migrations\" (\"id\",\"name\",\"applied_at\") VALUES(1,'0001_init.sql','2026-04-01 10:00:00');\n",
    );
    sql.push_str(
        include_str!("../../../edge/migrations/0001_init.sql")
            .replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ")
            .as_str(),
    );
    let (mut conversations, mut rows, mut handoffs) = (String::new(), String::new(), String::new());
    let mut started = std::collections::HashSet::new();
    for (i, m) in messages.iter().enumerate() {
        // Two messages a conversation.
        let conversation = format!("conv-{}-{}", m.site, i / 2);
        let client = format!("m-{i}");
        let at = T0 + i as i64 * 60_000;
        let n = i as i64;
        if started.insert(conversation.clone()) {
            conversations.push_str(&insert(
                "conversations",
                &[
                    "id",
                    "site",
                    "created_at",
                    "updated_at",
                    "locale",
                    "time_zone",
                    "page_url",
                    "contact_email",
                ],
                &[
                    s(&conversation),
                    s(m.site),
                    V::N(at),
                    V::N(at),
                    s("en-US"),
                    V::Null,
                    V::Null,
                    V::Null,
                ],
            ));
        }
        let (reply, reply_text) = match &m.fate {
            Fate::Answer(topic, rule) => (
                Reply::Answer(Answer {
                    text: format!("Answer of {rule}"),
                    topic: *topic,
                    rule: rule.to_string(),
                    language: m.reply_language.into(),
                    shopper_language: m.language.into(),
                    quick_replies: Vec::new(),
                    links: Vec::new(),
                }),
                format!("Answer of {rule}"),
            ),
            Fate::Handoff(topic, urgency, reasons, _) => {
                let ticket = format!("FRY-{i:08}");
                let payload = HandoffPayload {
                    v: 1,
                    id: format!("hnd_{i}"),
                    ticket: ticket.clone(),
                    site: m.site.into(),
                    conversation_id: conversation.clone(),
                    created_at: at,
                    language: Language {
                        code: m.language.into(),
                        confidence: 0.9,
                        source: LanguageSource::Text,
                    },
                    urgency: UrgencyTag {
                        level: *urgency,
                        reasons: reasons.iter().map(|r| r.to_string()).collect(),
                    },
                    topic: *topic,
                    question: m.text.into(),
                    page_url: None,
                    locale: Some("en-US".into()),
                    time_zone: None,
                    contact: None,
                    reply_by: at + 3_600_000,
                    country: None,
                    transcript: Vec::new(),
                    away: None,
                };
                handoffs.push_str(&insert(
                    "handoffs",
                    &[
                        "id",
                        "ticket",
                        "site",
                        "conversation_id",
                        "client_message_id",
                        "language",
                        "urgency",
                        "topic",
                        "payload_json",
                        "status",
                        "attempts",
                        "last_error",
                        "created_at",
                        "updated_at",
                        "delivered_at",
                    ],
                    &[
                        s(&payload.id),
                        s(&ticket),
                        s(m.site),
                        s(&conversation),
                        s(&client),
                        s(m.language),
                        s(urgency.as_str()),
                        s(topic.as_str()),
                        s(&serde_json::to_string(&payload).expect("serializes")),
                        s("delivered"),
                        V::N(1),
                        V::Null,
                        V::N(at),
                        V::N(at),
                        V::N(at + 900),
                    ],
                ));
                let text = "Thanks! A person will reply.\n\nTicket {ticket}.".to_string();
                (
                    Reply::Handoff(Handoff {
                        ticket,
                        text: text.clone(),
                        language: m.reply_language.into(),
                        shopper_language: m.language.into(),
                        urgency: *urgency,
                        topic: *topic,
                        reply_by: at + 3_600_000,
                        away: None,
                        ask_contact: false,
                        ask_order_number: false,
                    }),
                    text,
                )
            }
        };
        if !m.message_row {
            continue;
        }
        let columns = [
            "id",
            "conversation_id",
            "client_message_id",
            "role",
            "text",
            "reply_json",
            "created_at",
        ];
        let json = if m.reply_stored {
            s(&serde_json::to_string(&reply).expect("serializes"))
        } else {
            V::Null
        };
        rows.push_str(&insert(
            "messages",
            &columns,
            &[
                V::N(2 * n + 1),
                s(&conversation),
                s(&client),
                s("shopper"),
                s(m.text),
                json,
                V::N(at),
            ],
        ));
        rows.push_str(&insert(
            "messages",
            &columns,
            &[
                V::N(2 * n + 2),
                s(&conversation),
                s(&client),
                s("bot"),
                s(&reply_text),
                V::Null,
                V::N(at),
            ],
        ));
    }
    sql.push_str(&conversations);
    sql.push_str(&rows);
    sql.push_str(&handoffs);
    sql.push_str("DELETE FROM sqlite_sequence;\n");
    sql.push_str(&insert(
        "sqlite_sequence",
        &["name", "seq"],
        &[s("messages"), V::N(80)],
    ));
    sql
}

/// A made-up vocabulary lookup: names whose terms occur in the folded text, by position.
fn vocab(text: &str) -> Vec<String> {
    const VOCABS: &[(&str, &[&str])] = &[
        ("gift", &["gift", "presente", "regalo", "cadeau", "ギフト"]),
        (
            "wrap",
            &["wrap", "embrulho", "envoltorio", "emballage", "包装"],
        ),
        ("invoice", &["invoice", "rechnung", "счету"]),
        ("company", &["firma", "firmen"]),
    ];
    let folded = ferry_shared::normalize::fold(text);
    let mut found: Vec<(usize, &str)> = VOCABS
        .iter()
        .filter_map(|(name, terms)| {
            terms
                .iter()
                .filter_map(|t| folded.find(t))
                .min()
                .map(|at| (at, *name))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, n)| n.to_string()).collect()
}

fn summary_of(messages: &[Msg]) -> (Summary, Extract) {
    let sql = export(messages);
    let dump = read_export(&sql).expect("the export reads");
    let extract = extract(&dump, Some("demo"));
    let summary = report::summarize(&extract.records, &Options::default(), vocab);
    (summary, extract)
}

#[test]
fn the_report_over_a_generated_export_matches_counts_made_here() {
    let messages = messages();
    let (summary, extract) = summary_of(&messages);

    // Counted here, from the list the export was made of.
    let counted: Vec<&Msg> = messages
        .iter()
        .filter(|m| m.site == "demo" && (m.reply_stored || matches!(m.fate, Fate::Handoff(..))))
        .collect();
    let answered = counted
        .iter()
        .filter(|m| matches!(m.fate, Fate::Answer(..)))
        .count();
    let by_design = counted
        .iter()
        .filter(|m| matches!(m.fate, Fate::Handoff(_, _, _, true)))
        .count();
    let mut topics: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut languages: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut groups: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for m in &counted {
        let (topic, yes) = match &m.fate {
            Fate::Answer(t, _) => (t.as_str(), 1),
            Fate::Handoff(t, _, _, design) => {
                let g = groups.entry((m.language, t.as_str())).or_default();
                g.0 += 1;
                g.1 += usize::from(*design);
                (t.as_str(), 0)
            }
        };
        for c in [
            topics.entry(topic).or_default(),
            languages.entry(m.language).or_default(),
        ] {
            c.0 += 1;
            c.1 += yes;
        }
    }

    assert_eq!(summary.messages, counted.len());
    assert_eq!(
        summary.messages, 38,
        "the list's 37 demo messages with a reply, and one handoff alone"
    );
    assert_eq!(summary.answered, answered);
    assert_eq!(summary.handed_off, counted.len() - answered);
    assert_eq!(summary.by_design, by_design);
    let shares = |list: &[Share]| -> BTreeMap<String, (usize, usize)> {
        list.iter()
            .map(|s| (s.name.clone(), (s.messages, s.answered)))
            .collect()
    };
    let owned = |m: BTreeMap<&str, (usize, usize)>| -> BTreeMap<String, (usize, usize)> {
        m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    assert_eq!(shares(&summary.by_topic), owned(topics));
    assert_eq!(shares(&summary.by_language), owned(languages));
    for s in summary.by_topic.iter().chain(&summary.by_language) {
        assert!(
            (s.share - s.answered as f64 / s.messages as f64).abs() < 1e-9,
            "{}",
            s.name
        );
    }
    let got: BTreeMap<(&str, &str), (usize, usize)> = summary
        .groups
        .iter()
        .map(|g| {
            (
                (g.language.as_str(), g.topic.as_str()),
                (g.questions, g.by_design),
            )
        })
        .collect();
    assert_eq!(got, groups);

    assert_eq!(extract.other_sites, 2);
    assert_eq!(extract.handoffs_without_message, 1);
    assert_eq!(extract.unreadable.len(), 1);

    // The largest group: English questions about gift wrapping (and one about an invoice,
    // handed off a second time: high, yet a question a rule could answer).
    let first = &summary.groups[0];
    assert_eq!(
        (first.language.as_str(), first.topic, first.questions),
        ("en", Topic::Other, 6)
    );
    assert_eq!(first.by_design, 0);
    assert_eq!(
        first.suggestion,
        Suggestion::Rule {
            vocabularies: vec!["gift".into(), "wrap".into()],
            pattern: "{gift} .* {wrap}".into(),
            matches: 4,
            of: 6,
        }
    );
    assert_eq!(
        first.examples,
        [
            "Can you gift wrap my order?",
            "is gift wrap available",
            "gift wrapping for a birthday?"
        ]
    );
    assert!(
        extract.records.iter().any(|r| r.text == "Gift\r\nwrap?"),
        "CR LF read back"
    );
    let group = |language: &str, topic: Topic| {
        summary
            .groups
            .iter()
            .find(|g| g.language == language && g.topic == topic)
            .expect("a group")
    };
    assert_eq!(
        group("de", Topic::Other).suggestion,
        Suggestion::Rule {
            vocabularies: vec!["invoice".into(), "company".into()],
            pattern: "{invoice} .* {company}".into(),
            matches: 2,
            of: 2,
        }
    );
    assert_eq!(group("pt", Topic::Other).examples.len(), 2);
    assert_eq!(
        group("ru", Topic::Other).examples,
        ["Можно оплатить\nпо счёту?"]
    );
    assert_eq!(group("en", Topic::Safety).suggestion, Suggestion::ByDesign);
    assert!(matches!(
        group("ar", Topic::Other).suggestion,
        Suggestion::Rule { .. } | Suggestion::Words { .. }
    ));
}

#[test]
fn text_and_json_say_the_same() {
    let (summary, extract) = summary_of(&messages());
    let text = to_text(&summary, &extract, Some("demo"), "export.sql");
    for expected in [
        "Unanswered questions — site demo · 38 shopper messages in export.sql",
        "suggested rule: {gift} .* {wrap}   (4 of 6 hit these in this order)",
        "en · safety — 1 question, all by design",
        "\"C'est quoi l'emballage cadeau ? « joli »\"",
        "2 messages of other sites left out",
        "1 shopper messages without a readable reply left out (lines ",
        "1 handoffs without their message in the export",
        "Answered per topic",
        "Answered per language",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let json = to_json(&summary, &extract, Some("demo"), "export.sql");
    assert_eq!(json["summary"]["messages"], 38);
    assert_eq!(
        json["summary"]["groups"][0]["suggestion"]["pattern"],
        "{gift} .* {wrap}"
    );
    assert_eq!(json["left_out"]["other_sites"], 2);
}

#[test]
fn without_a_site_every_site_counts() {
    let messages = messages();
    let dump = read_export(&export(&messages)).expect("reads");
    let extract = extract(&dump, None);
    assert_eq!(extract.other_sites, 0);
    assert_eq!(extract.records.len(), 40);
}

#[test]
fn an_export_without_column_names_reads_with_the_migrations_columns() {
    let sql = export(&messages()).replace(
        "INSERT INTO \"messages\" (\"id\",\"conversation_id\",\"client_message_id\",\"role\",\"text\",\"reply_json\",\"created_at\") VALUES(",
        "INSERT INTO messages VALUES(",
    );
    // And without its schema.
    let sql: String = sql
        .split_inclusive(";\n")
        .filter(|statement| !statement.trim_start().starts_with("CREATE TABLE"))
        .collect();
    assert!(sql.contains("INSERT INTO messages VALUES("));
    let dump = read_export(&sql).expect("reads");
    assert!(dump.columns("messages").is_none());
    assert_eq!(extract(&dump, Some("demo")).records.len(), 38);
}

#[test]
fn the_column_lists_are_the_migrations() {
    let migrations = [
        include_str!("../../../edge/migrations/0001_init.sql"),
        include_str!("../../../edge/migrations/0002_delivery.sql"),
        include_str!("../../../edge/migrations/0003_turnstile.sql"),
    ]
    .join("\n");
    let dump = Reader {
        tables: &[],
        columns: &migration_columns,
    }
    .read(&migrations)
    .expect("the migrations read");
    for (table, created_as) in [
        ("conversations", "conversations"),
        ("messages", "messages"),
        ("handoffs", "handoffs_v2"),
    ] {
        assert_eq!(
            dump.columns(created_as).map(<[String]>::to_vec),
            migration_columns(table),
            "{table}"
        );
    }
}

#[test]
fn a_malformed_export_is_an_error_with_its_line() {
    let mut sql = export(&messages());
    let lines = sql.lines().count();
    sql.push_str("INSERT INTO \"messages\" (\"id\",\"text\") VALUES(1,'no end);\n");
    let err = read_export(&sql).expect_err("malformed");
    assert_eq!(err.line, lines + 1);
    assert!(err.message.contains("never closed"), "{err}");
}

#[test]
fn arguments() {
    let args = |list: &[&str]| parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let a = args(&["--site", "demo.toml", "--json", "--examples=5", "x.sql"]).expect("parses");
    assert_eq!(
        (a.site.as_deref(), a.json, a.examples, a.export.as_str()),
        (Some("demo.toml"), true, 5, "x.sql")
    );
    let a = args(&["x.sql"]).expect("parses");
    assert_eq!((a.site, a.json, a.examples), (None, false, 3));
    for (bad, says) in [
        (&["--site"][..], "--site needs a site file"),
        (&["--nope", "x.sql"][..], "unknown option `--nope`"),
        (&["a.sql", "b.sql"][..], "unexpected argument `b.sql`"),
        (&[][..], "needs an export file"),
        (
            &["--examples", "many", "x.sql"][..],
            "--examples must be a number",
        ),
    ] {
        let err = args(bad).err().expect("an error");
        assert!(err.contains(says), "{bad:?}: {err}");
    }
}
