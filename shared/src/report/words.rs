//! Content words: what a group of questions is about when no vocabulary of the site says so.
//! The folded text's words without the function words of its language (and of English, which
//! shoppers mix in), numbers and very short words; text in Han or Thai (no spaces between
//! words) as character pairs, katakana runs as words, hiragana (mostly grammar) left out.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::normalize::fold;

/// Function words, as written (folded when used), per language code.
const STOP_WORDS: &[(&str, &str)] = &[
    (
        "en",
        "the and for are but not you your yours can could would should will have has had does \
         did done what when where which who whom how why this that these those with from about \
         there their they them then than into out any all was were been being get got just \
         please pls plz thanks thank hello hey yes its our ours she his her him also some only \
         very too want need know like still here other more much may might shall let able \
         wanna gonna hii okay",
    ),
    (
        "es",
        "que los las del por para con una uno unos unas como pero mas este esta esto estos \
         estas ese esa eso son sus hay tiene tienen tengo puedo puede pueden cuando donde cual \
         cuanto quien porque hola gracias muy sin sobre mis tus nos les estoy ser fue era hace \
         hacer quiero quisiera favor buenas buenos dias tardes",
    ),
    (
        "pt",
        "que dos das por para com uma uns umas como mas este esta isso esse essa sao seu sua \
         seus suas tem tenho posso pode podem quando onde qual quanto quem porque ola oi \
         obrigado obrigada muito sem sobre meu minha meus minhas nao voce voces vcs ele ela \
         eles elas estou ser foi era fazer quero gostaria favor bom boa dia tarde pro pra pros \
         pras",
    ),
    (
        "fr",
        "les des une que qui pour par avec dans sur est sont pas mais vous nous mon mes ton \
         tes votre vos leur leurs cette ces comment quand quel quelle quels pourquoi bonjour \
         merci tres sans avez avoir suis etre fait peut puis aussi elle ils elles est-ce \
         voudrais veux svp plait",
    ),
    (
        "de",
        "der die das den dem des und ist sind ein eine einen einem einer nicht mit von fur \
         auf bei wie was wann warum welche welcher ich mein meine meinen meinem sie ihr ihre \
         wir uns hallo danke bitte kann konnen habe haben hat auch noch schon aber oder wenn \
         dass zum zur sehr mir mich dich gibt euch",
    ),
    (
        "it",
        "che per con una uno del della dei delle come quando dove quale perche sono non mio \
         mia miei suo sua ciao grazie posso puo avete hanno anche questo questa molto senza \
         vorrei salve",
    ),
    (
        "nl",
        "het een van voor met niet wat hoe waar wanneer waarom mijn jullie hallo bedankt kan \
         kunnen heb hebben ook maar dat deze die dit zijn naar bij graag",
    ),
    (
        "pl",
        "nie jak jest czy dla mam moje moja moj gdzie kiedy dlaczego ktory jaki dzien dobry \
         dziekuje prosze sie mnie moze mozna",
    ),
    (
        "tr",
        "bir bu ne nasil nerede zaman neden icin ile var yok mi mu benim merhaba tesekkurler \
         lutfen ama veya",
    ),
    (
        "ru",
        "что как где когда это для мой моя мое мои мне меня вас вам есть или при так уже еще \
         почему здравствуите привет спасибо пожалуиста можно нет",
    ),
];

fn stop_words() -> &'static HashMap<&'static str, HashSet<String>> {
    static SETS: OnceLock<HashMap<&'static str, HashSet<String>>> = OnceLock::new();
    SETS.get_or_init(|| {
        STOP_WORDS
            .iter()
            .map(|(code, words)| (*code, words.split_whitespace().map(fold).collect()))
            .collect()
    })
}

/// How a script marks its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Spaces between words.
    Spaced,
    /// Han and Thai: no spaces; taken as character pairs.
    Unspaced,
    /// Katakana: a run is a word (loanwords such as ギフト).
    Katakana,
}

fn script(c: char) -> Script {
    match c {
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => {
            Script::Unspaced
        }
        '\u{0E00}'..='\u{0E7F}' => Script::Unspaced,
        '\u{30A0}'..='\u{30FF}' => Script::Katakana,
        _ => Script::Spaced,
    }
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{309F}')
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// The content words of `text` (written in `language`), in the order they occur.
pub fn content_words(text: &str, language: &str) -> Vec<String> {
    let sets = stop_words();
    let stop = |w: &str| {
        [language, "en"]
            .iter()
            .any(|code| sets.get(code).is_some_and(|s| s.contains(w)))
    };
    let folded = fold(text);
    let mut out = Vec::new();
    // Hiragana is mostly grammar (particles, endings): it separates like a space.
    for word in folded.split(|c: char| !c.is_alphanumeric() || is_hiragana(c)) {
        let mut rest = word;
        while let Some(c) = rest.chars().next() {
            let kind = script(c);
            let end = rest
                .char_indices()
                .find(|&(_, c)| script(c) != kind)
                .map_or(rest.len(), |(i, _)| i);
            let (run, tail) = rest.split_at(end);
            rest = tail;
            if kind == Script::Katakana {
                if run.chars().count() >= 2 {
                    out.push(run.to_string());
                }
                continue;
            }
            if kind == Script::Unspaced {
                let chars: Vec<char> = run.chars().collect();
                if chars.len() == 1 {
                    out.push(run.to_string());
                }
                out.extend(chars.windows(2).map(|pair| pair.iter().collect::<String>()));
                continue;
            }
            let letters = run.chars().filter(|c| c.is_alphabetic()).count();
            let shortest = if run.chars().any(is_hangul) { 2 } else { 3 };
            if letters > 0 && run.chars().count() >= shortest && !stop(run) {
                out.push(run.to_string());
            }
        }
    }
    out
}
