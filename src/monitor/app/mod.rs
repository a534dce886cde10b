//! The live monitor's state and its one entry point, [`App::update`]: an input or an
//! engine event in, at most one [`Action`] out for the event loop to carry out. No
//! drawing and no I/O here, so whole sessions are unit-tested.

use std::path::PathBuf;
use std::time::Instant;

use netio_core::engine::{Counting, EngineEvent, Phase};
use netio_core::matrix::{Cell, Mode};
use netio_core::row::RunContext;
use netio_core::strategy::Strategy;

mod actions;
mod estimate;
mod keys;
mod modes;
mod progress;
mod standing;
mod view;
pub use actions::{Action, Inbox, Key, Plan, Playback};
pub use modes::{MatrixView, Overlay, Source};
pub use standing::{RUNS_KEPT, Standing, standings};
pub use view::{Finished, History, Recording, Running, Screen, View};

/// Seconds of history the sparklines keep per cell.
pub const HISTORY: usize = 60;

/// The monitor's whole state.
#[derive(Debug, Clone)]
pub struct App {
    /// The run's facts (path, machine) for the header: the same context every row
    /// carries, injected so tests do not depend on the machine.
    pub run: RunContext,
    pub strategies: Vec<Strategy>,
    pub sizes: Vec<usize>,
    pub threads: Vec<usize>,
    /// Workloads (each `rate` load its own), `w` cycles through them.
    pub modes: Vec<Mode>,
    pub size_idx: usize,
    pub threads_idx: usize,
    pub strategy_idx: usize,
    pub mode_idx: usize,
    pub plan: Plan,
    pub generation: u64,
    /// A cell of the current run failed: the comparison does not go round again.
    pub run_failed: bool,
    pub live: View,
    pub screen: Screen,
    pub recording: Recording,
    pub overlay: Overlay,
    pub matrix_view: MatrixView,
    /// The last problem to show in the header (a failed cell, a recording error).
    pub status: Option<String>,
    /// The last thing to tell (where recording goes, what a stopped recording wrote).
    pub notice: Option<String>,
    /// Every recording of the session once stopped: its file and the rows written
    /// (for the summary printed on quit).
    pub recorded: Vec<(PathBuf, u64)>,
    /// The last [`RUNS_KEPT`] finished runs of each cell, for the summary printed on
    /// quit: bounded by the matrix, however long the session.
    pub finished: Finished,
    pub source: Source,
    /// `--unsafe-reuse`: the senders rewrite buffers the kernel may still hold, so the
    /// figures are a demonstration of the hazard, not results (the header says so).
    pub unsafe_reuse: bool,
    /// `--margin`: ratios within ±this % are equivalent.
    pub margin_pct: f64,
    /// The congestion control the cells use (`--cc`, or the system's), for the header:
    /// it can halve throughput.
    pub cc: Option<String>,
}

impl App {
    /// A monitor over these axes, the cursor on `size` × `threads` where present (else
    /// the nearest values).
    pub fn new(
        run: RunContext,
        strategies: Vec<Strategy>,
        sizes: Vec<usize>,
        threads: Vec<usize>,
    ) -> App {
        let nearest = |axis: &[usize], want: usize| {
            axis.iter()
                .enumerate()
                .min_by_key(|&(_, &v)| v.abs_diff(want))
                .map_or(0, |(i, _)| i)
        };
        App {
            run,
            size_idx: nearest(&sizes, 64 << 10),
            threads_idx: nearest(&threads, 1),
            strategies,
            sizes,
            threads,
            modes: vec![Mode::default()],
            strategy_idx: 0,
            mode_idx: 0,
            plan: Plan::Idle,
            generation: 0,
            run_failed: false,
            live: View::default(),
            screen: Screen::Live,
            recording: Recording::Off,
            overlay: Overlay::None,
            matrix_view: MatrixView::Strategy,
            status: None,
            notice: None,
            recorded: Vec::new(),
            finished: Finished::default(),
            source: Source::Live,
            unsafe_reuse: false,
            margin_pct: netio_core::stats::DEFAULT_MARGIN_PCT,
            cc: None,
        }
    }

    /// A monitor showing a recording: its axes, its machine, every cell's figures.
    /// `None` for a file without rows.
    pub fn for_replay(
        file: &str,
        rows: &[netio_core::row::Row],
        with_samples: bool,
    ) -> Option<App> {
        let first = rows.first()?;
        let cells: Vec<(Cell, &netio_core::row::Row)> = rows
            .iter()
            .filter_map(|r| {
                let strategy = r.strategy.parse().ok()?;
                let cell = Cell::new(strategy, r.size_bytes as usize, r.threads as usize);
                Some((cell.under(r.mode()), r))
            })
            .collect();
        let axis = |f: fn(&Cell) -> usize| {
            let mut v: Vec<usize> = cells.iter().map(|(c, _)| f(c)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let strategies: Vec<Strategy> = Strategy::ALL
            .into_iter()
            .filter(|s| cells.iter().any(|(c, _)| c.strategy == *s))
            .collect();
        if strategies.is_empty() {
            return None;
        }
        let run = RunContext {
            run_id: first.run_id.clone(),
            started_at: first.started_at.clone(),
            net_mode: first.net_mode.clone(),
            mtu: first.mtu,
            netem: first.netem.clone(),
            kernel: first.kernel.clone(),
            cpu_model: first.cpu_model.clone(),
            rounded_sizes: Vec::new(),
            peer: first.peer.clone(),
            peer_kernel: first.peer_kernel.clone(),
            peer_cpu_model: first.peer_cpu_model.clone(),
            peer_nic_driver: first.peer_nic_driver.clone(),
            peer_runs: first.peer_runs.clone(),
        };
        let mut app = App::new(run, strategies, axis(|c| c.size.get()), axis(|c| c.threads));
        let mut modes: Vec<Mode> = cells.iter().map(|(c, _)| c.mode()).collect();
        modes.sort_unstable();
        modes.dedup();
        app.modes = modes;
        app.unsafe_reuse = rows.iter().any(|r| r.unsafe_reuse == Some(true));
        // Every round of each cell, in the file's order (rounds interleaved across
        // the matrix, so they pair by position): the median, interval and comparisons
        // are over all of them, as for a live run.
        for (cell, row) in &cells {
            app.live.push_run(*cell, row);
        }
        app.live.counting = Some(Counting::from_recorded(first.hw_counters));
        app.cc = first.cc.clone();
        app.source = Source::Replay {
            file: file.to_string(),
            playback: with_samples.then_some(Playback {
                speed: 1.0,
                paused: false,
            }),
        };
        Some(app)
    }

    /// What the panels show now.
    pub fn view(&self) -> &View {
        match &self.screen {
            Screen::Live => &self.live,
            Screen::Frozen(v) => v,
        }
    }

    pub fn is_frozen(&self) -> bool {
        matches!(self.screen, Screen::Frozen(_))
    }

    pub fn selected_size(&self) -> usize {
        self.sizes[self.size_idx]
    }

    pub fn selected_threads(&self) -> usize {
        self.threads[self.threads_idx]
    }

    pub fn selected_strategy(&self) -> Strategy {
        self.strategies[self.strategy_idx]
    }

    /// The selected workload (and load).
    pub fn selected_mode(&self) -> Mode {
        self.modes.get(self.mode_idx).copied().unwrap_or_default()
    }

    /// The selected cell for strategy `s`.
    pub fn cell_for(&self, strategy: Strategy) -> Cell {
        Cell::new(strategy, self.selected_size(), self.selected_threads())
            .under(self.selected_mode())
    }

    /// `cells`, each percentage-loaded one preceded by the stream cell it takes a
    /// share of (the engine measures the reference first, in the same round).
    fn with_references(cells: impl IntoIterator<Item = Cell>) -> Vec<Cell> {
        let cells: Vec<Cell> = cells.into_iter().collect();
        let mut out: Vec<Cell> = cells
            .iter()
            .filter(|c| c.load.percent().is_some())
            .map(Cell::reference)
            .filter(|r| !cells.contains(r))
            .collect();
        out.dedup();
        out.extend(cells);
        out
    }

    /// Each strategy's standing at the selected point, in the order of `strategies`.
    pub fn standings(&self) -> Vec<Standing> {
        self.standings_at(self.selected_size(), self.selected_threads())
    }

    /// Each strategy's standing at `size` × `threads` under the selected workload.
    pub fn standings_at(&self, size: usize, threads: usize) -> Vec<Standing> {
        let view = self.view();
        let mode = self.selected_mode();
        let runs: Vec<Vec<f64>> = self
            .strategies
            .iter()
            .map(|&s| {
                view.runs
                    .get(&Cell::new(s, size, threads).under(mode))
                    .map(|r| r.iter().copied().collect())
                    .unwrap_or_default()
            })
            .collect();
        let better = self.selected_mode().entry().better;
        standings(
            &runs.iter().map(Vec::as_slice).collect::<Vec<_>>(),
            better,
            self.margin_pct,
        )
    }

    /// The start-up plan: compare every strategy at the selected cell.
    pub fn start(&mut self) -> Option<Action> {
        self.compare()
    }

    fn begin(&mut self, plan: Plan, cells: Vec<Cell>) -> Option<Action> {
        self.plan = plan;
        self.live.progress = None;
        self.generation += 1;
        self.run_failed = false;
        self.status = None;
        Some(Action::Run {
            generation: self.generation,
            cells,
        })
    }

    fn compare(&mut self) -> Option<Action> {
        let cells = Self::with_references(self.strategies.iter().map(|&s| self.cell_for(s)));
        self.begin(Plan::Compare, cells)
    }

    /// Something went wrong outside the engine (a recording error).
    pub fn report(&mut self, problem: String) {
        self.status = Some(problem);
    }

    /// Applies one event; `now` stamps a starting cell.
    pub fn update(&mut self, event: Inbox, now: Instant) -> Option<Action> {
        self.live.last_event = Some(now);
        match event {
            Inbox::Key(key) => self.on_key(key),
            Inbox::Engine { generation, event } if generation == self.generation => {
                self.on_engine(event, now)
            }
            Inbox::Engine { .. } | Inbox::Resize => None,
        }
    }

    fn on_engine(&mut self, event: EngineEvent, now: Instant) -> Option<Action> {
        match event {
            EngineEvent::CellStarted {
                cell, index, total, ..
            } => {
                let since = self.live.progress.map_or(now, |(_, _, since)| since);
                self.live.progress = Some((index, total, since));
                let replaying = self.source.replaying().is_some();
                if (self.plan == Plan::Sweep || replaying) && !self.is_frozen() {
                    // Every panel shows the cell being measured (or played back): the
                    // cursor follows it, so the table and the header name one cell.
                    self.follow(cell);
                }
                self.live.second = None;
                self.live.latency.remove(&cell);
                if let Some(h) = self.live.history.get_mut(&cell) {
                    h.gap();
                }
                self.live.running = Some(Running {
                    cell,
                    started: now,
                    seconds: 0,
                    phase: Phase::Warmup,
                });
                None
            }
            EngineEvent::Sample(s) => {
                if let Some(r) = &mut self.live.running {
                    r.seconds = s.second;
                    r.phase = s.phase;
                }
                self.live.counting = Some(s.counting);
                if s.phase == Phase::Measure {
                    self.live.latency.entry(s.cell).or_default().add(&s.latency);
                }
                self.live.history.entry(s.cell).or_default().push(&s.row);
                self.live.second = Some(s.row);
                None
            }
            EngineEvent::CellFinished { summary, .. } => {
                self.live.second = None;
                // Its warm-up is long over: the figures now shown are this run's.
                if let Some(r) = &mut self.live.running
                    && r.cell == summary.cell
                {
                    r.phase = Phase::Measure;
                }
                self.live.push_run(summary.cell, &summary.row);
                self.live.counting = Some(summary.counting);
                self.finished.push(&summary);
                match self.recording {
                    Recording::On { .. } => Some(Action::Record(summary)),
                    Recording::Off => None,
                }
            }
            EngineEvent::CellFailed { cell, error, .. } => {
                // The engine goes on with the next cell; the status keeps the error, and
                // the comparison stops at the end of this round.
                self.status = Some(format!("{cell} failed: {error}"));
                self.live.second = None;
                self.run_failed = true;
                None
            }
            EngineEvent::RunEnded { cancelled } => {
                // An interrupted cell leaves no figure: its seconds were never a result.
                self.live.running = None;
                self.live.second = None;
                if self.plan == Plan::Compare && !cancelled && !self.run_failed {
                    // Round and round.
                    return self.compare();
                }
                self.plan = Plan::Idle;
                None
            }
        }
    }
}

#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod tests;
