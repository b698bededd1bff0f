//! Loading the handoff side of the site file: where handoffs go (destinations and routes)
//! and the abuse limits, each mistake named with its line and column.

use toml::Spanned;

use super::file::*;
use super::load::Loader;
use super::*;

impl Loader<'_, '_> {
    pub(super) fn limits(&self, file: Option<LimitsFile>) -> Result<Limits, LoadError> {
        let mut limits = Limits::default();
        let Some(file) = file else {
            return Ok(limits);
        };
        let tiers = guard::BURST_TIERS
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        for (name, value, slot) in [
            (
                "messages_per_conversation",
                file.messages_per_conversation,
                &mut limits.messages_per_conversation,
            ),
            (
                "messages_per_address",
                file.messages_per_address,
                &mut limits.messages_per_address,
            ),
        ] {
            if let Some(v) = value {
                if !guard::BURST_TIERS.contains(v.get_ref()) {
                    return self.err(
                        v.span(),
                        None,
                        format!(
                            "{name} = {}: burst limits count per {} s and come in steps the rate limiter offers: {tiers}",
                            v.get_ref(),
                            guard::BURST_WINDOW_SECS
                        ),
                    );
                }
                *slot = *v.get_ref();
            }
        }
        if let Some(v) = file.handoffs_per_address {
            if !(1..=guard::MAX_HANDOFFS_PER_ADDRESS).contains(v.get_ref()) {
                return self.err(
                    v.span(),
                    None,
                    format!(
                        "handoffs_per_address = {}: allow between 1 and {} new handoffs per address and window",
                        v.get_ref(),
                        guard::MAX_HANDOFFS_PER_ADDRESS
                    ),
                );
            }
            limits.handoffs_per_address = *v.get_ref();
        }
        if let Some(v) = file.handoff_window_hours {
            if !(1..=guard::MAX_HANDOFF_WINDOW_HOURS).contains(v.get_ref()) {
                return self.err(
                    v.span(),
                    None,
                    format!(
                        "handoff_window_hours = {}: a window between 1 and {} hours",
                        v.get_ref(),
                        guard::MAX_HANDOFF_WINDOW_HOURS
                    ),
                );
            }
            limits.handoff_window_secs = v.get_ref() * 3600;
        }
        Ok(limits)
    }

    pub(super) fn handoff_routing(
        &self,
        files: Vec<DestinationFile>,
        route_files: Vec<RouteFile>,
    ) -> Result<(Vec<Destination>, Vec<Route>), LoadError> {
        if files.is_empty() {
            if let Some(r) = route_files.first() {
                let span = r.to.first().map_or(0..0, Spanned::span);
                return self.err(
                    span,
                    None,
                    "[[route]] needs [[destination]] entries to send to".into(),
                );
            }
            let default = Destination {
                name: DEFAULT_DESTINATION.into(),
                url: UrlSource::Var("WEBHOOK_URL".into()),
                format: Format::Json,
                secret: Some("WEBHOOK_SECRET".into()),
                slack_app: None,
                agent_name: None,
            };
            return Ok((
                vec![default],
                vec![Route {
                    to: vec![0],
                    urgency: vec![],
                    language: vec![],
                    topic: vec![],
                }],
            ));
        }
        let var_name = |n: &str| {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        };
        let mut destinations: Vec<Destination> = Vec::new();
        for d in files {
            let name = d.name.get_ref().clone();
            if destinations.iter().any(|x| x.name == name) {
                return self.err(
                    d.name.span(),
                    None,
                    format!("two destinations are named `{name}`"),
                );
            }
            let url = match d.url.get_ref().strip_prefix("var:") {
                Some(var) if var_name(var) => UrlSource::Var(var.to_string()),
                Some(_) => {
                    return self.err(
                        d.url.span(),
                        None,
                        "`var:` must name a Worker variable in CAPITALS, e.g. var:HELPDESK_URL"
                            .into(),
                    );
                }
                None if d.url.get_ref().starts_with("https://") => {
                    UrlSource::Literal(d.url.get_ref().clone())
                }
                None => {
                    return self.err(
                        d.url.span(),
                        None,
                        "destination url must be https://… or var:NAME (a Worker variable)".into(),
                    );
                }
            };
            let format = match d.format.as_ref().map(|f| f.get_ref().as_str()) {
                None | Some("json") => Format::Json,
                Some("slack") => Format::Slack,
                Some(other) => {
                    let span = d.format.as_ref().map_or(0..0, Spanned::span);
                    return self.err(
                        span,
                        None,
                        format!("format `{other}`: use \"json\" or \"slack\""),
                    );
                }
            };
            let secret = match d.secret {
                Some(s) if var_name(s.get_ref()) => Some(s.into_inner()),
                Some(s) => return self.err(s.span(), None, "secret must name a Worker secret in CAPITALS (set it with `wrangler secret put NAME`)".into()),
                None => None,
            };
            let slack_app =
                self.slack_app(format, d.bot_token, d.channel, d.signing_secret, &var_name)?;
            let agent_name = match d.agent_name {
                Some(n) => match crate::reply::clean_agent_name(n.get_ref()) {
                    Ok(name) => Some(name),
                    Err(why) => return self.err(n.span(), None, format!("agent_name {why}")),
                },
                None => None,
            };
            destinations.push(Destination {
                name,
                url,
                format,
                secret,
                slack_app,
                agent_name,
            });
        }
        let mut routes = Vec::new();
        for r in route_files {
            let mut to = Vec::new();
            for name in &r.to {
                let i = destinations
                    .iter()
                    .position(|d| &d.name == name.get_ref())
                    .map_or_else(
                        || {
                            self.err(
                                name.span(),
                                None,
                                format!("no [[destination]] named `{}`", name.get_ref()),
                            )
                        },
                        Ok,
                    )?;
                to.push(i);
            }
            if to.is_empty() {
                return self.err(
                    0..0,
                    None,
                    "a [[route]] needs `to = [\"destination\", …]`".into(),
                );
            }
            let urgency =
                r.urgency
                    .iter()
                    .map(|u| {
                        serde_json::from_value(serde_json::Value::String(u.get_ref().clone()))
                            .or_else(|_| {
                                self.err(
                                    u.span(),
                                    None,
                                    format!(
                                        "urgency `{}`: use low, normal, high or urgent",
                                        u.get_ref()
                                    ),
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
            let language = r
                .language
                .iter()
                .map(|l| self.lang(l, None))
                .collect::<Result<Vec<_>, _>>()?;
            let topic = r
                .topic
                .iter()
                .map(|t| {
                    Topic::parse(t.get_ref()).map_or_else(
                        || self.err(t.span(), None, format!("unknown topic `{}`", t.get_ref())),
                        Ok,
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            routes.push(Route {
                to,
                urgency,
                language,
                topic,
            });
        }
        if !routes
            .iter()
            .any(|r| r.urgency.is_empty() && r.language.is_empty() && r.topic.is_empty())
        {
            return self.err(0..0, None, "add a catch-all [[route]] (only `to = [...]`) so that no handoff is left without a destination".into());
        }
        Ok((destinations, routes))
    }

    /// A Slack destination's app settings: `bot_token` and `channel` together, only with
    /// `format = "slack"`; `signing_secret` only with them.
    fn slack_app(
        &self,
        format: Format,
        bot_token: Option<Spanned<String>>,
        channel: Option<Spanned<String>>,
        signing_secret: Option<Spanned<String>>,
        var_name: &dyn Fn(&str) -> bool,
    ) -> Result<Option<SlackApp>, LoadError> {
        let secret_name = |s: Spanned<String>, what: &str| {
            if var_name(s.get_ref()) {
                Ok(s.into_inner())
            } else {
                self.err(
                    s.span(),
                    None,
                    format!("{what} must name a Worker secret in CAPITALS (set it with `wrangler secret put NAME`)"),
                )
            }
        };
        match (bot_token, channel) {
            (None, None) => match signing_secret {
                Some(s) => self.err(
                    s.span(),
                    None,
                    "signing_secret needs bot_token and channel: thread replies come back only for messages the app posted".into(),
                ),
                None => Ok(None),
            },
            (Some(token), Some(channel)) => {
                if format != Format::Slack {
                    return self.err(
                        token.span(),
                        None,
                        "bot_token is for Slack destinations: add format = \"slack\"".into(),
                    );
                }
                let ok_channel = |c: &str| {
                    let id = c.strip_prefix('#').unwrap_or(c);
                    (1..=80).contains(&id.len())
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                };
                if !ok_channel(channel.get_ref()) {
                    return self.err(
                        channel.span(),
                        None,
                        "channel must be a Slack channel id such as C0123ABCD (or #name)".into(),
                    );
                }
                Ok(Some(SlackApp {
                    bot_token: secret_name(token, "bot_token")?,
                    channel: channel.into_inner(),
                    signing_secret: signing_secret
                        .map(|s| secret_name(s, "signing_secret"))
                        .transpose()?,
                }))
            }
            (Some(token), None) => self.err(
                token.span(),
                None,
                "bot_token needs channel = \"C…\" (the channel id to post in)".into(),
            ),
            (None, Some(channel)) => self.err(
                channel.span(),
                None,
                "channel needs bot_token = \"NAME\" (the Worker secret with the bot token)"
                    .into(),
            ),
        }
    }
}
