//! Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT all lead to the same clean stop. The
//! first sets the run's cancel flag (the terminal is restored, the cell in progress is
//! dropped, finished rows are kept, namespaces and links are removed) and is remembered
//! for the exit status, 128 + its number. A second one says "cleaning up, please wait"
//! and lets the cleanup finish; a third exits at once, still restoring the terminal.
//! The monitor's Ctrl-C key counts as SIGINT.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering::SeqCst};

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

/// The signals that stop a run.
pub const HANDLED: [i32; 4] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT];

/// The first signal that stopped the run (0: none).
static CAUGHT: AtomicI32 = AtomicI32::new(0);
/// Signals received so far.
static RECEIVED: AtomicU32 = AtomicU32::new(0);
/// The monitor holds the terminal (raw mode, alternate screen).
static TERMINAL_HELD: AtomicBool = AtomicBool::new(false);

/// What to do about the `n`-th signal (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// Stop cleanly.
    Stop,
    /// Say the cleanup is running and let it finish.
    PleaseWait,
    /// Restore the terminal and exit now.
    ExitNow,
}

/// The response to the `n`-th signal.
pub fn response(n: u32) -> Response {
    match n {
        0 | 1 => Response::Stop,
        2 => Response::PleaseWait,
        _ => Response::ExitNow,
    }
}

/// Starts the thread that turns the signals into `cancel` (it lives as long as the
/// process: signals can come at any time).
pub fn install(cancel: &Arc<AtomicBool>) -> io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(HANDLED)?;
    let cancel = Arc::clone(cancel);
    std::thread::Builder::new()
        .name("nio-signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                let n = RECEIVED.fetch_add(1, SeqCst) + 1;
                match response(n) {
                    Response::Stop => stop(sig, &cancel),
                    Response::PleaseWait => {
                        eprintln!("cleaning up, please wait (a third signal exits at once)")
                    }
                    Response::ExitNow => {
                        restore_terminal();
                        std::process::exit(exit_status().into());
                    }
                }
            }
        })?;
    Ok(())
}

/// Stops the run as signal `sig` would (the monitor's Ctrl-C key uses SIGINT).
pub fn stop(sig: i32, cancel: &AtomicBool) {
    let _ = CAUGHT.compare_exchange(0, sig, SeqCst, SeqCst);
    cancel.store(true, SeqCst);
}

/// The signal that stopped the run, if one did.
pub fn caught() -> Option<i32> {
    let sig = CAUGHT.load(SeqCst);
    (sig != 0).then_some(sig)
}

/// The exit status of a run stopped by a signal: 128 + its number (130 for SIGINT).
pub fn exit_status() -> u8 {
    let sig = caught().unwrap_or(SIGINT);
    u8::try_from(128 + sig).unwrap_or(130)
}

/// The monitor took (true) or gave back (false) the terminal.
pub fn terminal_held(held: bool) {
    TERMINAL_HELD.store(held, SeqCst);
}

/// Gives the terminal back if the monitor holds it (raw mode off, main screen, cursor).
pub fn restore_terminal() {
    if TERMINAL_HELD.swap(false, SeqCst) {
        // Mouse reports off first, or the shell would receive them as text.
        let _ = ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::DisableMouseCapture
        );
        ratatui::restore();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_signal_waits_and_the_third_exits() {
        assert_eq!(response(1), Response::Stop);
        assert_eq!(response(2), Response::PleaseWait);
        assert_eq!(response(3), Response::ExitNow);
        assert_eq!(response(9), Response::ExitNow);
    }
}
