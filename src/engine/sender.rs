//! The sender thread: send messages back to back until told to stop, publishing totals
//! after each one.

use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use super::EngineError;
use super::gate::Gate;
use super::stats::SenderStats;
use crate::clock;
use crate::matrix::Cell;
use crate::strategy::{self, StrategyOptions};

/// How long a zero-copy sender waits at the end for completions still outstanding.
pub const COMPLETION_PATIENCE: Duration = Duration::from_secs(1);

/// What a sender knows when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderEnd {
    pub messages: u64,
}

pub(super) struct SenderJob {
    pub socket: TcpStream,
    pub cell: Cell,
    pub options: StrategyOptions,
    /// The network namespace senders live in (`None`: the process's own).
    pub namespace: Option<String>,
    pub wire_len: u64,
    pub stats: Arc<SenderStats>,
    pub stop: Arc<AtomicBool>,
    pub start: Arc<Gate>,
}

pub(super) fn run(job: SenderJob) -> Result<SenderEnd, EngineError> {
    let SenderJob {
        socket,
        cell,
        options,
        namespace,
        wire_len,
        stats,
        stop,
        start,
    } = job;
    let entered = crate::net::enter(namespace.as_deref());
    // Built here, so the message's pages are first touched (and faulted in) by the
    // thread that sends them.
    let mut strategy = strategy::for_cell(&cell, &options);
    stats.tid.store(clock::gettid(), Relaxed);
    // Check in whatever happened: the controller waits for every worker.
    let go = start.check_in_and_wait();
    entered.map_err(EngineError::Setup)?;
    if !go {
        return Err(EngineError::Aborted);
    }
    let fd = socket.as_fd();
    let mut seq = 0u64;
    while !stop.load(Relaxed) {
        let t0 = clock::monotonic_ns();
        // One clock read serves as the latency stamp and the start of send_call_us.
        let calls = strategy.send_message(fd, seq, t0)?;
        let spent = clock::monotonic_ns().saturating_sub(t0);
        seq += 1;
        stats.messages.store(seq, Relaxed);
        stats.wire_bytes.fetch_add(wire_len, Relaxed);
        stats.send_ns.fetch_add(spent, Relaxed);
        stats.send_calls.fetch_add(calls, Relaxed);
        if let Some(z) = strategy.zero_copy() {
            stats.store_zero_copy(&z);
        }
    }
    strategy.finish(fd, COMPLETION_PATIENCE)?;
    if let Some(z) = strategy.zero_copy() {
        stats.store_zero_copy(&z);
    }
    // Tell the receiver the stream is complete; it reads to EOF.
    socket.shutdown(Shutdown::Write)?;
    Ok(SenderEnd { messages: seq })
}
