//! `netio-tui compare BEFORE AFTER`: two recordings of the same matrix, cell by cell,
//! as Markdown or JSON on stdout; with `--fail-on`, exit status 1 when a cell
//! regressed (for CI gates).

use std::path::Path;
use std::process::ExitCode;

use super::{BAD_INPUT, read_recording};
use crate::cli::ReportFormat;
use netio_data::compare::{FailOn, compare};

/// Prints the comparison of `after` with `before`.
pub fn run_compare(
    before: &Path,
    after: &Path,
    format: ReportFormat,
    margin: Option<f64>,
    fail_on: Option<FailOn>,
) -> ExitCode {
    let margin = margin.unwrap_or(netio_core::stats::DEFAULT_MARGIN_PCT);
    let (b_rows, a_rows) = match (read_recording(before), read_recording(after)) {
        (Ok(b), Ok(a)) => (b, a),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let names = (before.display().to_string(), after.display().to_string());
    let names = (names.0.as_str(), names.1.as_str());
    let compared = match compare(names, &b_rows, &a_rows, margin) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    match format {
        ReportFormat::Markdown => print!("{}", compared.markdown(names)),
        ReportFormat::Json => println!("{}", compared.json(names)),
    }
    match fail_on.map(|rule| compared.regressions(rule)) {
        Some(n) if n > 0 => {
            eprintln!(
                "{n} {} regressed (--fail-on)",
                if n == 1 { "cell" } else { "cells" }
            );
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}
