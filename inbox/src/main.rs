//! `ferry-inbox`: the local inbox on its own (`ferry-inbox --help`). Exit status 2 for a bad
//! command line, 1 when the inbox cannot start or stops.

use std::process::ExitCode;

use ferry_inbox::cli::{self, Command};

const PROGRAM: &str = "ferry-inbox";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::parse(&args, std::env::var("WEBHOOK_SECRET").ok()) {
        Ok(Command::Help) => {
            print!("{}", cli::help(PROGRAM));
            ExitCode::SUCCESS
        }
        Ok(Command::Serve(opts)) => match ferry_inbox::serve(opts.port, opts.secret, opts.worker) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{PROGRAM}: error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!(
                "{PROGRAM}: error: {e:#}\n\nUsage: {PROGRAM} [--port N] [--secret KEYS] [--worker URL] \
                 (`{PROGRAM} --help` says more)"
            );
            ExitCode::from(2)
        }
    }
}
