//! The `netio-tui` binary: parse the command line, pick the mode, and turn the outcome
//! into a message and an exit status (0 done, 1 failed, 2 bad input, 130 interrupted).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Parser;
use netio_tui::cli::{Cli, Command};
use netio_tui::headless::{self, Outputs, RunEnd};
use netio_tui::net::netns::{self, NetnsError};
use netio_tui::net::{NetnsPair, Network};
use netio_tui::record::RunContext;
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
    // Privilege first: nothing is created for a run that cannot happen.
    // SAFETY: geteuid has no preconditions.
    if cli.netns && unsafe { libc::geteuid() } != 0 {
        eprintln!("error: --netns needs root (try: sudo netio-tui --netns)");
        return ExitCode::from(BAD_INPUT);
    }
    let outputs = match cli
        .record
        .as_deref()
        .map(|r| Outputs::open(r, cli.samples.as_deref()))
    {
        Some(Err(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(BAD_INPUT);
        }
        Some(Ok(o)) => Some(o),
        None => None,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    if let Err(e) = install_signal_handlers(&cancel) {
        eprintln!("error: installing signal handlers: {e}");
        return ExitCode::FAILURE;
    }
    // The namespace pair lives until main returns: dropping it removes it, on every
    // way out (normal end, error, Ctrl-C, SIGTERM, a panic unwinding through here).
    let (ctx, network, _pair) = match prepare_network(&cli) {
        Ok(n) => n,
        Err(exit) => return exit,
    };
    let (Some(record), Some(outputs)) = (cli.record.clone(), outputs) else {
        return run_monitor(&cli, cancel, &ctx, &network);
    };
    match headless::run(&cli, outputs, cancel, &ctx, &network) {
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
fn run_monitor(
    cli: &Cli,
    cancel: Arc<AtomicBool>,
    ctx: &RunContext,
    network: &Network,
) -> ExitCode {
    match tui::run(cli, Arc::clone(&cancel), ctx, network) {
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

/// Loopback, or a fresh namespace pair (after removing pairs left by killed runs).
fn prepare_network(cli: &Cli) -> Result<(RunContext, Network, Option<NetnsPair>), ExitCode> {
    if !cli.netns {
        return Ok((RunContext::loopback_now(), Network::Loopback, None));
    }
    for name in netns::remove_stale() {
        eprintln!(
            "removed network namespace {name}, left behind by a netio-tui run that was killed"
        );
    }
    match NetnsPair::create(cli.mtu, cli.netem.as_deref()) {
        Ok(pair) => {
            let ctx = RunContext::now("netns", pair.measured_mtu(), pair.netem.clone());
            let network = Network::Netns(pair.path.clone());
            Ok((ctx, network, Some(pair)))
        }
        Err(e @ (NetnsError::Netem { .. } | NetnsError::NoIp)) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(BAD_INPUT))
        }
        Err(e) => {
            eprintln!("error: setting up --netns: {e}");
            Err(ExitCode::FAILURE)
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
