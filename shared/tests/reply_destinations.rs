//! The site file's reply settings on destinations: a Slack app (`bot_token`, `channel`,
//! `signing_secret`) and `agent_name`, each mistake refused at its line.

use ferry_shared::CompiledSite;
use ferry_shared::site::SlackApp;

const HEAD: &str = r#"
[site]
id = "shop"
name = "Shop"
support_email = "help@shop.example"
languages = ["en"]

[hours]
time_zone = "Europe/Amsterdam"
open.mon = "09:00-18:00"

[handoff]
reply_within_hours = 8
urgent_reply_within_hours = 4
reply.en = "A person will reply."

[[rule]]
id = "returns"
topic = "returns"
patterns.en = ['return']
answer.en = "See the returns page."

[[route]]
to = ["team"]

[[destination]]
name = "team"
url = "https://hooks.shop.example/x"
"#;

fn load(extra: &str) -> Result<CompiledSite, ferry_shared::LoadError> {
    CompiledSite::from_toml(&format!("{HEAD}{extra}\n"))
}

#[test]
fn a_slack_app_and_an_agent_name_load() {
    let site = load(
        "format = \"slack\"\nbot_token = \"SLACK_BOT_TOKEN\"\nchannel = \"C0123ABCD\"\nsigning_secret = \"SLACK_SIGNING\"\nagent_name = \"  Kestrel   support \"",
    )
    .unwrap_or_else(|e| panic!("loads: {e}"));
    let team = site.destination("team").expect("destination");
    assert_eq!(
        team.slack_app,
        Some(SlackApp {
            bot_token: "SLACK_BOT_TOKEN".into(),
            channel: "C0123ABCD".into(),
            signing_secret: Some("SLACK_SIGNING".into()),
        })
    );
    assert_eq!(team.agent_name.as_deref(), Some("Kestrel support"));
    // Without them: an incoming webhook, names from the sender.
    let plain = load("format = \"slack\"").unwrap_or_else(|e| panic!("loads: {e}"));
    let team = plain.destination("team").expect("destination");
    assert_eq!(
        (team.slack_app.as_ref(), team.agent_name.as_ref()),
        (None, None)
    );
}

#[test]
fn mistakes_are_named_at_their_line() {
    // The extra lines follow the head's last line; line k of them is `base + k`.
    let base = HEAD.lines().count();
    // (the destination's extra lines, the line (from the first extra one) and the words)
    let cases = [
        (
            "format = \"json\"\nbot_token = \"T\"\nchannel = \"C1\"",
            2,
            "format = \"slack\"",
        ),
        ("format = \"slack\"\nbot_token = \"T\"", 2, "needs channel"),
        ("format = \"slack\"\nchannel = \"C1\"", 2, "needs bot_token"),
        (
            "format = \"slack\"\nsigning_secret = \"S\"",
            2,
            "needs bot_token and channel",
        ),
        (
            "format = \"slack\"\nbot_token = \"lower\"\nchannel = \"C1\"",
            2,
            "CAPITALS",
        ),
        (
            "format = \"slack\"\nbot_token = \"T\"\nchannel = \"C1\"\nsigning_secret = \"s\"",
            4,
            "CAPITALS",
        ),
        (
            "format = \"slack\"\nbot_token = \"T\"\nchannel = \"C 1\"",
            3,
            "channel id",
        ),
        ("agent_name = \"\"", 0, "agent_name must not be empty"),
        (
            "agent_name = \"[x](https://evil.example)\"",
            0,
            "agent_name may not contain",
        ),
        ("bot_tokens = \"T\"", 0, "bot_tokens"),
    ];
    for (extra, line, words) in cases {
        let err = match load(extra) {
            Ok(_) => panic!("{extra}: loaded"),
            Err(e) => e,
        };
        assert!(
            err.message.contains(words) || err.to_string().contains(words),
            "{extra}: {err}"
        );
        if line > 0 {
            assert_eq!(err.line, base + line, "{extra}: {err}");
        }
    }
}
