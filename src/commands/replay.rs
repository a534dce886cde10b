//! `netio-tui replay FILE [--samples FILE]`: the monitor showing a recording.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::{BAD_INPUT, Kind, read_kind, read_recording};
use crate::monitor::tui;
use crate::signals;

/// Replays `file` (and its seconds from `samples`) in the monitor.
pub fn run_replay(
    file: &std::path::Path,
    samples: Option<&std::path::Path>,
    no_color: bool,
    theme: crate::monitor::ui::ThemeKind,
) -> ExitCode {
    let cells = match read_recording(file) {
        Ok(rows) => rows,
        Err(code) => return code,
    };
    let seconds = match samples.map(|f| read_kind(f, Kind::Samples)).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(code) => return code,
    };
    // The monitor shows one setup: rows measured under another would be taken as
    // rounds of the same cells.
    let setups = netio_core::row::setups(&cells);
    if setups.len() > 1 {
        let labels: Vec<String> = setups.iter().map(|s| s.label_among(&setups)).collect();
        eprintln!(
            "error: {}: holds rows of {} setups ({}); replay shows one: record them to separate \
             files, or read them all with: netio-tui report {}",
            file.display(),
            setups.len(),
            labels.join("; "),
            file.display(),
        );
        return ExitCode::from(BAD_INPUT);
    }
    // Another run's seconds would be shown as this run's.
    if let Some(stray) = seconds
        .iter()
        .find(|s| !cells.iter().any(|c| c.run_id == s.run_id))
    {
        eprintln!(
            "error: --samples {}: its seconds are from run {}, not from a run in {} (runs {}); \
             give the samples file written with this recording",
            samples.map_or(String::new(), |p| p.display().to_string()),
            stray.run_id,
            file.display(),
            run_ids(&cells),
        );
        return ExitCode::from(BAD_INPUT);
    }
    let cancel = Arc::new(AtomicBool::new(false));
    if let Err(e) = signals::install(&cancel) {
        eprintln!("error: installing signal handlers: {e}");
        return ExitCode::FAILURE;
    }
    match tui::replay(
        &file.display().to_string(),
        &cells,
        seconds,
        no_color,
        theme,
        cancel,
    ) {
        Ok(()) if signals::caught().is_some() => ExitCode::from(signals::exit_status()),
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

/// The distinct run ids of `rows`, for a message.
fn run_ids(rows: &[netio_core::row::Row]) -> String {
    let mut ids: Vec<&str> = rows.iter().map(|r| r.run_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.join(", ")
}
