//! The live monitor's state and its one entry point, [`App::update`]: an input or an
//! engine event in, at most one [`Action`] out for the event loop to carry out. No
//! drawing and no I/O here, so whole sessions are unit-tested.

use std::path::PathBuf;
use std::time::Instant;

use crate::engine::{Counting, EngineEvent, Phase};
use crate::matrix::{Cell, Strategy};
use crate::row::RunContext;

mod protocol;
mod standing;
mod view;
pub use protocol::{Action, Inbox, Key, Plan, Playback};
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
    pub size_idx: usize,
    pub threads_idx: usize,
    pub strategy_idx: usize,
    pub plan: Plan,
    pub generation: u64,
    /// A cell of the current run failed: the comparison does not go round again.
    pub run_failed: bool,
    pub live: View,
    pub screen: Screen,
    pub recording: Recording,
    pub help: bool,
    /// The last problem to show in the header (a failed cell, a recording error).
    pub status: Option<String>,
    /// The last [`RUNS_KEPT`] finished runs of each cell, for the summary printed on
    /// quit: bounded by the matrix, however long the session.
    pub finished: Finished,
    /// Replaying a recording (its file name): no sockets, nothing measured.
    pub replaying: Option<String>,
    pub playback: Option<Playback>,
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
            strategy_idx: 0,
            plan: Plan::Idle,
            generation: 0,
            run_failed: false,
            live: View::default(),
            screen: Screen::Live,
            recording: Recording::Off,
            help: false,
            status: None,
            finished: Finished::default(),
            replaying: None,
            playback: None,
        }
    }

    /// A monitor showing a recording: its axes, its machine, every cell's figures.
    /// `None` for a file without rows.
    pub fn for_replay(file: &str, rows: &[crate::record::Row], with_samples: bool) -> Option<App> {
        let first = rows.first()?;
        let cells: Vec<(Cell, &crate::record::Row)> = rows
            .iter()
            .filter_map(|r| {
                let strategy = r.strategy.parse().ok()?;
                Some((
                    Cell {
                        strategy,
                        size: r.size_bytes as usize,
                        threads: r.threads as usize,
                    },
                    r,
                ))
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
        };
        let mut app = App::new(run, strategies, axis(|c| c.size), axis(|c| c.threads));
        for (cell, row) in &cells {
            app.live.figures.insert(*cell, (*row).clone());
        }
        app.live.counting = Some(Counting {
            hardware: first.hw_counters.as_deref() == Some("yes"),
            mode: None,
        });
        app.replaying = Some(file.to_string());
        app.playback = with_samples.then_some(Playback {
            speed: 1.0,
            paused: false,
        });
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

    /// The selected cell for strategy `s`.
    pub fn cell_for(&self, strategy: Strategy) -> Cell {
        Cell {
            strategy,
            size: self.selected_size(),
            threads: self.selected_threads(),
        }
    }

    /// Each strategy's standing at the selected point, in the order of `strategies`.
    pub fn standings(&self) -> Vec<Standing> {
        let view = self.view();
        let runs: Vec<Vec<f64>> = self
            .strategies
            .iter()
            .map(|&s| {
                view.runs
                    .get(&self.cell_for(s))
                    .map(|r| r.iter().copied().collect())
                    .unwrap_or_default()
            })
            .collect();
        standings(&runs.iter().map(Vec::as_slice).collect::<Vec<_>>())
    }

    /// The start-up plan: compare every strategy at the selected cell.
    pub fn start(&mut self) -> Option<Action> {
        self.compare()
    }

    fn begin(&mut self, plan: Plan, cells: Vec<Cell>) -> Option<Action> {
        self.plan = plan;
        self.generation += 1;
        self.run_failed = false;
        self.status = None;
        Some(Action::Run {
            generation: self.generation,
            cells,
        })
    }

    fn compare(&mut self) -> Option<Action> {
        let cells = self.strategies.iter().map(|&s| self.cell_for(s)).collect();
        self.begin(Plan::Compare, cells)
    }

    /// The recording file is open.
    pub fn recording_started(&mut self, path: PathBuf) {
        self.recording = Recording::On { path, rows: 0 };
    }

    /// A row was written.
    pub fn row_recorded(&mut self) {
        if let Recording::On { rows, .. } = &mut self.recording {
            *rows += 1;
        }
    }

    /// Something went wrong outside the engine (a recording error).
    pub fn report(&mut self, problem: String) {
        self.status = Some(problem);
    }

    /// Applies one event; `now` stamps a starting cell.
    pub fn update(&mut self, event: Inbox, now: Instant) -> Option<Action> {
        match event {
            Inbox::Key(key) => self.on_key(key),
            Inbox::Engine { generation, event } if generation == self.generation => {
                self.on_engine(event, now)
            }
            Inbox::Engine { .. } | Inbox::Resize => None,
        }
    }

    fn on_key(&mut self, key: Key) -> Option<Action> {
        if self.replaying.is_some() && !self.help {
            match key {
                // Nothing to measure or record in a replay.
                Key::Enter | Key::Char('c' | 's' | 'r') => return None,
                Key::Char(' ' | '+' | '-') => {
                    let p = self.playback.as_mut()?;
                    match key {
                        Key::Char('+') => p.speed = (p.speed * 2.0).min(64.0),
                        Key::Char('-') => p.speed = (p.speed / 2.0).max(0.25),
                        _ => p.paused = !p.paused,
                    }
                    return Some(Action::SetPlayback(*p));
                }
                _ => {}
            }
        }
        if self.help {
            return match key {
                Key::Char('q') => Some(Action::Quit),
                Key::CtrlC => Some(Action::Interrupt),
                _ => {
                    self.help = false;
                    None
                }
            };
        }
        match key {
            Key::Char('q') | Key::Esc => Some(Action::Quit),
            Key::CtrlC => Some(Action::Interrupt),
            Key::Left => self.move_cursor(|a| a.size_idx = a.size_idx.saturating_sub(1)),
            Key::Right => {
                self.move_cursor(|a| a.size_idx = (a.size_idx + 1).min(a.sizes.len() - 1))
            }
            Key::Up => {
                self.move_cursor(|a| a.threads_idx = (a.threads_idx + 1).min(a.threads.len() - 1))
            }
            Key::Down => self.move_cursor(|a| a.threads_idx = a.threads_idx.saturating_sub(1)),
            Key::Tab => {
                self.strategy_idx = (self.strategy_idx + 1) % self.strategies.len();
                None
            }
            Key::Char(c @ '1'..='9') if usize::from(c as u8 - b'1') < Strategy::ALL.len() => {
                let wanted = Strategy::ALL[usize::from(c as u8 - b'1')];
                if let Some(i) = self.strategies.iter().position(|&s| s == wanted) {
                    self.strategy_idx = i;
                }
                None
            }
            Key::Enter => {
                let cell = self.cell_for(self.selected_strategy());
                self.begin(Plan::Single, vec![cell])
            }
            Key::Char('c') => self.compare(),
            Key::Char('s') => {
                let cells = crate::matrix::Matrix {
                    strategies: self.strategies.clone(),
                    sizes: self.sizes.clone(),
                    threads: self.threads.clone(),
                }
                .cells();
                self.begin(Plan::Sweep, cells)
            }
            Key::Char(' ') => {
                self.screen = match &self.screen {
                    Screen::Live => Screen::Frozen(Box::new(self.live.clone())),
                    Screen::Frozen(_) => Screen::Live,
                };
                None
            }
            Key::Char('r') => match self.recording {
                Recording::Off => Some(Action::StartRecording),
                Recording::On { .. } => {
                    self.recording = Recording::Off;
                    Some(Action::StopRecording)
                }
            },
            Key::Char('?') => {
                self.help = true;
                None
            }
            Key::Char(_) => None,
        }
    }

    /// Moves the cursor; in compare mode the comparison follows it at once.
    fn move_cursor(&mut self, f: impl FnOnce(&mut App)) -> Option<Action> {
        let before = (self.size_idx, self.threads_idx);
        f(self);
        if self.plan == Plan::Compare && before != (self.size_idx, self.threads_idx) {
            return self.compare();
        }
        None
    }

    fn on_engine(&mut self, event: EngineEvent, now: Instant) -> Option<Action> {
        match event {
            EngineEvent::CellStarted { cell, .. } => {
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
                self.live.history.entry(s.cell).or_default().push(&s.row);
                self.live.figures.insert(s.cell, s.row);
                None
            }
            EngineEvent::CellFinished { summary, .. } => {
                self.live.figures.insert(summary.cell, summary.row.clone());
                let runs = self.live.runs.entry(summary.cell).or_default();
                if runs.len() == RUNS_KEPT {
                    runs.pop_front();
                }
                if let Some(g) = summary.row.throughput_gbps.value() {
                    runs.push_back(g);
                }
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
                self.run_failed = true;
                None
            }
            EngineEvent::RunEnded { cancelled } => {
                self.live.running = None;
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
mod tests;
