//! `splice`: the 8 fields live in 8 page-aligned regions of user memory, written once;
//! per message the header goes by `send(MSG_MORE)`, then the fields are `vmsplice`d
//! into a pipe (without `SPLICE_F_GIFT`: the pipe references the user pages, it does
//! not copy them) and `splice`d from the pipe to the socket (the socket takes the
//! page references). As with sendfile nothing says when the kernel is done with the
//! pages, so the fields never change after they are written (fixed stamp), except
//! under `--unsafe-reuse`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::entries::{Counted, SendEntry, Step, Strategy};
use super::{Calls, SendError, SendStrategy, StrategyOptions, advance_iovecs};
use crate::mapped::{MappedBuf, Memory};
use crate::wire::{FIELDS, FIXED_STAMP, HEADER_LEN, STAMP_LEN, field_lens, fill_pattern};

/// The registry's entry.
pub const ENTRY: SendEntry = SendEntry {
    strategy: Strategy::Splice,
    about: crate::registry::About {
        name: "splice",
        aliases: &[],
        summary: "header by send(MSG_MORE), the 8 fields vmsplice'd into a pipe and \
                  spliced to the socket (no copy on the sender; no signal when free)",
        available: super::detached::splice_available,
    },
    wire_id: 7,
    in_default: false,
    zero_copy: false,
    holds_pages: true,
    batches: false,
    ansi: 1,
    rgb: (200, 50, 50),
    fields: "8 page-aligned mappings of their own, written once",
    path: &[
        Step::Stage("+ the 32-byte header, copied by send(MSG_MORE)"),
        Step::Handover(
            Counted::Handed,
            "vmsplice: the pipe references the 8 fields' pages",
        ),
        Step::Handover(
            Counted::Spliced,
            "splice: the socket takes the page references",
        ),
        Step::Stage("socket buffer holds the user pages"),
    ],
    copies: "1 copy per byte: only recv()",
    buffers: |size, _| {
        field_lens(size)
            .iter()
            .map(|&l| crate::aligned::round_to_pages(l))
            .sum()
    },
    build: |size, opts| match Splice::new(size, opts) {
        Ok(s) => Box::new(s),
        Err(e) => Box::new(super::uring::Unmade(format!("pipe or mapping: {e}"))),
    },
};

/// The most a pipe is asked to hold (an unprivileged process may go up to
/// `fs.pipe-max-size`, 1 MiB by default).
const PIPE_BYTES: usize = 1 << 20;

/// The splice sender: the fields, the pipe, and what each message sends.
pub struct Splice {
    /// Each field its own mapping: the socket's skbs reference these pages after the
    /// calls return, and may still when the sender is dropped (`munmap` is safe then;
    /// the allocator's `free` would write into them).
    fields: [MappedBuf; FIELDS],
    /// Each field's bytes past the header: (offset in the field, length).
    body: [(usize, usize); FIELDS],
    /// Field indices that carry a stamp.
    stamped: [bool; FIELDS],
    pipe_r: OwnedFd,
    pipe_w: OwnedFd,
    size: usize,
    fixed: bool,
    coalesce: bool,
}

impl Splice {
    pub fn new(size: usize, opts: &StrategyOptions) -> io::Result<Splice> {
        let size = crate::wire::MessageSize::new(size).get();
        let lens = field_lens(size);
        let offsets = crate::wire::stamp_offsets(size);
        let mut start = 0;
        let mut body = [(0, 0); FIELDS];
        let mut fields = Vec::with_capacity(FIELDS);
        for i in 0..FIELDS {
            let mut field = MappedBuf::new(lens[i])?;
            fill_pattern(&mut field, start as u64);
            if offsets[i].is_some() {
                field[..STAMP_LEN].copy_from_slice(&FIXED_STAMP.to_le_bytes());
            }
            let skip = HEADER_LEN.saturating_sub(start).min(lens[i]);
            body[i] = (skip, lens[i] - skip);
            start += lens[i];
            fields.push(field);
        }
        let fields: [MappedBuf; FIELDS] = fields
            .try_into()
            .map_err(|_| io::Error::other("a message has 8 fields"))?;
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both were just returned to us.
        let (pipe_r, pipe_w) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        // A bigger pipe moves a large message in fewer rounds; if refused, the default
        // (64 KiB) still works.
        let want = crate::aligned::round_to_pages(size).min(PIPE_BYTES);
        // SAFETY: fcntl on an open pipe.
        unsafe { libc::fcntl(pipe_w.as_raw_fd(), libc::F_SETPIPE_SZ, want as libc::c_int) };
        Ok(Splice {
            fields,
            body,
            stamped: offsets.map(|o| o.is_some()),
            pipe_r,
            pipe_w,
            size,
            fixed: !opts.unsafe_reuse,
            coalesce: opts.coalesce,
        })
    }

    /// One iovec per field over its bytes past the header.
    fn body_iovecs(&self) -> [libc::iovec; FIELDS] {
        std::array::from_fn(|i| {
            let (skip, len) = self.body[i];
            libc::iovec {
                // SAFETY: `skip` is within the field's buffer.
                iov_base: unsafe { self.fields[i].as_ptr().add(skip) } as *mut _,
                iov_len: len,
            }
        })
    }

    /// Moves `len` bytes from the pipe to the socket.
    fn drain_pipe(&self, fd: BorrowedFd<'_>, mut len: usize, more: bool) -> Result<u64, SendError> {
        let mut calls = 0;
        let flags = libc::SPLICE_F_MOVE | if more { libc::SPLICE_F_MORE } else { 0 };
        while len > 0 {
            calls += 1;
            // SAFETY: open descriptors, no offsets (a pipe and a socket).
            let n = unsafe {
                libc::splice(
                    self.pipe_r.as_raw_fd(),
                    std::ptr::null_mut(),
                    fd.as_raw_fd(),
                    std::ptr::null_mut(),
                    len,
                    flags,
                )
            };
            if n > 0 {
                len -= n as usize;
                continue;
            }
            if n == 0 {
                return Err(SendError::Io(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "splice moved no bytes",
                )));
            }
            super::after_failed_call(fd)?;
        }
        Ok(calls)
    }
}

impl SendStrategy for Splice {
    fn send_message(&mut self, fd: BorrowedFd<'_>, seq: u64, started_ns: u64) -> Calls {
        if !self.fixed {
            // The demonstration: rewrite the stamps in pages the socket may still hold.
            for (i, field) in self.fields.iter_mut().enumerate() {
                if self.stamped[i] {
                    field[..STAMP_LEN].copy_from_slice(&seq.to_le_bytes());
                }
            }
        }
        let header =
            super::detached::header(Strategy::Splice, seq, started_ns, self.size, self.fixed);
        let mut calls = super::detached::send_header(fd, &header, self.size > HEADER_LEN)?;
        let mut iov = self.body_iovecs();
        let mut first = 0;
        advance_iovecs(&mut iov, &mut first, 0);
        while first < FIELDS {
            calls += 1;
            // SAFETY: the iovecs point into the live field buffers.
            let n = unsafe {
                libc::vmsplice(
                    self.pipe_w.as_raw_fd(),
                    iov[first..].as_ptr(),
                    FIELDS - first,
                    0,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e.into());
            }
            if n == 0 {
                return Err(SendError::Io(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "vmsplice moved no bytes",
                )));
            }
            advance_iovecs(&mut iov, &mut first, n as usize);
            let more = first < FIELDS || self.coalesce;
            calls += self.drain_pipe(fd, n as usize, more)?;
        }
        Ok(calls)
    }

    fn memory(&self) -> Memory {
        Memory::Mapped
    }
}
