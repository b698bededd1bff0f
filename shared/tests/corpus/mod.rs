//! What the corpus tests share: the demo site and the held-out quarter of a corpus.

use ferry_shared::CompiledSite;

/// The demo site file, loaded.
pub fn demo_site() -> CompiledSite {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/sites/demo.toml");
    let source = std::fs::read_to_string(path).expect("read edge/sites/demo.toml");
    CompiledSite::from_toml(&source).unwrap_or_else(|e| panic!("demo.toml does not load: {e}"))
}

/// Is `text` in the held-out quarter? FNV-1a: a stable hash, so the quarter never changes with
/// the toolchain.
pub fn held_out(text: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.is_multiple_of(4)
}
