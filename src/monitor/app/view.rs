//! What the panels show: the running cell, each cell's latest figures, its per-second
//! history and finished runs; frozen or live; recording or not; the machine's facts.

use netio_core::engine::buckets::LatencyBuckets;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Instant;

use super::{HISTORY, RUNS_KEPT};
use netio_core::engine::{CellSummary, Counting, Phase};
use netio_core::figure::Figure;
use netio_core::matrix::Cell;
use netio_core::row::Row;

/// The cell being measured now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Running {
    pub cell: Cell,
    pub started: Instant,
    /// Seconds reported so far (warm-up included).
    pub seconds: u32,
    pub phase: Phase,
}

/// Per-second history of one cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub gbps: VecDeque<Figure<f64>>,
    /// The workload's p99 latency (round trip for `rr`); undefined for a second
    /// without a completed message.
    pub p99_us: VecDeque<Figure<f64>>,
}

impl History {
    /// An empty bar between two runs of the cell, so separate rounds do not read as
    /// one stretch of seconds (nothing is pushed before the first run).
    pub(super) fn gap(&mut self) {
        if self.gbps.back().is_some_and(|g| *g != Figure::Undefined) {
            self.push_figures(Figure::Undefined, Figure::Undefined);
        }
    }

    fn push_figures(&mut self, gbps: Figure<f64>, p99: Figure<f64>) {
        if self.gbps.len() == HISTORY {
            self.gbps.pop_front();
            self.p99_us.pop_front();
        }
        self.gbps.push_back(gbps);
        self.p99_us.push_back(p99);
    }

    pub(super) fn push(&mut self, m: &Row) {
        self.push_figures(m.throughput_gbps, m.latency_p99());
    }
}

/// What the panels show: the live one, or a frozen copy of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    /// Each finished cell's figures: every column the median over its kept runs
    /// ([`super::estimate::median_row`]; in a replay, over the recorded rounds). Never a
    /// second of a run still going, nor a warm-up.
    pub figures: HashMap<Cell, Row>,
    /// Each cell's last finished runs (at most [`RUNS_KEPT`]), whole: what `figures`
    /// is the median of.
    pub kept: HashMap<Cell, VecDeque<Row>>,
    /// The running cell's latest second (warm-up or measuring, as `running.phase`
    /// says): shown as live, never as a result.
    pub second: Option<Row>,
    /// Where the run is: cell k (from 0) of n, and when its first cell started.
    pub progress: Option<(usize, usize, Instant)>,
    /// When the latest event arrived: the ETA's "now" (a render is a function of the
    /// state alone).
    pub last_event: Option<Instant>,
    pub history: HashMap<Cell, History>,
    /// Window throughputs of each cell's last finished runs (at most [`RUNS_KEPT`]).
    pub runs: HashMap<Cell, VecDeque<f64>>,
    pub running: Option<Running>,
    pub counting: Option<Counting>,
    /// Each cell's latencies over the measured seconds of its current (or last) run,
    /// bucketed: the latency view's histogram.
    pub latency: HashMap<Cell, LatencyBuckets>,
}

/// Frozen or not: a frozen display holds its own copy (measuring goes on behind it).
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Live,
    Frozen(Box<View>),
}

/// The last runs of each finished cell, in the order the cells first finished: at most
/// [`RUNS_KEPT`] per cell, so memory is bounded by the matrix, not the session's length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finished {
    order: Vec<Cell>,
    runs: HashMap<Cell, VecDeque<Row>>,
}

impl Finished {
    pub(super) fn push(&mut self, summary: &CellSummary) {
        let runs = self.runs.entry(summary.cell).or_insert_with(|| {
            self.order.push(summary.cell);
            VecDeque::new()
        });
        if runs.len() == RUNS_KEPT {
            runs.pop_front();
        }
        runs.push_back(summary.row.clone());
    }

    /// Every kept run, cell by cell in first-finished order (rows without the run's
    /// context: the caller adds it).
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.order.iter().flat_map(|c| self.runs[c].iter())
    }

    /// How many runs are kept.
    pub fn len(&self) -> usize {
        self.runs.values().map(VecDeque::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// Recording finished cells to CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recording {
    Off,
    On { path: PathBuf, rows: usize },
}

impl View {
    /// Adds a finished run of `cell` to its last runs (at most [`RUNS_KEPT`]) and
    /// makes its figures the median over them; a flagged row is shown but left out of
    /// the comparisons.
    pub(super) fn push_run(&mut self, cell: Cell, row: &Row) {
        let kept = self.kept.entry(cell).or_default();
        if kept.len() == RUNS_KEPT {
            kept.pop_front();
        }
        kept.push_back(row.clone());
        if let Some(m) = super::estimate::median_row(kept.make_contiguous()) {
            self.figures.insert(cell, m);
        }
        if row.flagged.is_some() {
            return;
        }
        let runs = self.runs.entry(cell).or_default();
        if runs.len() == RUNS_KEPT {
            runs.pop_front();
        }
        if let Some(g) = row.headline().value() {
            runs.push_back(g);
        }
    }

    /// What to show for `cell`: its latest measuring second while it runs (true: live),
    /// else its finished figures. A warm-up second is never shown as a figure.
    pub fn shown(&self, cell: Cell) -> Option<(&Row, bool)> {
        // Warming up: nothing yet, and nothing from a previous run of the cell either
        // (it would read as this run's).
        if self
            .running
            .is_some_and(|r| r.cell == cell && r.phase == Phase::Warmup)
        {
            return None;
        }
        let live = self
            .running
            .filter(|r| r.cell == cell && r.phase == Phase::Measure)
            .and(self.second.as_ref());
        match live {
            Some(row) => Some((row, true)),
            None => self.figures.get(&cell).map(|row| (row, false)),
        }
    }
}
