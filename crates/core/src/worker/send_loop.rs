//! What a workload drives: one sender's strategy on its socket, the totals it
//! publishes, and what the workloads need beyond a send: `rr`'s replies and round
//! trips, `rate`'s due-time stamps and pacing error. A workload decides when to send;
//! [`SendLoop::send_one`] and [`SendLoop::send_at`] are the only ways to send, so every
//! workload is measured the same way.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use super::WorkerError;
use super::cpus::CpuTracker;
use super::published::{SenderStats, SenderTotals};
use crate::clock;
use crate::strategy::SendStrategy;

/// How long a stopped `rr` sender waits for the replies still owed.
const REPLY_PATIENCE_NS: u64 = 1_000_000_000;

/// What the sender's workload needs besides its strategy and socket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoopPlan {
    /// `rr`: requests in flight, and the reply's length (0: no replies).
    pub depth: usize,
    pub response_size: usize,
    /// `rate`: this pair's interval in ps, its index and the number of pairs.
    pub pacing: Option<(u64, usize, usize)>,
}

/// One sender's loop state (see the module docs).
pub struct SendLoop<'a> {
    pub(crate) strategy: &'a mut dyn SendStrategy,
    pub(crate) fd: BorrowedFd<'a>,
    pub(crate) stats: &'a SenderStats,
    pub(crate) stop: &'a AtomicBool,
    pub(crate) totals: SenderTotals,
    pub(crate) tracker: CpuTracker,
    plan: LoopPlan,
    reply: Vec<u8>,
    reply_have: usize,
}

impl<'a> SendLoop<'a> {
    /// Built before the start gate: the reply buffer and histograms are allocated and
    /// touched here.
    pub(crate) fn new(
        strategy: &'a mut dyn SendStrategy,
        fd: BorrowedFd<'a>,
        stats: &'a SenderStats,
        stop: &'a AtomicBool,
        plan: LoopPlan,
    ) -> SendLoop<'a> {
        SendLoop {
            strategy,
            fd,
            stats,
            stop,
            totals: SenderTotals::default(),
            tracker: CpuTracker::default(),
            plan,
            reply: vec![1; plan.response_size],
            reply_have: 0,
        }
    }

    /// True once the controller asked the senders to stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Relaxed)
    }

    /// `rr`: requests to keep in flight.
    pub fn depth(&self) -> usize {
        self.plan.depth.max(1)
    }

    /// `rate`: this pair's interval (ps), its index, and how many pairs there are.
    pub fn pacing(&self) -> Option<(u64, usize, usize)> {
        self.plan.pacing
    }

    /// Sends the next message whole, stamped with the time the operation began, and
    /// publishes the totals. Returns that time.
    pub fn send_one(&mut self) -> Result<u64, WorkerError> {
        let t0 = clock::monotonic_ns();
        self.send_stamped(t0, t0)?;
        Ok(t0)
    }

    /// Sends the next message stamped with its due time `due` (at or before now), and
    /// records how late it went.
    pub fn send_at(&mut self, due: u64) -> Result<(), WorkerError> {
        let t0 = clock::monotonic_ns();
        self.send_stamped(due, t0)?;
        let late = t0.saturating_sub(due);
        self.stats.pace.record(|h| h.saturating_record(late.max(1)));
        Ok(())
    }

    fn send_stamped(&mut self, stamp: u64, t0: u64) -> Result<(), WorkerError> {
        self.tracker.note(&self.stats.cpus);
        let calls = self
            .strategy
            .send_message(self.fd, self.totals.messages, stamp)?;
        let spent = clock::monotonic_ns().saturating_sub(t0);
        self.totals.messages += 1;
        self.totals.send_ns += spent;
        self.totals.send_calls += calls;
        self.totals.user_copied = self.strategy.user_copied();
        if let Some(z) = self.strategy.zero_copy() {
            self.totals.zc = z;
        }
        self.stats.publish(&self.totals);
        Ok(())
    }

    /// `rr`: reads the next whole reply and returns when its last byte arrived. `None`
    /// when stopped and the reply did not come within the patience. The socket has a
    /// short receive timeout, so a stop is seen while waiting.
    pub fn await_response(&mut self) -> Result<Option<u64>, WorkerError> {
        let mut gave_up_at = None;
        while self.reply_have < self.reply.len() {
            let buf = &mut self.reply[self.reply_have..];
            // SAFETY: buf is valid writable memory of buf.len() bytes.
            let n =
                unsafe { libc::recv(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n > 0 {
                self.reply_have += n as usize;
                continue;
            }
            if n == 0 {
                return Err(WorkerError::NoReply(1));
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => {}
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                    if self.stopped() {
                        let now = clock::monotonic_ns();
                        let since = *gave_up_at.get_or_insert(now);
                        if now.saturating_sub(since) >= REPLY_PATIENCE_NS {
                            return Ok(None);
                        }
                    }
                }
                _ => {
                    return Err(WorkerError::Io {
                        op: "recv reply",
                        source: e,
                    });
                }
            }
        }
        self.reply_have = 0;
        Ok(Some(clock::monotonic_ns()))
    }

    /// `rr`: one transaction done in `rtt` ns.
    pub fn record_rtt(&mut self, rtt: u64) {
        self.totals.transactions += 1;
        self.stats.publish(&self.totals);
        self.stats.rtt.record(|h| h.saturating_record(rtt.max(1)));
    }

    /// The totals at the end.
    pub(crate) fn finish(self) -> SenderTotals {
        self.totals
    }
}
