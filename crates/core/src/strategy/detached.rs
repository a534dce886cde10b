//! What sendfile and splice share: the frame header travels apart from the fields (it
//! changes with every message, the fields do not), by `send(MSG_MORE)` from its own
//! buffer, so the kernel joins it to the fields that follow. That is a 32-byte copy per
//! message, made by the kernel and counted as the strategy's.

use std::os::fd::BorrowedFd;

use super::{SendError, Strategy, send_whole, sendmsg};
use crate::probe::Check;
use crate::wire::{HEADER_LEN, Header};

/// The header of message `seq` of `strategy`, `size` bytes, whose fields carry the fixed
/// stamp (`fixed`) or the sequence number (the unsafe-reuse demonstration).
pub fn header(
    strategy: Strategy,
    seq: u64,
    sent_ns: u64,
    size: usize,
    fixed: bool,
) -> [u8; HEADER_LEN] {
    Header {
        strategy_id: strategy.wire_id(),
        seq,
        msg_len: size as u64,
        sent_ns,
        fixed_stamps: fixed,
    }
    .encode()
}

/// Sends the whole header, with `MSG_MORE` when fields follow (a message of only a
/// header must not wait for more); returns the calls it took.
pub fn send_header(
    fd: BorrowedFd<'_>,
    header: &[u8; HEADER_LEN],
    more: bool,
) -> Result<u64, SendError> {
    let flags = if more { libc::MSG_MORE } else { 0 };
    let mut iov = [libc::iovec {
        iov_base: header.as_ptr() as *mut libc::c_void,
        iov_len: header.len(),
    }];
    send_whole(fd, &mut iov, |v| sendmsg(fd, v, flags))
}

/// Whether a memfd can be made here (sendfile's source).
pub fn memfd_available() -> Check {
    // SAFETY: a NUL-terminated name and valid flags.
    let fd = unsafe { libc::memfd_create(c"netio-probe".as_ptr(), libc::MFD_CLOEXEC) };
    if fd >= 0 {
        // SAFETY: the fd was just returned to us.
        unsafe { libc::close(fd) };
        Check {
            ok: true,
            detail: "memfd_create works; sendfile from it to TCP is in every supported kernel"
                .into(),
            fix: None,
        }
    } else {
        Check {
            ok: false,
            detail: format!("memfd_create failed: {}", std::io::Error::last_os_error()),
            fix: Some("sendfile needs Linux 3.17 or newer (memfd_create)".into()),
        }
    }
}

/// Whether vmsplice into a pipe works here (splice's first step).
pub fn splice_available() -> Check {
    let page = [0u8; 64];
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Check {
            ok: false,
            detail: format!("pipe2 failed: {}", std::io::Error::last_os_error()),
            fix: Some("raise the open-file limit (ulimit -n)".into()),
        };
    }
    let iov = libc::iovec {
        iov_base: page.as_ptr() as *mut libc::c_void,
        iov_len: page.len(),
    };
    // SAFETY: one iovec over a live buffer; the pipe is ours.
    let n = unsafe { libc::vmsplice(fds[1], &iov, 1, 0) };
    let err = std::io::Error::last_os_error();
    // SAFETY: both descriptors were returned by pipe2 above.
    unsafe {
        libc::close(fds[0]);
        libc::close(fds[1]);
    }
    if n == page.len() as isize {
        Check {
            ok: true,
            detail:
                "vmsplice into a pipe works; splice from a pipe to TCP is in every supported kernel"
                    .into(),
            fix: None,
        }
    } else {
        Check {
            ok: false,
            detail: format!("vmsplice failed: {err}"),
            fix: Some("splice needs Linux 2.6.17 or newer".into()),
        }
    }
}
