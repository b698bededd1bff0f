//! The command line of `ferry-inbox` and `cargo xtask inbox`: `[--port N] [--secret KEYS]
//! [--worker URL]`, the secret defaulting to the `WEBHOOK_SECRET` environment variable.

use anyhow::{Result, bail};

/// The inbox's port when `--port` is not given (`cargo xtask dev` uses it too).
pub const DEFAULT_PORT: u16 = 8788;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `-h` / `--help`: print [`help`].
    Help,
    /// Listen and serve.
    Serve(Options),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Listen on 127.0.0.1:`port`; 0 picks a free port.
    pub port: u16,
    /// One or more `whsec_…` separated by spaces; `None` accepts unsigned deliveries.
    pub secret: Option<String>,
    /// The Worker the page's replies go to (`http://127.0.0.1:<port>`); `None`: replies off.
    pub worker: Option<String>,
}

/// The help text, naming the command `program` (`ferry-inbox`, `cargo xtask inbox`).
pub fn help(program: &str) -> String {
    format!(
        "\
{program}: Ferry's local inbox, the agents' view in the demo. A webhook receiver on 127.0.0.1
that verifies Standard Webhooks signatures, prints each handoff in the terminal and lists them
on a page, urgent first.

Usage: {program} [--port N] [--secret KEYS] [--worker URL]

Options:
  --port N        listen on 127.0.0.1:N (default {DEFAULT_PORT}; 0 picks a free port)
  --secret KEYS   one or more whsec_<base64> keys separated by spaces (quote them): a delivery
                  signed with any of them is accepted, a missing or wrong signature is a 401.
                  Default: the WEBHOOK_SECRET environment variable. With neither, deliveries
                  are accepted unsigned (and marked so).
  --worker URL    the local Worker (http://127.0.0.1:<port>, e.g. wrangler dev) the page's
                  reply boxes send to: POST /v1/replies?site=…&destination=…, signed with the
                  secret. Team `default` answers as destination `helpdesk`, another team as its
                  own name. Without it (or without a secret) the reply box says replies are off.
  -h, --help      print this help

Routes:
  GET  /                    the page (reloads every 5 s unless reply boxes are on)
  POST /handoffs            a signed handoff payload (docs/handoff-payload.v1.schema.json)
  POST /handoffs/<team>     the same, for a team's destination (e.g. /handoffs/sales)
  POST /handoffs/<team>/<ticket>/reply   the page's reply box (form: agent, text)
  GET  /handoffs            the handoff payloads received, as JSON
  POST /slack/<channel>     a Slack Block Kit message (unsigned, like Slack's webhooks)
  GET  /slack               the Slack messages received, as JSON
  GET  /report              the unanswered-questions report over the handoffs, as JSON

Everything is kept in memory: Ctrl-C stops it, and a restart starts empty.
"
    )
}

/// Reads `args` (without the program's name). `env_secret`: `WEBHOOK_SECRET`, used when
/// `--secret` is not given (blank counts as unset). Options may also be written `--port=N`.
pub fn parse(args: &[String], env_secret: Option<String>) -> Result<Command> {
    let mut port: Option<u16> = None;
    let mut secret: Option<String> = None;
    let mut worker: Option<String> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        // The option's value: after `=`, or the next argument unless that is an option.
        let mut value = || {
            inline.clone().or_else(|| {
                args.as_slice()
                    .first()
                    .filter(|next| !next.starts_with("--"))
                    .and_then(|_| args.next().cloned())
            })
        };
        match name {
            "-h" | "--help" if inline.is_none() => return Ok(Command::Help),
            "--port" => {
                if port.is_some() {
                    bail!("--port is given twice");
                }
                let Some(text) = value() else {
                    bail!("--port needs a port number (0-65535; 0 picks a free port)");
                };
                let parsed = text.parse::<u16>().map_err(|_| {
                    anyhow::anyhow!(
                        "--port {text}: not a port number (0-65535; 0 picks a free port)"
                    )
                })?;
                port = Some(parsed);
            }
            "--secret" => {
                if secret.is_some() {
                    bail!(
                        "--secret is given twice (several keys go in one value, separated by \
                         spaces)"
                    );
                }
                let Some(text) = value() else {
                    bail!("--secret needs a value: whsec_<base64>, several separated by spaces");
                };
                secret = Some(text);
            }
            "--worker" => {
                if worker.is_some() {
                    bail!("--worker is given twice");
                }
                let Some(text) = value() else {
                    bail!("--worker needs a URL: http://127.0.0.1:<port>");
                };
                crate::client::parse_worker_url(&text)
                    .map_err(|e| anyhow::anyhow!("--worker {e}"))?;
                worker = Some(text);
            }
            other if other.starts_with('-') => {
                bail!(
                    "unknown option `{other}` (the options are --port N, --secret KEYS, \
                     --worker URL, --help)"
                )
            }
            other => bail!(
                "unexpected argument `{other}` (the options are --port N, --secret KEYS, \
                 --worker URL, --help)"
            ),
        }
    }
    Ok(Command::Serve(Options {
        port: port.unwrap_or(DEFAULT_PORT),
        secret: secret.or_else(|| env_secret.filter(|s| !s.trim().is_empty())),
        worker,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_list(list: &[&str], env: Option<&str>) -> Result<Command> {
        let args: Vec<String> = list.iter().map(|s| (*s).to_string()).collect();
        parse(&args, env.map(str::to_string))
    }

    fn serve(port: u16, secret: Option<&str>) -> Command {
        Command::Serve(Options {
            port,
            secret: secret.map(str::to_string),
            worker: None,
        })
    }

    #[test]
    fn options_defaults_and_the_environment() {
        let ok = |list: &[&str], env| parse_list(list, env).expect("valid");
        assert_eq!(ok(&[], None), serve(DEFAULT_PORT, None));
        assert_eq!(ok(&["--port", "9000"], None), serve(9000, None));
        assert_eq!(ok(&["--port=0"], None), serve(0, None));
        assert_eq!(
            ok(&[], Some("whsec_a")),
            serve(DEFAULT_PORT, Some("whsec_a"))
        );
        assert_eq!(
            ok(&[], Some("  ")),
            serve(DEFAULT_PORT, None),
            "blank is unset"
        );
        assert_eq!(
            ok(
                &["--secret", "whsec_a whsec_b", "--port", "1"],
                Some("whsec_env")
            ),
            serve(1, Some("whsec_a whsec_b")),
            "--secret wins over the environment"
        );
        assert_eq!(
            ok(&["--secret=whsec_a=="], None),
            serve(DEFAULT_PORT, Some("whsec_a=="))
        );
        assert_eq!(
            ok(&["--worker", "http://127.0.0.1:8787"], None),
            Command::Serve(Options {
                port: DEFAULT_PORT,
                secret: None,
                worker: Some("http://127.0.0.1:8787".into()),
            })
        );
        assert_eq!(ok(&["--port", "1", "--help"], None), Command::Help);
        assert_eq!(ok(&["-h"], None), Command::Help);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        for (args, says) in [
            (&["--port"][..], "--port needs a port number"),
            (
                &["--port", "--secret", "whsec_a"],
                "--port needs a port number",
            ),
            (
                &["--port", "http"],
                "--port http: not a port number (0-65535",
            ),
            (&["--port", "65536"], "--port 65536: not a port number"),
            (&["--port=-1"], "--port -1: not a port number"),
            (&["--port", "1", "--port", "2"], "--port is given twice"),
            (&["--secret"], "--secret needs a value: whsec_<base64>"),
            (
                &["--secret", "a", "--secret", "b"],
                "--secret is given twice",
            ),
            (&["--prot", "1"], "unknown option `--prot`"),
            (&["8788"], "unexpected argument `8788`"),
            (&["--help=yes"], "unknown option `--help`"),
            (&["--worker"], "--worker needs a URL"),
            (
                &["--worker", "https://x.example"],
                "--worker `https://x.example`",
            ),
            (&["--worker", "http://10.0.0.1:80"], "local Worker only"),
        ] {
            let err = parse_list(args, None).expect_err("invalid").to_string();
            assert!(err.contains(says), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_names_the_program_and_every_option() {
        let text = help("ferry-inbox");
        assert!(text.starts_with("ferry-inbox: "), "{text}");
        for needle in [
            "Usage: ferry-inbox [--port N] [--secret KEYS] [--worker URL]",
            "--worker URL",
            "--port N",
            "--secret KEYS",
            "WEBHOOK_SECRET",
            "-h, --help",
            "default 8788",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        assert!(help("cargo xtask inbox").contains("Usage: cargo xtask inbox [--port N]"));
    }
}
