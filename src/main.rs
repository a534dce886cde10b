//! The `netio-tui` binary: parse the command line, pick the mode, and turn the outcome
//! into a message and an exit status (0 done, 1 failed, 2 bad input, 130 interrupted).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Parser;
use netio_tui::cli::{Cli, Command};
use netio_tui::headless::{self, Outputs, RunEnd};
use netio_tui::{doctor, summary, tui};

const BAD_INPUT: u8 = 2;
const INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    if let Some(Command::Doctor { json }) = &cli.command {
        return run_doctor(*json);
    }
    let cancel = Arc::new(AtomicBool::new(false));
    if let Err(e) = install_signal_handlers(&cancel) {
        eprintln!("error: installing signal handlers: {e}");
        return ExitCode::FAILURE;
    }
    let Some(record) = cli.record.clone() else {
        return run_monitor(&cli, cancel);
    };
    let outputs = match Outputs::open(&record, cli.samples.as_deref()) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    match headless::run(&cli, outputs, cancel) {
        Ok(RunEnd::Completed) => ExitCode::SUCCESS,
        Ok(RunEnd::Interrupted) => {
            eprintln!("interrupted: finished cells are in {}", record.display());
            ExitCode::from(INTERRUPTED)
        }
        Ok(RunEnd::Failed(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The live monitor; on quit, a summary of what was measured goes to stdout.
fn run_monitor(cli: &Cli, cancel: Arc<AtomicBool>) -> ExitCode {
    match tui::run(cli, Arc::clone(&cancel)) {
        Ok(rows) => {
            if rows.is_empty() {
                println!("netio-tui: no cell finished, nothing to summarize");
            } else {
                print!("{}", summary::table(&rows));
            }
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                ExitCode::from(INTERRUPTED)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) if e.is::<tui::NotATerminal>() => {
            eprintln!("error: {e}");
            ExitCode::from(BAD_INPUT)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints what the machine can measure; always status 0 (it reports, it does not judge).
fn run_doctor(json: bool) -> ExitCode {
    let report = doctor::examine();
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", doctor::render_text(&report));
    }
    ExitCode::SUCCESS
}

/// The first signal asks the run to stop cleanly (finished rows kept); a second one
/// exits at once.
fn install_signal_handlers(cancel: &Arc<AtomicBool>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    for sig in [SIGINT, SIGTERM] {
        flag::register_conditional_shutdown(sig, i32::from(INTERRUPTED), Arc::clone(cancel))?;
        flag::register(sig, Arc::clone(cancel))?;
    }
    Ok(())
}

/// Help and version go to stdout with status 0; every other parse error is one line on
/// stderr naming the option, status 2.
fn clap_exit(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            // clap's message is a paragraph (sometimes the option is on its second
            // line), then tips and usage: keep the first paragraph, on one line.
            let text = e.to_string();
            let first: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{}", first.join(" "));
            ExitCode::from(BAD_INPUT)
        }
    }
}
