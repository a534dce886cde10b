//! Progress of a headless run on stderr: an indicatif bar when stderr is a terminal,
//! plain lines otherwise (logs, CI), each with cell k of n and an ETA.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use netio_core::engine::{Phase, Sample};
use netio_core::matrix::Cell;
use netio_core::row::Row;

/// Reports a run's progress.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    started: Instant,
    finished: usize,
    /// What one cell should take before any has finished (warm-up + duration).
    planned_per_cell: Duration,
}

impl Progress {
    pub fn new(total: usize, planned_per_cell: Duration) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            let style = ProgressStyle::with_template(
                "{bar:30.cyan/blue} {pos}/{len} done {wide_msg} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            total,
            started: Instant::now(),
            finished: 0,
            planned_per_cell,
        }
    }

    /// Time left for the cells not finished: the mean of finished cells, or the plan.
    fn eta(&self) -> Duration {
        let per_cell = if self.finished > 0 {
            self.started.elapsed() / self.finished as u32
        } else {
            self.planned_per_cell
        };
        per_cell * self.total.saturating_sub(self.finished) as u32
    }

    pub fn cell_started(&mut self, index: usize, cell: &Cell, repeat: u32) {
        match &self.bar {
            Some(bar) => bar.set_message(format!("{cell} (repeat {repeat})")),
            None => eprintln!(
                "[{}/{}] {cell} (repeat {repeat}) ... ETA {}",
                index + 1,
                self.total,
                humantime::format_duration(Duration::from_secs(self.eta().as_secs()))
            ),
        }
    }

    pub fn sample(&self, s: &Sample) {
        if let Some(bar) = &self.bar {
            let phase = match s.phase {
                Phase::Warmup => "warm-up",
                Phase::Measure => "measuring",
            };
            bar.set_message(format!(
                "{}  {phase}  {} Gbps",
                s.cell,
                s.row.throughput_gbps.screen(|g| format!("{g:.2}"))
            ));
        }
    }

    pub fn cell_finished(&mut self, row: &Row) {
        self.finished += 1;
        let mode = row.mode();
        let entry = mode.entry();
        let extra = if entry.round_trips {
            format!(
                " {} tps,",
                row.transactions_per_s.screen(|t| format!("{t:.0}"))
            )
        } else if entry.paced {
            format!(
                " of {} offered{},",
                row.offered_gbps.screen(|g| format!("{g:.3}")),
                if row.saturated == Some(true) {
                    " (saturated)"
                } else {
                    ""
                }
            )
        } else {
            String::new()
        };
        let line = format!(
            "{} {} x{}{}: {} Gbps,{extra} {} p99 {}, {} integrity errors",
            row.strategy,
            netio_core::matrix::format_size(row.size_bytes as usize),
            row.threads,
            if mode.workload.saturates() {
                String::new()
            } else {
                format!(" {mode}")
            },
            row.throughput_gbps.screen(|g| format!("{g:.3}")),
            entry.latency_label,
            row.latency_p99().screen(netio_core::figure::latency_text),
            row.integrity_errors
        );
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => eprintln!("      {line}"),
        }
    }

    /// A cell run failed: one line, and it counts as done.
    pub fn cell_failed(&mut self, cell: &Cell, error: &str) {
        self.finished += 1;
        let line = format!("{cell}: failed: {error}");
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => eprintln!("      {line}"),
        }
    }

    /// Cell runs planned.
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
