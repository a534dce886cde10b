//! `zerocopy`: `TCP_ZEROCOPY_RECEIVE`. The socket is mmap'd once (a read-only region of
//! whole pages); each receive asks the kernel to map the page-aligned part of what the
//! socket holds into that region instead of copying it, hands the mapped bytes to the
//! checker and unmaps them (`MADV_DONTNEED`), then reads the remainder the kernel
//! could not map (`recv_skip_hint`) with a normal `recv`, which copies. Mapped and
//! copied bytes are counted apart: where the kernel maps nothing (the pages of a
//! plain sender are compound pages on loopback) the row says 0 % mapped.

use std::io;
use std::os::fd::RawFd;

use super::copy::{recv, ring_len};
use super::{Deliver, Receive, ReceiveEntry, RxStrategy};
use crate::aligned::AlignedBuf;
use crate::probe::Check;
use crate::registry::About;

pub const ENTRY: ReceiveEntry = ReceiveEntry {
    rx: RxStrategy::ZeroCopy,
    about: About {
        name: "zerocopy",
        aliases: &[],
        summary: "TCP_ZEROCOPY_RECEIVE: the socket's pages mapped into the receiver, \
                  the unaligned rest copied by recv()",
        available,
    },
    open: |fd, frame| Ok(Box::new(Mapped::new(fd, frame)?)),
};

/// `TCP_ZEROCOPY_RECEIVE` (linux/tcp.h).
const TCP_ZEROCOPY_RECEIVE: libc::c_int = 35;

/// `struct tcp_zerocopy_receive` (linux/tcp.h, Linux 5.11 layout); libc lacks it.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
struct ZeroCopyReceive {
    address: u64,
    length: u32,
    recv_skip_hint: u32,
    inq: u32,
    err: i32,
    copybuf_address: u64,
    copybuf_len: i32,
    flags: u32,
    msg_control: u64,
    msg_controllen: u64,
    msg_flags: u32,
    reserved: u32,
}

/// The mapped region, the copy buffer for what cannot be mapped, and the count.
pub struct Mapped {
    region: *mut u8,
    region_len: usize,
    copy: AlignedBuf,
    mapped: u64,
}

// SAFETY: the region is a mapping owned by this value alone; it moves with it.
unsafe impl Send for Mapped {}

impl Mapped {
    fn new(fd: RawFd, frame: usize) -> io::Result<Mapped> {
        let region_len = ring_len(frame.max(1));
        // SAFETY: a fresh shared read-only mapping of the socket (what tcp_mmap allows).
        let region = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                region_len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if region == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Mapped {
            region: region as *mut u8,
            region_len,
            copy: AlignedBuf::new(region_len),
            mapped: 0,
        })
    }

    /// `recv` into the copy buffer, handing what came to `deliver`.
    fn copy_in(&mut self, fd: RawFd, want: usize, deliver: &mut Deliver) -> io::Result<usize> {
        let len = want.clamp(1, self.copy.len());
        let n = recv(fd, &mut self.copy.as_mut_slice()[..len])?;
        deliver(&self.copy.as_slice()[..n]);
        Ok(n)
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, of this length, unmapped once.
        unsafe { libc::munmap(self.region as *mut libc::c_void, self.region_len) };
    }
}

impl Receive for Mapped {
    fn receive(&mut self, fd: RawFd, want: usize, deliver: &mut Deliver) -> io::Result<usize> {
        // Block until the socket is readable (poll honours SO_RCVLOWAT); the mapping
        // call itself never waits.
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut pfd, 1, 1000) } <= 0 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        let mut zc = ZeroCopyReceive {
            address: self.region as u64,
            length: self.region_len.min(want.max(4096)) as u32 & !4095,
            ..ZeroCopyReceive::default()
        };
        let mut len = std::mem::size_of::<ZeroCopyReceive>() as libc::socklen_t;
        // SAFETY: `zc` is a live struct of the stated length; the kernel maps pages
        // into our own region.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::IPPROTO_TCP,
                TCP_ZEROCOPY_RECEIVE,
                &mut zc as *mut ZeroCopyReceive as *mut libc::c_void,
                &mut len,
            )
        };
        if rc < 0 {
            let e = io::Error::last_os_error();
            // EIO: nothing queued and the peer has closed. recv() says so (0).
            if e.raw_os_error() == Some(libc::EIO) {
                return self.copy_in(fd, want, deliver);
            }
            return Err(e);
        }
        if zc.err != 0 {
            return Err(io::Error::from_raw_os_error(zc.err.abs()));
        }
        let mapped = zc.length as usize;
        if mapped > 0 {
            // SAFETY: the kernel mapped `mapped` readable bytes at the region's start.
            let bytes = unsafe { std::slice::from_raw_parts(self.region, mapped) };
            deliver(bytes);
            // Checked: give the pages back now rather than at the next call.
            // SAFETY: the same range of our own mapping.
            unsafe {
                libc::madvise(
                    self.region as *mut libc::c_void,
                    mapped,
                    libc::MADV_DONTNEED,
                )
            };
            self.mapped += mapped as u64;
        }
        let skip = zc.recv_skip_hint as usize;
        let copied = if skip > 0 {
            self.copy_in(fd, skip, deliver)?
        } else if mapped == 0 {
            // Nothing mappable and no hint: a small tail, or the end of the stream.
            self.copy_in(fd, want, deliver)?
        } else {
            0
        };
        Ok(mapped + copied)
    }

    fn mapped_bytes(&self) -> Option<u64> {
        Some(self.mapped)
    }
}

/// Whether a TCP socket here can be mmap'd (what `TCP_ZEROCOPY_RECEIVE` maps into).
fn available() -> Check {
    let probe =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).and_then(|s| {
            use std::os::fd::AsRawFd;
            // SAFETY: a read-only shared mapping of a socket we own, unmapped at once.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    libc::PROT_READ,
                    libc::MAP_SHARED,
                    s.as_raw_fd(),
                    0,
                )
            };
            if p == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: the mapping just made.
            unsafe { libc::munmap(p, 4096) };
            Ok(())
        });
    match probe {
        Ok(()) => Check {
            ok: true,
            detail: "a TCP socket can be mmap'd for TCP_ZEROCOPY_RECEIVE".into(),
            fix: None,
        },
        Err(e) => Check {
            ok: false,
            detail: format!("mmap of a TCP socket failed: {e}"),
            fix: Some("receive zero-copy needs Linux 4.18 or newer".into()),
        },
    }
}
