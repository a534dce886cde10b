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
    match &cli.command {
        Some(Command::Doctor { json }) => return run_doctor(*json),
        Some(Command::Report { file }) => return run_report(file),
        Some(Command::Replay { file, samples }) => {
            return run_replay(file, samples.as_deref(), cli.no_color);
        }
        Some(Command::Plot {
            file,
            out_dir,
            format,
            python,
        }) => return run_plot(file, out_dir, *format, python.as_deref()),
        None => {}
    }
    // Privilege first: nothing is created for a run that cannot happen.
    // SAFETY: geteuid has no preconditions.
    if cli.netns && unsafe { libc::geteuid() } != 0 {
        eprintln!("error: --netns needs root (try: sudo netio-tui --netns)");
        return ExitCode::from(BAD_INPUT);
    }
    if let Err(msg) = netio_tui::preflight::check(&cli) {
        eprintln!("error: {msg}");
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
    let (mut ctx, network, _pair) = match prepare_network(&cli) {
        Ok(n) => n,
        Err(exit) => return exit,
    };
    ctx.rounded_sizes = cli.rounded_sizes();
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

/// Reads a recording, or says in one line what is wrong with it (exit 2).
fn read_recording(file: &std::path::Path) -> Result<Vec<netio_tui::record::Row>, ExitCode> {
    netio_tui::record::read_rows(file).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(BAD_INPUT)
    })
}

fn run_report(file: &std::path::Path) -> ExitCode {
    match read_recording(file) {
        Ok(rows) => {
            print!(
                "{}",
                netio_tui::report::report(&file.display().to_string(), &rows)
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

fn run_replay(
    file: &std::path::Path,
    samples: Option<&std::path::Path>,
    no_color: bool,
) -> ExitCode {
    let cells = match read_recording(file) {
        Ok(rows) => rows,
        Err(code) => return code,
    };
    let seconds = match samples.map(read_recording).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(code) => return code,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    if let Err(e) = install_signal_handlers(&cancel) {
        eprintln!("error: installing signal handlers: {e}");
        return ExitCode::FAILURE;
    }
    match tui::replay(
        &file.display().to_string(),
        &cells,
        seconds,
        no_color,
        cancel,
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<tui::NotATerminal>() => {
            eprintln!(
                "error: replay needs a terminal on stdout; for text use: netio-tui report FILE"
            );
            ExitCode::from(BAD_INPUT)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(BAD_INPUT)
        }
    }
}

fn run_plot(
    file: &std::path::Path,
    out_dir: &std::path::Path,
    format: netio_tui::cli::ImageFormat,
    python: Option<&std::path::Path>,
) -> ExitCode {
    let rows = match read_recording(file) {
        Ok(rows) => rows,
        Err(code) => return code,
    };
    if rows.is_empty() {
        eprintln!("error: {}: no rows to plot", file.display());
        return ExitCode::from(BAD_INPUT);
    }
    let outcome = netio_tui::plot::plot_all(&rows, out_dir, format).and_then(|written| {
        if let Some(py) = python {
            netio_tui::plot::write_python(&rows, py, out_dir)?;
            eprintln!("wrote {}", py.display());
        }
        Ok(written)
    });
    match outcome {
        Ok(plot) => {
            for note in &plot.skipped {
                eprintln!("skipped: {note}");
            }
            for path in &plot.written {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
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
