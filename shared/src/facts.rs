//! Shop facts (shipping zones, duties, payment methods, returns, warranty, size tables, links)
//! and what a message says about them (a size named). Answer templates are filled from them
//! in [`crate::render`].

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::country;

/// `[facts]` as written in the site file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactsFile {
    #[serde(default)]
    pub return_days: Option<u32>,
    #[serde(default)]
    pub warranty_months: Option<u32>,
    #[serde(default)]
    pub links: BTreeMap<String, String>,
    #[serde(default)]
    pub shipping: Vec<ZoneFile>,
    /// Payment methods by country code, `"*"` for everywhere else.
    #[serde(default)]
    pub payment: BTreeMap<String, Vec<String>>,
    /// Size tables by name (`women`, `men`, `shoes`): rows of `system = size`.
    #[serde(default)]
    pub sizes: BTreeMap<String, Vec<BTreeMap<String, toml::Value>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ZoneFile {
    pub zone: String,
    /// ISO 3166-1 alpha-2 codes; `"*"` is every country not listed in another zone.
    pub countries: Vec<String>,
    pub days: [u32; 2],
    pub cost: String,
    #[serde(default)]
    pub free_over: Option<String>,
    pub carrier: String,
    /// `DDP` (duties and taxes included) or `DAP` (paid by the shopper on delivery).
    pub duties: String,
}

/// Compiled facts.
#[derive(Debug, Default)]
pub struct Facts {
    pub return_days: Option<u32>,
    pub warranty_months: Option<u32>,
    pub links: BTreeMap<String, String>,
    pub zones: Vec<Zone>,
    pub payment: BTreeMap<String, Vec<String>>,
    pub sizes: BTreeMap<String, SizeTable>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    pub countries: Vec<String>,
    pub days: (u32, u32),
    pub cost: String,
    pub free_over: Option<String>,
    pub carrier: String,
    pub duties: Duties,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duties {
    /// Delivered duty paid: the price includes duties and import taxes.
    Ddp,
    /// Delivered at place: the shopper pays duties and taxes on delivery.
    Dap,
}

impl Duties {
    pub fn parse(s: &str) -> Option<Duties> {
        match s.to_ascii_uppercase().as_str() {
            "DDP" => Some(Duties::Ddp),
            "DAP" => Some(Duties::Dap),
            _ => None,
        }
    }
}

/// A size table: the systems it converts between and its rows.
#[derive(Debug, Clone, Default)]
pub struct SizeTable {
    pub systems: Vec<String>,
    pub rows: Vec<BTreeMap<String, String>>,
}

/// Size systems a shopper may name, and placeholder names `{size.<system>}`.
pub const SIZE_SYSTEMS: &[&str] = &["eu", "us", "uk", "fr", "it", "jp", "cn", "br", "mx", "cm"];

impl Facts {
    /// Checks and compiles `[facts]`; errors are `(what, message)` for the loader to place.
    pub(crate) fn compile(file: FactsFile) -> Result<Facts, String> {
        let mut zones = Vec::new();
        for z in file.shipping {
            let duties = Duties::parse(&z.duties).ok_or_else(|| {
                format!(
                    "shipping zone `{}`: duties must be \"DDP\" or \"DAP\", not `{}`",
                    z.zone, z.duties
                )
            })?;
            if z.days[0] > z.days[1] {
                return Err(format!(
                    "shipping zone `{}`: days = [{}, {}] must be [min, max]",
                    z.zone, z.days[0], z.days[1]
                ));
            }
            for c in &z.countries {
                if c != "*" && !country::is_known(c) {
                    return Err(format!(
                        "shipping zone `{}`: unknown country code `{c}` (use ISO 3166-1 alpha-2 such as DE, BR, or \"*\")",
                        z.zone
                    ));
                }
                if let Some(other) = zones.iter().find(|o: &&Zone| o.countries.contains(c)) {
                    return Err(format!(
                        "country `{c}` is in two shipping zones: `{}` and `{}`",
                        other.name, z.zone
                    ));
                }
            }
            zones.push(Zone {
                name: z.zone,
                countries: z.countries,
                days: (z.days[0], z.days[1]),
                cost: z.cost,
                free_over: z.free_over,
                carrier: z.carrier,
                duties,
            });
        }
        for code in file.payment.keys() {
            if code != "*" && !country::is_known(code) {
                return Err(format!("[facts.payment]: unknown country code `{code}`"));
            }
        }
        for (name, url) in &file.links {
            if crate::markup::https_host(url).is_none() {
                return Err(format!(
                    "[facts.links] {name}: `{url}`: links must be https:// URLs with a host name"
                ));
            }
        }
        let mut sizes = BTreeMap::new();
        for (name, rows) in file.sizes {
            let mut table = SizeTable::default();
            for row in rows {
                let mut out = BTreeMap::new();
                for (system, value) in row {
                    if !SIZE_SYSTEMS.contains(&system.as_str()) {
                        return Err(format!(
                            "size table `{name}`: unknown size system `{system}`; use {}",
                            SIZE_SYSTEMS.join(", ")
                        ));
                    }
                    let text = match value {
                        toml::Value::String(s) => s,
                        toml::Value::Integer(i) => i.to_string(),
                        toml::Value::Float(f) => f.to_string(),
                        other => {
                            return Err(format!(
                                "size table `{name}`: `{system}` must be a size like 38 or \"8.5\", not {}",
                                other.type_str()
                            ));
                        }
                    };
                    if !table.systems.contains(&system) {
                        table.systems.push(system.clone());
                    }
                    out.insert(system, text);
                }
                table.rows.push(out);
            }
            sizes.insert(name, table);
        }
        Ok(Facts {
            return_days: file.return_days,
            warranty_months: file.warranty_months,
            links: file.links,
            zones,
            payment: file.payment,
            sizes,
        })
    }

    /// The shipping zone of a country: its own, else the `"*"` zone.
    pub fn zone_of(&self, country: &str) -> Option<&Zone> {
        self.zones
            .iter()
            .find(|z| z.countries.iter().any(|c| c == country))
            .or_else(|| {
                self.zones
                    .iter()
                    .find(|z| z.countries.iter().any(|c| c == "*"))
            })
    }
}

/// The size a shopper named ("US 8", "eu38", "uk size 10", "8 US"), as `(system, value)`.
pub fn size_mention(folded: &str) -> Option<(&'static str, String)> {
    use std::sync::LazyLock;
    static RE: LazyLock<regex::Regex> = LazyLock::new(|| {
        // A constant pattern; covered by tests. ASCII word boundaries, so that a size right after
        // or before CJK text ("穿us 6码") is still found.
        #[allow(clippy::unwrap_used)]
        regex::Regex::new(
            r"(?-u:\b)(eu|us|uk|fr|it|jp|cn|br|mx)\s?(?:size\s|talla\s|tamanho\s|taille\s|grosse\s|taglia\s)?(\d{1,2}(?:[.,]5)?)(?-u:\b)|(?-u:\b)(\d{1,2}(?:[.,]5)?)\s?(eu|us|uk|fr|it|jp|cn|br|mx)(?-u:\b)",
        )
        .unwrap()
    });
    let caps = RE.captures(folded)?;
    let (system, value) = match (caps.get(1), caps.get(2), caps.get(3), caps.get(4)) {
        (Some(s), Some(v), _, _) | (_, _, Some(v), Some(s)) => (s.as_str(), v.as_str()),
        _ => return None,
    };
    let system = SIZE_SYSTEMS.iter().find(|s| **s == system)?;
    Some((system, value.replace(',', ".")))
}

/// The row of `table` where `system` has `value`.
pub fn size_row<'t>(
    table: &'t SizeTable,
    system: &str,
    value: &str,
) -> Option<&'t BTreeMap<String, String>> {
    table
        .rows
        .iter()
        .find(|row| row.get(system).is_some_and(|v| v == value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_mentions() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("i'm a us 8, which eu size?", Some(("us", "8"))),
            ("eu38 or eu40?", Some(("eu", "38"))),
            ("uk size 10 please", Some(("uk", "10"))),
            ("i usually wear 8.5 us", Some(("us", "8.5"))),
            ("sou tamanho br 40", Some(("br", "40"))),
            ("which size should i take", None),
            ("bus 42 to the store", None),
            ("我平时穿us 6码", Some(("us", "6"))),
        ];
        for (text, want) in cases {
            let got = size_mention(text);
            assert_eq!(got.as_ref().map(|(s, v)| (*s, v.as_str())), *want, "{text}");
        }
    }
}
