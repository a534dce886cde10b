//! The sender thread: enters its namespace and CPU, builds its strategy, waits at the
//! start gate, then hands a [`SendLoop`] to the cell's workload until told to stop,
//! and closes its half of the stream.

use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{
    AtomicBool,
    Ordering::{Relaxed, Release},
};
use std::time::Duration;

use super::EngineError;
use super::gate::Gate;
use super::placement::pin_current_thread;
use crate::clock;
use crate::matrix::Cell;
use crate::net::sockopt;
use crate::strategy::StrategyOptions;
use crate::worker::published::{FINISHED, FINISHING, SenderStats};
use crate::worker::{LoopPlan, SendLoop};

/// How long an `rr` sender's blocked read of a reply lasts before it looks at the stop
/// flag again.
const REPLY_POLL: Duration = Duration::from_millis(100);

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
    /// What the workload needs (replies, pacing).
    pub plan: LoopPlan,
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
        plan,
        stats,
        stop,
        start,
    } = job;
    let entered = crate::net::enter(namespace.as_deref())
        .and_then(|()| cpu.map_or(Ok(()), pin_current_thread));
    // Built here, so the message's pages are first touched (and faulted in) by the
    // thread that sends them, before the window.
    let mut strategy = (cell.strategy.entry().build)(cell.size.get(), &options);
    let replies = if plan.response_size > 0 {
        // A reply wakes the sender whole, and a stop is seen within REPLY_POLL.
        sockopt::set_rcvlowat(socket.as_fd(), plan.response_size)
            .and_then(|()| socket.set_read_timeout(Some(REPLY_POLL)))
    } else {
        Ok(())
    };
    let fd = socket.as_fd();
    // Its reply buffer and histograms are allocated and touched before the gate.
    let mut l = SendLoop::new(strategy.as_mut(), fd, &stats, &stop, plan);
    stats.tid.store(clock::gettid(), Relaxed);
    stats
        .cookie
        .store(sockopt::cookie(fd).unwrap_or(0), Relaxed);
    // Check in whatever happened: the controller waits for every worker.
    let go = start.check_in_and_wait();
    entered.map_err(EngineError::io("entering the sender's namespace or CPU"))?;
    replies.map_err(EngineError::io("setting up the sender's reply reads"))?;
    if !go {
        return Err(EngineError::Aborted);
    }
    (cell.workload.entry().drive)(&mut l)?;
    let mut totals = l.finish();
    stats.phase.store(FINISHING, Release);
    strategy.finish(fd, COMPLETION_PATIENCE)?;
    if let Some(z) = strategy.zero_copy() {
        totals.zc = z;
        stats.publish(&totals);
    }
    // Buffers the kernel may still reference are unmapped here, never freed to the
    // allocator (the strategy's memory is `MappedBuf`): queued data keeps its bytes.
    drop(strategy);
    stats.phase.store(FINISHED, Release);
    // Tell the receiver the stream is complete; it reads to EOF.
    socket
        .shutdown(Shutdown::Write)
        .map_err(EngineError::io("shutdown"))?;
    Ok(SenderEnd {
        messages: totals.messages,
    })
}
