//! `copy`: `recv()` into the receiver's page-aligned ring, one copy from the socket's
//! buffers into user memory.

use std::os::fd::RawFd;

use super::{ReceiveEntry, RxStrategy};
use crate::registry::{self, About};

pub const ENTRY: ReceiveEntry = ReceiveEntry {
    rx: RxStrategy::Copy,
    about: About {
        name: "copy",
        aliases: &[],
        summary: "recv() into a page-aligned ring: one copy, kernel to user",
        available: registry::always,
    },
    recv,
};

fn recv(fd: RawFd, dst: &mut [u8]) -> std::io::Result<usize> {
    // SAFETY: `dst` is a live, writable buffer of `dst.len()` bytes.
    let n = unsafe { libc::recv(fd, dst.as_mut_ptr() as *mut libc::c_void, dst.len(), 0) };
    if n < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
