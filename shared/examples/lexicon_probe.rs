//! What the lexicons make of messages, one per line on stdin: the urgency reasons, the
//! complaint, small talk and the language tag. A development aid for lexicon authors:
//!
//!     echo "the charger started smoking" | cargo run -q -p ferry-shared --example lexicon_probe

use std::io::BufRead;

use ferry_shared::lang::{self, LangCode};
use ferry_shared::lexicon;
use ferry_shared::normalize::fold;

fn main() {
    let start = std::time::Instant::now();
    let lx = lexicon::get();
    eprintln!(
        "lexicons loaded in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.trim().is_empty() {
            continue;
        }
        let folded = fold(&line);
        let plausible = lang::plausible(&line, 0.001);
        let scan = lx.scan(&folded, plausible.as_deref());
        let talk = lx.small_talk(&folded).or_else(|| {
            lx.closing(&folded).map(|mut t| {
                t.languages.clear();
                t
            })
        });
        let tag = lang::detect(&line, &LangCode::ALL, None);
        println!(
            "{line}\n    {} {:?}{}{} · lang {}",
            scan.urgency.level.as_str(),
            scan.urgency.reasons,
            scan.complaint.map(|c| format!(" {c}")).unwrap_or_default(),
            talk.map(|t| format!(" smalltalk:{}", t.kind.as_str()))
                .unwrap_or_default(),
            tag.code,
        );
        if std::env::var_os("EXPLAIN").is_some() {
            for line in lexicon::explain(&folded) {
                println!("      {line}");
            }
        }
    }
}
