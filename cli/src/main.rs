//! `doorstep`: the practitioner's device, in a terminal. Every command opens the store, unlocks it
//! (passphrase from the terminal or `DOORSTEP_PASSPHRASE`), acts, and prints a table or JSON.

mod cli;
mod cmd;
mod context;
mod demo;
mod error;
mod ids;
mod labels;
mod output;
mod parse;
mod passphrase;
mod progress;
mod terminal;

use clap::Parser;
use cli::{Cli, Command};
use context::Ctx;
use output::Out;
use std::process::ExitCode;

fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Ctx {
        store: cli.store,
        out: Out { json: cli.json },
    };
    match cli.command {
        Command::Init(a) => cmd::init::run(&ctx, a),
        Command::Household(c) => cmd::household::run(&ctx, c),
        Command::Person(c) => cmd::person::run(&ctx, c),
        Command::Case(c) => cmd::case::run(&ctx, c),
        Command::Visit(c) => cmd::visit::run(&ctx, c),
        Command::Note(c) => cmd::note::run(&ctx, c),
        Command::Chronology(a) => cmd::chronology::run(&ctx, a),
        Command::Plan(a) => cmd::plan::run(&ctx, a),
        Command::Due => cmd::due::run(&ctx),
        Command::Alerts { all } => cmd::alerts::run(&ctx, all),
        Command::Calendar(c) => cmd::calendar::run(&ctx, c),
        Command::Sync => cmd::sync::run(&ctx),
        Command::Queue => cmd::queue::run(&ctx),
        Command::Verify => cmd::store_admin::verify(&ctx),
        Command::Passwd { rotate } => cmd::store_admin::passwd(&ctx, rotate),
        Command::Wipe { yes } => cmd::store_admin::wipe(&ctx, yes),
        Command::Demo => demo::run(&ctx),
    }
}

// A store of this command must never be the benchmark twin's, which keeps records unsealed.
const _: () = assert!(
    !doorstep_core::crypto::UNSEALED_BENCH_TWIN,
    "built against the unsealed benchmark twin of doorstep-core"
);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // Clap's usage text would add lines; keep its first paragraph, on one line.
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered
                .trim_start()
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let line =
                if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    "error: a command is needed".to_string()
                } else if first.is_empty() {
                    "error: invalid command line".to_string()
                } else {
                    first.join(" ")
                };
            eprintln!("{} (see --help)", terminal::neutralise(&line));
            return ExitCode::from(2);
        }
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let line = error::one_line(&e);
            if json {
                let _ = output::print_json(&error::json(&e));
            }
            eprintln!("error: {}", terminal::neutralise(&line));
            ExitCode::FAILURE
        }
    }
}
