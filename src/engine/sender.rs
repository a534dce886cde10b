//! The sender thread: send messages back to back until told to stop, publishing its
//! totals as one record after each one.

use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use super::EngineError;
use super::gate::Gate;
use super::placement::{CpuTracker, pin_current_thread};
use super::stats::{SenderStats, SenderTotals};
use crate::clock;
use crate::matrix::Cell;
use crate::strategy::{self, SendStrategy, StrategyOptions};
use crate::workload::Workload;

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
    pub workload: Workload,
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
        workload,
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
    entered.map_err(EngineError::io("entering the sender's namespace or CPU"))?;
    if !go {
        return Err(EngineError::Aborted);
    }
    let fd = socket.as_fd();
    let mut l = SendLoop {
        strategy: strategy.as_mut(),
        fd,
        stats: &stats,
        stop: &stop,
        totals: SenderTotals::default(),
        tracker: CpuTracker::default(),
    };
    (workload.entry().drive)(&mut l)?;
    let mut totals = l.totals;
    strategy.finish(fd, COMPLETION_PATIENCE)?;
    if let Some(z) = strategy.zero_copy() {
        totals.zc = z;
        stats.publish(&totals);
    }
    // Tell the receiver the stream is complete; it reads to EOF.
    socket
        .shutdown(Shutdown::Write)
        .map_err(EngineError::io("shutdown"))?;
    Ok(SenderEnd {
        messages: totals.messages,
    })
}

/// What a workload drives: one sender's strategy on its socket, and the totals it
/// publishes. A workload decides when to send; [`SendLoop::send_one`] is the only way
/// to send, so every workload is measured the same way.
pub struct SendLoop<'a> {
    strategy: &'a mut dyn SendStrategy,
    fd: BorrowedFd<'a>,
    stats: &'a SenderStats,
    stop: &'a AtomicBool,
    totals: SenderTotals,
    tracker: CpuTracker,
}

impl SendLoop<'_> {
    /// True once the controller asked the senders to stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Relaxed)
    }

    /// Sends the next message whole, stamped with the time the operation began, and
    /// publishes the totals (one clock read before, one after).
    pub fn send_one(&mut self) -> Result<(), EngineError> {
        self.tracker.note(&self.stats.cpus);
        let t0 = clock::monotonic_ns();
        let calls = self
            .strategy
            .send_message(self.fd, self.totals.messages, t0)?;
        let spent = clock::monotonic_ns().saturating_sub(t0);
        self.totals.messages += 1;
        self.totals.send_ns += spent;
        self.totals.send_calls += calls;
        if let Some(z) = self.strategy.zero_copy() {
            self.totals.zc = z;
        }
        self.stats.publish(&self.totals);
        Ok(())
    }
}
