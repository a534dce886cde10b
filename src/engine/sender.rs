//! The sender thread: send messages back to back until told to stop, publishing its
//! totals as one record after each one.

use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use super::EngineError;
use super::gate::Gate;
use super::placement::{CpuTracker, pin_current_thread};
use super::stats::{SenderStats, SenderTotals};
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
    pub cpu: Option<usize>,
    /// The network namespace senders live in (`None`: the process's own).
    pub namespace: Option<String>,
    pub stats: Arc<SenderStats>,
    pub stop: Arc<AtomicBool>,
    pub start: Arc<Gate>,
}

pub(super) fn run(job: SenderJob) -> Result<SenderEnd, EngineError> {
    let SenderJob {
        socket,
        cell,
        options,
        cpu,
        namespace,
        stats,
        stop,
        start,
    } = job;
    let entered = crate::net::enter(namespace.as_deref())
        .and_then(|()| cpu.map_or(Ok(()), pin_current_thread));
    // Built here, so the message's pages are first touched (and faulted in) by the
    // thread that sends them, before the window.
    let mut strategy = strategy::for_cell(&cell, &options);
    stats.tid.store(clock::gettid(), Relaxed);
    // Check in whatever happened: the controller waits for every worker.
    let go = start.check_in_and_wait();
    entered.map_err(EngineError::Setup)?;
    if !go {
        return Err(EngineError::Aborted);
    }
    let fd = socket.as_fd();
    let mut totals = SenderTotals::default();
    let mut tracker = CpuTracker::default();
    while !stop.load(Relaxed) {
        tracker.note(&stats.cpus);
        let t0 = clock::monotonic_ns();
        // One clock read serves as the latency stamp and the start of send_call_us.
        let calls = strategy.send_message(fd, totals.messages, t0)?;
        let spent = clock::monotonic_ns().saturating_sub(t0);
        totals.messages += 1;
        totals.send_ns += spent;
        totals.send_calls += calls;
        if let Some(z) = strategy.zero_copy() {
            totals.zc = z;
        }
        stats.publish(&totals);
    }
    strategy.finish(fd, COMPLETION_PATIENCE)?;
    if let Some(z) = strategy.zero_copy() {
        totals.zc = z;
        stats.publish(&totals);
    }
    // Tell the receiver the stream is complete; it reads to EOF.
    socket.shutdown(Shutdown::Write)?;
    Ok(SenderEnd {
        messages: totals.messages,
    })
}
