//! `netio-tui serve`: checks its options (the key, where to listen) before binding
//! anything, says where it listens and with which limits, then serves until stopped.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::BAD_INPUT;
use crate::remote::auth::Key;
use crate::remote::server::{ServeOptions, Server, listen_address};
use crate::remote::spec::Limits;

/// What `serve` was given on the command line.
pub struct ServeArgs<'a> {
    pub listen: Option<&'a str>,
    pub key_file: Option<&'a Path>,
    pub max_threads: u32,
    pub max_size: usize,
    pub max_duration: Duration,
    pub copy_meter: bool,
}

pub fn run_serve(args: ServeArgs<'_>) -> ExitCode {
    let key = match Key::choose(args.key_file) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let listen = match listen_address(args.listen, &key) {
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
    eprintln!(
        "serve: listening on {at} (protocol {}; {}; at most {} threads, {} B messages, {} s cells; {})",
        crate::remote::message::VERSION,
        if key.is_none() {
            "no key: loopback only"
        } else {
            "key required"
        },
        limits.max_threads,
        limits.max_size,
        limits.max_duration_s,
        server.meter_words(),
    );
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
