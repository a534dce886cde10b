//! One-copy: `sendmsg()` with one iovec per field (the header is inside field 0); the
//! kernel gathers straight from the 8 heap buffers (the only copy is user to kernel).

use std::os::fd::BorrowedFd;

use std::io;

use super::{SendError, SendStrategy, advance_iovecs, sendmsg, wait_writable};
use crate::matrix::Strategy;
use crate::message::Message;

/// The one-copy sender: one message, reused.
pub struct OneCopy {
    message: Message,
    /// Extra send flags (`MSG_MORE` when coalescing).
    flags: libc::c_int,
}

impl OneCopy {
    pub fn new(size: usize, flags: libc::c_int) -> OneCopy {
        OneCopy {
            message: Message::new(size),
            flags,
        }
    }
}

impl SendStrategy for OneCopy {
    fn send_message(
        &mut self,
        fd: BorrowedFd<'_>,
        seq: u64,
        started_ns: u64,
    ) -> Result<u64, SendError> {
        self.message
            .stamp(Strategy::OneCopy.wire_id(), seq, started_ns);
        let mut iov = self.message.iovecs();
        let mut first = 0;
        let mut calls = 0;
        while first < iov.len() {
            calls += 1;
            match sendmsg(fd, &iov[first..], self.flags) {
                Ok(n) => advance_iovecs(&mut iov, &mut first, n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait_writable(fd)?,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(calls)
    }
}
