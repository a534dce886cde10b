//! The `netio-tui` binary: parse the command line and hand it to its command
//! (`netio_tui::commands`), which turns the outcome into a message and an exit status.

use std::process::ExitCode;

use clap::Parser;
use netio_tui::cli::{Cli, Command};
use netio_tui::commands;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return commands::clap_exit(e),
    };
    match &cli.command {
        Some(Command::Doctor { json }) => commands::run_doctor(*json),
        Some(Command::Report {
            file,
            format,
            margin,
        }) => commands::run_report(file, *format, *margin),
        Some(Command::Compare {
            before,
            after,
            format,
            margin,
            fail_on,
        }) => commands::run_compare(before, after, *format, *margin, *fail_on),
        Some(Command::Replay {
            file,
            samples,
            look,
        }) => commands::run_replay(file, samples.as_deref(), look.no_color, look.theme),
        Some(Command::Plot {
            file,
            out_dir,
            format,
            python,
        }) => commands::run_plot(file, out_dir, *format, python.as_deref()),
        Some(Command::Completions { shell }) => commands::run_completions(*shell),
        Some(Command::Man) => commands::run_man(),
        Some(Command::Keygen { file }) => commands::run_keygen(file),
        Some(Command::Serve {
            listen,
            key_file,
            max_threads,
            max_size,
            max_duration,
            no_copy_meter,
        }) => commands::run_serve(commands::ServeArgs {
            listen: listen.as_deref(),
            key_file: key_file.as_deref(),
            max_threads: *max_threads,
            max_size: *max_size,
            max_duration: *max_duration,
            copy_meter: !*no_copy_meter,
        }),
        None => commands::run_measure(&cli),
    }
}
