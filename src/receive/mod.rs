//! The receive-strategy registry: how a receiver gets the bytes of the stream out of its
//! socket. One file per strategy with its `ENTRY`; [`RECEIVE`] lists them. Only `copy`
//! (recv() into the receiver's ring) exists today; `TCP_ZEROCOPY_RECEIVE` joins it as a
//! second file and a second line.

mod copy;

use std::os::fd::RawFd;

use crate::registry::{self, About};

/// A way of receiving: the key of its [`ReceiveEntry`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RxStrategy {
    #[default]
    Copy,
}

/// Everything the tool knows about one receive strategy.
#[derive(Debug, Clone, Copy)]
pub struct ReceiveEntry {
    pub rx: RxStrategy,
    pub about: About,
    /// Reads what the socket holds into `dst` (at most its length): bytes read, 0 at
    /// the end of the stream, or the error (EINTR included: the caller retries).
    pub recv: fn(fd: RawFd, dst: &mut [u8]) -> std::io::Result<usize>,
}

/// Every receive strategy, in the order the tool shows them.
pub const RECEIVE: [ReceiveEntry; 1] = [copy::ENTRY];

registry::registry_key!(RxStrategy, ReceiveEntry, RECEIVE, rx, "receive strategy");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_variant_order_and_parse() {
        registry::assert_in_order(&RECEIVE, |e| &e.about, |e| e.rx as usize);
        assert!("none-such".parse::<RxStrategy>().is_err());
    }
}
