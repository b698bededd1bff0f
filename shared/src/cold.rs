//! What a fresh isolate pays before its first answer, stage by stage: the site file's load
//! ([`CompiledSite::from_toml_marked`]) and the tables built on first use (lexicons, language
//! model, countries). For `cargo xtask bench` (natively and in wasm); the caller reads the
//! clock at each `mark`, so this module stays pure.

use crate::site::{CompiledSite, LoadError};

/// Loads `source` and builds every table a first message needs, calling `mark` with the name
/// of each stage as it ends. Tables already built (an earlier call) are not built again.
pub fn stages(source: &str, mark: &mut dyn FnMut(&'static str)) -> Result<CompiledSite, LoadError> {
    let site = CompiledSite::from_toml_marked(source, mark)?;
    crate::lexicon::warm(mark);
    crate::lang::warm();
    mark("language model decode");
    crate::country::warm(mark);
    let _ = crate::facts::size_mention("");
    mark("size regex");
    Ok(site)
}
