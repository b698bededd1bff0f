//! The bundled site files, compiled once per isolate on first use, never per request.
//! `build.rs` has already compiled each one natively, so loading cannot fail here in practice;
//! if it somehow did, requests for that site get a 500 naming the error, not a panic.

use std::sync::LazyLock;

use ferry_shared::{CompiledSite, LoadError};

use crate::error::ApiError;

include!(concat!(env!("OUT_DIR"), "/site_files.rs"));

static SITES: LazyLock<Vec<(&'static str, Result<CompiledSite, LoadError>)>> =
    LazyLock::new(|| {
        SITE_FILES
            .iter()
            .map(|(file, text)| {
                (
                    file.trim_end_matches(".toml"),
                    CompiledSite::from_toml(text),
                )
            })
            .collect()
    });

pub enum Lookup {
    Found(&'static CompiledSite),
    Unknown,
    Broken(String),
}

pub fn get(id: &str) -> Lookup {
    match SITES.iter().find(|(name, _)| *name == id) {
        Some((_, Ok(site))) => Lookup::Found(site),
        Some((name, Err(e))) => Lookup::Broken(format!("site file {name}.toml: {e}")),
        None => Lookup::Unknown,
    }
}

pub fn ids() -> Vec<&'static str> {
    SITES.iter().map(|(name, _)| *name).collect()
}

/// The site `id`, or the error a request for it gets: 404 unknown, 500 broken.
pub fn site_or_error(id: &str) -> Result<&'static CompiledSite, ApiError> {
    match get(id) {
        Lookup::Found(site) => Ok(site),
        Lookup::Unknown => Err(ApiError::UnknownSite(id.chars().take(64).collect())),
        Lookup::Broken(e) => Err(ApiError::Internal(e)),
    }
}
