//! The measurement matrix: strategies × message sizes × thread counts × workloads (a
//! paced workload once per load), and the cells it is made of. Pure data, no I/O.

use std::fmt;

use crate::receive::RxStrategy;
use crate::strategy::Strategy;
use crate::wire::MessageSize;
use crate::workload::{Load, Workload};

/// Most sender/receiver pairs one cell may use (the threads axis' bound: the CLI and
/// a recording's reader both check it).
pub const MAX_THREADS: usize = 64;
/// The default matrix's sizes and thread pairs (`--sizes`, `--threads`; the CLI's
/// defaults are checked against these by a test).
pub const DEFAULT_SIZES: [usize; 6] = [1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20];
pub const DEFAULT_THREADS: [usize; 4] = [1, 2, 4, 8];

/// One measurement: a strategy at a message size with a number of sender/receiver
/// pairs, under a workload (and, for `rate`, at a load).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cell {
    pub strategy: Strategy,
    /// Message bytes, never below the header ([`MessageSize`]).
    pub size: MessageSize,
    /// Sender/receiver thread pairs, one TCP connection each.
    pub threads: usize,
    pub workload: Workload,
    /// What a `rate` cell offers; `Unpaced` for the others.
    pub load: Load,
    /// How the receivers read.
    pub rx: RxStrategy,
}

impl Cell {
    /// A `stream` cell.
    pub fn new(strategy: Strategy, size: usize, threads: usize) -> Cell {
        Cell {
            strategy,
            size: MessageSize::new(size),
            threads,
            workload: Workload::Stream,
            load: Load::Unpaced,
            rx: RxStrategy::Copy,
        }
    }

    /// This cell under `mode` (a workload, its load, a receive strategy).
    pub fn under(self, mode: Mode) -> Cell {
        Cell {
            workload: mode.workload,
            load: mode.load,
            rx: mode.rx,
            ..self
        }
    }

    /// Its workload, load and receive strategy.
    pub fn mode(&self) -> Mode {
        Mode {
            workload: self.workload,
            load: self.load,
            rx: self.rx,
        }
    }

    /// The `rate max` cell (same receive strategy) whose throughput a percentage load
    /// is a share of.
    pub fn reference(&self) -> Cell {
        Cell::new(self.strategy, self.size.get(), self.threads).under(Mode {
            rx: self.rx,
            ..Mode::SATURATION
        })
    }

    /// Sent on a schedule (a `rate` cell at a load other than `max`).
    pub fn is_paced(&self) -> bool {
        self.mode().is_paced()
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} x{}",
            self.strategy,
            format_size(self.size.get()),
            self.threads
        )?;
        match (self.workload, self.rx) {
            (Workload::Stream, RxStrategy::Copy) => Ok(()),
            (Workload::Stream, rx) => write!(f, " / rx {rx}"),
            _ => write!(f, " {}", self.mode()),
        }
    }
}

/// How a pair is driven beyond strategy, size and threads: a workload with its load,
/// and the receive strategy (`--rx`). The matrix's fourth axis; the monitor's `w`
/// cycles through it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mode {
    pub workload: Workload,
    pub load: Load,
    pub rx: RxStrategy,
}

impl Mode {
    /// `rate max`: the paced workload's sending regime without a schedule, the 100 %
    /// of its percentage loads.
    pub const SATURATION: Mode = Mode {
        workload: Workload::Rate,
        load: Load::Max,
        rx: RxStrategy::Copy,
    };

    /// `rate max` under any receive strategy.
    pub fn is_saturation(&self) -> bool {
        self.workload.is_paced() && self.load == Load::Max
    }

    /// Sent on a schedule.
    pub fn is_paced(&self) -> bool {
        self.workload.is_paced() && self.load != Load::Max
    }

    /// What the mode's figures mean (headline, latency label, which way is better):
    /// its workload's entry, except `rate max`, which is a stream of individually
    /// sent messages and reads as one.
    pub fn entry(&self) -> &'static crate::workload::WorkloadEntry {
        if self.is_saturation() {
            Workload::Stream.entry()
        } else {
            self.workload.entry()
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.load {
            Load::Unpaced => write!(f, "{}", self.workload)?,
            load => write!(f, "{} {load}", self.workload)?,
        }
        match self.rx {
            RxStrategy::Copy => Ok(()),
            rx => write!(f, " / rx {rx}"),
        }
    }
}

/// `modes` once per receive strategy, in the order given (each strategy's `rate max`
/// before its percentage loads, as [`modes`] orders them).
pub fn with_receivers(modes: &[Mode], rxs: &[RxStrategy]) -> Vec<Mode> {
    let mut out: Vec<Mode> = Vec::new();
    for &rx in rxs {
        for &m in modes {
            let m = Mode { rx, ..m };
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// The modes `workloads` × `loads` give, in order: `rate` once per load, the others
/// once; `rate max` before the loads whenever a percentage needs it as its reference.
pub fn modes(workloads: &[Workload], loads: &[Load]) -> Vec<Mode> {
    let mut out = Vec::new();
    for &workload in workloads {
        if workload.is_paced() {
            let mut loads = loads.to_vec();
            if loads.iter().any(|l| l.percent().is_some()) && !loads.contains(&Load::Max) {
                loads.push(Load::Max);
            }
            // max first (stable: the others as given).
            loads.sort_by_key(|l| *l != Load::Max);
            out.extend(loads.iter().map(|&load| Mode {
                workload,
                load,
                rx: RxStrategy::Copy,
            }));
        } else {
            out.push(Mode {
                workload,
                load: Load::Unpaced,
                rx: RxStrategy::Copy,
            });
        }
    }
    out.dedup();
    out
}

/// The axes of a run. Cells are produced size-major, then threads, then mode, then
/// strategy, so the strategies at one point are measured next to each other in time,
/// and a point's `rate max` cells come before the `rate` cells that take a share of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub strategies: Vec<Strategy>,
    pub sizes: Vec<usize>,
    pub threads: Vec<usize>,
    /// From [`modes`].
    pub modes: Vec<Mode>,
}

impl Matrix {
    /// Every cell in the order it is run.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = Vec::with_capacity(self.len());
        for &size in &self.sizes {
            for &threads in &self.threads {
                for &mode in &self.modes {
                    for &strategy in &self.strategies {
                        cells.push(Cell::new(strategy, size, threads).under(mode));
                    }
                }
            }
        }
        cells
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.strategies.len() * self.sizes.len() * self.threads.len() * self.modes.len()
    }

    /// True when one of the axes is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A byte count as the CLI writes it: `8B`, `4K`, `1M`, `1536B`.
pub fn format_size(bytes: usize) -> String {
    const K: usize = 1024;
    if bytes >= K * K && bytes % (K * K) == 0 {
        format!("{}M", bytes / (K * K))
    } else if bytes >= K && bytes % K == 0 {
        format!("{}K", bytes / K)
    } else {
        format!("{bytes}B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_names_and_aliases_parse() {
        for s in Strategy::ALL {
            assert_eq!(s.name().parse::<Strategy>(), Ok(s));
            if !s.alias().is_empty() {
                assert_eq!(s.alias().parse::<Strategy>(), Ok(s));
            }
            assert_eq!(s.name().to_uppercase().parse::<Strategy>(), Ok(s));
        }
        assert!("three-copy".parse::<Strategy>().is_err());
    }

    #[test]
    fn cells_keep_strategies_of_one_point_together() {
        let m = Matrix {
            strategies: vec![Strategy::TwoCopy, Strategy::ZeroCopy],
            sizes: vec![4096, 65536],
            threads: vec![1, 2],
            modes: vec![Mode::default()],
        };
        let cells = m.cells();
        assert_eq!(cells.len(), 8);
        assert_eq!(m.len(), 8);
        assert_eq!(cells[0], Cell::new(Strategy::TwoCopy, 4096, 1));
        assert_eq!(cells[1].strategy, Strategy::ZeroCopy);
        assert_eq!((cells[1].size.get(), cells[1].threads), (4096, 1));
        assert_eq!((cells[2].size.get(), cells[2].threads), (4096, 2));
        assert_eq!(cells[7].size.get(), 65536);
    }

    #[test]
    fn percentage_loads_bring_their_reference_first() {
        let loads = [Load::Percent(10), Load::BitsPerSec(1_000_000)];
        let m = modes(&[Workload::Rr, Workload::Rate], &loads);
        let names: Vec<String> = m.iter().map(Mode::to_string).collect();
        assert_eq!(names, ["rr", "rate max", "rate 10%", "rate 1Mbit/s"]);
        assert!(!m[1].is_paced() && m[2].is_paced());
        let m = modes(&[Workload::Rate, Workload::Stream], &[Load::BitsPerSec(8)]);
        assert_eq!(m.len(), 2, "an absolute rate needs no reference");
        assert_eq!(m[0].workload, Workload::Rate);
        let cell = Cell::new(Strategy::OneCopy, 4096, 2).under(m[0]);
        assert_eq!(cell.to_string(), "one-copy 4K x2 rate 8bit/s");
        assert_eq!(
            cell.reference(),
            Cell::new(Strategy::OneCopy, 4096, 2).under(Mode::SATURATION)
        );
        assert_eq!(Mode::SATURATION.entry().workload, Workload::Stream);
    }

    #[test]
    fn sizes_format_like_the_cli() {
        assert_eq!(format_size(8), "8B");
        assert_eq!(format_size(4096), "4K");
        assert_eq!(format_size(1 << 20), "1M");
        assert_eq!(format_size(1536), "1536B");
        assert_eq!(format_size(3 << 20), "3M");
    }
}
