//! `netio-tui report FILE`: the answers a recording supports, as Markdown on stdout.

use std::process::ExitCode;

use super::read_recording;

/// Prints the report of `file`.
pub fn run_report(file: &std::path::Path) -> ExitCode {
    match read_recording(file) {
        Ok(rows) => {
            print!(
                "{}",
                crate::report::report(&file.display().to_string(), &rows)
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}
