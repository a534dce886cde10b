//! The receive-strategy registry: how a receiver gets the bytes of the stream out of its
//! socket. One file per strategy with its `ENTRY`; [`RECEIVE`] lists them. Each entry
//! opens a [`Receive`] per connection (owning whatever memory it reads into) that
//! hands the bytes, in stream order, to the receiver's checker.

mod copy;
mod zerocopy;

pub use copy::{RECV_BUF, ring_len};

use std::io;
use std::os::fd::RawFd;

use crate::registry::{self, About};

/// A way of receiving: the key of its [`ReceiveEntry`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RxStrategy {
    #[default]
    Copy,
    ZeroCopy,
}

/// One connection's receiving side.
/// Where received bytes go, in stream order (the frame checker).
pub type Deliver<'a> = dyn FnMut(&[u8]) + 'a;

pub trait Receive: Send {
    /// Waits for what the socket holds and hands up to `want` bytes of it to `deliver`,
    /// in stream order (in one or more slices); returns the bytes received, 0 at the
    /// end of the stream, or the error (EINTR included: the caller retries).
    fn receive(&mut self, fd: RawFd, want: usize, deliver: &mut Deliver) -> io::Result<usize>;

    /// Bytes the kernel mapped into this process instead of copying (`None` for a
    /// strategy that never maps).
    fn mapped_bytes(&self) -> Option<u64> {
        None
    }
}

/// Everything the tool knows about one receive strategy.
#[derive(Debug, Clone, Copy)]
pub struct ReceiveEntry {
    pub rx: RxStrategy,
    pub about: About,
    /// Opens the receiving side of connection `fd` for `frame`-byte messages: its
    /// memory is allocated and touched here, before the measuring window.
    pub open: fn(fd: RawFd, frame: usize) -> io::Result<Box<dyn Receive>>,
}

/// Every receive strategy, in the order the tool shows them.
pub const RECEIVE: [ReceiveEntry; 2] = [copy::ENTRY, zerocopy::ENTRY];

impl RxStrategy {
    /// Every receive strategy, in order.
    pub const ALL: [RxStrategy; RECEIVE.len()] = [RxStrategy::Copy, RxStrategy::ZeroCopy];
}

registry::registry_key!(RxStrategy, ReceiveEntry, RECEIVE, rx, "receive strategy");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_variant_order_and_parse() {
        registry::assert_in_order(&RECEIVE, |e| &e.about, |e| e.rx as usize);
        assert!("none-such".parse::<RxStrategy>().is_err());
        assert_eq!(RxStrategy::ALL.len(), RECEIVE.len());
    }
}
