//! Loading and the compiled site, on small site files.

use chrono::TimeZone;

use super::*;

const SITE: &str = r#"
[site]
id = "shop"
name = "Shop"
support_email = "help@shop.example"
languages = ["en"]

[widget]
link_hosts = ["help.shop.example", "shop.example"]

[hours]
time_zone = "Europe/Amsterdam"
holidays = ["2026-12-25"]
open.mon = "09:00-18:00"
open.tue = "09:00-18:00"
open.wed = "09:00-18:00"
open.thu = "09:00-18:00"
open.fri = "09:00-18:00"

[handoff]
reply_within_hours = 8
urgent_reply_within_hours = 4
reply.en = "A person will reply. [Contact page](https://Contact.Shop.example/form)"

[facts.links]
returns = "https://returns.shop.example/start?x=1"
video = "https://videos.example:8443/pairing"

[[rule]]
id = "returns"
topic = "returns"
patterns.en = ['return']
answer.en = "Start here: [returns]({links.returns}); or see [our guide](https://guide.example/returns)."
links = [{ label.en = "Help", url = "https://shop.example/help#returns" }]
"#;

fn site() -> CompiledSite {
    CompiledSite::from_toml(SITE).unwrap_or_else(|e| panic!("loads: {e}"))
}

/// Epoch ms of a wall-clock time in Amsterdam.
fn amsterdam(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    chrono_tz::Europe::Amsterdam
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("an unambiguous local time")
        .timestamp_millis()
}

#[test]
fn status_open_weekday_weekend_evening_and_holiday() {
    let site = site();
    // Wednesday 7 January 2026, 10:00: open.
    assert_eq!(
        site.status(amsterdam(2026, 1, 7, 10, 0)),
        SiteStatus {
            open: true,
            away: None,
            reply_within_hours: 8,
        }
    );
    // Saturday 3 January 2026, 20:00: closed until Monday 09:00.
    assert_eq!(
        site.status(amsterdam(2026, 1, 3, 20, 0)),
        SiteStatus {
            open: false,
            away: Some(Away {
                reason: AwayReason::Closed,
                opens_at: amsterdam(2026, 1, 5, 9, 0),
            }),
            reply_within_hours: 8,
        }
    );
    // Friday 25 December 2026, 11:00 (within the usual hours): a holiday, open Monday.
    assert_eq!(
        site.status(amsterdam(2026, 12, 25, 11, 0)),
        SiteStatus {
            open: false,
            away: Some(Away {
                reason: AwayReason::Holiday,
                opens_at: amsterdam(2026, 12, 28, 9, 0),
            }),
            reply_within_hours: 8,
        }
    );
    // The compiled config has no clock: the edge adds the status per request.
    assert_eq!(site.widget_config().status, None);
    // Without [hours] the inbox counts as staffed around the clock.
    let (head, rest) = SITE.split_once("[hours]").expect("fixture has [hours]");
    let (_, tail) = rest.split_once("[handoff]").expect("fixture has [handoff]");
    let always = CompiledSite::from_toml(&format!("{head}[handoff]{tail}"))
        .unwrap_or_else(|e| panic!("loads without [hours]: {e}"));
    assert!(always.status(amsterdam(2026, 12, 25, 23, 0)).open);
}

#[test]
fn link_hosts_from_links_facts_answers_and_the_explicit_list() {
    assert_eq!(
        site().widget_config().link_hosts,
        [
            "contact.shop.example",
            "guide.example",
            "help.shop.example",
            "returns.shop.example",
            "shop.example",
            "videos.example",
        ]
    );
    let json = serde_json::to_value(site().widget_config()).expect("serializes");
    assert!(json["link_hosts"].is_array());
    assert!(json.get("status").is_none(), "{json}");
}

#[test]
fn bad_link_hosts_are_rejected_at_their_line() {
    let line = SITE
        .lines()
        .position(|l| l.starts_with("link_hosts"))
        .expect("fixture line")
        + 1;
    for (bad, why) in [
        ("https://shop.example", "is a URL"),
        ("shop.example/help", "has a path"),
        ("shop.example:8443", "has a port"),
        ("Shop.example", "lower case"),
        ("shop_example", "not a host name"),
        ("", "is empty"),
    ] {
        let text = SITE.replace("\"help.shop.example\"", &format!("\"{bad}\""));
        let err = CompiledSite::from_toml(&text).expect_err(bad);
        assert_eq!(err.line, line, "{bad}: {err}");
        assert_eq!(err.column, "link_hosts = [".len() + 1, "{bad}: {err}");
        assert!(err.message.contains(why), "{bad}: {err}");
    }
}
