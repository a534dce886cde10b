//! `uring-zc`: io_uring `SENDMSG_ZC` with one iovec per field, from a pool of message
//! slots, as zero-copy does with `MSG_ZEROCOPY`. Each submission that will be followed
//! by a notification (its result carries `IORING_CQE_F_MORE`) takes the next id; the
//! notification (`IORING_CQE_F_NOTIF`, same user data) says the kernel no longer holds
//! the pages and, with `IORING_SEND_ZC_REPORT_USAGE`, whether it copied them anyway.
//! A slot is written again only when every id that referenced it is notified: the same
//! ledger, pool and columns as `zero-copy`. No `SO_ZEROCOPY` is needed.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

use io_uring::{IoUring, cqueue, opcode, types};

use super::entries::{Counted, SendEntry, Step, Strategy};
use super::uring::{push, sent_bytes};
use super::zero_copy::{STALL_LIMIT, ZeroCopyCounts};
use super::{Calls, SendError, SendStrategy, StrategyOptions, advance_iovecs, wait_writable};
use crate::mapped::Memory;
use crate::message::{CompletionLedger, SlotPool};
use crate::registry::About;

/// The registry's entry.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::UringZc,
    about: About {
        name: "uring-zc",
        aliases: &[],
        summary: "io_uring SENDMSG_ZC: pages pinned, a buffer reused only after its \
                  notification (which says whether the kernel copied)",
        available: super::uring_probe::io_uring_send_zc,
    },
    wire_id: 5,
    in_default: false,
    zero_copy: true,
    holds_pages: true,
    batches: false,
    ansi: 6,
    rgb: (0, 150, 150),
    fields: "a pool of messages, 8 mapped fields each",
    path: &[
        Step::Handover(
            Counted::Pinned,
            "io_uring SENDMSG_ZC: pages pinned, no copy",
        ),
        Step::Stage("socket buffer holds the pinned pages"),
    ],
    copies: "1 copy per byte: only recv()",
    buffers: |size, opts| super::pool_bytes(size, opts),
    build: |size, opts| match UringZc::new(size, opts) {
        Ok(u) => Box::new(u),
        Err(e) => Box::new(super::uring::Unmade(format!(
            "io_uring ring or mapping: {e}"
        ))),
    },
};

/// `IORING_SEND_ZC_REPORT_USAGE` (sqe ioprio flag, Linux 6.2): notifications say
/// whether the data was copied.
const REPORT_USAGE: u16 = 1 << 3;
/// `IORING_NOTIF_USAGE_ZC_COPIED`: set in a notification's result when copied.
const USAGE_COPIED: i32 = 1 << 31;
/// Submission entries (one send in flight; notifications only use completion entries).
const RING_ENTRIES: u32 = 8;
/// Completion entries: room for many notifications before they are reaped (overflow is
/// kept by the kernel anyway, `IORING_FEAT_NODROP`).
const CQ_ENTRIES: u32 = 256;

/// The uring-zc sender.
pub struct UringZc {
    pool: SlotPool,
    ledger: CompletionLedger,
    ring: IoUring,
    /// Submissions followed by a notification: the next id.
    sent: u64,
    enobufs: u64,
    pool_waits: u64,
    unsafe_reuse: bool,
}

impl UringZc {
    pub fn new(size: usize, opts: &StrategyOptions) -> io::Result<UringZc> {
        let slots = super::zero_copy::slots_for(size, opts);
        let ring = IoUring::builder()
            .setup_single_issuer()
            .setup_defer_taskrun()
            .setup_cqsize(CQ_ENTRIES)
            .build(RING_ENTRIES)
            .or_else(|_| {
                IoUring::builder()
                    .setup_cqsize(CQ_ENTRIES)
                    .build(RING_ENTRIES)
            })?;
        Ok(UringZc {
            pool: SlotPool::new(slots, size)?,
            ledger: CompletionLedger::default(),
            ring,
            sent: 0,
            enobufs: 0,
            pool_waits: 0,
            unsafe_reuse: opts.unsafe_reuse,
        })
    }

    fn outstanding(&self) -> u64 {
        self.sent - self.ledger.completed()
    }

    /// Enters the kernel (submitting anything queued) and waits up to `timeout` for a
    /// completion, then reads every completion there is: notifications go to the
    /// ledger, a send's result is returned.
    fn wait_and_reap(&mut self, timeout: Option<Duration>) -> io::Result<Option<i32>> {
        let entered = match timeout {
            Some(t) => {
                let ts = types::Timespec::from(t);
                let args = types::SubmitArgs::new().timespec(&ts);
                self.ring.submitter().submit_with_args(1, &args)
            }
            None => self.ring.submit_and_wait(1),
        };
        match entered {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::ETIME) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
        let mut result = None;
        for cqe in self.ring.completion() {
            if cqueue::notif(cqe.flags()) {
                let id = cqe.user_data() as u32;
                let copied = cqe.result() & USAGE_COPIED != 0;
                self.ledger.complete(id, id, copied, self.sent);
            } else {
                if cqueue::more(cqe.flags()) {
                    // A notification for this id follows (even after a failure), maybe
                    // later in this very batch: count the id before reading on.
                    self.sent += 1;
                }
                result = Some(cqe.result());
            }
        }
        Ok(result)
    }

    /// Reaps notifications until the next slot in turn is free.
    fn wait_for_free_slot(&mut self) -> Result<(), SendError> {
        if self.pool.next_is_free(&self.ledger) {
            return Ok(());
        }
        self.pool_waits += 1;
        let deadline = Instant::now() + STALL_LIMIT;
        while !self.pool.next_is_free(&self.ledger) {
            if Instant::now() > deadline {
                if self.ledger.dropped() > 0 {
                    return Err(crate::message::LedgerFull.into());
                }
                return Err(SendError::CompletionsStalled {
                    outstanding: self.outstanding(),
                });
            }
            self.wait_and_reap(Some(Duration::from_millis(50)))?;
        }
        Ok(())
    }

    /// Submits one `SENDMSG_ZC` over `iov` and waits for its result: bytes sent.
    fn send_iov(&mut self, iov: &[libc::iovec], fd: BorrowedFd<'_>) -> io::Result<usize> {
        // SAFETY: an all-zero msghdr is valid (no name, no control data).
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = iov.as_ptr() as *mut libc::iovec;
        msg.msg_iovlen = iov.len() as _;
        let sqe = opcode::SendMsgZc::new(types::Fd(fd.as_raw_fd()), &msg)
            .flags(libc::MSG_NOSIGNAL as u32)
            .ioprio(REPORT_USAGE)
            .build()
            .user_data(self.sent);
        // SAFETY: `msg` and the buffers `iov` points into stay alive until the result
        // is reaped below; the pages stay unwritten until the notification (the pool).
        unsafe { push(&mut self.ring, &sqe)? };
        loop {
            if let Some(res) = self.wait_and_reap(None)? {
                return sent_bytes(res);
            }
        }
    }
}

impl SendStrategy for UringZc {
    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls {
        if !self.unsafe_reuse {
            self.wait_for_free_slot()?;
        }
        let first_id = self.sent;
        let mut iov = {
            let slot = self.pool.take_next();
            slot.message
                .stamp(Strategy::UringZc.wire_id(), seq, started_ns);
            slot.message.iovecs()
        };
        let mut first = 0;
        let mut calls = 0;
        let mut refused_since: Option<Instant> = None;
        while first < iov.len() {
            calls += 1;
            match self.send_iov(&iov[first..], fd) {
                Ok(0) => {
                    return Err(SendError::Io(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "SENDMSG_ZC accepted no bytes",
                    )));
                }
                Ok(n) => {
                    refused_since = None;
                    advance_iovecs(&mut iov, &mut first, n);
                }
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                    // Pinned-page accounting is full: wait for notifications to free it.
                    self.enobufs += 1;
                    let since = *refused_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > STALL_LIMIT {
                        return Err(SendError::Io(io::Error::new(
                            io::ErrorKind::OutOfMemory,
                            "ENOBUFS for 5 s: raise RLIMIT_MEMLOCK",
                        )));
                    }
                    self.wait_and_reap(Some(Duration::from_millis(10)))?;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait_writable(fd)?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.pool.last_taken().ids = (self.sent > first_id).then_some((first_id, self.sent));
        Ok(calls)
    }

    fn finish(&mut self, _fd: BorrowedFd<'_>, patience: Duration) -> Result<(), SendError> {
        let deadline = Instant::now() + patience;
        while self.outstanding() > 0 && Instant::now() < deadline {
            self.wait_and_reap(Some(Duration::from_millis(10)))?;
        }
        Ok(())
    }

    fn zero_copy(&self) -> Option<ZeroCopyCounts> {
        Some(ZeroCopyCounts::of(
            self.sent,
            &self.ledger,
            self.enobufs,
            self.pool_waits,
        ))
    }

    fn memory(&self) -> Memory {
        Memory::Mapped
    }
}
