//! One-copy: `sendmsg()` with one iovec per field (the header is inside field 0); the
//! kernel gathers straight from the 8 heap buffers (the only copy is user to kernel).

use std::os::fd::BorrowedFd;

use super::entries::{Counted, SendEntry, Step, Strategy};
use super::{Calls, SendStrategy, sendmsg};
use crate::mapped::Memory;
use crate::message::Message;
use crate::registry::{self, About};

/// The registry's entry: the course assignment's a2.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::OneCopy,
    about: About {
        name: "one-copy",
        aliases: &["a2"],
        summary: "sendmsg() with one iovec per field: the kernel gathers them",
        available: registry::always,
    },
    wire_id: 2,
    in_default: true,
    zero_copy: false,
    holds_pages: false,
    batches: false,
    ansi: 2,
    rgb: (0, 140, 70),
    fields: "8 heap fields (the message)",
    path: &[Step::Copy(
        Counted::SendCopy,
        "sendmsg(), 8 iovecs: kernel gathers (copy 1)",
    )],
    copies: "2 copies per byte: 1 on the sender, 1 on the receiver",
    buffers: |size, _| size,
    build: |size, opts| Box::new(OneCopy::new(size, super::more_flag(opts))),
};

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
    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls {
        self.message
            .stamp(Strategy::OneCopy.wire_id(), seq, started_ns);
        let mut iov = self.message.iovecs();
        let flags = self.flags;
        super::send_whole(fd, &mut iov, |v| sendmsg(fd, v, flags))
    }

    fn memory(&self) -> Memory {
        Memory::Heap
    }
}
