//! Rendering a localized answer: which language's text to use (the shopper's, else along the
//! site's fallback chain, else the default) and filling its `{placeholders}` from the shop's
//! facts and the request.
//!
//! A template is parsed once, at load; an unknown placeholder is a load error. At request time
//! a placeholder that cannot be filled for this shopper (no country known, no size given)
//! makes the rule not apply, so a more general rule or a person takes over: a rule never
//! answers with a hole in its text.

use std::collections::BTreeMap;

use crate::country;
use crate::facts::{Facts, SizeTable};
use crate::lang::LangCode;

/// The text in `want`; else the first of `chain` that has one (the fallback flag is set); else
/// any. `None` only for an empty map, which the loader refuses.
pub fn pick<T>(
    texts: &BTreeMap<LangCode, T>,
    want: LangCode,
    chain: impl IntoIterator<Item = LangCode>,
) -> Option<(LangCode, &T, bool)> {
    if let Some(t) = texts.get(&want) {
        return Some((want, t, false));
    }
    for lang in chain {
        if let Some(t) = texts.get(&lang) {
            return Some((lang, t, true));
        }
    }
    texts.iter().next().map(|(l, t)| (*l, t, true))
}

/// A piece of an answer template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Slot(Slot),
}

/// What a placeholder stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    ShopName,
    SupportEmail,
    ReturnDays,
    WarrantyMonths,
    Link(String),
    /// The shopper's country, named in the answer's language.
    Country,
    ShippingDays,
    ShippingCost,
    ShippingFreeOver,
    ShippingCarrier,
    PaymentMethods,
    /// The shopper's size converted to this system, from the rule's size table.
    Size(String),
    /// When a person will have replied, in the shopper's time zone ([handoff] texts only).
    ReplyBy,
    /// When the shop opens again, in the shopper's time zone ([handoff] texts only).
    OpensAt,
}

impl Slot {
    /// Placeholders that need the shopper's country.
    pub fn needs_country(&self) -> bool {
        matches!(
            self,
            Slot::Country
                | Slot::ShippingDays
                | Slot::ShippingCost
                | Slot::ShippingFreeOver
                | Slot::ShippingCarrier
                | Slot::PaymentMethods
        )
    }
}

/// Every placeholder name the loader accepts, for error messages.
pub const PLACEHOLDERS: &str = "shop.name, support.email, returns.days, warranty.months, links.<name>, country, \
shipping.days, shipping.cost, shipping.free_over, shipping.carrier, payment.methods, size.<system>, \
reply_by and opens_at ([handoff] texts only)";

/// Parses a template. `{{` and `}}` are literal braces.
pub fn parse_template(
    text: &str,
    facts: &Facts,
    size_table: Option<&SizeTable>,
) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) => name.push(ch),
                        None => {
                            return Err(format!(
                                "unclosed placeholder `{{{name}`; write `{{{{` for a literal brace"
                            ));
                        }
                    }
                }
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Slot(slot(name.trim(), facts, size_table)?));
            }
            '}' => return Err("stray `}`; write `}}` for a literal brace".into()),
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

fn slot(name: &str, facts: &Facts, size_table: Option<&SizeTable>) -> Result<Slot, String> {
    let needs = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("placeholder `{{{name}}}` needs {what} in [facts]"))
        }
    };
    Ok(match name {
        "shop.name" => Slot::ShopName,
        "support.email" => Slot::SupportEmail,
        "returns.days" => {
            needs(facts.return_days.is_some(), "return_days")?;
            Slot::ReturnDays
        }
        "warranty.months" => {
            needs(facts.warranty_months.is_some(), "warranty_months")?;
            Slot::WarrantyMonths
        }
        "country" => Slot::Country,
        "reply_by" => Slot::ReplyBy,
        "opens_at" => Slot::OpensAt,
        "shipping.days" | "shipping.cost" | "shipping.free_over" | "shipping.carrier" => {
            needs(!facts.zones.is_empty(), "[[facts.shipping]] zones")?;
            match name {
                "shipping.days" => Slot::ShippingDays,
                "shipping.cost" => Slot::ShippingCost,
                "shipping.free_over" => Slot::ShippingFreeOver,
                _ => Slot::ShippingCarrier,
            }
        }
        "payment.methods" => {
            needs(!facts.payment.is_empty(), "[facts.payment]")?;
            Slot::PaymentMethods
        }
        _ => {
            if let Some(link) = name.strip_prefix("links.") {
                needs(facts.links.contains_key(link), &format!("links.{link}"))?;
                return Ok(Slot::Link(link.to_string()));
            }
            if let Some(system) = name.strip_prefix("size.") {
                let table = size_table.ok_or_else(|| format!("placeholder `{{{name}}}` needs the rule to name a size table: sizes = \"women\""))?;
                if !table.systems.iter().any(|s| s == system) {
                    return Err(format!(
                        "placeholder `{{{name}}}`: the rule's size table has no `{system}` column (it has {})",
                        table.systems.join(", ")
                    ));
                }
                return Ok(Slot::Size(system.to_string()));
            }
            return Err(format!(
                "unknown placeholder `{{{name}}}`; known: {PLACEHOLDERS}"
            ));
        }
    })
}

/// What a request contributes to filling a template.
#[derive(Debug, Clone, Copy)]
pub struct Fill<'a> {
    pub shop_name: &'a str,
    pub support_email: &'a str,
    pub facts: &'a Facts,
    pub lang: LangCode,
    pub country: Option<&'a str>,
    pub size_row: Option<&'a BTreeMap<String, String>>,
    /// `{reply_by}` and `{opens_at}`, already written for the shopper: whole phrases with
    /// their preposition ([`crate::hours::for_shopper`]).
    pub reply_by: Option<&'a str>,
    pub opens_at: Option<&'a str>,
}

/// Fills a template, or `None` if a placeholder has no value for this request.
pub fn fill(pieces: &[Piece], f: &Fill<'_>) -> Option<String> {
    let mut out = String::new();
    let zone = || f.country.and_then(|c| f.facts.zone_of(c));
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Slot(slot) => {
                let value = match slot {
                    Slot::ShopName => f.shop_name.to_string(),
                    Slot::SupportEmail => f.support_email.to_string(),
                    Slot::ReturnDays => f.facts.return_days?.to_string(),
                    Slot::WarrantyMonths => f.facts.warranty_months?.to_string(),
                    Slot::Link(name) => f.facts.links.get(name)?.clone(),
                    Slot::Country => country::name(f.country?, f.lang)?.to_string(),
                    Slot::ShippingDays => {
                        let (lo, hi) = zone()?.days;
                        if lo == hi {
                            lo.to_string()
                        } else {
                            format!("{lo}–{hi}")
                        }
                    }
                    Slot::ShippingCost => zone()?.cost.clone(),
                    Slot::ShippingFreeOver => zone()?.free_over.clone()?,
                    Slot::ShippingCarrier => zone()?.carrier.clone(),
                    Slot::PaymentMethods => {
                        let c = f.country?;
                        let methods = f
                            .facts
                            .payment
                            .get(c)
                            .or_else(|| f.facts.payment.get("*"))?;
                        methods.join(", ")
                    }
                    Slot::Size(system) => f.size_row?.get(system)?.clone(),
                    Slot::ReplyBy => f.reply_by?.to_string(),
                    Slot::OpensAt => f.opens_at?.to_string(),
                };
                out.push_str(&value);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        let facts = Facts {
            return_days: Some(30),
            ..Facts::default()
        };
        assert_eq!(
            parse_template("{{literal}} {returns.days} days", &facts, None),
            Ok(vec![
                Piece::Text("{literal} ".into()),
                Piece::Slot(Slot::ReturnDays),
                Piece::Text(" days".into())
            ])
        );
        for bad in [
            "{nope}",
            "{shipping.days}",
            "{size.us}",
            "{returns.days",
            "oops }",
            "{warranty.months}",
        ] {
            assert!(parse_template(bad, &facts, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn pick_prefers_the_wanted_language_then_the_chain() {
        let texts: BTreeMap<LangCode, &str> = [(LangCode::En, "hi"), (LangCode::Pt, "oi")]
            .into_iter()
            .collect();
        assert_eq!(
            pick(&texts, LangCode::Pt, []),
            Some((LangCode::Pt, &"oi", false))
        );
        assert_eq!(
            pick(&texts, LangCode::Es, [LangCode::Pt, LangCode::En]),
            Some((LangCode::Pt, &"oi", true))
        );
        assert_eq!(
            pick(&texts, LangCode::De, []),
            Some((LangCode::En, &"hi", true))
        );
        assert_eq!(
            pick(&BTreeMap::<LangCode, &str>::new(), LangCode::En, []),
            None
        );
    }
}
