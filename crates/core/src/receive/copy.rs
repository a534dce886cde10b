//! `copy`: `recv()` into the receiver's page-aligned ring, one copy from the socket's
//! buffers into user memory. Each byte lands at an offset congruent to its stream
//! offset modulo the page (partial reads continue where they stopped): AMD's
//! `rep movsb` was measured 2–3× slower per byte when source and destination are
//! misaligned by a few bytes.

use std::io;
use std::os::fd::RawFd;

use super::{Deliver, Receive, ReceiveEntry, RxStrategy};
use crate::aligned::{AlignedBuf, round_to_pages};
use crate::registry::{self, About};

pub const ENTRY: ReceiveEntry = ReceiveEntry {
    rx: RxStrategy::Copy,
    about: About {
        name: "copy",
        aliases: &[],
        summary: "recv() into a page-aligned ring: one copy, kernel to user",
        available: registry::always,
    },
    open: |_, frame| Ok(Box::new(Ring::new(frame))),
};

/// Most bytes asked of one `recv()`, and the largest ring.
pub const RECV_BUF: usize = 1 << 20;
/// Smallest ring: small frames are read many to a call.
const MIN_RING: usize = 256 << 10;

/// The ring for `frame`-byte messages: at least one frame and [`MIN_RING`], at most
/// [`RECV_BUF`], whole pages.
pub fn ring_len(frame: usize) -> usize {
    round_to_pages(frame.clamp(MIN_RING, RECV_BUF))
}

/// `recv()` into `dst`.
pub fn recv(fd: RawFd, dst: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `dst` is a live, writable buffer of `dst.len()` bytes.
    let n = unsafe { libc::recv(fd, dst.as_mut_ptr() as *mut libc::c_void, dst.len(), 0) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// The copy receiver's ring and where the next byte goes.
pub struct Ring {
    buf: AlignedBuf,
    pos: usize,
}

impl Ring {
    pub fn new(frame: usize) -> Ring {
        Ring {
            buf: AlignedBuf::new(ring_len(frame.max(1))),
            pos: 0,
        }
    }
}

impl Receive for Ring {
    fn receive(&mut self, fd: RawFd, want: usize, deliver: &mut Deliver) -> io::Result<usize> {
        let len = (self.buf.len() - self.pos).min(want.max(1));
        let pos = self.pos;
        let n = recv(fd, &mut self.buf.as_mut_slice()[pos..pos + len])?;
        deliver(&self.buf.as_slice()[pos..pos + n]);
        self.pos = if pos + n == self.buf.len() {
            0
        } else {
            pos + n
        };
        Ok(n)
    }
}
