//! Two-copy: `memcpy` the 8 fields (header inside) into one reusable linear buffer
//! (copy 1, in user space), then `send()` it until every byte is out (copy 2, user to
//! kernel).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use super::{SendError, SendStrategy, wait_writable};
use crate::matrix::Strategy;
use crate::message::Message;

/// The two-copy sender: one message and one linear buffer, both reused.
pub struct TwoCopy {
    message: Message,
    linear: Vec<u8>,
    /// Extra send flags (`MSG_MORE` when coalescing).
    flags: libc::c_int,
}

impl TwoCopy {
    pub fn new(size: usize, flags: libc::c_int) -> TwoCopy {
        let message = Message::new(size);
        let mut linear = Vec::with_capacity(message.wire_len());
        // Touch the linear buffer now, not in the measuring window.
        message.linearize_into(&mut linear);
        TwoCopy {
            message,
            linear,
            flags,
        }
    }
}

impl SendStrategy for TwoCopy {
    fn send_message(
        &mut self,
        fd: BorrowedFd<'_>,
        seq: u64,
        started_ns: u64,
    ) -> Result<u64, SendError> {
        self.message
            .stamp(Strategy::TwoCopy.wire_id(), seq, started_ns);
        self.message.linearize_into(&mut self.linear);
        let mut rest: &[u8] = &self.linear;
        let mut calls = 0;
        while !rest.is_empty() {
            calls += 1;
            // SAFETY: `rest` is a live, initialized buffer of the given length.
            let n = unsafe {
                libc::send(
                    fd.as_raw_fd(),
                    rest.as_ptr() as *const libc::c_void,
                    rest.len(),
                    libc::MSG_NOSIGNAL | self.flags,
                )
            };
            if n < 0 {
                let err = io::Error::last_os_error();
                match err.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock => {
                        wait_writable(fd)?;
                        continue;
                    }
                    _ => return Err(err.into()),
                }
            }
            rest = &rest[n as usize..];
        }
        Ok(calls)
    }
}
