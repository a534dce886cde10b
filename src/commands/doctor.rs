//! `netio-tui doctor [--json]`: what this machine can measure.

use std::process::ExitCode;

use crate::doctor;

/// Prints what the machine can measure; always status 0 (it reports, it does not judge).
pub fn run_doctor(json: bool) -> ExitCode {
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
