//! How the engine runs a cell (options, placement, repeats), the socket choices it
//! reads back and records, and the order of a run's cells.

use std::time::Duration;

use super::{Lowat, Pin, receiver};
use crate::matrix::Cell;
use crate::net::{CcName, Network, SocketOptions};
use crate::receive::RxStrategy;
use crate::strategy::StrategyOptions;
use crate::workload::Workload;

/// How the engine runs every cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellConfig {
    pub warmup: Duration,
    pub duration: Duration,
    /// Check every payload byte, not just headers and stamps.
    pub verify: bool,
    /// Most bytes each receiver asks of one `recv()`.
    pub recv_buffer: usize,
    /// When a blocked receiver wakes.
    pub lowat: Lowat,
    /// Where workers run.
    pub pin: Pin,
    /// Each cell is measured this many times, the repeats interleaved across the
    /// matrix (round robin) so that drift spreads over every cell.
    pub repeats: u32,
    /// What the senders do, and how the receivers read (one each per run today).
    pub workload: Workload,
    pub rx: RxStrategy,
    /// Loopback, or the namespace pair.
    pub network: Network,
    pub socket: SocketOptions,
    pub strategy: StrategyOptions,
}

impl Default for CellConfig {
    fn default() -> Self {
        CellConfig {
            warmup: Duration::from_secs(1),
            duration: Duration::from_secs(5),
            verify: false,
            recv_buffer: receiver::RECV_BUF,
            lowat: Lowat::default(),
            pin: Pin::default(),
            repeats: 1,
            workload: Workload::default(),
            rx: RxStrategy::default(),
            network: Network::Loopback,
            socket: SocketOptions::default(),
            strategy: StrategyOptions::default(),
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
    /// `frame`, `missing` or `off`.
    pub lowat: &'static str,
    /// The resolved `--pin` choice.
    pub pin: String,
}

/// The order cells are run in: `repeats` rounds, each over the whole matrix, so the
/// repeats of one cell are spread over the run. Pairs of (cell, repeat number from 1).
pub fn schedule(cells: &[Cell], repeats: u32) -> Vec<(Cell, u32)> {
    (1..=repeats.max(1))
        .flat_map(|r| cells.iter().map(move |&c| (c, r)))
        .collect()
}
