//! Two-copy: `memcpy` the 8 fields (header inside) into one reusable linear buffer
//! (copy 1, in user space), then `send()` it until every byte is out (copy 2, user to
//! kernel).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use super::entries::{Counted, SendEntry, Step, Strategy};
use super::{Calls, SendStrategy, wait_writable};
use crate::mapped::Memory;
use crate::message::Message;
use crate::registry::{self, About};

/// The registry's entry: the course assignment's a1.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::TwoCopy,
    about: About {
        name: "two-copy",
        aliases: &["a1"],
        summary: "memcpy the 8 heap fields into one buffer, then send()",
        available: registry::always,
    },
    wire_id: 1,
    in_default: true,
    zero_copy: false,
    holds_pages: false,
    batches: false,
    ansi: 3,
    rgb: (214, 120, 0),
    fields: "8 heap fields (the message)",
    path: &[
        Step::Copy(Counted::User, "memcpy: user linearization (copy 1)"),
        Step::Stage("linear buffer"),
        Step::Copy(Counted::SendCopy, "send(): user → kernel (copy 2)"),
    ],
    copies: "3 copies per byte: 2 on the sender, 1 on the receiver",
    // The 8 fields and the linear buffer.
    buffers: |size, _| 2 * size,
    build: |size, opts| Box::new(TwoCopy::new(size, super::more_flag(opts))),
};

/// The two-copy sender: one message and one linear buffer, both reused.
pub struct TwoCopy {
    message: Message,
    linear: Vec<u8>,
    /// Extra send flags (`MSG_MORE` when coalescing).
    flags: libc::c_int,
    /// Bytes linearized so far.
    copied: u64,
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
            copied: 0,
        }
    }
}

impl SendStrategy for TwoCopy {
    fn user_copied(&self) -> u64 {
        self.copied
    }

    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls {
        self.message
            .stamp(Strategy::TwoCopy.wire_id(), seq, started_ns);
        self.message.linearize_into(&mut self.linear);
        self.copied += self.linear.len() as u64;
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

    fn memory(&self) -> Memory {
        Memory::Heap
    }
}
