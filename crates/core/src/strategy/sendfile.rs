//! `sendfile`: the 8 fields live back to back in one memfd's pages, written once; per
//! message the 32-byte header (which changes) goes by `send(MSG_MORE)` from its own
//! buffer, then the fields by `sendfile` from the memfd. The kernel takes references
//! to the page-cache pages instead of copying them, and gives no signal when it is
//! done with them: so the fields never change after they are written (they carry the
//! fixed stamp, checked by the receiver), except under `--unsafe-reuse`, which
//! rewrites each field's stamp for every message to show what that costs.
//!
//! Coalescing (stream cells): sendfile takes no `MSG_MORE`, and its last piece pushes
//! a short segment after every message (with TCP_NODELAY, the run's default). So the
//! socket is corked (`TCP_CORK`) for the cell instead, and uncorked at the end:
//! only full segments leave, as `MSG_MORE` gives the other strategies.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::entries::{Counted, SendEntry, Step, Strategy};
use super::{Calls, SendError, SendStrategy, StrategyOptions};
use crate::mapped::Memory;
use crate::message::Message;
use crate::registry::About;
use crate::wire::{FIELDS, FIXED_STAMP, HEADER_LEN, STAMP_LEN, stamp_offsets};

/// The registry's entry.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::SendFile,
    about: About {
        name: "sendfile",
        aliases: &[],
        summary: "header by send(MSG_MORE), the 8 fields by sendfile from a memfd's \
                  pages (no copy on the sender; no signal when the pages are free)",
        available: super::detached::memfd_available,
    },
    wire_id: 6,
    in_default: false,
    zero_copy: false,
    holds_pages: true,
    batches: false,
    ansi: 8,
    rgb: (90, 90, 90),
    fields: "8 fields in one memfd's pages, written once",
    path: &[
        Step::Stage("+ the 32-byte header, copied by send(MSG_MORE)"),
        Step::Handover(
            Counted::Spliced,
            "sendfile: memfd pages referenced, no copy",
        ),
        Step::Stage("socket buffer holds the page-cache pages"),
    ],
    copies: "1 copy per byte: only recv()",
    buffers: |size, _| size,
    build: |size, opts| match SendFile::new(size, opts) {
        Ok(s) => Box::new(s),
        Err(e) => Box::new(super::uring::Unmade(format!("memfd: {e}"))),
    },
};

/// The sendfile sender: the memfd holding the fields, and the header's own buffer.
pub struct SendFile {
    memfd: OwnedFd,
    size: usize,
    stamps: [Option<usize>; FIELDS],
    fixed: bool,
    coalesce: bool,
    corked: bool,
}

impl SendFile {
    pub fn new(size: usize, opts: &StrategyOptions) -> io::Result<SendFile> {
        let size = crate::wire::MessageSize::new(size).get();
        // SAFETY: a NUL-terminated name and valid flags.
        let fd = unsafe { libc::memfd_create(c"netio-sendfile".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned to us and is owned by nobody else.
        let memfd = unsafe { OwnedFd::from_raw_fd(fd) };
        let mut message = Message::new(size);
        message.stamp_fields(FIXED_STAMP);
        let mut at = 0;
        for field in message.fields() {
            pwrite_all(memfd.as_fd(), field, at)?;
            at += field.len();
        }
        Ok(SendFile {
            memfd,
            size,
            stamps: stamp_offsets(size),
            fixed: !opts.unsafe_reuse,
            coalesce: opts.coalesce,
            corked: false,
        })
    }
}

/// Writes all of `data` at file offset `at`.
fn pwrite_all(fd: BorrowedFd<'_>, mut data: &[u8], mut at: usize) -> io::Result<()> {
    while !data.is_empty() {
        // SAFETY: `data` is a live buffer of the stated length.
        let n = unsafe {
            libc::pwrite(
                fd.as_raw_fd(),
                data.as_ptr() as *const libc::c_void,
                data.len(),
                at as libc::off_t,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        data = &data[n as usize..];
        at += n as usize;
    }
    Ok(())
}

impl SendStrategy for SendFile {
    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls {
        if self.coalesce && !self.corked {
            crate::net::sockopt::set_cork(fd, true)?;
            self.corked = true;
        }
        if !self.fixed {
            // The demonstration: rewrite the fields' stamps in the page cache while
            // earlier messages' pages may still be queued on the socket.
            let stamp = seq.to_le_bytes();
            for at in self.stamps.iter().flatten() {
                pwrite_all(self.memfd.as_fd(), &stamp[..STAMP_LEN], *at)?;
            }
        }
        let header =
            super::detached::header(Strategy::SendFile, seq, started_ns, self.size, self.fixed);
        let mut calls = super::detached::send_header(fd, &header, self.size > HEADER_LEN)?;
        let mut offset = HEADER_LEN.min(self.size) as libc::off_t;
        let end = self.size as libc::off_t;
        while offset < end {
            calls += 1;
            // SAFETY: both descriptors are open; the kernel advances `offset`.
            let n = unsafe {
                libc::sendfile(
                    fd.as_raw_fd(),
                    self.memfd.as_raw_fd(),
                    &mut offset,
                    (end - offset) as usize,
                )
            };
            if n == 0 {
                return Err(SendError::Io(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "sendfile accepted no bytes",
                )));
            }
            if n < 0 {
                super::after_failed_call(fd)?;
            }
        }
        Ok(calls)
    }

    fn finish(
        &mut self,
        fd: BorrowedFd<'_>,
        _patience: std::time::Duration,
    ) -> Result<(), SendError> {
        if self.corked {
            crate::net::sockopt::set_cork(fd, false)?;
            self.corked = false;
        }
        Ok(())
    }

    fn memory(&self) -> Memory {
        Memory::PageCache
    }
}
