//! Urgency tagging: multilingual lexicons for safety, legal and high-priority signals, each
//! hit reported as a reason (`safety:smoke`), so agents see why a handoff is urgent.

use std::sync::LazyLock;

use regex::RegexSet;

use crate::normalize::ascii_word_boundaries;

use crate::wire::{Urgency, UrgencyTag};

/// `(reason, level, pattern)`. Patterns run on the normalised (lower-cased) text.
const LEXICON: &[(&str, Urgency, &str)] = &[
    // Safety: a product hurt someone or could.
    (
        "safety:smoke",
        Urgency::Urgent,
        r"\bsmok(e|ed|ing)\b|fuma[cç]a|\bhumo\b|\brauch|fum[ée]e|\bfumo\b|дым|冒烟|煙",
    ),
    (
        "safety:fire",
        Urgency::Urgent,
        r"\bfire\b|caught fire|\bflames?\b|\bfogo\b|incendi|\bfuego\b|\bfeuer\b|\bfeu\b|пожар|загор|着火|起火|火事|発火",
    ),
    (
        "safety:burn",
        Urgency::Urgent,
        r"\bburn(t|ed|ing|s)?\b|queim|quem[oó]|verbrannt|br[uû]l[ée]|brucia|ожог|烧伤|やけど",
    ),
    (
        "safety:shock",
        Urgency::Urgent,
        r"electric(al)? shock|\bshocked me\b|choque el[eé]tric|stromschlag|[ée]lectrocut|scossa|удар током|触电|感電",
    ),
    (
        "safety:battery",
        Urgency::Urgent,
        r"(battery|batteries|power ?bank|charger|batteria|bateria|akku|batterie|carregador|cargador|chargeur|caricabatterie|аккумулятор|батаре|зарядк|充电宝|电池|バッテリー|بطارية|شاحن).{0,30}(swell|swollen|bulg|puff|inchad|inflad|aufgebl|gonfl|вздул|鼓包|膨張|منتفخ)|explod|explos|взорв|爆炸|爆発|انفجر",
    ),
    (
        "safety:heat",
        Urgency::Urgent,
        r"overheat|too hot to touch|got (very |really |extremely )?hot|\bmelt(ed|ing)?\b|superaquec|sobrecalent|uberhitz|surchauff|surriscald|перегре|расплав|过热|发烫|熱くな|溶け|ارتفاع حرارة|ساخن جدا",
    ),
    (
        "safety:injury",
        Urgency::Urgent,
        r"\binjur(y|ed)\b|\bhurt (me|my|him|her)\b|ferid|lesi[oó]n|verletz|bless[ée]|травм|受伤|怪我",
    ),
    (
        "safety:child",
        Urgency::Urgent,
        r"\bchok(e|ed|ing)\b|swallow(ed)?|engoli|tragado|verschluckt|aval[ée]|проглот|误吞",
    ),
    (
        "safety:allergy",
        Urgency::Urgent,
        r"allergic reaction|rea[cç][aã]o al[eé]rgica|reacci[oó]n al[eé]rgica|allergische reaktion|r[ée]action allergique|аллерги",
    ),
    // Legal: chargebacks and authorities.
    (
        "legal:chargeback",
        Urgency::High,
        r"charge ?back|contracargo|estorno|r[üu]ckbuchung|r[ée]trofacturation|chargeback",
    ),
    (
        "legal:dispute",
        Urgency::High,
        r"\bdispute\b|paypal claim|open(ed)? a (case|claim)|disputa|litige|reclamaci[oó]n formal",
    ),
    (
        "legal:lawyer",
        Urgency::High,
        r"\blawyer|\battorney|advogad|abogad|anwalt|avocat|avvocat|адвокат|юрист|律师|弁護士|محامي",
    ),
    (
        "legal:authority",
        Urgency::High,
        r"consumer protection|\bprocon\b|\bpolice\b|pol[ií]cia|polizei|verbraucherzentrale|\bdgccrf\b|полици|投诉到|消费者协会|حماية المستهلك|شرطة",
    ),
    // High: the shopper is angry, waiting long, or charged twice.
    (
        "high:double_charge",
        Urgency::High,
        r"charged (me )?twice|double charge|cobrad[oa] (duas|dos) vezes|cobr[oó] dos veces|doppelt (abgebucht|belastet)|d[ée]bit[ée] deux fois|списали дважды",
    ),
    (
        "high:overdue",
        Urgency::High,
        r"(still|never) (not )?(arrived|received)|(\d+|two|three|several) (weeks|months) (and|ago|late|still)|n[aã]o (chegou|recebi)|no (ha )?lleg|nicht angekommen|jamais re[çc]u|не пришл",
    ),
    (
        "high:repeated_contact",
        Urgency::High,
        r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th|\d+(st|nd|rd|th)) time (i('m| am)? )?(writ|ask|contact|messag|email|tell)|\b(i )?(already|have) (asked|written|wrote|contacted|emailed|messaged) (you )?(\d+|two|three|several|many|multiple) times|\bi (already|have already) (asked|wrote|written|contacted|emailed) (you|this|before)|still no (answer|reply|response)|no one (has )?(answered|replied|responded)|nobody (has )?(answered|replied|responded)|(segunda|terceira|quarta) vez que (escrevo|pergunto|entro em contato)|j[aá] (escrevi|perguntei|entrei em contato) (\d+|duas|tr[eê]s|v[aá]rias) vezes|(segunda|tercera|cuarta) vez que (escribo|pregunto)|ya (escrib[ií]|pregunt[eé]) (\d+|dos|tres|varias) veces|(zweiten|dritten|vierten) mal|schon (mehrmals|zweimal|dreimal) (geschrieben|gefragt|kontaktiert)|(deuxi[eè]me|troisi[eè]me) fois que (j.?[eé]cris|je demande)|d[eé]j[aà] (écrit|ecrit|demand[eé]) (\d+|deux|trois|plusieurs) fois|(seconda|terza) volta che (scrivo|chiedo)|gi[aà] (scritto|chiesto) (\d+|due|tre|pi[uù]) volte|(второй|третий) раз пиш|уже (писал|писала|спрашивал|спрашивала)|已经(问|联系|发)了?(好几|几|两|三)次|何度も(問い合わせ|連絡)",
    ),
    (
        "high:anger",
        Urgency::High,
        r"\bscam\b|unacceptable|ridiculous|worst|furious|golpe|estafa|betrug|arnaque|inaceit|inacept|inakzeptabel|мошенни|骗子",
    ),
    (
        "high:review_threat",
        Urgency::High,
        r"bad review|(1|one)[- ]star|trustpilot|avalia[cç][aã]o negativa|mala rese[ñn]a|schlechte bewertung|mauvais avis|плохой отзыв|差评",
    ),
];

static SET: LazyLock<RegexSet> = LazyLock::new(|| {
    // The lexicon is a constant of this crate; its compilation is covered by a test.
    #[allow(clippy::unwrap_used)]
    RegexSet::new(LEXICON.iter().map(|(_, _, p)| ascii_word_boundaries(p).0)).unwrap()
});

/// Tags normalised text with an urgency level and the reasons that fired.
pub fn tag(normalised: &str) -> UrgencyTag {
    let mut level = Urgency::Normal;
    let mut reasons = Vec::new();
    for i in SET.matches(normalised).iter() {
        let (reason, lvl, _) = LEXICON[i];
        level = level.max(lvl);
        reasons.push(reason.to_string());
    }
    UrgencyTag { level, reasons }
}

/// Complaint signals: a topic word next to one of these is a problem for a person, not a
/// question for a rule ("shipping took two months and the box was crushed").
const COMPLAINTS: &[(&str, &str)] = &[
    (
        "complaint:damaged",
        r"تالف|مكسور|متضرر|\b(damaged|crushed|broken|smashed|cracked|torn|ripped|dented|leaking)\b|danificad|quebrad|amassad|rasgad|da[nñ]ad|rot[oa]\b|aplastad|besch[aä]digt|kaputt|zerbrochen|zerdr[uü]ckt|ab[iî]m[ée]|cass[ée]|[ée]cras[ée]|danneggiat|rott[oa]\b|повреж|сломан|разбит|破损|损坏|壊れ|破損",
    ),
    (
        "complaint:wrong_item",
        r"wrong (item|size|color|colour|product|order)|not what i ordered|item errado|produto errado|producto equivocado|art[ií]culo (equivocado|incorrecto)|falsche[sn]? (artikel|gr[oö](ß|ss)e|produkt)|mauvais (article|produit)|articolo sbagliato|не тот товар|发错|間違った商品",
    ),
    (
        "complaint:missing",
        r"\b(missing|incomplete)\b|(item|piece|part)s? (is |are )?missing|faltando|falta(ba)? (un|uma?|el|o)|fehlt|manquant|mancante|не хватает|少了|足りない",
    ),
    (
        "complaint:late",
        r"\b(took|taking|been|waited|waiting)\b.{0,30}\b(\d+|two|three|four|several|many) (weeks|months)\b|(semanas|meses|wochen|monate|semaines|mois|settimane|mesi) (e|y|und|et|ed?) (nada|nichts|rien|niente)|j[aá] (faz|se passaram) .{0,10}(semanas|meses)",
    ),
    (
        "complaint:defective",
        r"\bdefective\b|\bfaulty\b|stopped working|doesn.?t work anymore|poor quality|bad quality|defeituos|parou de funcionar|defectuos|dej[oó] de funcionar|defekt|funktioniert nicht mehr|d[ée]fectueu|ne fonctionne plus|difettos|non funziona pi[uù]|брак|перестал работать|坏了|不能用了|故障",
    ),
];

static COMPLAINT_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    // A constant lexicon of this crate; its compilation is covered by a test.
    #[allow(clippy::unwrap_used)]
    RegexSet::new(COMPLAINTS.iter().map(|(_, p)| ascii_word_boundaries(p).0)).unwrap()
});

/// The first complaint signal in normalised text, e.g. `complaint:damaged`.
pub fn complaint(normalised: &str) -> Option<String> {
    COMPLAINT_SET
        .matches(normalised)
        .iter()
        .next()
        .map(|i| COMPLAINTS[i].0.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_compiles_and_tags() {
        let cases: &[(&str, Urgency, &str)] = &[
            (
                "my power bank started to smoke while charging",
                Urgency::Urgent,
                "safety:smoke",
            ),
            ("o carregador pegou fogo", Urgency::Urgent, "safety:fire"),
            (
                "el cargador hizo humo y se quemó",
                Urgency::Urgent,
                "safety:smoke",
            ),
            (
                "mein kind hat ein teil verschluckt",
                Urgency::Urgent,
                "safety:child",
            ),
            (
                "i will file a chargeback with my bank",
                Urgency::High,
                "legal:chargeback",
            ),
            (
                "vou abrir reclamação no procon",
                Urgency::High,
                "legal:authority",
            ),
            (
                "you charged me twice for one order",
                Urgency::High,
                "high:double_charge",
            ),
            (
                "ordered 2 months ago and it still not arrived",
                Urgency::High,
                "high:overdue",
            ),
            (
                "this is the third time i'm writing about my refund",
                Urgency::High,
                "high:repeated_contact",
            ),
            (
                "ja escrevi tres vezes e nada",
                Urgency::High,
                "high:repeated_contact",
            ),
            (
                "ich habe schon zweimal geschrieben",
                Urgency::High,
                "high:repeated_contact",
            ),
            (
                "я уже писал вам вчера",
                Urgency::High,
                "high:repeated_contact",
            ),
            (
                "still no answer to my email",
                Urgency::High,
                "high:repeated_contact",
            ),
        ];
        for (text, level, reason) in cases {
            let got = tag(text);
            assert_eq!(got.level, *level, "{text}: {got:?}");
            assert!(got.reasons.iter().any(|r| r == reason), "{text}: {got:?}");
        }
        for calm in [
            "how long does shipping to germany take?",
            "which size is a us 8 in eu?",
            "do you ship to brazil",
            "is this the first time you ship to peru",
            "i wrote the size in the order notes",
            "can i ask a second question",
        ] {
            assert_eq!(
                tag(calm),
                UrgencyTag {
                    level: Urgency::Normal,
                    reasons: vec![]
                },
                "{calm}"
            );
        }
    }
}
