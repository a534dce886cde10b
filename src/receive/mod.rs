//! The receive-strategy registry: how a receiver gets the bytes of the stream out of its
//! socket. One file per strategy with its `ENTRY`; [`RECEIVE`] lists them. Only `copy`
//! (recv() into the receiver's ring) exists today; `TCP_ZEROCOPY_RECEIVE` joins it as a
//! second file and a second line.

mod copy;

use std::fmt;
use std::os::fd::RawFd;
use std::str::FromStr;

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

impl RxStrategy {
    /// Its registry entry (a variant's number is its line in [`RECEIVE`]).
    pub fn entry(self) -> &'static ReceiveEntry {
        RECEIVE.get(self as usize).unwrap_or(&RECEIVE[0])
    }

    /// The CLI and CSV name.
    pub fn name(self) -> &'static str {
        self.entry().about.name
    }
}

impl fmt::Display for RxStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RxStrategy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        registry::find(&RECEIVE, |e| &e.about, "receive strategy", s).map(|e| e.rx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_variant_order_and_parse() {
        for (i, e) in RECEIVE.iter().enumerate() {
            assert_eq!(e.rx as usize, i);
            assert_eq!(e.about.name.parse::<RxStrategy>(), Ok(e.rx));
        }
        assert!("mmap".parse::<RxStrategy>().is_err());
    }
}
