//! The send-strategy registry: one [`SendEntry`] per strategy, each defined in the
//! strategy's own file; [`SEND`] lists them in the order the tool shows them. The CLI's
//! parser and help, `doctor`, `report`, `plot`, the copy-path panel and the monitor's
//! colours all read the entries. Adding a strategy: a file in `strategy/` with its
//! `ENTRY`, a variant below, and its line in [`SEND`].

use super::{
    SendStrategy, StrategyOptions, one_copy, sendfile, splice, two_copy, uring, uring_zc, zero_copy,
};
use crate::registry::{self, About};

/// A way of getting one message from the sender's 8 heap fields into the socket: the
/// key of its [`SendEntry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    TwoCopy,
    OneCopy,
    ZeroCopy,
    Uring,
    UringZc,
    SendFile,
    Splice,
}

/// Every send strategy, in the order the tool shows them.
pub const SEND: [SendEntry; 7] = [
    two_copy::ENTRY,
    one_copy::ENTRY,
    zero_copy::ENTRY,
    uring::ENTRY,
    uring_zc::ENTRY,
    sendfile::ENTRY,
    splice::ENTRY,
];

/// One step of the copy-path panel's picture of a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Where the bytes are.
    Stage(&'static str),
    /// A copy the strategy makes, shown with the bytes per second the count measured.
    Copy(Counted, &'static str),
    /// A hand-over without a copy, shown with the bytes per second the count measured.
    Handover(Counted, &'static str),
}

/// Which measured count a step's bytes are (the copy meter's, or the tool's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Copied in user space by the tool (`user_copied_bytes`).
    User,
    /// Copied by the send calls (`tx_copied_bytes`).
    SendCopy,
    /// Pinned by the send calls (`tx_zerocopy_bytes`).
    Pinned,
    /// Handed over as page references by the send calls (`tx_spliced_bytes`).
    Spliced,
    /// Handed to the kernel by a call the meter does not see (the tool's count).
    Handed,
}

/// Everything the tool knows about one send strategy.
#[derive(Debug, Clone, Copy)]
pub struct SendEntry {
    pub strategy: Strategy,
    pub about: About,
    /// The byte that identifies the strategy in a frame header.
    pub wire_id: u8,
    /// Run when `--strategies` is not given (the course assignment's three); `all`
    /// runs every strategy the machine supports.
    pub in_default: bool,
    /// Keeps a zero-copy ledger: the socket needs `SO_ZEROCOPY`, messages are never
    /// coalesced (measured to hurt), and the completions' copied % says what the kernel
    /// did on delivery.
    pub zero_copy: bool,
    /// The kernel may still hold the message's pages when the send returns (a
    /// zero-copy ledger, or no signal at all): `--unsafe-reuse` applies.
    pub holds_pages: bool,
    /// Sends in batches of `--uring-depth` messages (its rows name the depth).
    pub batches: bool,
    /// Its colour: an ANSI colour number (0–15) for the monitor, RGB for charts.
    pub ansi: u8,
    pub rgb: (u8, u8, u8),
    /// Where the message's 8 fields live (the copy path's first line).
    pub fields: &'static str,
    /// The sender's side of the copy path, and the copies per byte when nothing is
    /// copied later on delivery.
    pub path: &'static [Step],
    pub copies: &'static str,
    /// Bytes of buffers one sender holds for `size`-byte messages under `opts` (the
    /// run's memory budget is checked with it before anything starts).
    pub buffers: fn(size: usize, opts: &StrategyOptions) -> usize,
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

    /// The strategies run when none are named: the entries marked `in_default`.
    pub fn defaults() -> Vec<Strategy> {
        SEND.iter()
            .filter(|e| e.in_default)
            .map(|e| e.strategy)
            .collect()
    }

    /// The course assignment's name for it (empty for strategies it does not name).
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

    /// Whether `--unsafe-reuse` applies (see [`SendEntry::holds_pages`]).
    pub fn holds_pages(self) -> bool {
        self.entry().holds_pages
    }

    /// The strategy a CSV row names, if it is one this build knows.
    pub fn of_name(name: &str) -> Option<Strategy> {
        name.parse().ok()
    }
}

registry::registry_key!(Strategy, SendEntry, SEND, strategy, "strategy");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_has_one_entry_with_its_own_names_and_wire_id() {
        registry::assert_in_order(&SEND, |e| &e.about, |e| e.strategy as usize);
        for (i, e) in SEND.iter().enumerate() {
            assert!(SEND[i + 1..].iter().all(|o| o.wire_id != e.wire_id));
            assert_eq!(e.about.name.parse::<Strategy>(), Ok(e.strategy));
        }
        assert_eq!(Strategy::ALL.len(), SEND.len());
    }

    #[test]
    fn a_strategy_that_holds_pages_keeps_its_messages_out_of_the_heap() {
        use crate::mapped::Memory;
        let opts = StrategyOptions::default();
        let mut checked = 0;
        for e in SEND.iter().filter(|e| (e.about.available)().ok) {
            for size in [64, 64 << 10, 1 << 20] {
                let memory = (e.build)(size, &opts).memory();
                let name = e.about.name;
                if e.holds_pages {
                    assert!(
                        matches!(memory, Memory::Mapped | Memory::PageCache),
                        "{name} at {size}: {memory:?}"
                    );
                } else {
                    assert_eq!(memory, Memory::Heap, "{name} at {size}");
                }
                checked += 1;
            }
        }
        // The copying strategies and MSG_ZEROCOPY work on every Linux the tool runs on.
        assert!(checked >= 9, "{checked}");
    }

    #[test]
    fn every_strategy_has_its_own_colours() {
        for (i, e) in SEND.iter().enumerate() {
            for o in &SEND[i + 1..] {
                assert_ne!(e.ansi, o.ansi, "{} and {}", e.about.name, o.about.name);
                assert_ne!(e.rgb, o.rgb, "{} and {}", e.about.name, o.about.name);
            }
        }
    }
}
