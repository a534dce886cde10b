//! `netio-tui serve`: checks its options (the key, where to listen) before binding
//! anything, says where it listens and with which limits, then serves until stopped.
//! `netio-tui keygen FILE`: the key both hosts hold.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::BAD_INPUT;
use netio_remote::auth::Key;
use netio_remote::server::{ServeOptions, Server, listen_address};
use netio_remote::spec::Limits;

/// What `serve` was given on the command line.
pub struct ServeArgs<'a> {
    pub listen: Option<&'a str>,
    pub key_file: Option<&'a Path>,
    pub max_threads: u32,
    pub max_size: usize,
    pub max_duration: Duration,
    pub copy_meter: bool,
}

/// Writes a new key to `file`.
pub fn run_keygen(file: &Path) -> ExitCode {
    match Key::write_new(file) {
        Ok(_) => {
            eprintln!(
                "wrote a new key to {} (mode 600): copy it to the other host, and give --key-file {} on both",
                file.display(),
                file.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "error: keygen {}: already exists; choose a new file (a key is never overwritten)",
                file.display()
            );
            ExitCode::from(BAD_INPUT)
        }
        Err(e) => {
            eprintln!("error: keygen {}: {e}", file.display());
            ExitCode::from(BAD_INPUT)
        }
    }
}

pub fn run_serve(args: ServeArgs<'_>) -> ExitCode {
    let key = match Key::choose(args.key_file) {
        // Anyone who reaches the port, another local user included, could run cells.
        Err(e @ netio_remote::auth::KeyError::Missing) => {
            eprintln!("error: serve needs a key: {e}");
            return ExitCode::from(BAD_INPUT);
        }
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let listen = match listen_address(args.listen) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let limits = Limits {
        max_threads: args.max_threads,
        max_size: args.max_size as u64,
        max_duration_s: args.max_duration.as_secs().max(1),
    };
    let server = match Server::bind(ServeOptions {
        listen,
        key: key.clone(),
        limits,
        copy_meter: args.copy_meter,
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let at = server.local_addr().unwrap_or(listen);
    let fds = netio_remote::server::raise_fd_limit();
    eprintln!(
        "serve: listening on {at} (protocol {}; key required; at most {} threads, {} messages, {} s cells; {}; {} open files)",
        netio_remote::protocol::VERSION,
        limits.max_threads,
        netio_core::matrix::format_size(limits.max_size as usize),
        limits.max_duration_s,
        server.meter_words(),
        fds.map_or("unknown".into(), |n| n.to_string()),
    );
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
