//! How the engine runs a cell (options, placement, repeats), the socket choices it
//! reads back and records, and the order of a run's cells.

use std::time::Duration;

use super::Network;
use super::{Lowat, Pin};
use crate::net::{CcName, SocketOptions};
use crate::strategy::StrategyOptions;
use crate::workload::rr;

/// `--budget-rounds`' default: `--repeat auto` spends at most what `--repeat 5` (the
/// fixed count it replaced as the headless default) takes.
pub const DEFAULT_BUDGET_ROUNDS: u32 = 5;

/// How the engine runs every cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellConfig {
    pub warmup: Duration,
    pub duration: Duration,
    /// Check every payload byte, not just headers and stamps.
    pub verify: bool,
    /// Most bytes each receiver asks of one `recv()`.
    pub recv_buffer: usize,
    /// When a blocked receiver wakes.
    pub lowat: Lowat,
    /// `rr` and `rate` cells wake their receivers on every arrival (`off`) unless the
    /// user chose a mode: with one message in flight a frame-sized low-water mark was
    /// measured to stall zero-copy on loopback (the queued skbs' truesize fills the
    /// receive buffer before a frame is there, a segment is dropped, and nothing more
    /// comes until the retransmission timer fires).
    pub lowat_chosen: bool,
    /// Where workers run.
    pub pin: Pin,
    /// Each cell is measured this many times (at most, `until_decided`), the repeats
    /// interleaved across the matrix (round robin) so that drift spreads over every
    /// cell.
    pub repeats: u32,
    /// `--repeat auto`: from round 3 on, points whose every comparison is decided
    /// leave the rounds ([`super::rounds`]).
    pub until_decided: bool,
    /// `--budget-rounds`: with `until_decided`, at most this many times the cells
    /// are run in all.
    pub budget_rounds: u32,
    /// `--margin`: ratios within ±this % are equivalent.
    pub margin_pct: f64,
    /// `rr`'s requests in flight and reply length (the workload is each cell's own).
    pub rr: RrOptions,
    /// Loopback, the namespace pair, or the far host (`--remote`).
    pub network: Network,
    pub socket: SocketOptions,
    pub strategy: StrategyOptions,
    /// The copy meter: wanted (loaded once per run), off, loaded or refused.
    pub copy_meter: crate::copymeter::MeterChoice,
    /// A fault a test injects (never set by the command line).
    pub fault: Fault,
}

/// Faults tests inject to reach states a healthy run avoids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fault {
    #[default]
    None,
    /// Each receiver reads one frame a millisecond while its sender sends (so the
    /// window stays closed and the sender's queue full), and nothing while the sender
    /// waits for its last completions, reading on (to the end, every frame checked)
    /// only once the sender has finished and dropped its buffers: zero-copy
    /// completions cannot arrive within the end-of-cell wait.
    ReceiversStallAtEnd,
}

impl CellConfig {
    /// This config with a wanted copy meter loaded (once: a loaded or refused one
    /// stays as it is).
    pub fn with_meter_loaded(&self) -> CellConfig {
        CellConfig {
            copy_meter: self.copy_meter.clone().resolve(),
            ..self.clone()
        }
    }
}

impl CellConfig {
    /// The most cell runs `cells` cells can take: every round, or under `--repeat
    /// auto` the budget.
    pub fn most_runs(&self, cells: usize) -> usize {
        let rounds = if self.until_decided {
            self.repeats.min(self.budget_rounds.max(3))
        } else {
            self.repeats
        };
        cells * rounds as usize
    }
}

impl Default for CellConfig {
    fn default() -> Self {
        CellConfig {
            warmup: Duration::from_secs(1),
            duration: Duration::from_secs(5),
            verify: false,
            recv_buffer: crate::receive::RECV_BUF,
            lowat: Lowat::default(),
            lowat_chosen: false,
            pin: Pin::default(),
            repeats: 1,
            until_decided: false,
            budget_rounds: DEFAULT_BUDGET_ROUNDS,
            margin_pct: crate::stats::DEFAULT_MARGIN_PCT,
            rr: RrOptions::default(),
            network: Network::Loopback,
            socket: SocketOptions::default(),
            strategy: StrategyOptions::default(),
            copy_meter: crate::copymeter::MeterChoice::default(),
            fault: Fault::None,
        }
    }
}

impl CellConfig {
    /// When the receivers of a `workload` cell wake.
    pub fn lowat_for(&self, workload: crate::workload::Workload) -> Lowat {
        if self.lowat_chosen || workload.saturates() {
            self.lowat
        } else {
            Lowat::Off
        }
    }
}

/// What `rr` cells do: requests in flight per pair, and the reply's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RrOptions {
    pub depth: usize,
    pub response_size: usize,
}

impl Default for RrOptions {
    fn default() -> Self {
        RrOptions {
            depth: 1,
            response_size: rr::DEFAULT_RESPONSE,
        }
    }
}

/// The socket choices in effect for a cell, read back from its first connection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SocketSetup {
    /// Congestion control of the sender's socket.
    pub cc: Option<CcName>,
    pub nodelay: Option<bool>,
    /// The sender used MSG_MORE.
    pub coalesce: bool,
    pub sndbuf: Option<u64>,
    pub rcvbuf: Option<u64>,
    pub rcvlowat: Option<u64>,
    /// Both ends of the connection read back the same options (`None`: one end is on
    /// the far host).
    pub ends_alike: Option<bool>,
    /// `frame`, `missing` or `off`.
    pub lowat: &'static str,
    /// The resolved `--pin` choice.
    pub pin: String,
}
