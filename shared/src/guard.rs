//! What protects a site's public endpoints, as the site file sets it: the storefront origins
//! that may call the chat API from a browser, the burst and handoff limits, and the optional
//! Turnstile challenge before a handoff. Pure: the edge asks these values and does the IO
//! (the Rate Limiting binding, the handoff-cap Durable Object, Turnstile's siteverify).

use std::net::{IpAddr, Ipv6Addr};

/// The Rate Limiting binding counts in windows of this many seconds (Cloudflare allows 10 or
/// 60). A client over a burst limit is told to retry after one window.
pub const BURST_WINDOW_SECS: u32 = 10;

/// The burst limits a site may choose, per [`BURST_WINDOW_SECS`]. A Rate Limiting binding has
/// its limit in `wrangler.toml`, so each choice is one binding ([`burst_binding`]); a tidy test
/// checks that `edge/wrangler.toml` declares every one.
pub const BURST_TIERS: &[u32] = &[5, 10, 20, 30, 60, 120];

/// The name of the Rate Limiting binding that allows `limit` requests per window.
pub fn burst_binding(limit: u32) -> String {
    format!("RATE_LIMIT_{limit}")
}

/// Longest handoff-cap window a site may set (a week), in hours.
pub const MAX_HANDOFF_WINDOW_HOURS: u32 = 7 * 24;
/// Most handoffs per address and window a site may allow.
pub const MAX_HANDOFFS_PER_ADDRESS: u32 = 1000;

/// `[limits]` of the site file, with defaults for what it leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages one conversation may send per [`BURST_WINDOW_SECS`]; one of [`BURST_TIERS`].
    pub messages_per_conversation: u32,
    /// Messages one client address may send per window, across conversations (shoppers behind
    /// one office or mobile-carrier address share it); one of [`BURST_TIERS`].
    pub messages_per_address: u32,
    /// New handoffs one client address may create per [`Limits::handoff_window_secs`]: an
    /// exact count (a Durable Object), so a script cannot flood the agents' inbox.
    pub handoffs_per_address: u32,
    pub handoff_window_secs: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            messages_per_conversation: 10,
            messages_per_address: 30,
            handoffs_per_address: 6,
            handoff_window_secs: 12 * 3600,
        }
    }
}

/// `[turnstile]` of the site file: a Cloudflare Turnstile challenge before a handoff is created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turnstile {
    /// The public site key, or `var:NAME` for the Worker variable NAME (unset or empty there:
    /// no challenge, so local runs work without one).
    pub site_key: String,
    /// The Worker secret that holds the secret key siteverify wants.
    pub secret: String,
}

impl Turnstile {
    /// The site key, reading `var:NAME` through `var`; `None` when it resolves to nothing.
    pub fn site_key(&self, var: impl Fn(&str) -> Option<String>) -> Option<String> {
        let key = match self.site_key.strip_prefix("var:") {
            Some(name) => var(name)?,
            None => self.site_key.clone(),
        };
        let key = key.trim();
        (!key.is_empty()).then(|| key.to_string())
    }
}

/// `scheme://host[:port]` in the form browsers send in `Origin`: lower case, no default port,
/// no path. `None` for anything else (the site file's loader reports it).
pub fn normalize_origin(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        // An IPv6 literal without a port: `[::1]`.
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (rest, None),
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
    {
        return None;
    }
    let host = host.to_ascii_lowercase();
    match port {
        None => Some(format!("{scheme}://{host}")),
        Some(p) if p == default_port => Some(format!("{scheme}://{host}")),
        Some(p) if !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok_and(|n| n > 0) => {
            Some(format!("{scheme}://{host}:{p}"))
        }
        Some(_) => None,
    }
}

/// Whether a browser's `Origin` header matches one of the allowed origins exactly (after
/// [`normalize_origin`]; `null` and malformed values never match).
pub fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    normalize_origin(origin).is_some_and(|o| allowed.contains(&o))
}

/// The key limits count a client address under: an IPv4 address as it is, an IPv6 address by
/// its /64 (one subscriber's network; rotating within it gains nothing). Unparsable or
/// missing addresses share one key, so they cannot escape the limits.
pub fn address_key(address: Option<&str>) -> String {
    match address
        .map(str::trim)
        .and_then(|a| a.parse::<IpAddr>().ok())
    {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        None => "unknown".into(),
    }
}

/// The handoff cap's decision for one request, computed from the times (Unix ms) of the
/// handoffs already counted in the window. Pure, so the Durable Object stays a thin shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapDecision {
    /// Counted; this many remain in the window.
    Allowed { remaining: u32 },
    /// Over the cap; the oldest counted handoff leaves the window in this many seconds.
    Refused { retry_after_secs: u32 },
}

/// One counted handoff: the message it was for (`conversation/client message id`) and when.
pub type CapEntry = (String, i64);

/// Drops the entries that left the window, then counts the handoff for message `key` at `now`
/// if there is room. A message already counted is allowed again without counting twice (a
/// retry after a later step failed). `entries` stays sorted by time; the caller stores it back.
pub fn take_handoff(
    entries: &mut Vec<CapEntry>,
    key: &str,
    limit: u32,
    window_secs: u32,
    now: i64,
) -> CapDecision {
    let window_ms = i64::from(window_secs) * 1000;
    // A clock that jumped back by more than a window must not keep entries forever.
    entries.retain(|(_, t)| *t > now - window_ms && *t <= now + window_ms);
    entries.sort_by_key(|(_, t)| *t);
    let remaining = |n: usize| limit.saturating_sub(u32::try_from(n).unwrap_or(u32::MAX));
    if entries.iter().any(|(k, _)| k == key) {
        return CapDecision::Allowed {
            remaining: remaining(entries.len()),
        };
    }
    if entries.len() >= limit as usize {
        let oldest = entries.first().map_or(now, |(_, t)| *t);
        let wait_ms = (oldest + window_ms - now).max(1000);
        return CapDecision::Refused {
            retry_after_secs: u32::try_from((wait_ms + 999) / 1000).unwrap_or(window_secs),
        };
    }
    entries.push((key.to_string(), now));
    CapDecision::Allowed {
        remaining: remaining(entries.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_normalise_as_browsers_send_them() {
        for (text, want) in [
            ("https://kestrel.example", Some("https://kestrel.example")),
            ("https://Kestrel.Example/", Some("https://kestrel.example")),
            (
                "https://kestrel.example:443",
                Some("https://kestrel.example"),
            ),
            ("http://127.0.0.1:8787", Some("http://127.0.0.1:8787")),
            ("http://localhost:80", Some("http://localhost")),
            (
                "https://shop.example:8443",
                Some("https://shop.example:8443"),
            ),
            ("http://[::1]:8787", Some("http://[::1]:8787")),
            ("https://kestrel.example/shop", None),
            ("https://kestrel.example?x", None),
            ("https://user@kestrel.example", None),
            ("ftp://kestrel.example", None),
            ("kestrel.example", None),
            ("https://", None),
            ("https://kestrel.example:0", None),
            ("https://kestrel.example:99999", None),
            ("https://kestrel.example:", None),
            ("null", None),
        ] {
            assert_eq!(normalize_origin(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn origin_match_is_exact() {
        let allowed = vec!["https://kestrel.example".to_string()];
        assert!(origin_allowed(&allowed, "https://kestrel.example"));
        assert!(origin_allowed(&allowed, "https://KESTREL.example:443"));
        for other in [
            "https://evil.kestrel.example",
            "https://kestrel.example.evil",
            "http://kestrel.example",
            "https://kestrel.example:8443",
            "null",
            "",
        ] {
            assert!(!origin_allowed(&allowed, other), "{other}");
        }
    }

    #[test]
    fn address_keys() {
        for (addr, want) in [
            (Some("203.0.113.7"), "203.0.113.7"),
            (Some(" 203.0.113.7 "), "203.0.113.7"),
            (Some("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64"),
            (Some("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64"),
            (Some("::ffff:198.51.100.4"), "198.51.100.4"),
            (Some("not an address"), "unknown"),
            (None, "unknown"),
        ] {
            assert_eq!(address_key(addr), want, "{addr:?}");
        }
    }

    #[test]
    fn handoff_cap_counts_exactly_and_frees_slots_as_they_age() {
        let hour = 3_600_000;
        let window = 12 * 3600;
        let mut entries = Vec::new();
        for i in 0..6 {
            assert_eq!(
                take_handoff(&mut entries, &format!("c/m{i}"), 6, window, i * hour),
                CapDecision::Allowed {
                    remaining: 5 - i as u32
                }
            );
        }
        // The seventh at 6 h waits until the first (at 0 h) is 12 h old.
        assert_eq!(
            take_handoff(&mut entries, "c/m6", 6, window, 6 * hour),
            CapDecision::Refused {
                retry_after_secs: 6 * 3600
            }
        );
        assert_eq!(entries.len(), 6, "a refusal counts nothing");
        // A retry of a message already counted passes and counts nothing.
        assert_eq!(
            take_handoff(&mut entries, "c/m2", 6, window, 6 * hour),
            CapDecision::Allowed { remaining: 0 }
        );
        assert_eq!(entries.len(), 6);
        // Just after 12 h one slot is free again, and only one.
        let later = 12 * hour + 1;
        assert_eq!(
            take_handoff(&mut entries, "c/m7", 6, window, later),
            CapDecision::Allowed { remaining: 0 }
        );
        assert!(matches!(
            take_handoff(&mut entries, "c/m8", 6, window, later),
            CapDecision::Refused { .. }
        ));
        // The first message aged out: asking for it again is a new handoff, refused now.
        assert!(matches!(
            take_handoff(&mut entries, "c/m0", 6, window, later),
            CapDecision::Refused { .. }
        ));
    }

    #[test]
    fn a_refusal_waits_at_least_a_second() {
        let mut entries = vec![("a".to_string(), 0)];
        assert_eq!(
            take_handoff(&mut entries, "b", 1, 10, 9_999),
            CapDecision::Refused {
                retry_after_secs: 1
            }
        );
    }

    #[test]
    fn turnstile_site_key_from_a_variable() {
        let t = Turnstile {
            site_key: "var:TURNSTILE_SITE_KEY".into(),
            secret: "TURNSTILE_SECRET".into(),
        };
        assert_eq!(t.site_key(|_| None), None);
        assert_eq!(t.site_key(|_| Some("  ".into())), None);
        assert_eq!(
            t.site_key(|n| (n == "TURNSTILE_SITE_KEY").then(|| "0x4AAA".into())),
            Some("0x4AAA".into())
        );
        let literal = Turnstile {
            site_key: "0x4BBB".into(),
            ..t
        };
        assert_eq!(literal.site_key(|_| None), Some("0x4BBB".into()));
    }

    #[test]
    fn every_tier_has_a_binding_name() {
        for &tier in BURST_TIERS {
            assert_eq!(burst_binding(tier), format!("RATE_LIMIT_{tier}"));
        }
    }
}
