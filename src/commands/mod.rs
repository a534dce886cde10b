//! The binary's commands, one module each: measure (the monitor or `--record`),
//! report, replay, plot, doctor, and completions and man (`ecosystem.rs`). Each turns its outcome into a message and an exit
//! status (0 done, 1 failed, 2 bad input, 128 + the signal's number when a signal stopped
//! it: 130 for SIGINT or the monitor's Ctrl-C); `main` only parses and
//! dispatches.

mod compare;
mod doctor;
mod ecosystem;
mod measure;
mod plot;
mod replay;
mod report;
mod serve;

use std::process::ExitCode;

pub use compare::run_compare;
pub use doctor::run_doctor;
pub use ecosystem::{run_completions, run_man};
pub use measure::run_measure;
pub use plot::run_plot;
pub use replay::run_replay;
pub use report::run_report;
pub use serve::{ServeArgs, run_keygen, run_serve};

/// Exit status of input the tool refuses (an option, a file).
pub const BAD_INPUT: u8 = 2;

/// What a file given to `report`, `plot` or `replay` must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One row per finished cell (`--record`).
    Recording,
    /// One row per second (`--samples`).
    Samples,
}

/// Whether `rows` are a samples file's (each row is one second of a cell).
fn is_samples(rows: &[netio_core::row::Row]) -> bool {
    rows.iter().any(|r| r.phase.is_some() || r.second.is_some())
}

/// Reads a recording, or says in one line what is wrong with it (exit 2).
pub(crate) fn read_recording(
    file: &std::path::Path,
) -> Result<Vec<netio_core::row::Row>, ExitCode> {
    read_kind(file, Kind::Recording)
}

/// Reads a file that must be of `kind`, or says in one line what is wrong (exit 2):
/// a samples file given as a recording (or the other way round) would give wrong
/// answers without an error.
pub(crate) fn read_kind(
    file: &std::path::Path,
    kind: Kind,
) -> Result<Vec<netio_core::row::Row>, ExitCode> {
    let recording = netio_data::record::read_recording(file).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(BAD_INPUT)
    })?;
    let samples = is_samples(&recording.rows);
    if kind == Kind::Recording && samples {
        eprintln!(
            "error: {}: this is a per-second samples file; give the recording (the file \
             --record wrote) and pass this one to replay with --samples",
            file.display()
        );
        return Err(ExitCode::from(BAD_INPUT));
    }
    if kind == Kind::Samples && !samples && !recording.rows.is_empty() {
        eprintln!(
            "error: {}: --samples needs a per-second file (the one --samples wrote), and \
             this is a recording of finished cells",
            file.display()
        );
        return Err(ExitCode::from(BAD_INPUT));
    }
    if recording.ignored_tail_bytes > 0 {
        eprintln!(
            "note: {}: ignored the last {} bytes, an incomplete row (the run was cut short?); read {} whole rows",
            file.display(),
            recording.ignored_tail_bytes,
            recording.rows.len()
        );
    }
    Ok(recording.rows)
}

/// Help and version go to stdout with status 0; every other parse error is one line on
/// stderr naming the option, status 2.
pub fn clap_exit(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            // clap's message is a paragraph (sometimes the option is on its second
            // line), then tips and usage: keep the first paragraph on one line, with
            // clap's "did you mean" tip after it.
            let text = e.to_string();
            let first: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let tips: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| l.starts_with("tip:") && l.contains(" similar "))
                .collect();
            match tips.is_empty() {
                true => eprintln!("{}", first.join(" ")),
                false => eprintln!("{} ({})", first.join(" "), tips.join("; ")),
            }
            ExitCode::from(BAD_INPUT)
        }
    }
}
