//! `cargo xtask dev`: set up, build, migrate the local D1, start the inbox and `wrangler dev`,
//! print the URLs, and stop everything on Ctrl-C.

use std::io::Read;
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use anyhow::{Context, Result};
use ferry_inbox as inbox;

use crate::proc::{Server, wait_http_ok};
use crate::util::Step;
use crate::{build, setup};

pub struct Options {
    pub port: u16,
    pub inbox_port: u16,
}

pub fn run(opts: &Options) -> Result<()> {
    let total = 5;
    let step = Step::start(1, total, "Tools (installs what is missing)");
    let tools = setup::ensure(false)?;
    step.done();
    let step = Step::start(2, total, "Widget and storefront");
    build::site(&tools)?;
    step.done();
    let step = Step::start(3, total, "Worker (worker-build)");
    build::worker(&tools, false)?;
    step.done();
    let step = Step::start(4, total, "Local D1 migrations");
    build::migrate_local(&tools, None)?;
    step.done();

    let step = Step::start(5, total, "Inbox and wrangler dev");
    let inbox_port = opts.inbox_port;
    // A fresh signing key per run: the Worker signs with it, the inbox verifies with it.
    let secret = new_secret()?;
    let mut inbox_state = inbox::State::new(Some(&secret))?;
    // The report on the inbox page suggests rules from the bundled sites' vocabularies.
    for site in inbox::load_sites(&crate::util::root().join("edge/sites"))? {
        inbox_state.add_site(site);
    }
    // The page's reply boxes answer through the Worker's Reply API, signed with the same
    // secret; each inbox team is the demo site's destination that delivers to it (below).
    inbox_state.set_reply_target(
        inbox::ReplyTarget::new(&format!("http://127.0.0.1:{}", opts.port))
            .with_destination("default", "helpdesk")
            .with_destination("sales", "sales")
            .with_destination("ru", "team-ru"),
    );
    let inbox_server = inbox::listen(inbox_port)?;
    std::thread::spawn(move || {
        inbox::serve_on(&inbox_server, &Mutex::new(inbox_state), true);
        eprintln!("\x1b[1;31minbox stopped accepting connections\x1b[0m");
    });
    // Every destination of the demo site points at this inbox (see edge/wrangler.toml [vars]).
    let inbox = format!("http://127.0.0.1:{inbox_port}");
    let destinations = [
        format!("WEBHOOK_URL:{inbox}/handoffs"),
        format!("ONCALL_SLACK_URL:{inbox}/slack/oncall"),
        format!("SALES_WEBHOOK_URL:{inbox}/handoffs/sales"),
        format!("RU_TEAM_WEBHOOK_URL:{inbox}/handoffs/ru"),
    ];
    let webhook_secret = format!("WEBHOOK_SECRET:{secret}");
    let mut wrangler = Server::spawn(
        "wrangler dev",
        tools
            .wrangler()
            .args([
                "dev",
                "--ip",
                "127.0.0.1",
                "--port",
                &opts.port.to_string(),
                "--var",
                &webhook_secret,
            ])
            .args(destinations.iter().flat_map(|d| ["--var", d.as_str()]))
            .arg("--show-interactive-dev-session=false"),
    )?;
    let (tx, rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })?;
    if let Err(e) = wait_http_ok(
        opts.port,
        "/healthz",
        Duration::from_secs(120),
        &mut wrangler,
    ) {
        wrangler.stop(Duration::from_secs(5));
        return Err(e);
    }
    step.done();

    let base = format!("http://127.0.0.1:{}", opts.port);
    println!("\n\x1b[1mFerry is running.\x1b[0m Press Ctrl-C to stop.");
    println!("  storefront   {base}/");
    println!("  widget tag   <script src=\"{base}/ferry.js\" data-site=\"demo\" async></script>");
    println!(
        "  chat API     POST {base}/v1/chat   ·   GET {base}/v1/config?site=demo   ·   GET {base}/healthz"
    );
    println!(
        "  inbox        http://127.0.0.1:{inbox_port}/ (verifies signatures; handoffs also print here;\n               \
         each handoff has a reply box: the reply goes to POST {base}/v1/replies and the chat)\n"
    );

    loop {
        if rx.recv_timeout(Duration::from_millis(500)).is_ok() {
            println!("\nstopping wrangler dev (pid {}) ...", wrangler.pid());
            wrangler.stop(Duration::from_secs(5));
            println!("stopped.");
            return Ok(());
        }
        if let Some(status) = wrangler.exited() {
            anyhow::bail!("wrangler dev exited ({status})");
        }
    }
}

/// `whsec_` and the standard base64 of 24 random bytes from `/dev/urandom` (also the load
/// test's).
pub fn new_secret() -> Result<String> {
    let mut key = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .context("could not read /dev/urandom for the webhook secret")?;
    use base64::Engine;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_shared::webhook::{self, Secret};

    #[test]
    fn fresh_secrets_sign_and_verify() {
        let (a, b) = (new_secret().expect("secret"), new_secret().expect("secret"));
        assert_ne!(a, b);
        assert_eq!(a.len(), "whsec_".len() + 32);
        let secrets = Secret::parse_list(&a).expect("parses as a webhook secret");
        let signature = webhook::signature_header(&secrets, "id", 100, b"{}");
        let header = |name: &str| match name {
            webhook::HEADER_ID => Some("id"),
            webhook::HEADER_TIMESTAMP => Some("100"),
            webhook::HEADER_SIGNATURE => Some(signature.as_str()),
            _ => None,
        };
        assert_eq!(webhook::verify(&secrets, header, b"{}", 100), Ok(()));
        let other = Secret::parse_list(&b).expect("parses");
        assert!(webhook::verify(&other, header, b"{}", 100).is_err());
    }
}
