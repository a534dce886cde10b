//! The send-strategy registry: one [`SendEntry`] per strategy, each defined in the
//! strategy's own file; [`SEND`] lists them in the order the tool shows them. The CLI's
//! parser and help, `doctor`, `report`, `plot`, the copy-path panel and the monitor's
//! colours all read the entries. Adding a strategy: a file in `strategy/` with its
//! `ENTRY`, a variant below, and its line in [`SEND`].

use std::fmt;
use std::str::FromStr;

use super::{SendStrategy, StrategyOptions, one_copy, two_copy, zero_copy};
use crate::registry::{self, About};

/// A way of getting one message from the sender's 8 heap fields into the socket: the
/// key of its [`SendEntry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    TwoCopy,
    OneCopy,
    ZeroCopy,
}

/// Every send strategy, in the order the tool shows them.
pub const SEND: [SendEntry; 3] = [two_copy::ENTRY, one_copy::ENTRY, zero_copy::ENTRY];

/// One step of the copy-path panel's picture of a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Where the bytes are.
    Stage(&'static str),
    /// A copy the strategy makes (shown with the bytes sent per second).
    Copy(&'static str),
    /// A hand-over without a copy (shown with the bytes sent per second).
    Handover(&'static str),
}

/// Everything the tool knows about one send strategy.
#[derive(Debug, Clone, Copy)]
pub struct SendEntry {
    pub strategy: Strategy,
    pub about: About,
    /// The byte that identifies the strategy in a frame header.
    pub wire_id: u8,
    /// Keeps a zero-copy ledger: the socket needs `SO_ZEROCOPY`, messages are never
    /// coalesced (measured to hurt), and the completions' copied % says what the kernel
    /// did on delivery.
    pub zero_copy: bool,
    /// Its colour: an ANSI colour number (0–15) for the monitor, RGB for charts.
    pub ansi: u8,
    pub rgb: (u8, u8, u8),
    /// The sender's side of the copy path, and the copies per byte when nothing is
    /// copied later on delivery.
    pub path: &'static [Step],
    pub copies: &'static str,
    /// The sender half, with its own message buffers of `size` bytes.
    pub build: fn(size: usize, opts: &StrategyOptions) -> Box<dyn SendStrategy>,
}

impl Strategy {
    /// Every strategy, in the order the tool shows them.
    pub const ALL: [Strategy; SEND.len()] = {
        let mut all = [Strategy::TwoCopy; SEND.len()];
        let mut i = 0;
        while i < SEND.len() {
            all[i] = SEND[i].strategy;
            i += 1;
        }
        all
    };

    /// Its registry entry.
    pub fn entry(self) -> &'static SendEntry {
        // A variant's number is its line in SEND (a unit test checks the order).
        SEND.get(self as usize).unwrap_or(&SEND[0])
    }

    /// The CLI and CSV name.
    pub fn name(self) -> &'static str {
        self.entry().about.name
    }

    /// The course assignment's name for it.
    pub fn alias(self) -> &'static str {
        self.entry().about.aliases.first().copied().unwrap_or("")
    }

    /// The byte that identifies the strategy in a frame header.
    pub fn wire_id(self) -> u8 {
        self.entry().wire_id
    }

    /// Whether it keeps a zero-copy ledger (see [`SendEntry::zero_copy`]).
    pub fn is_zero_copy(self) -> bool {
        self.entry().zero_copy
    }

    /// The strategy a CSV row names, if it is one this build knows.
    pub fn of_name(name: &str) -> Option<Strategy> {
        name.parse().ok()
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        registry::find(&SEND, |e| &e.about, "strategy", s).map(|e| e.strategy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_has_one_entry_with_its_own_names_and_wire_id() {
        for (i, e) in SEND.iter().enumerate() {
            assert_eq!(e.strategy as usize, i, "{} out of order", e.about.name);
            for other in &SEND[i + 1..] {
                assert_ne!(e.strategy, other.strategy);
                assert_ne!(e.wire_id, other.wire_id);
                assert!(!other.about.answers_to(e.about.name));
                for a in e.about.aliases {
                    assert!(!other.about.answers_to(a));
                }
            }
        }
        assert_eq!(Strategy::ALL.len(), SEND.len());
    }
}
