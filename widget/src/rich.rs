//! The markup support leads may use in answers, parsed into blocks the view turns into DOM
//! nodes (never HTML): a blank line starts a paragraph, `1. ` lines are numbered steps, `- `
//! lines are bullets, `**bold**`, and `[label](https://host/path)` links.
//!
//! Links are kept only when they are https and point at one of the site's `link_hosts` (or a
//! subdomain of one: `ferry_shared::markup`, the same reading the site loader checks); any
//! other link is shown as its label, as plain text. Pure, so tested natively.

use ferry_shared::markup;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Steps(Vec<Vec<Inline>>),
    Bullets(Vec<Vec<Inline>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Bold(String),
    Link { label: String, url: String },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paragraph,
    Step,
    Bullet,
}

/// The blocks of `text`, with links checked against `hosts`.
pub fn parse(text: &str, hosts: &[String]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(Kind, Vec<String>)> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut blocks, current.take(), hosts);
            continue;
        }
        let (kind, content) = if let Some(rest) = step(trimmed) {
            (Kind::Step, rest)
        } else if let Some(rest) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("• "))
        {
            (Kind::Bullet, rest)
        } else {
            (Kind::Paragraph, line.trim_end())
        };
        match &mut current {
            Some((k, lines)) if *k == kind => lines.push(content.to_string()),
            _ => {
                flush(&mut blocks, current.take(), hosts);
                current = Some((kind, vec![content.to_string()]));
            }
        }
    }
    flush(&mut blocks, current, hosts);
    blocks
}

/// `"2. Hold the button"` → `"Hold the button"`; also `2)`.
fn step(line: &str) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let rest = line.get(digits..)?;
    rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") "))
}

fn flush(blocks: &mut Vec<Block>, current: Option<(Kind, Vec<String>)>, hosts: &[String]) {
    let Some((kind, lines)) = current else {
        return;
    };
    blocks.push(match kind {
        Kind::Paragraph => Block::Paragraph(inlines(&lines.join("\n"), hosts)),
        Kind::Step => Block::Steps(lines.iter().map(|l| inlines(l, hosts)).collect()),
        Kind::Bullet => Block::Bullets(lines.iter().map(|l| inlines(l, hosts)).collect()),
    });
}

/// Bold and links within one paragraph or item; unmatched markers stay as text.
pub fn inlines(text: &str, hosts: &[String]) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    // Slicing goes through `split_at_checked` / `split_once`: no panic paths (and their
    // formatting code) in the wasm.
    while let Some((before, at)) = rest.find(['*', '[']).and_then(|i| rest.split_at_checked(i)) {
        plain.push_str(before);
        if let Some((inline, after)) = bold(at).or_else(|| link(at, hosts)) {
            if !plain.is_empty() {
                out.push(Inline::Text(std::mem::take(&mut plain)));
            }
            out.push(inline);
            rest = after;
        } else {
            let mut chars = at.chars();
            plain.extend(chars.next());
            rest = chars.as_str();
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

fn bold(at: &str) -> Option<(Inline, &str)> {
    let (text, after) = at.strip_prefix("**")?.split_once("**")?;
    if text.trim().is_empty() || text.contains('\n') {
        return None;
    }
    Some((Inline::Bold(text.to_string()), after))
}

fn link<'a>(at: &'a str, hosts: &[String]) -> Option<(Inline, &'a str)> {
    let (label, url, after) = markup::link_at(at)?;
    let inline = if markup::allowed(url, hosts) {
        Inline::Link {
            label: label.to_string(),
            url: url.to_string(),
        }
    } else {
        Inline::Text(label.to_string())
    };
    Some((inline, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<String> {
        vec!["kestrel.example".into()]
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn plain_text_is_one_paragraph_with_its_line_breaks() {
        assert_eq!(
            parse("Ships in 3-5 days.\nFree over €50.", &hosts()),
            vec![Block::Paragraph(vec![text(
                "Ships in 3-5 days.\nFree over €50."
            )])]
        );
    }

    #[test]
    fn blank_lines_steps_and_bullets_make_blocks() {
        let answer = "To pair:\n\n1. Hold the button for **5 s**.\n2. Pick \"Kestrel\" in Bluetooth.\n\n- works with iOS\n- works with Android\nEnjoy!";
        assert_eq!(
            parse(answer, &hosts()),
            vec![
                Block::Paragraph(vec![text("To pair:")]),
                Block::Steps(vec![
                    vec![
                        text("Hold the button for "),
                        Inline::Bold("5 s".into()),
                        text(".")
                    ],
                    vec![text("Pick \"Kestrel\" in Bluetooth.")],
                ]),
                Block::Bullets(vec![
                    vec![text("works with iOS")],
                    vec![text("works with Android")]
                ]),
                Block::Paragraph(vec![text("Enjoy!")]),
            ]
        );
    }

    #[test]
    fn links_only_to_https_and_the_sites_hosts() {
        let cases = [
            ("[Track](https://kestrel.example/track)", true),
            ("[Track](https://www.kestrel.example/track?x=1)", true),
            ("[Track](https://KESTREL.example:443/)", true),
            ("[Track](http://kestrel.example/track)", false),
            ("[Track](https://evil.example/kestrel.example)", false),
            ("[Track](https://notkestrel.example/)", false),
            ("[Track](https://kestrel.example@evil.example/)", false),
            ("[Track](javascript:alert(1))", false),
            ("[Track](data:text/html,hi)", false),
        ];
        for (markup, kept) in cases {
            let parsed = inlines(markup, &hosts());
            let is_link =
                matches!(parsed.as_slice(), [Inline::Link { label, .. }] if label == "Track");
            assert_eq!(is_link, kept, "{markup}: {parsed:?}");
            if !kept {
                assert_eq!(parsed.first(), Some(&text("Track")), "{markup}");
            }
        }
        assert!(!ferry_shared::markup::allowed(
            "https://kestrel.example/",
            &[]
        ));
    }

    #[test]
    fn unmatched_markers_and_html_stay_text() {
        for s in [
            "2 * 3 = 6",
            "**not closed",
            "[no url]",
            "a [b](",
            "<img src=x onerror=alert(1)>",
            "****",
            "",
        ] {
            let joined: String = inlines(s, &hosts())
                .into_iter()
                .map(|i| match i {
                    Inline::Text(t) | Inline::Bold(t) => t,
                    Inline::Link { label, .. } => label,
                })
                .collect();
            assert_eq!(joined, s);
        }
    }

    #[test]
    fn numbers_that_are_not_steps() {
        assert_eq!(
            parse("2026 was a good year.", &hosts()),
            vec![Block::Paragraph(vec![text("2026 was a good year.")])]
        );
        assert_eq!(
            parse("100. is not a step", &hosts()),
            vec![Block::Paragraph(vec![text("100. is not a step")])]
        );
    }
}
