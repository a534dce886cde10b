//! Memory the kernel may still reference after a send call returns: each buffer its
//! own anonymous mapping, released with `munmap`, never through the allocator.
//!
//! `vmsplice` (without `SPLICE_F_GIFT`), `MSG_ZEROCOPY` and io_uring `SEND_ZC` leave
//! the socket's skbs holding references to the user pages after the call returns; on
//! loopback and veth they can sit in the receiver's queue for milliseconds after the
//! sender is done. Freed through the allocator, such memory gets malloc's free-chunk
//! header written into it while the kernel still sends it (seen on the wire: two arena
//! pointers in place of a field's stamp). After `munmap` the kernel's page references
//! keep the old pages alive and unchanged, and nothing in the process can reach them
//! again: a later mapping at the same address gets fresh pages.
//!
//! So a strategy that hands pages by reference holds its message memory as
//! [`MappedBuf`] (the zero-copy slot pool only accepts messages of it), and a strategy
//! that copies keeps plain heap memory. [`Memory`] names which one a built strategy
//! holds, so a test can check every registry entry that `holds_pages` against it.

use std::io;
use std::ops::{Deref, DerefMut};

use crate::aligned::round_to_pages;

/// Where a sender's message bytes live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Memory {
    /// The allocator's heap: only for strategies whose kernel calls copy the bytes
    /// before returning.
    Heap,
    /// Anonymous mappings released with `munmap` ([`MappedBuf`]).
    Mapped,
    /// A memfd's page-cache pages (sendfile): the file owns them, closing it frees
    /// nothing the kernel still holds.
    PageCache,
    /// No message memory at all (a strategy that could not be built).
    Nothing,
}

/// `len` bytes in their own private anonymous mapping (whole pages, page-aligned),
/// every page written when it is made, unmapped when dropped.
pub struct MappedBuf {
    ptr: *mut u8,
    /// The bytes asked for (what the slice shows).
    len: usize,
    /// The mapping's length (whole pages).
    mapped: usize,
}

// SAFETY: the mapping is uniquely owned plain memory.
unsafe impl Send for MappedBuf {}

impl MappedBuf {
    /// A mapping of `len` bytes (at least one page), zeroed and touched.
    pub fn new(len: usize) -> io::Result<MappedBuf> {
        let mapped = round_to_pages(len);
        // SAFETY: a fresh private anonymous mapping; no address hint, no file.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = ptr.cast::<u8>();
        // Write every page now, so no page is faulted in (or shared with the zero
        // page) in the measuring window.
        // SAFETY: `ptr` is valid for `mapped` bytes.
        unsafe { std::ptr::write_bytes(ptr, 0, mapped) };
        Ok(MappedBuf { ptr, len, mapped })
    }

    /// The bytes asked for.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a zero-length buffer (it still owns one page).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Deref for MappedBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: valid, initialized and uniquely owned for `len <= mapped` bytes.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl DerefMut for MappedBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above; `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl Drop for MappedBuf {
    fn drop(&mut self) {
        // The kernel's own page references (skbs, pipes) keep the pages alive and
        // unchanged after this; only the process loses them. A failure would leave a
        // mapping behind, never memory someone else writes.
        // SAFETY: the mapping made in `new`, unmapped once.
        unsafe { libc::munmap(self.ptr.cast(), self.mapped) };
    }
}

/// Memory a message field can live in.
pub trait FieldMemory: Deref<Target = [u8]> + DerefMut + Send + Sized {
    /// Which kind it is.
    const KIND: Memory;
    /// `len` zeroed bytes.
    fn zeroed(len: usize) -> io::Result<Self>;
}

impl FieldMemory for Box<[u8]> {
    const KIND: Memory = Memory::Heap;
    fn zeroed(len: usize) -> io::Result<Self> {
        Ok(vec![0u8; len].into_boxed_slice())
    }
}

impl FieldMemory for MappedBuf {
    const KIND: Memory = Memory::Mapped;
    fn zeroed(len: usize) -> io::Result<Self> {
        MappedBuf::new(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_is_its_own_whole_pages_and_shows_the_length_asked() {
        for len in [0, 1, 4096, 4097, 1 << 20] {
            let mut b = MappedBuf::new(len).expect("mmap");
            assert_eq!(b.len(), len);
            assert_eq!(b.as_ptr() as usize % 4096, 0, "page-aligned");
            assert!(b.iter().all(|&x| x == 0));
            if len > 0 {
                b[len - 1] = 7;
                assert_eq!(b[len - 1], 7);
            }
        }
    }

    #[test]
    fn pages_a_socket_still_holds_keep_their_bytes_after_the_buffer_is_dropped() {
        // A pipe holds vmsplice'd page references, as a socket does: after munmap the
        // bytes read from the pipe are still the ones written.
        let mut fds = [0; 2];
        // SAFETY: room for two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let mut b = MappedBuf::new(4096).expect("mmap");
        b.fill(0xAB);
        let iov = libc::iovec {
            iov_base: b.as_ptr() as *mut _,
            iov_len: 4096,
        };
        // SAFETY: one iovec over the live mapping.
        let n = unsafe { libc::vmsplice(fds[1], &iov, 1, 0) };
        assert_eq!(n, 4096);
        drop(b);
        // Something else takes memory now (it may get the same address, never the
        // same pages).
        let mut other = MappedBuf::new(4096).expect("mmap");
        other.fill(0x11);
        let mut out = vec![0u8; 4096];
        // SAFETY: reading into a live buffer of that length.
        let got = unsafe { libc::read(fds[0], out.as_mut_ptr().cast(), 4096) };
        assert_eq!(got, 4096);
        assert!(
            out.iter().all(|&x| x == 0xAB),
            "the pipe's pages kept their bytes"
        );
        // SAFETY: closing our own descriptors.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
    }
}
