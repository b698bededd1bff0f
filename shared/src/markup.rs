//! The answers' markup: `[label](https://…)` links and the https check every link passes.
//! A leaf: the site loader, the facts and the widget use it, so a link is judged one way.

/// A `[label](target)` link at the start of `at`: the label, the target (trimmed) and the
/// text after the link. Not a link: an empty label, a label with `[` or a line break, a
/// target with spaces, or no closing `)` — the widget then shows the characters as typed.
pub fn link_at(at: &str) -> Option<(&str, &str, &str)> {
    let (label, after) = at.strip_prefix('[')?.split_once("](")?;
    let (target, after) = after.split_once(')')?;
    let target = target.trim();
    if label.trim().is_empty()
        || label.contains(['[', '\n'])
        || target.contains(char::is_whitespace)
    {
        return None;
    }
    Some((label, target, after))
}

/// The `[label](target)` links of an answer's markup, as the widget reads them.
pub fn links(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('[').and_then(|i| rest.get(i..)) {
        match link_at(at) {
            Some((label, target, after)) => {
                out.push((label, target));
                rest = after;
            }
            None => rest = at.get(1..).unwrap_or(""),
        }
    }
    out
}

/// Whether `url` is an https link to one of `hosts` or a subdomain of one (hosts as the site
/// file lists them, lower case).
pub fn allowed(url: &str, hosts: &[String]) -> bool {
    https_host(url).is_some_and(|host| {
        hosts.iter().any(|allowed| {
            host == *allowed
                || host
                    .strip_suffix(allowed.as_str())
                    .is_some_and(|sub| sub.ends_with('.'))
        })
    })
}

/// The host of an `https://` URL, lower case, without port; `None` when the URL is not https,
/// has no valid host name, or has user info (`https://shop.example@elsewhere.example` goes to
/// `elsewhere.example`; the widget refuses such links).
pub fn https_host(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_at_checked(8)?;
    if !scheme.eq_ignore_ascii_case("https://") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains(['@', '\\']) {
        return None;
    }
    let host = authority.split(':').next()?.to_ascii_lowercase();
    check_host(&host).ok()?;
    Some(host)
}

/// A lower-case host name: dot-separated labels of letters, digits and `-`.
pub fn check_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        return Err("is empty; write a host name such as help.kestrel.example");
    }
    if host.contains("://") {
        return Err(
            "is a URL; write the host name only, e.g. kestrel.example for https://kestrel.example/help",
        );
    }
    if host.contains('/') {
        return Err("has a path; write the host name only, e.g. kestrel.example");
    }
    if host.contains(':') {
        return Err("has a port; write the host name only (links are https on the usual port)");
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("must be written in lower case");
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(
            "is not a host name (letters, digits, `-` and dots, e.g. help.kestrel.example)",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_links_and_hosts() {
        assert_eq!(
            links("See [a](https://x.example/a) and [b c]({links.b}). [no link] (x) [x]\n(y)"),
            [("a", "https://x.example/a"), ("b c", "{links.b}")]
        );
        assert_eq!(links("[a](x"), []);
        assert_eq!(links("[a b](x y) [](z) [[c](w)"), [("c", "w")]);
        assert_eq!(link_at("[a]( x )!"), Some(("a", "x", "!")));
        let hosts = ["shop.example".to_string()];
        assert!(allowed("HTTPS://help.Shop.Example/x", &hosts));
        assert!(!allowed("https://evilshop.example/x", &hosts));
        assert!(!allowed("https://shop.example@evil.example/", &hosts));
        assert!(!allowed("http://shop.example/", &hosts));
        assert_eq!(links("1. [a](ftp://x)"), [("a", "ftp://x")]);
        assert_eq!(
            https_host("https://Shop.Example:443/x?y#z").as_deref(),
            Some("shop.example")
        );
        for bad in [
            "http://shop.example",
            "https://",
            "https:///x",
            "https://a b/",
            "https://shop.example@elsewhere.example/",
        ] {
            assert_eq!(https_host(bad), None, "{bad}");
        }
    }
}
