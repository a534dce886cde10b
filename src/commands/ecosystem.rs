//! `netio-tui completions SHELL` and `netio-tui man`: the shell completion script
//! (clap_complete) and the manual page (clap_mangen), both generated from the same
//! command line the binary parses, so they never disagree with `--help`.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;

/// Prints `shell`'s completion script on stdout.
pub fn run_completions(shell: clap_complete::Shell) -> ExitCode {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "netio-tui", &mut out);
    print_all(&out)
}

/// Prints the manual page (roff) on stdout.
pub fn run_man() -> ExitCode {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => print_all(&out),
        Err(e) => {
            eprintln!("error: rendering the manual page: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_all(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}
