//! `uring`: the one-copy path (a `SENDMSG` with one iovec per field, the header inside
//! field 0) submitted through io_uring instead of the `sendmsg` system call. One
//! message is in flight at a time: the sender submits it, waits for its completion and
//! resubmits whatever a short send left. The copy is the kernel's, user to kernel, as
//! with `sendmsg`; what differs is how the call gets to the kernel.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use io_uring::{IoUring, opcode, types};

use super::registry::{SendEntry, Step, Strategy};
use super::{SendError, SendStrategy};
use crate::message::Message;
use crate::registry::About;

/// The registry's entry.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::Uring,
    about: About {
        name: "uring",
        aliases: &[],
        summary: "io_uring SENDMSG with one iovec per field (the one-copy path through io_uring)",
        available: crate::doctor::io_uring,
    },
    wire_id: 4,
    in_default: false,
    zero_copy: false,
    holds_pages: false,
    ansi: 4,
    rgb: (40, 90, 200),
    path: &[Step::Copy(
        "io_uring SENDMSG, 8 iovecs: kernel gathers (copy 1)",
    )],
    copies: "2 copies per byte: 1 on the sender, 1 on the receiver",
    buffers: |size| size,
    build: |size, opts| match Uring::new(size, super::more_flag(opts)) {
        Ok(u) => Box::new(u),
        // The probe said io_uring works; if the ring cannot be made now, every send
        // reports why.
        Err(e) => Box::new(Unmade(e.to_string())),
    },
};

/// Entries in the ring: one message is in flight at a time.
const RING_ENTRIES: u32 = 4;

/// The sender's ring: one thread submits and reaps, so the kernel may run completion
/// work when the sender waits (single issuer, deferred task work: Linux 6.1+), falling
/// back to a plain ring where those flags are refused.
fn make_ring() -> io::Result<IoUring> {
    IoUring::builder()
        .setup_single_issuer()
        .setup_defer_taskrun()
        .build(RING_ENTRIES)
        .or_else(|_| IoUring::new(RING_ENTRIES))
}

/// The uring sender: one message, reused, and its ring.
pub struct Uring {
    message: Message,
    ring: IoUring,
    /// Send flags: `MSG_NOSIGNAL`, and `MSG_MORE` when coalescing.
    flags: u32,
}

impl Uring {
    pub fn new(size: usize, more: libc::c_int) -> io::Result<Uring> {
        Ok(Uring {
            message: Message::new(size),
            ring: make_ring()?,
            flags: (more | libc::MSG_NOSIGNAL) as u32,
        })
    }

    /// Submits one SENDMSG over `iov` and waits for its completion: bytes sent.
    fn send_iov(&mut self, fd: BorrowedFd<'_>, iov: &[libc::iovec]) -> io::Result<usize> {
        // SAFETY: an all-zero msghdr is valid (no name, no control data).
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = iov.as_ptr() as *mut libc::iovec;
        msg.msg_iovlen = iov.len() as _;
        let sqe = opcode::SendMsg::new(types::Fd(fd.as_raw_fd()), &msg)
            .flags(self.flags)
            .build();
        // SAFETY: `msg` and the buffers `iov` points into stay alive and unchanged
        // until the completion is reaped below, before this function returns.
        unsafe {
            self.ring
                .submission()
                .push(&sqe)
                .map_err(|_| io::Error::other("io_uring submission queue full"))?;
        }
        loop {
            match self.ring.submit_and_wait(1) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            if let Some(cqe) = self.ring.completion().next() {
                let res = cqe.result();
                return if res >= 0 {
                    Ok(res as usize)
                } else {
                    Err(io::Error::from_raw_os_error(-res))
                };
            }
        }
    }
}

impl SendStrategy for Uring {
    fn send_message(
        &mut self,
        fd: BorrowedFd<'_>,
        seq: u64,
        started_ns: u64,
    ) -> Result<u64, SendError> {
        self.message
            .stamp(Strategy::Uring.wire_id(), seq, started_ns);
        let mut iov = self.message.iovecs();
        super::send_whole(fd, &mut iov, |v| self.send_iov(fd, v))
    }
}

/// A uring sender whose ring could not be made: every send says why.
pub(super) struct Unmade(pub(super) String);

impl SendStrategy for Unmade {
    fn send_message(&mut self, _: BorrowedFd<'_>, _: u64, _: u64) -> Result<u64, SendError> {
        Err(SendError::Io(io::Error::other(format!(
            "io_uring ring could not be created: {}",
            self.0
        ))))
    }
}
