//! Zero-copy: `SO_ZEROCOPY` on the socket, `sendmsg(MSG_ZEROCOPY)` from a pool of message
//! slots. The kernel pins the slot's pages instead of copying them and later reports,
//! on the socket's error queue, inclusive ranges of call ids it no longer needs. A slot
//! is written again only when every id that referenced it is completed.
//!
//! Looped to a local socket (loopback, veth) the kernel copies anyway when the data is
//! delivered and flags the completion `SO_EE_CODE_ZEROCOPY_COPIED`: we count and show
//! that, we do not hide it.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

use super::entries::{Counted, SendEntry, Step, Strategy};
use super::{
    Calls, SendError, SendStrategy, StrategyOptions, advance_iovecs, sendmsg, wait_for,
    wait_writable,
};
use crate::mapped::Memory;
use crate::message::{CompletionLedger, SlotPool};
use crate::probe::Check;
use crate::registry::About;

/// The registry's entry: the course assignment's a3.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::ZeroCopy,
    about: About {
        name: "zero-copy",
        aliases: &["a3"],
        summary: "sendmsg(MSG_ZEROCOPY): pages pinned, a buffer reused only after its \
                  completion",
        available: so_zerocopy_accepted,
    },
    wire_id: 3,
    in_default: true,
    zero_copy: true,
    holds_pages: true,
    batches: false,
    ansi: 5,
    rgb: (160, 40, 170),
    fields: "a pool of messages, 8 mapped fields each",
    path: &[
        Step::Handover(
            Counted::Pinned,
            "sendmsg(MSG_ZEROCOPY): pages pinned, no copy",
        ),
        Step::Stage("socket buffer holds the pinned pages"),
    ],
    copies: "1 copy per byte: only recv()",
    // Every slot of the pool is a whole message.
    buffers: |size, opts| pool_bytes(size, opts),
    build: |size, opts| match ZeroCopy::new(size, opts) {
        Ok(z) => Box::new(z),
        Err(e) => Box::new(super::uring::Unmade(format!("mapping the pool: {e}"))),
    },
};

/// Slots of the pool for `size`-byte messages: `asked`, or as many as fit in `bytes`
/// (default [`POOL_BYTES`]), at least 2 and at most 64.
pub(super) fn pool_slots(size: usize, asked: Option<usize>, bytes: Option<usize>) -> usize {
    asked.unwrap_or((bytes.unwrap_or(POOL_BYTES) / size.max(1)).clamp(2, 64))
}

/// Bytes of message buffers the zero-copy pool holds for `size`-byte messages under
/// `opts`: what a message may wait for (its `zc_pool_waits`) before it can be sent.
pub fn pool_bytes(size: usize, opts: &StrategyOptions) -> usize {
    slots_for(size, opts) * size
}

/// Slots of the pool under `opts`: one under `--unsafe-reuse` (the demonstration
/// rewrites the very buffer just handed to the kernel).
pub(super) fn slots_for(size: usize, opts: &StrategyOptions) -> usize {
    if opts.unsafe_reuse {
        1
    } else {
        pool_slots(size, opts.zc_slots, opts.zc_pool_bytes)
    }
}

/// Whether a TCP socket here accepts `SO_ZEROCOPY` (without it `MSG_ZEROCOPY` is
/// silently ignored).
fn so_zerocopy_accepted() -> Check {
    let result = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
        .and_then(|s| crate::net::sockopt::set_zerocopy(std::os::fd::AsFd::as_fd(&s)));
    match result {
        Ok(()) => Check {
            ok: true,
            detail: "SO_ZEROCOPY accepted on a TCP socket".into(),
            fix: None,
        },
        Err(e) => Check {
            ok: false,
            detail: format!("SO_ZEROCOPY refused: {e}"),
            fix: Some("zero-copy needs Linux 4.14 or newer".into()),
        },
    }
}

/// `SO_EE_ORIGIN_ZEROCOPY` (linux/errqueue.h), missing from libc.
const SO_EE_ORIGIN_ZEROCOPY: u8 = 5;
/// `SO_EE_CODE_ZEROCOPY_COPIED` (linux/errqueue.h), missing from libc.
const SO_EE_CODE_ZEROCOPY_COPIED: u8 = 1;
/// How long the sender waits for a completion that does not come before giving up.
pub(super) const STALL_LIMIT: Duration = Duration::from_secs(5);
/// Bytes of messages the pool keeps in flight by default (bounded by 2..=64 slots).
const POOL_BYTES: usize = 8 << 20;

/// The zero-copy ledger of one sender.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ZeroCopyCounts {
    /// Successful `sendmsg(MSG_ZEROCOPY)` calls (each takes one id; partial sends count).
    pub sends: u64,
    /// Ids the kernel reported complete.
    pub completions: u64,
    /// Completed ids flagged SO_EE_CODE_ZEROCOPY_COPIED (the kernel copied anyway).
    pub copied: u64,
    /// Calls refused with ENOBUFS (nothing sent; drained and retried).
    pub enobufs: u64,
    /// Notifications that arrived with an earlier id still outstanding.
    pub gaps: u64,
    /// Messages that had to wait for a completion before their slot was free.
    pub pool_waits: u64,
    /// Ids reported that were never sent or already completed (a kernel bug if not 0).
    pub bogus: u64,
}

impl ZeroCopyCounts {
    /// Field-wise sum (several senders).
    pub fn plus(self, o: ZeroCopyCounts) -> ZeroCopyCounts {
        ZeroCopyCounts {
            sends: self.sends + o.sends,
            completions: self.completions + o.completions,
            copied: self.copied + o.copied,
            enobufs: self.enobufs + o.enobufs,
            gaps: self.gaps + o.gaps,
            pool_waits: self.pool_waits + o.pool_waits,
            bogus: self.bogus + o.bogus,
        }
    }

    /// Field-wise growth since `earlier` (an interval).
    pub fn since(self, earlier: ZeroCopyCounts) -> ZeroCopyCounts {
        ZeroCopyCounts {
            sends: self.sends.saturating_sub(earlier.sends),
            completions: self.completions.saturating_sub(earlier.completions),
            copied: self.copied.saturating_sub(earlier.copied),
            enobufs: self.enobufs.saturating_sub(earlier.enobufs),
            gaps: self.gaps.saturating_sub(earlier.gaps),
            pool_waits: self.pool_waits.saturating_sub(earlier.pool_waits),
            bogus: self.bogus.saturating_sub(earlier.bogus),
        }
    }

    /// The counts of a sender that made `sends` zero-copy calls, with its ledger and
    /// its own tallies of refusals and pool waits.
    pub fn of(sends: u64, ledger: &CompletionLedger, enobufs: u64, pool_waits: u64) -> Self {
        ZeroCopyCounts {
            sends,
            completions: ledger.completed(),
            copied: ledger.copied(),
            enobufs,
            gaps: ledger.gaps(),
            pool_waits,
            bogus: ledger.bogus(),
        }
    }

    /// Percentage of completed ids the kernel copied anyway; `None` before any.
    pub fn copied_pct(&self) -> Option<f64> {
        (self.completions > 0).then(|| self.copied as f64 * 100.0 / self.completions as f64)
    }
}

/// The zero-copy sender.
pub struct ZeroCopy {
    pool: SlotPool,
    ledger: CompletionLedger,
    /// Successful zero-copy calls: the next id, unwrapped.
    sent: u64,
    enobufs: u64,
    pool_waits: u64,
    unsafe_reuse: bool,
}

impl ZeroCopy {
    pub fn new(size: usize, opts: &StrategyOptions) -> io::Result<ZeroCopy> {
        let slots = slots_for(size, opts);
        Ok(ZeroCopy {
            pool: SlotPool::new(slots, size)?,
            ledger: CompletionLedger::default(),
            sent: 0,
            enobufs: 0,
            pool_waits: 0,
            unsafe_reuse: opts.unsafe_reuse,
        })
    }

    fn outstanding(&self) -> u64 {
        self.sent - self.ledger.completed()
    }

    /// Reaps completions until the next slot in turn is free.
    fn wait_for_free_slot(&mut self, fd: BorrowedFd<'_>) -> Result<(), SendError> {
        if self.pool.next_is_free(&self.ledger) {
            return Ok(());
        }
        self.pool_waits += 1;
        let deadline = Instant::now() + STALL_LIMIT;
        while !self.pool.next_is_free(&self.ledger) {
            if reap(fd, &mut self.ledger, self.sent)? == 0 {
                if Instant::now() > deadline {
                    if self.ledger.dropped() > 0 {
                        return Err(crate::message::LedgerFull.into());
                    }
                    return Err(SendError::CompletionsStalled {
                        outstanding: self.outstanding(),
                    });
                }
                wait_for_errqueue(fd, Duration::from_millis(50))?;
            }
        }
        Ok(())
    }
}

impl SendStrategy for ZeroCopy {
    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls {
        if !self.unsafe_reuse {
            self.wait_for_free_slot(fd)?;
        }
        let slot = self.pool.take_next();
        slot.message
            .stamp(Strategy::ZeroCopy.wire_id(), seq, started_ns);
        let first_id = self.sent;
        let mut iov = slot.message.iovecs();
        let mut first = 0;
        let mut refused_since: Option<Instant> = None;
        let mut calls = 0;
        while first < iov.len() {
            calls += 1;
            match sendmsg(fd, &iov[first..], libc::MSG_ZEROCOPY) {
                Ok(0) => {
                    return Err(SendError::Io(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "sendmsg accepted no bytes",
                    )));
                }
                Ok(n) => {
                    self.sent += 1;
                    refused_since = None;
                    advance_iovecs(&mut iov, &mut first, n);
                }
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                    // optmem or RLIMIT_MEMLOCK exhausted: nothing was sent and no id
                    // used. Drain completions (which frees both), then retry.
                    self.enobufs += 1;
                    let since = *refused_since.get_or_insert_with(Instant::now);
                    if reap(fd, &mut self.ledger, self.sent)? == 0 {
                        if since.elapsed() > STALL_LIMIT {
                            return Err(SendError::Io(io::Error::new(
                                io::ErrorKind::OutOfMemory,
                                "ENOBUFS for 5 s: raise net.core.optmem_max or RLIMIT_MEMLOCK",
                            )));
                        }
                        wait_for_errqueue(fd, Duration::from_millis(10))?;
                    }
                }
                // A send timeout expired with nothing sent: no id used.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait_writable(fd)?,
                Err(e) => return Err(e.into()),
            }
        }
        slot.ids = (self.sent > first_id).then_some((first_id, self.sent));
        reap(fd, &mut self.ledger, self.sent)?;
        Ok(calls)
    }

    fn finish(&mut self, fd: BorrowedFd<'_>, patience: Duration) -> Result<(), SendError> {
        let deadline = Instant::now() + patience;
        while self.outstanding() > 0 && Instant::now() < deadline {
            if reap(fd, &mut self.ledger, self.sent)? == 0 {
                wait_for_errqueue(fd, Duration::from_millis(10))?;
            }
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

/// Blocks up to `timeout` until the socket has an error-queue entry.
fn wait_for_errqueue(fd: BorrowedFd<'_>, timeout: Duration) -> io::Result<()> {
    wait_for(fd, 0, timeout)
}

/// Reads every pending zero-copy notification from the error queue into `ledger`;
/// returns how many it read. Never blocks.
fn reap(fd: BorrowedFd<'_>, ledger: &mut CompletionLedger, sent: u64) -> Result<usize, SendError> {
    let mut reaped = 0;
    loop {
        // Room for one cmsg holding a sock_extended_err plus its offender address.
        let mut control = [0u64; 16];
        // SAFETY: an all-zero msghdr is valid.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: `msg` points at the live `control` buffer; no data iovecs.
        let rc = unsafe {
            libc::recvmsg(
                fd.as_raw_fd(),
                &mut msg,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
            )
        };
        if rc < 0 {
            let err = io::Error::last_os_error();
            match err.kind() {
                io::ErrorKind::WouldBlock => return Ok(reaped),
                io::ErrorKind::Interrupted => continue,
                _ => return Err(err.into()),
            }
        }
        if msg.msg_flags & libc::MSG_CTRUNC != 0 {
            return Err(SendError::Completion("control data truncated".into()));
        }
        // SAFETY: the CMSG_* helpers walk the control buffer the kernel just filled,
        // bounded by msg_controllen.
        let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
        while !cmsg.is_null() {
            // SAFETY: `cmsg` is non-null and inside `control`.
            let (level, kind) = unsafe { ((*cmsg).cmsg_level, (*cmsg).cmsg_type) };
            let is_recverr = (level == libc::SOL_IP && kind == libc::IP_RECVERR)
                || (level == libc::SOL_IPV6 && kind == libc::IPV6_RECVERR);
            if is_recverr {
                // SAFETY: an IP_RECVERR cmsg carries a sock_extended_err; it may be
                // unaligned, so read it unaligned.
                let ee: libc::sock_extended_err = unsafe {
                    std::ptr::read_unaligned(libc::CMSG_DATA(cmsg) as *const libc::sock_extended_err)
                };
                if ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY || ee.ee_errno != 0 {
                    return Err(SendError::Completion(format!(
                        "unexpected error-queue entry: origin {} errno {}",
                        ee.ee_origin, ee.ee_errno
                    )));
                }
                let copied = ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED != 0;
                ledger.complete(ee.ee_info, ee.ee_data, copied, sent);
                reaped += 1;
            }
            // SAFETY: as above.
            cmsg = unsafe { libc::CMSG_NXTHDR(&msg, cmsg) };
        }
    }
}
