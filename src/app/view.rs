//! What the panels show: the running cell, each cell's latest figures, its per-second
//! history and finished runs; frozen or live; recording or not; the machine's facts.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Instant;

use super::HISTORY;
use crate::engine::{Counting, Phase};
use crate::figure::Figure;
use crate::matrix::Cell;
use crate::row::Row;

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
    /// Undefined for a second without a completed message.
    pub p99_us: VecDeque<Figure<f64>>,
}

impl History {
    pub(super) fn push(&mut self, m: &Row) {
        if self.gbps.len() == HISTORY {
            self.gbps.pop_front();
            self.p99_us.pop_front();
        }
        self.gbps.push_back(m.throughput_gbps);
        self.p99_us.push_back(m.lat_p99_us);
    }
}

/// What the panels show: the live one, or a frozen copy of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    /// The latest figures of each measured cell: its last second while it runs, its
    /// window once it finished.
    pub figures: HashMap<Cell, Row>,
    pub history: HashMap<Cell, History>,
    /// Window throughputs of each cell's last finished runs (at most [`RUNS_KEPT`]).
    pub runs: HashMap<Cell, VecDeque<f64>>,
    pub running: Option<Running>,
    pub counting: Option<Counting>,
}

/// Frozen or not: a frozen display holds its own copy (measuring goes on behind it).
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Live,
    Frozen(Box<View>),
}

/// Recording finished cells to CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recording {
    Off,
    On { path: PathBuf, rows: usize },
}
