//! `cargo xtask dev`: set up, build, migrate the local D1, start the inbox and `wrangler dev`,
//! print the URLs, and stop everything on Ctrl-C.

use std::sync::mpsc;
use std::time::Duration;

use anyhow::Result;

use crate::proc::{Server, wait_http_ok};
use crate::util::Step;
use crate::{build, inbox, setup};

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
    std::thread::spawn(move || {
        if let Err(e) = inbox::serve(inbox_port) {
            eprintln!("inbox stopped: {e:#}");
        }
    });
    let webhook = format!("WEBHOOK_URL:http://127.0.0.1:{inbox_port}/handoffs");
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
                &webhook,
            ])
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
    println!("  inbox        http://127.0.0.1:{inbox_port}/handoffs (handoffs also print here)\n");

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
