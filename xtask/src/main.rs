//! Ferry's dev automation. `cargo xtask help` lists the commands.

mod bench;
mod build;
mod dev;
mod fuzz;
mod load;
mod proc;
mod setup;
mod size;
mod test;
mod util;

use std::process::ExitCode;

use ferry_inbox::cli::{self as inbox_cli, Command as InboxCommand};

const HELP: &str = "\
cargo xtask <command>

  dev            set up, build, and run the demo: storefront + widget + Worker in workerd
                 (wrangler dev on 127.0.0.1:8787) and the local inbox (127.0.0.1:8788).
                 Options: --port N, --inbox-port N. Ctrl-C stops everything.
  test [GROUP…]  set up and run every check (groups: lint unit build check deploy e2e)
  size           raw / gzip / brotli bytes of what ships, the targets, and peer widgets
                 from npm for scale (--check: fail on a missed target; --no-peers)
  bench          the router's cold start and per-message cost in wasm (Node's V8, the engine
                 inside workerd) and natively, per pack (demo, generated-1000), and what the
                 Worker's wasm holds; table + target/router-bench.json. Options: --runs N
                 (fresh processes per cold figure, default 5), --rounds N (default 20),
                 --packs demo,generated-1000. Not part of `test`.
  setup          install what is missing (wasm target, worker-build, wasm-bindgen-cli,
                 npm packages incl. Node 22; add --browser for Chromium)
  build          build the widget, the storefront assets and the Worker
  build-worker   build the Worker if it is out of date (wrangler's build command)
  fuzz [TARGET…] run the cargo-fuzz targets in fuzz/ (site_file chat_request webhook_verify
                 mask_cards; all by default) for --secs N each (default 60), one job, corpus in
                 target/fuzz-corpus/; fails if any finds a crash. Needs nightly (or falls back
                 to RUSTC_BOOTSTRAP=1); installs cargo-fuzz. Not part of `test`.
  load           a bounded load test of the chat API in workerd (open loop, fixed rate),
                 then of a fixed-JSON baseline Worker; report in target/load-report.json.
                 Options: --rate N (req/s, default 40), --secs N (default 30),
                 --handoffs PERCENT (default 20), --connections N (default 32), --no-baseline.
  inbox          run only the local inbox (agents' view: http://127.0.0.1:8788/), as the
                 `ferry-inbox` binary does. Options: --port N, --secret whsec_… (or env
                 WEBHOOK_SECRET) to verify Standard Webhooks signatures; without one it
                 accepts unsigned deliveries. `cargo xtask inbox --help` says more.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\n\x1b[1;31merror:\x1b[0m {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn flag(args: &[String], name: &str, default: u16) -> anyhow::Result<u16> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => {
            let value = args
                .get(i + 1)
                .ok_or_else(|| anyhow::anyhow!("{name} needs a port number"))?;
            value
                .parse()
                .map_err(|_| anyhow::anyhow!("{name} {value}: not a port number (1-65535)"))
        }
    }
}

fn dispatch(args: &[String]) -> anyhow::Result<()> {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("dev") => dev::run(&dev::Options {
            port: flag(rest, "--port", 8787)?,
            inbox_port: flag(rest, "--inbox-port", inbox_cli::DEFAULT_PORT)?,
        }),
        Some("test") => test::run_all(rest),
        Some("size") => {
            let tools = setup::ensure(false)?;
            if !build::widget_dir().join("ferry_widget_bg.wasm").exists() {
                build::site(&tools)?;
            }
            build::worker(&tools, false)?;
            size::report()
        }
        Some("setup") => setup::ensure(rest.iter().any(|a| a == "--browser")).map(|_| ()),
        Some("build") => {
            let tools = setup::ensure(false)?;
            build::site(&tools)?;
            build::worker(&tools, rest.iter().any(|a| a == "--force"))
        }
        Some("fuzz") => fuzz::run_cli(rest),
        Some("bench") => bench::run_cli(&bench::parse(rest)?),
        Some("build-worker") => build::worker(&setup::locate()?, false),
        Some("load") => load::run(&load::parse(rest)?),
        Some("inbox") => match inbox_cli::parse(rest, std::env::var("WEBHOOK_SECRET").ok())? {
            InboxCommand::Help => {
                print!("{}", inbox_cli::help("cargo xtask inbox"));
                Ok(())
            }
            InboxCommand::Serve(opts) => ferry_inbox::serve(opts.port, opts.secret, opts.worker),
        },
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => anyhow::bail!("unknown command `{other}`\n\n{HELP}"),
    }
}
