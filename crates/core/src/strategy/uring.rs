//! `uring`: the one-copy path (a `SENDMSG` with one iovec per field, the header inside
//! field 0) submitted through io_uring instead of the `sendmsg` system call. The copy
//! is the kernel's, user to kernel, as with `sendmsg`; what differs is how the call
//! gets to the kernel.
//!
//! Submission depth (`--uring-depth D`, stream cells only): at depth 1 one message is
//! in flight, its completion awaited and a short send resubmitted. At depth D the
//! sender stamps D messages (D buffers, each written again only after its completion)
//! and submits them as one linked chain with `MSG_WAITALL`, one `io_uring_enter` for
//! all: the kernel sends each whole, in order, before the next (a short send would
//! break the chain, and `MSG_WAITALL` makes the kernel finish it instead). A message
//! waits in the batch until it fills: that wait is inside its latency.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use io_uring::{IoUring, opcode, types};

use super::entries::{Counted, SendEntry, Step, Strategy};
use super::{Calls, SendError, SendStrategy};
use crate::mapped::Memory;
use crate::message::Message;
use crate::registry::About;

/// The registry's entry.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::Uring,
    about: About {
        name: "uring",
        aliases: &[],
        summary: "io_uring SENDMSG with one iovec per field (the one-copy path through io_uring)",
        available: super::uring_probe::io_uring,
    },
    wire_id: 4,
    in_default: false,
    zero_copy: false,
    holds_pages: false,
    batches: true,
    ansi: 4,
    rgb: (40, 90, 200),
    fields: "8 heap fields (the message)",
    path: &[Step::Copy(
        Counted::SendCopy,
        "io_uring SENDMSG, 8 iovecs: kernel gathers (copy 1)",
    )],
    copies: "2 copies per byte: 1 on the sender, 1 on the receiver",
    buffers: |size, opts| size * opts.uring_depth.clamp(1, MAX_DEPTH),
    build: |size, opts| match Uring::new(size, super::more_flag(opts), opts.uring_depth) {
        Ok(u) => Box::new(u),
        // The probe said io_uring works; if the ring cannot be made now, every send
        // reports why.
        Err(e) => Box::new(Unmade(format!("io_uring ring: {e}"))),
    },
};

/// The deepest batch `--uring-depth` accepts.
pub const MAX_DEPTH: usize = 64;
/// Entries in the ring: a whole batch.
const RING_ENTRIES: u32 = MAX_DEPTH as u32;

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

/// Queues `sqe` on `ring`.
///
/// # Safety
/// Everything the entry points to (msghdr, iovecs, buffers) must stay alive and
/// unwritten until its completion is reaped.
pub(super) unsafe fn push(ring: &mut IoUring, sqe: &io_uring::squeue::Entry) -> io::Result<()> {
    // SAFETY: the caller keeps the entry's memory alive until its completion.
    unsafe { ring.submission().push(sqe) }
        .map_err(|_| io::Error::other("io_uring submission queue full"))
}

/// A send's completion result: bytes sent, or the error it carries (`-errno`).
pub(super) fn sent_bytes(res: i32) -> io::Result<usize> {
    if res >= 0 {
        Ok(res as usize)
    } else {
        Err(io::Error::from_raw_os_error(-res))
    }
}

/// The uring sender: its messages (one per batch place), its ring, and how many
/// messages wait in the current batch.
pub struct Uring {
    messages: Vec<Message>,
    /// One msghdr per batch place, pointing at that message's iovecs.
    headers: Vec<(libc::msghdr, [libc::iovec; crate::wire::FIELDS])>,
    queued: usize,
    ring: IoUring,
    /// Send flags: `MSG_NOSIGNAL`, and `MSG_MORE` when coalescing.
    flags: u32,
}

// SAFETY: the msghdrs point only into this value's own messages, which move with it.
unsafe impl Send for Uring {}

impl Uring {
    pub fn new(size: usize, more: libc::c_int, depth: usize) -> io::Result<Uring> {
        let depth = depth.clamp(1, MAX_DEPTH);
        let messages: Vec<Message> = (0..depth).map(|_| Message::new(size)).collect();
        // SAFETY: an all-zero msghdr is valid (no name, no control data).
        let empty: libc::msghdr = unsafe { std::mem::zeroed() };
        let headers = messages.iter().map(|m| (empty, m.iovecs())).collect();
        Ok(Uring {
            messages,
            headers,
            queued: 0,
            ring: make_ring()?,
            flags: (more | libc::MSG_NOSIGNAL) as u32,
        })
    }

    /// Submits the queued messages as one linked chain (each sent whole, in order) and
    /// waits for all of them: one `io_uring_enter`.
    fn submit_batch(&mut self, fd: BorrowedFd<'_>) -> Result<u64, SendError> {
        let n = std::mem::take(&mut self.queued);
        for i in 0..n {
            let (msg, iov) = &mut self.headers[i];
            *iov = self.messages[i].iovecs();
            msg.msg_iov = iov.as_mut_ptr();
            msg.msg_iovlen = iov.len() as _;
            let mut sqe = opcode::SendMsg::new(types::Fd(fd.as_raw_fd()), msg)
                .flags(self.flags | libc::MSG_WAITALL as u32)
                .build()
                .user_data(i as u64);
            if i + 1 < n {
                sqe = sqe.flags(io_uring::squeue::Flags::IO_LINK);
            }
            // SAFETY: the msghdr, its iovecs and the message stay alive and unwritten
            // until every completion of the batch is reaped below.
            unsafe { push(&mut self.ring, &sqe)? };
        }
        let mut reaped = 0;
        let mut failure = None;
        while reaped < n {
            match self.ring.submit_and_wait(n - reaped) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
            for cqe in self.ring.completion() {
                reaped += 1;
                let i = cqe.user_data() as usize;
                let want = self.messages[i].wire_len() as i32;
                if cqe.result() != want && failure.is_none() {
                    failure = Some(match sent_bytes(cqe.result()) {
                        Err(e) => e,
                        Ok(n) => io::Error::other(format!(
                            "io_uring sent {n} of {want} bytes with MSG_WAITALL"
                        )),
                    });
                }
            }
        }
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(1),
        }
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
        unsafe { push(&mut self.ring, &sqe)? };
        loop {
            match self.ring.submit_and_wait(1) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            if let Some(cqe) = self.ring.completion().next() {
                return sent_bytes(cqe.result());
            }
        }
    }
}

impl SendStrategy for Uring {
    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls {
        if self.messages.len() > 1 {
            self.messages[self.queued].stamp(Strategy::Uring.wire_id(), seq, started_ns);
            self.queued += 1;
            return if self.queued == self.messages.len() {
                self.submit_batch(fd)
            } else {
                Ok(0)
            };
        }
        self.messages[0].stamp(Strategy::Uring.wire_id(), seq, started_ns);
        let mut iov = self.messages[0].iovecs();
        super::send_whole(fd, &mut iov, |v| self.send_iov(fd, v))
    }

    fn finish(
        &mut self,
        fd: BorrowedFd<'_>,
        _patience: std::time::Duration,
    ) -> Result<(), SendError> {
        if self.queued > 0 {
            self.submit_batch(fd)?;
        }
        Ok(())
    }

    fn memory(&self) -> Memory {
        Memory::Heap
    }
}

/// A uring sender whose ring could not be made: every send says why.
pub(super) struct Unmade(pub(super) String);

impl SendStrategy for Unmade {
    fn send_message(&mut self, _: BorrowedFd<'_>, _: u64, _: u64) -> Result<u64, SendError> {
        Err(SendError::Io(io::Error::other(format!(
            "the strategy could not be built: {}",
            self.0
        ))))
    }

    fn memory(&self) -> Memory {
        Memory::Nothing
    }
}
