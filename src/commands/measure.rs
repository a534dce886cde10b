//! Measuring: the live monitor, or headless with `--record`. Checks come first
//! (privilege, options against the machine, output files), then the path is set up
//! through its registry entry; nothing is created for a run that cannot happen.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::BAD_INPUT;
use crate::cli::Cli;
use crate::headless::{self, Outputs, RunEnd};
use crate::monitor::tui;
use crate::monitor::ui::ThemeKind;
use crate::paths::{PathError, PathOptions, Prepared, RemoteTarget};
use crate::plan::RunPlan;
use crate::signals;
use netio_core::engine::Network;
use netio_core::row::RunContext;
use netio_data::summary;
use netio_remote::auth::Key;

/// Measures what `cli` asks for, in the monitor or into its `--record` file. The
/// command line becomes a run plan here; nothing below sees `Cli`.
pub fn run_measure(cli: &Cli) -> ExitCode {
    if let Err(msg) = cli.check_combinations() {
        eprintln!("error: {msg}");
        return ExitCode::from(BAD_INPUT);
    }
    let mut plan = cli.plan();
    // Privilege first: nothing is created for a run that cannot happen.
    // SAFETY: geteuid has no preconditions.
    if let Some(why) = plan.path.kind.entry().needs_root
        && unsafe { libc::geteuid() } != 0
    {
        eprintln!("error: {why}");
        return ExitCode::from(BAD_INPUT);
    }
    if let Err(msg) = crate::preflight::check(&mut plan) {
        eprintln!("error: {msg}");
        return ExitCode::from(BAD_INPUT);
    }
    // The key is read (and its file's mode checked) before anything connects.
    let remote = match &plan.path.remote {
        Some(ask) => match Key::choose(ask.key_file.as_deref()) {
            Err(e @ netio_remote::auth::KeyError::Missing) => {
                eprintln!("error: --remote {}: {e}", ask.target);
                return ExitCode::from(BAD_INPUT);
            }
            Ok(key) => Some(RemoteTarget {
                target: ask.target.clone(),
                key,
                reverse: ask.reverse,
            }),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(BAD_INPUT);
            }
        },
        None => None,
    };
    if let Some(path) = &plan.outputs.summary
        && std::fs::symlink_metadata(path).is_ok()
    {
        eprintln!(
            "error: --summary {}: already exists; choose a new file",
            path.display()
        );
        return ExitCode::from(BAD_INPUT);
    }
    if plan.outputs.record.is_none() && !std::io::stdout().is_terminal() {
        eprintln!("error: {}", tui::NotATerminal);
        return ExitCode::from(BAD_INPUT);
    }
    // Checked now, created only once the path is ready: a refusal leaves no file.
    let out = &plan.outputs;
    let outputs = match out
        .record
        .as_deref()
        .map(|r| Outputs::check(r, out.samples.as_deref(), out.format))
    {
        Some(Err(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(BAD_INPUT);
        }
        Some(Ok(o)) => Some(o),
        None => None,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    if let Err(e) = signals::install(&cancel) {
        eprintln!("error: installing signal handlers: {e}");
        return ExitCode::FAILURE;
    }
    // The namespace pair lives until main returns: dropping it removes it, on every
    // way out (normal end, error, Ctrl-C, SIGTERM, a panic unwinding through here).
    let Prepared {
        mut ctx,
        network,
        guard: _guard,
    } = match prepare_path(&plan, remote) {
        Ok(p) => p,
        Err(exit) => return exit,
    };
    ctx.rounded_sizes = plan.rounded_sizes.clone();
    let outputs = match outputs.map(|o| o.create()).transpose() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let (Some(record), Some(outputs)) = (plan.outputs.record.clone(), outputs) else {
        return run_monitor(
            &plan,
            (cli.look.no_color, cli.look.theme),
            cancel,
            &ctx,
            &network,
        );
    };
    match headless::run(&plan, outputs, cancel, &ctx, &network) {
        Ok(RunEnd::Completed) => ExitCode::SUCCESS,
        Ok(RunEnd::Interrupted) => {
            let place = if netio_data::record::is_stdout(&record) {
                "what went to stdout".to_string()
            } else {
                record.display().to_string()
            };
            eprintln!("interrupted: finished cells are in {place}");
            ExitCode::from(signals::exit_status())
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
    plan: &RunPlan,
    (no_color, theme): (bool, ThemeKind),
    cancel: Arc<AtomicBool>,
    ctx: &RunContext,
    network: &Network,
) -> ExitCode {
    match tui::run(plan, no_color, theme, Arc::clone(&cancel), ctx, network) {
        Ok(tui::Ended { rows, recorded }) => {
            if rows.is_empty() {
                println!("netio-tui: no cell finished, nothing to summarize");
            } else {
                let machine = summary::machine_line(ctx);
                let table = summary::table(&rows);
                let height = ratatui::crossterm::terminal::size().map_or(24, |(_, h)| h);
                // The machine line and one line per recording above and below the table.
                let room = usize::from(height).saturating_sub(1 + recorded.len());
                print!("{machine}\n{}", summary::fit(&table, room));
                if let Some(path) = &plan.outputs.summary
                    && let Err(e) = std::fs::write(path, format!("{machine}\n{table}"))
                {
                    eprintln!("error: --summary {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
            for (path, n) in &recorded {
                println!(
                    "recorded {n} {} to {}",
                    if *n == 1 { "row" } else { "rows" },
                    path.display()
                );
            }
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                ExitCode::from(signals::exit_status())
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

/// The path the run takes, set up through its registry entry.
fn prepare_path(plan: &RunPlan, remote: Option<RemoteTarget>) -> Result<Prepared, ExitCode> {
    let options = PathOptions {
        mtu: plan.path.mtu,
        netem: plan.path.netem.clone(),
        remote,
    };
    (plan.path.kind.entry().prepare)(&options).map_err(|e| {
        eprintln!("error: {e}");
        match e {
            PathError::BadInput(_) => ExitCode::from(BAD_INPUT),
            PathError::Failed(_) => ExitCode::FAILURE,
        }
    })
}
