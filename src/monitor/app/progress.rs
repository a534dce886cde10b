//! Where a run is and what it wrote: the cursor following a sweep's cell, the sweep's
//! k/n and ETA, and the recording's start, rows and stop (kept for the quit summary).

use std::path::PathBuf;

use super::{App, Recording};
use netio_core::matrix::Cell;

impl App {
    /// Puts the cursor (size, threads, workload, the matrix's strategy) on `cell`.
    pub(super) fn follow(&mut self, cell: Cell) {
        let at = |axis: &[usize], v: usize| axis.iter().position(|&x| x == v);
        if let Some(i) = at(&self.sizes, cell.size.get()) {
            self.size_idx = i;
        }
        if let Some(i) = at(&self.threads, cell.threads) {
            self.threads_idx = i;
        }
        if let Some(i) = self.modes.iter().position(|&m| m == cell.mode()) {
            self.mode_idx = i;
        }
        if let Some(i) = self.strategies.iter().position(|&s| s == cell.strategy) {
            self.strategy_idx = i;
        }
    }

    /// "k/n, ETA 2m10s" of the run, from the pace of its cells so far.
    pub fn progress_words(&self) -> Option<String> {
        let view = self.view();
        let (index, total, since) = view.progress?;
        let now = view.last_event.unwrap_or(since);
        let k = index + 1;
        let eta = (index > 0).then(|| {
            let per_cell = now.saturating_duration_since(since).as_secs_f64() / index as f64;
            let left = per_cell * (total - index) as f64;
            let secs = left.round() as u64;
            if secs >= 60 {
                format!(", ETA {}m{:02}s", secs / 60, secs % 60)
            } else {
                format!(", ETA {secs}s")
            }
        });
        Some(format!("{k}/{total}{}", eta.unwrap_or_default()))
    }

    /// The recording file is open.
    pub fn recording_started(&mut self, path: PathBuf) {
        self.notice = Some(format!("recording finished cells to {}", path.display()));
        self.recording = Recording::On { path, rows: 0 };
    }

    /// Stops recording, keeping what it wrote for the summary; says so.
    pub fn recording_stopped(&mut self) {
        if let Recording::On { path, rows } = std::mem::replace(&mut self.recording, Recording::Off)
        {
            self.notice = Some(format!(
                "recording stopped: {rows} {} written to {}",
                if rows == 1 { "row" } else { "rows" },
                path.display()
            ));
            self.recorded.push((path, rows as u64));
        }
    }

    /// A row was written.
    pub fn row_recorded(&mut self) {
        if let Recording::On { rows, .. } = &mut self.recording {
            *rows += 1;
        }
    }
}
