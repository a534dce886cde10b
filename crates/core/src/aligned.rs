//! A page-aligned byte buffer whose pages are all touched when it is made, so reading
//! into it never faults a page in the measuring window.

use std::alloc::{self, Layout};

/// Bytes in a page on every platform the tool runs on.
pub const PAGE: usize = 4096;

/// `len` rounded up to whole pages.
pub fn round_to_pages(len: usize) -> usize {
    len.div_ceil(PAGE).max(1) * PAGE
}

/// A page-aligned, pre-touched heap buffer.
pub struct AlignedBuf {
    ptr: *mut u8,
    layout: Layout,
}

// SAFETY: the buffer is uniquely owned plain memory.
unsafe impl Send for AlignedBuf {}

impl AlignedBuf {
    /// `len` bytes (rounded up to whole pages), aligned to a page, every page written.
    pub fn new(len: usize) -> AlignedBuf {
        let len = round_to_pages(len);
        let layout = match Layout::from_size_align(len, PAGE) {
            Ok(l) => l,
            // Only for lengths near usize::MAX, which the CLI's limits rule out.
            Err(_) => alloc::handle_alloc_error(Layout::new::<u8>()),
        };
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc::alloc(layout) };
        if ptr.is_null() {
            alloc::handle_alloc_error(layout);
        }
        // Touch every page now (fresh allocations are mapped lazily).
        // SAFETY: `ptr` is valid for `len` bytes.
        unsafe { std::ptr::write_bytes(ptr, 0, len) };
        AlignedBuf { ptr, layout }
    }

    pub fn len(&self) -> usize {
        self.layout.size()
    }

    /// Always false: a buffer has at least one page.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: valid, initialized, uniquely owned for `len` bytes.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len()) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as above, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len()) }
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { alloc::dealloc(self.ptr, self.layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_page_aligned_whole_pages() {
        for len in [1, 4096, 4097, 1 << 20] {
            let mut b = AlignedBuf::new(len);
            assert_eq!(b.as_slice().as_ptr() as usize % PAGE, 0);
            assert_eq!(b.len() % PAGE, 0);
            assert!(b.len() >= len);
            b.as_mut_slice()[len - 1] = 7;
            assert_eq!(b.as_slice()[len - 1], 7);
        }
    }
}
