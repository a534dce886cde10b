//! What the engine reports: per-second samples, finished cells, how a cell ended, its
//! errors, and the one event enum that carries them to whatever shows or records them.

use super::metrics::Counting;
use super::{HostNoise, READY_PATIENCE, SocketSetup};
use crate::figure::Figure;
use crate::matrix::Cell;
use crate::row::{Row, formula};
use crate::strategy::{self, ZeroCopyCounts};

/// Which part of the cell a sample belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Warmup,
    Measure,
}

impl Phase {
    /// Its name in the samples file's `phase` column.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Warmup => "warmup",
            Phase::Measure => "measure",
        }
    }
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
    /// The interval's figures, as its samples-file row (without the run's context).
    pub row: Row,
    pub counting: Counting,
    /// The interval's latencies as the workload measures them (round trips under `rr`,
    /// one-way otherwise), bucketed for the monitor's latency view; empty when none
    /// were recorded (a replay: recordings hold percentiles only).
    pub latency: super::buckets::LatencyBuckets,
}

impl Sample {
    /// Marks the sample as belonging to repeat `repeat` (its row says so too).
    pub fn set_repeat(&mut self, repeat: u32) {
        self.repeat = repeat;
        self.row.repeat = Some(repeat);
    }
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
    /// The cell's row (without the run's context): the measuring window's figures
    /// (warm-up excluded), the zero-copy ledger and integrity errors over the whole cell
    /// (so sends and completions balance), and the cell's setup. Kept in step with the
    /// fields below by [`CellSummary::complete_row`].
    pub row: Row,
    /// The zero-copy ledger over the whole cell, after the final wait for completions
    /// (so sends and completions balance); `None` for the other strategies.
    pub zero_copy: Option<ZeroCopyCounts>,
    /// Integrity errors over the whole cell.
    pub integrity_errors: u64,
    /// Connections whose stream ended inside a frame.
    pub truncated_frames: u64,
    /// The measuring window asked for, seconds (the row's `duration_s` is the one
    /// obtained).
    pub window_asked_s: f64,
    /// Late-copied bytes the cell's own pinned pages cannot explain (another process's
    /// zero-copy traffic); the row's late copy is then absent with that reason.
    pub foreign_late_copy: Option<u64>,
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

    /// Marks the summary as repeat `repeat`, measured after the host probe `host`.
    pub fn place(&mut self, repeat: u32, host: Option<HostNoise>) {
        self.repeat = repeat;
        self.host = host;
        self.complete_row();
    }

    /// Writes the per-cell columns of the row from the summary: the whole-cell ledger
    /// and integrity errors, the setup, the CPUs seen, the host probe, the spread of
    /// the window's seconds.
    pub fn complete_row(&mut self) {
        let lost = self.zc_lost();
        let flagged = self.flags();
        let row = &mut self.row;
        row.integrity_errors = self.integrity_errors;
        row.repeat = Some(self.repeat);
        let st = &self.setup;
        row.pin = Some(st.pin.clone());
        row.cc = st.cc.map(|c| c.to_string());
        row.nodelay = st.nodelay;
        row.coalesce = Some(st.coalesce);
        row.sndbuf_bytes = st.sndbuf;
        row.rcvbuf_bytes = st.rcvbuf;
        row.rcvlowat_mode = Some(st.lowat.to_string());
        row.rcvlowat_bytes = st.rcvlowat;
        row.ends_alike = st.ends_alike;
        let cpus =
            |c: &[usize]| (!c.is_empty()).then(|| super::placement::format_cpus(c.iter().copied()));
        row.tx_cpus = cpus(&self.tx_cpus);
        row.rx_cpus = cpus(&self.rx_cpus);
        let probe = |f: fn(&HostNoise) -> f64| {
            self.host
                .as_ref()
                .map_or(Figure::Unavailable(crate::figure::why::UNREADABLE), |h| {
                    Figure::Measured(formula::sig6(f(h)))
                })
        };
        row.host_memcpy_gbps = probe(|h| h.memcpy_gbps);
        row.host_noise_cv = probe(|h| h.cv_pct);
        match crate::stats::Summary::of(&self.seconds_gbps) {
            Some(spread) => {
                row.seconds_n = Figure::Measured(spread.n as u32);
                // One second has no spread.
                row.seconds_sd_gbps = spread
                    .sd
                    .map_or(Figure::Undefined, |sd| Figure::Measured(formula::sig6(sd)));
            }
            None => {
                row.seconds_n = Figure::Measured(0);
                row.seconds_sd_gbps = Figure::Undefined;
            }
        }
        row.truncated_frames = Figure::Measured(self.truncated_frames);
        if self.zero_copy.is_some() {
            row.set_zero_copy(self.zero_copy);
            row.zc_lost = Figure::or_unavailable(lost, crate::figure::why::UNREADABLE);
            row.zc_outstanding_at_end = row.zc_lost;
        }
        row.flagged = flagged;
        if self.foreign_late_copy.is_some() {
            row.late_copied_bytes = Figure::Unavailable(crate::figure::why::FOREIGN_LATE_COPY);
        }
    }

    /// Why the row should not be trusted as a result, or `None`: what the end of the
    /// cell found (kept, shown with the reason, and left out of comparisons).
    fn flags(&self) -> Option<String> {
        let mut why = Vec::new();
        if let Some(n) = self.zc_lost().filter(|&n| n > 0) {
            why.push(format!(
                "{n} zero-copy ids still outstanding at the end (pool unmapped, not reused)"
            ));
        }
        let asked = self.window_asked_s;
        let got = self.row.duration_s;
        if asked > 0.0 && (got / asked - 1.0).abs() > formula::WINDOW_TOLERANCE {
            why.push(format!(
                "window {got:.3} s against {asked:.3} s asked (beyond ±{:.0} %)",
                formula::WINDOW_TOLERANCE * 100.0
            ));
        }
        if let Some(p) = self
            .row
            .other_cpu_pct
            .value()
            .filter(|&p| p > formula::BUSY_HOST_PCT)
        {
            why.push(format!(
                "busy host: other processes used {p:.0} % of the machine's CPU"
            ));
        }
        if let Some(bytes) = self.foreign_late_copy {
            why.push(format!(
                "late copy of {bytes} B that the cell's own pinned pages cannot explain: other zero-copy traffic on the machine"
            ));
        }
        if self.truncated_frames > 0 {
            why.push(format!(
                "{} stream(s) ended inside a frame",
                self.truncated_frames
            ));
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

/// How a cell ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CellOutcome {
    Finished(Box<CellSummary>),
    /// The run was cancelled while the cell ran; its figures are dropped.
    Cancelled,
}

impl EngineError {
    /// A failed `op`, for `map_err`.
    pub fn io(op: &'static str) -> impl Fn(std::io::Error) -> EngineError {
        move |source| EngineError::Io { op, source }
    }
}

/// Failures of the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A system call failed; `op` names it (connect, setsockopt NAME, recv, shutdown...).
    #[error("{op}: {source}")]
    Io {
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("starting a worker thread: {0}")]
    Spawn(#[source] std::io::Error),
    #[error(transparent)]
    Send(#[from] strategy::SendError),
    #[error("the cell was aborted before it started")]
    Aborted,
    #[error("a worker thread panicked")]
    WorkerPanicked,
    #[error("{0} was not ready within {READY_PATIENCE:?} (it failed while setting up)")]
    NotReady(String),
    #[error("{0} ended before the cell did (the cell's figures are dropped)")]
    EndedEarly(String),
    #[error(
        "the cell's rate max (its saturation) was not measured in this round, so a percentage load has nothing to take a share of"
    )]
    NoReference,
    #[error("a paced cell reached the sender without a rate")]
    NoRate,
    #[error("the receiver closed the connection while {0} replies were outstanding")]
    NoReply(usize),
    /// The far host of a `--remote` run refused or failed this cell (the run goes on).
    #[error("the far host: {0}")]
    Peer(String),
    /// The far host of a `--remote` run is gone or stopped answering: the run ends.
    #[error("lost the far host: {0}")]
    PeerLost(String),
}

impl From<crate::worker::WorkerError> for EngineError {
    fn from(e: crate::worker::WorkerError) -> Self {
        use crate::worker::WorkerError as W;
        match e {
            W::Io { op, source } => EngineError::Io { op, source },
            W::Send(e) => EngineError::Send(e),
            W::NoReply(n) => EngineError::NoReply(n),
        }
    }
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
    /// The cell failed (no row); the run goes on with the next cell, unless `fatal`
    /// (the far host of a `--remote` run is gone: no later cell can run).
    CellFailed {
        index: usize,
        cell: Cell,
        error: String,
        fatal: bool,
    },
    /// No more events follow.
    RunEnded {
        cancelled: bool,
    },
}
