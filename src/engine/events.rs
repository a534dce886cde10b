//! What the engine reports: per-second samples, finished cells, how a cell ended, its
//! errors, and the one event enum that carries them to whatever shows or records them.

use super::metrics::Counting;
use super::{HostNoise, Metrics, SocketSetup};
use crate::matrix::Cell;
use crate::strategy::{self, ZeroCopyCounts};

/// Which part of the cell a sample belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Warmup,
    Measure,
}

/// One interval (normally a second) of a running cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub cell: Cell,
    /// Which repeat of the cell (from 1).
    pub repeat: u32,
    /// 1-based index of the interval within the cell, warm-up included.
    pub second: u32,
    pub phase: Phase,
    pub metrics: Metrics,
    pub counting: Counting,
}

/// Per-connection totals over the whole cell (warm-up and drain included): what the
/// tests compare exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionTotals {
    pub sent_messages: u64,
    pub sent_wire_bytes: u64,
    /// Send system calls (more than messages when sends were partial).
    pub send_calls: u64,
    pub received_messages: u64,
    pub received_wire_bytes: u64,
    pub tcpi_bytes_received: Option<u64>,
}

/// A finished cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSummary {
    pub cell: Cell,
    /// Which repeat of the cell (from 1).
    pub repeat: u32,
    /// The measuring window (warm-up excluded).
    pub window: Metrics,
    /// The zero-copy ledger over the whole cell, after the final wait for completions
    /// (so sends and completions balance); `None` for the other strategies.
    pub zero_copy: Option<ZeroCopyCounts>,
    /// Integrity errors over the whole cell.
    pub integrity_errors: u64,
    pub connections: Vec<ConnectionTotals>,
    pub counting: Counting,
    /// Throughput of each interval of the window, Gbps: the spread within one run.
    pub seconds_gbps: Vec<f64>,
    /// The socket choices in effect.
    pub setup: SocketSetup,
    /// CPUs the senders and the receivers were seen on during the cell.
    pub tx_cpus: Vec<usize>,
    pub rx_cpus: Vec<usize>,
    /// The host-noise probe taken just before the cell.
    pub host: Option<HostNoise>,
}

impl CellSummary {
    /// Zero-copy ids sent but never reported complete.
    pub fn zc_lost(&self) -> Option<u64> {
        self.zero_copy
            .map(|z| z.sends.saturating_sub(z.completions))
    }
}

/// How a cell ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CellOutcome {
    Finished(Box<CellSummary>),
    /// The run was cancelled while the cell ran; its figures are dropped.
    Cancelled,
}

/// Failures of the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("setting up connections: {0}")]
    Setup(#[source] std::io::Error),
    #[error("starting a worker thread: {0}")]
    Spawn(#[source] std::io::Error),
    #[error(transparent)]
    Send(#[from] strategy::SendError),
    #[error("closing a connection: {0}")]
    Close(#[from] std::io::Error),
    #[error("receiving: {0}")]
    Receive(#[source] std::io::Error),
    #[error("the cell was aborted before it started")]
    Aborted,
    #[error("a worker thread panicked")]
    WorkerPanicked,
}

/// The whole protocol between the engine and whatever shows or records its results.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// Cell `index` (0-based) of `total` is starting.
    CellStarted {
        index: usize,
        total: usize,
        cell: Cell,
        repeat: u32,
    },
    Sample(Box<Sample>),
    CellFinished {
        index: usize,
        summary: Box<CellSummary>,
    },
    /// The cell failed; the run stops.
    CellFailed {
        index: usize,
        cell: Cell,
        error: String,
    },
    /// No more events follow.
    RunEnded {
        cancelled: bool,
    },
}
