//! Rows say when not to trust them: a cell measured while other processes took the
//! machine's CPU is flagged (and `other_cpu_pct` says how much), and kept out of
//! comparisons; a quiet one is not flagged for it.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use netio_tui::engine::{CellConfig, CellOutcome, CellSummary, run_cell};
use netio_tui::matrix::{Cell, Strategy};

fn run(config: &CellConfig) -> CellSummary {
    let cell = Cell::new(Strategy::OneCopy, 64 << 10, 1);
    match run_cell(cell, config, &AtomicBool::new(false), |_| {}) {
        Ok(CellOutcome::Finished(s)) => *s,
        other => panic!("{cell}: {:?}", other.err()),
    }
}

/// A busy loop in its own process (so it is "another process" to the tool).
struct Busy(Child);

impl Busy {
    fn start() -> Busy {
        Busy(
            Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .stdout(Stdio::null())
                .spawn()
                .expect("a busy loop"),
        )
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_cell_on_a_busy_host_is_flagged_with_the_share_others_took() {
    let config = CellConfig {
        warmup: Duration::from_millis(100),
        duration: Duration::from_millis(600),
        ..CellConfig::default()
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let busy: Vec<Busy> = (0..cpus).map(|_| Busy::start()).collect();
    let s = run(&config);
    drop(busy);
    let other = s.row.other_cpu_pct.value().expect("measured");
    // One busy loop per CPU against the cell's two threads: the loops get a large
    // share of the machine whatever the scheduler does.
    assert!(other > netio_tui::row::formula::BUSY_HOST_PCT, "{other}");
    let why = s.row.flagged.as_deref().expect("flagged");
    assert!(why.contains("busy host"), "{why}");
    let warning = netio_tui::summary::flagged(std::slice::from_ref(&s.row)).expect("said");
    assert!(warning.contains("this machine was busy"), "{warning}");
}
