//! Whole sessions, bandwhich style: the App driven by a script of keys and engine
//! events (the events the engine would send for the cells each key asks for), rendered
//! on a TestBackend after each step and compared with snapshots. The monitor's
//! behaviour is pinned without a terminal or a socket.

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Theme, render};
use crate::fixtures::{finished, machine, sample};
use crate::monitor::app::{Action, App, Inbox, Key, Plan};
use netio_core::engine::EngineEvent;
use netio_core::matrix::Cell;
use netio_core::strategy::Strategy;

/// A 2 × 2 matrix (4K and 64K, 1 and 2 thread pairs) of two strategies.
fn two_by_two() -> App {
    App::new(
        machine(),
        vec![Strategy::TwoCopy, Strategy::OneCopy],
        vec![4 << 10, 64 << 10],
        vec![1, 2],
    )
}

/// The session: the app, the run the engine is working on, and the time.
struct Session {
    app: App,
    generation: u64,
    cells: Vec<Cell>,
    now: Instant,
}

impl Session {
    fn key(&mut self, k: Key) -> Option<Action> {
        let action = self.app.update(Inbox::Key(k), self.now);
        if let Some(Action::Run { generation, cells }) = &action {
            self.generation = *generation;
            self.cells = cells.clone();
        }
        action
    }

    fn event(&mut self, event: EngineEvent) -> Option<Action> {
        let generation = self.generation;
        self.app
            .update(Inbox::Engine { generation, event }, self.now)
    }

    /// What the engine sends for cell `i` of the current run: started, two seconds,
    /// finished. Throughput grows with the size and falls with threads, one-copy ahead.
    fn run_cell(&mut self, i: usize) {
        let cell = self.cells[i];
        let total = self.cells.len();
        let gbps = (cell.size.get() as f64).log2() - cell.threads as f64
            + if cell.strategy == Strategy::OneCopy {
                3.0
            } else {
                0.0
            };
        self.event(EngineEvent::CellStarted {
            index: i,
            total,
            cell,
            repeat: 1,
        });
        for s in 1..=2 {
            self.event(sample(cell, s, gbps - 0.5 + s as f64 / 4.0));
        }
        self.event(finished(cell, gbps));
    }

    fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(110, 32)).expect("test terminal");
        terminal
            .draw(|f| render(f, &self.app, &Theme::MONO))
            .expect("draws");
        format!("{}", terminal.backend())
    }
}

#[test]
fn a_sweep_of_a_two_by_two_matrix_from_start_to_quit() {
    let mut s = Session {
        app: two_by_two(),
        generation: 0,
        cells: Vec::new(),
        now: Instant::now(),
    };
    // Start-up compares every strategy at the selected cell.
    let start = s.app.start();
    assert!(matches!(start, Some(Action::Run { ref cells, .. }) if cells.len() == 2));
    insta::assert_snapshot!("session_1_start", s.screen());

    // `s` replaces the comparison with a sweep of the whole matrix: 2 × 2 × 2 cells.
    assert!(matches!(s.key(Key::Char('s')), Some(Action::Run { .. })));
    assert_eq!(s.app.plan, Plan::Sweep);
    assert_eq!(s.cells.len(), 8);
    for i in 0..4 {
        s.run_cell(i);
    }
    insta::assert_snapshot!("session_2_half_swept", s.screen());

    // Space freezes the display: the next cell's seconds arrive but do not show.
    s.key(Key::Char(' '));
    assert!(s.app.is_frozen());
    let frozen = s.screen();
    s.run_cell(4);
    assert_eq!(s.screen(), frozen, "a frozen display does not move");
    insta::assert_snapshot!("session_3_frozen", frozen);

    // Space again: live, with what was measured meanwhile; the sweep ends.
    s.key(Key::Char(' '));
    assert!(!s.app.is_frozen());
    for i in 5..8 {
        s.run_cell(i);
    }
    s.event(EngineEvent::RunEnded { cancelled: false });
    assert_eq!(s.app.plan, Plan::Idle);
    insta::assert_snapshot!("session_4_swept", s.screen());

    // The cursor followed the sweep to its last cell: 64K × 2, one-copy.
    assert_eq!(
        (s.app.selected_size(), s.app.selected_threads()),
        (64 << 10, 2),
        "the cursor follows the sweep"
    );
    assert_eq!(s.app.selected_strategy(), Strategy::OneCopy);
    // Step the cursor: the smaller size, fewer threads, the other strategy.
    s.key(Key::Left);
    s.key(Key::Down);
    s.key(Key::Tab);
    assert_eq!(s.app.selected_size(), 4 << 10);
    assert_eq!(s.app.selected_threads(), 1);
    assert_eq!(s.app.selected_strategy(), Strategy::TwoCopy);
    insta::assert_snapshot!("session_5_stepped", s.screen());

    // Help over it all; any key closes it.
    s.key(Key::Char('?'));
    insta::assert_snapshot!("session_6_help", s.screen());
    assert_eq!(s.key(Key::Char('x')), None);
    assert!(!s.screen().contains("any key closes this help"));

    // q quits.
    assert_eq!(s.key(Key::Char('q')), Some(Action::Quit));
}

#[test]
fn a_session_across_workloads_compares_each_with_its_own_figures() {
    use netio_core::matrix::Mode;
    use netio_core::workload::{Load, Workload};
    let mut app = two_by_two();
    app.modes = netio_core::matrix::modes(
        &[Workload::Stream, Workload::Rr, Workload::Rate],
        &[Load::Percent(50)],
    );
    assert_eq!(app.modes.len(), 4, "stream, rr, rate max, rate 50%");
    let mut s = Session {
        app,
        generation: 0,
        cells: Vec::new(),
        now: Instant::now(),
    };
    s.app.start();
    // `w`: the comparison moves to rr at once.
    assert!(matches!(s.key(Key::Char('w')), Some(Action::Run { .. })));
    assert!(s.cells.iter().all(|c| c.workload == Workload::Rr));
    for i in 0..s.cells.len() {
        s.run_cell(i);
    }
    s.event(EngineEvent::RunEnded { cancelled: false });
    insta::assert_snapshot!("workloads_1_rr", s.screen());

    // Two more `w`: rate at 50 %, whose run measures its reference (rate max) first.
    s.key(Key::Char('w'));
    s.key(Key::Char('w'));
    assert_eq!(
        s.app.selected_mode(),
        Mode {
            workload: Workload::Rate,
            load: Load::Percent(50),
            ..Default::default()
        }
    );
    assert_eq!(s.cells.len(), 4, "two references and two paced cells");
    assert!(s.cells[..2].iter().all(|c| c.mode() == Mode::SATURATION));
    assert!(s.cells[2..].iter().all(|c| c.is_paced()));
    for i in 0..s.cells.len() {
        s.run_cell(i);
    }
    insta::assert_snapshot!("workloads_2_rate", s.screen());

    // `s` sweeps every workload: 2 sizes × 2 threads × 4 modes × 2 strategies.
    s.key(Key::Char('s'));
    assert_eq!(s.cells.len(), 32);
    assert_eq!(s.key(Key::Char('q')), Some(Action::Quit));
}
