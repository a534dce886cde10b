//! The send strategies, one file each, behind one small trait: send one whole message.
//!
//! Every strategy stamps the message with the time its send operation began (taken by
//! the caller, before the linearizing `memcpy` for two-copy and before waiting for a
//! free slot for zero-copy), so one-way latency covers the whole cost of the strategy.

mod detached;
pub mod entries;
mod one_copy;
mod sendfile;
mod splice;
mod two_copy;
mod uring;
pub mod uring_probe;
mod uring_zc;
mod zero_copy;

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

use crate::mapped::Memory;

pub use entries::{Counted, SEND, SendEntry, Step, Strategy};
pub use one_copy::OneCopy;
pub use two_copy::TwoCopy;
pub use uring::MAX_DEPTH as URING_MAX_DEPTH;
pub use zero_copy::{ZeroCopy, ZeroCopyCounts, pool_bytes};

/// What can go wrong while sending.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("send failed: {0}")]
    Io(#[from] io::Error),
    #[error("zero-copy completions stopped arriving ({outstanding} ids outstanding)")]
    CompletionsStalled { outstanding: u64 },
    #[error("zero-copy completion error: {0}")]
    Completion(String),
    #[error(transparent)]
    LedgerFull(#[from] crate::message::LedgerFull),
}

/// What sending one message returns: the send calls it took.
pub type Calls = Result<u64, SendError>;

/// One way of sending a whole message on a connected TCP socket.
pub trait SendStrategy: Send {
    /// Sends message number `seq` completely (partial sends are continued), stamped
    /// `started_ns` (CLOCK_MONOTONIC when the caller began the operation), and returns
    /// how many send calls it took.
    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls;

    /// Called once after the last message: waits at most `patience` for anything the
    /// kernel still holds (zero-copy completions).
    fn finish(&mut self, _fd: BorrowedFd<'_>, _patience: Duration) -> Result<(), SendError> {
        Ok(())
    }

    /// Bytes this sender copied in user space so far (two-copy's linearization): the
    /// copies the kernel cannot see, counted by the tool.
    fn user_copied(&self) -> u64 {
        0
    }

    /// The zero-copy ledger, for the zero-copy strategy only.
    fn zero_copy(&self) -> Option<ZeroCopyCounts> {
        None
    }

    /// Where the message bytes it hands the kernel live: never the heap for a strategy
    /// whose entry `holds_pages` (a registry test builds each and checks).
    fn memory(&self) -> Memory;
}

/// Options that change how a strategy is built (tests use them to force edge cases).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StrategyOptions {
    /// Send with `MSG_MORE`, so the kernel packs small messages into full segments
    /// (stream runs of the copying strategies only; zero-copy never coalesces: it was
    /// measured to hurt it).
    pub coalesce: bool,
    /// Zero-copy pool slots; `None` picks from the message size and `zc_pool_bytes`.
    pub zc_slots: Option<usize>,
    /// Bytes the zero-copy pool aims to hold (`--zc-pool`); `None`: 8 MiB.
    pub zc_pool_bytes: Option<usize>,
    /// `uring`'s submission depth: messages per linked batch (stream cells; 0 or 1:
    /// one message in flight).
    pub uring_depth: usize,
    /// `--unsafe-reuse`: write the next message into a buffer the kernel may still
    /// hold, without waiting for any signal (a labelled demonstration of the hazard).
    pub unsafe_reuse: bool,
}

/// The send flag coalescing adds.
fn more_flag(opts: &StrategyOptions) -> libc::c_int {
    if opts.coalesce { libc::MSG_MORE } else { 0 }
}

/// `sendmsg` over `iov` with `flags` (plus MSG_NOSIGNAL), retried on EINTR. A socket
/// with a send timeout (`SO_SNDTIMEO`) may return short or fail with EAGAIN: callers
/// continue, and on EAGAIN wait with [`wait_writable`].
fn sendmsg(fd: BorrowedFd<'_>, iov: &[libc::iovec], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: an all-zero msghdr is valid (no name, no control data).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = iov.len() as _;
    loop {
        // SAFETY: `msg` points at `iov`, whose entries point into live buffers of the
        // stated lengths for the duration of the call.
        let n = unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, flags | libc::MSG_NOSIGNAL) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Blocks up to `timeout` until the socket reports `events` (POLLERR, an error-queue
/// entry, is always reported, so `events` 0 waits for that alone).
fn wait_for(fd: BorrowedFd<'_>, events: libc::c_short, timeout: Duration) -> io::Result<()> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let rc = unsafe { libc::poll(&mut pfd, 1, timeout.as_millis() as libc::c_int) };
    if rc < 0 {
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    Ok(())
}

/// After a send-side call returned -1: go on after EINTR, wait for room after EAGAIN
/// (a send timeout expired), fail otherwise.
fn after_failed_call(fd: BorrowedFd<'_>) -> Result<(), SendError> {
    let e = io::Error::last_os_error();
    match e.kind() {
        io::ErrorKind::Interrupted => Ok(()),
        io::ErrorKind::WouldBlock => Ok(wait_writable(fd)?),
        _ => Err(e.into()),
    }
}

/// Waits until the socket can take more data (after EAGAIN from a timed-out send).
fn wait_writable(fd: BorrowedFd<'_>) -> io::Result<()> {
    wait_for(fd, libc::POLLOUT, Duration::from_millis(100))
}

/// Sends all of `iov` through `send` (one system call or ring submission each), going
/// on after partial sends and waiting for room after a send timeout; returns the
/// calls made. The one-copy path, whichever way it reaches the kernel.
fn send_whole(
    fd: BorrowedFd<'_>,
    iov: &mut [libc::iovec],
    mut send: impl FnMut(&[libc::iovec]) -> io::Result<usize>,
) -> Result<u64, SendError> {
    let mut first = 0;
    let mut calls = 0;
    while first < iov.len() {
        calls += 1;
        match send(&iov[first..]) {
            Ok(0) => {
                return Err(SendError::Io(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the kernel accepted no bytes",
                )));
            }
            Ok(n) => advance_iovecs(iov, &mut first, n),
            // A send timeout expired with nothing sent.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait_writable(fd)?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(calls)
}

/// Drops the first `sent` bytes from the iovec list `iov[*first..]` after a partial send.
fn advance_iovecs(iov: &mut [libc::iovec], first: &mut usize, mut sent: usize) {
    while sent > 0 && *first < iov.len() {
        let cur = &mut iov[*first];
        if sent >= cur.iov_len {
            sent -= cur.iov_len;
            cur.iov_len = 0;
            *first += 1;
        } else {
            // SAFETY: `sent < iov_len`, so the new base stays inside the same buffer.
            cur.iov_base = unsafe { (cur.iov_base as *mut u8).add(sent) } as *mut libc::c_void;
            cur.iov_len -= sent;
            sent = 0;
        }
    }
    while *first < iov.len() && iov[*first].iov_len == 0 {
        *first += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_skips_whole_and_trims_partial_iovecs() {
        let a = [0u8; 4];
        let b = [0u8; 6];
        let mut iov = [
            libc::iovec {
                iov_base: a.as_ptr() as *mut _,
                iov_len: 4,
            },
            libc::iovec {
                iov_base: b.as_ptr() as *mut _,
                iov_len: 6,
            },
        ];
        let mut first = 0;
        advance_iovecs(&mut iov, &mut first, 5);
        assert_eq!(first, 1);
        assert_eq!(iov[1].iov_len, 5);
        assert_eq!(iov[1].iov_base as usize, b.as_ptr() as usize + 1);
        advance_iovecs(&mut iov, &mut first, 5);
        assert_eq!(first, 2);
    }
}
