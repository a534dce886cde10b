//! `netio-tui report FILE`: the answers a recording supports, as Markdown (or JSON
//! with `--format json`) on stdout.

use std::process::ExitCode;

use super::read_recording;
use crate::cli::ReportFormat;

/// Prints the report of `file`.
pub fn run_report(file: &std::path::Path, format: ReportFormat, margin: Option<f64>) -> ExitCode {
    let margin = margin.unwrap_or(netio_core::stats::DEFAULT_MARGIN_PCT);
    let rows = match read_recording(file) {
        Ok(rows) => rows,
        Err(code) => return code,
    };
    let name = file.display().to_string();
    match format {
        ReportFormat::Markdown => print!(
            "{}",
            netio_data::report::report_with_margin(&name, &rows, margin)
        ),
        ReportFormat::Json => println!(
            "{}",
            netio_data::report::report_json_with_margin(&name, &rows, margin)
        ),
    }
    ExitCode::SUCCESS
}
