//! App::update, key by key and event by event.

use std::time::Instant;

use super::*;
use crate::fixtures::{self, app, finished, sample, started};
use netio_core::figure::Figure;
use netio_core::stats::Class;
use netio_core::strategy::Strategy;

pub(super) fn key(a: &mut App, k: Key) -> Option<Action> {
    a.update(Inbox::Key(k), Instant::now())
}

pub(super) fn engine(a: &mut App, event: EngineEvent) -> Option<Action> {
    let generation = a.generation;
    a.update(Inbox::Engine { generation, event }, Instant::now())
}

pub(super) fn cells_of(action: Option<Action>) -> Vec<Cell> {
    match action {
        Some(Action::Run { cells, .. }) => cells,
        other => panic!("expected a run, got {other:?}"),
    }
}

#[test]
fn starts_comparing_every_strategy_at_64k_one_thread() {
    let mut a = app();
    let cells = cells_of(a.start());
    assert_eq!(a.plan, Plan::Compare);
    assert_eq!(cells.len(), 3);
    assert!(
        cells
            .iter()
            .all(|c| c.size.get() == 64 << 10 && c.threads == 1)
    );
    assert_eq!(
        cells.iter().map(|c| c.strategy).collect::<Vec<_>>(),
        Strategy::defaults()
    );
}

#[test]
fn arrows_move_the_cursor_and_clamp() {
    let mut a = app();
    assert_eq!(key(&mut a, Key::Right), None, "idle: moving runs nothing");
    assert_eq!(a.selected_size(), 256 << 10);
    key(&mut a, Key::Right);
    key(&mut a, Key::Right);
    assert_eq!(a.selected_size(), 1 << 20, "clamped at the largest size");
    for _ in 0..10 {
        key(&mut a, Key::Left);
    }
    assert_eq!(a.selected_size(), 1 << 10);
    key(&mut a, Key::Up);
    assert_eq!(a.selected_threads(), 2, "up is more threads");
    key(&mut a, Key::Down);
    key(&mut a, Key::Down);
    assert_eq!(a.selected_threads(), 1, "clamped at one");
}

#[test]
fn moving_while_comparing_restarts_the_comparison_there() {
    let mut a = app();
    a.start();
    let g = a.generation;
    let cells = cells_of(key(&mut a, Key::Up));
    assert!(
        cells
            .iter()
            .all(|c| c.threads == 2 && c.size.get() == 64 << 10)
    );
    assert_eq!(a.generation, g + 1);
    assert_eq!(key(&mut a, Key::Down).map(|_| ()), Some(()));
    assert_eq!(key(&mut a, Key::Down), None, "no move, no restart");
}

#[test]
fn tab_and_digits_choose_the_strategy() {
    let mut a = app();
    assert_eq!(a.selected_strategy(), Strategy::TwoCopy);
    key(&mut a, Key::Tab);
    assert_eq!(a.selected_strategy(), Strategy::OneCopy);
    key(&mut a, Key::Char('3'));
    assert_eq!(a.selected_strategy(), Strategy::ZeroCopy);
    key(&mut a, Key::Tab);
    assert_eq!(a.selected_strategy(), Strategy::TwoCopy, "wraps");
    key(&mut a, Key::Char('2'));
    assert_eq!(a.selected_strategy(), Strategy::OneCopy);
}

#[test]
fn enter_runs_the_selected_cell_and_s_sweeps_everything() {
    let mut a = app();
    key(&mut a, Key::Char('3'));
    let cells = cells_of(key(&mut a, Key::Enter));
    assert_eq!(cells, vec![Cell::new(Strategy::ZeroCopy, 64 << 10, 1)]);
    assert_eq!(a.plan, Plan::Single);
    let cells = cells_of(key(&mut a, Key::Char('s')));
    assert_eq!(cells.len(), 3 * 6 * 4);
    assert_eq!(a.plan, Plan::Sweep);
    cells_of(key(&mut a, Key::Char('c')));
    assert_eq!(a.plan, Plan::Compare);
}

#[test]
fn samples_fill_figures_history_and_the_running_cell() {
    let mut a = app();
    let cells = cells_of(a.start());
    engine(&mut a, started(cells[0], 0, 3));
    assert_eq!(a.view().running.map(|r| r.cell), Some(cells[0]));
    engine(&mut a, sample(cells[0], 1, 10.0));
    engine(&mut a, sample(cells[0], 2, 12.0));
    let v = a.view();
    // A second of a running cell is live, never a result.
    assert!(v.figures.is_empty(), "no figure until the cell finishes");
    assert_eq!(
        v.shown(cells[0]).map(|(r, live)| (r.throughput_gbps, live)),
        Some((Figure::Measured(12.0), true))
    );
    assert_eq!(
        v.history[&cells[0]].gbps,
        [Figure::Measured(10.0), Figure::Measured(12.0)]
    );
    assert_eq!(v.running.map(|r| r.seconds), Some(2));
    assert_eq!(v.counting, Some(fixtures::counting()));
}

#[test]
fn history_keeps_the_last_60_seconds() {
    let mut a = app();
    let cells = cells_of(a.start());
    for s in 1..=75 {
        engine(&mut a, sample(cells[0], s, s as f64));
    }
    let h = &a.view().history[&cells[0]];
    assert_eq!(h.gbps.len(), HISTORY);
    assert_eq!(h.gbps.front(), Some(&Figure::Measured(16.0)));
}

#[test]
fn events_of_a_replaced_run_are_ignored() {
    let mut a = app();
    let cells = cells_of(a.start());
    let old = a.generation;
    key(&mut a, Key::Char('c'));
    a.update(
        Inbox::Engine {
            generation: old,
            event: sample(cells[0], 1, 99.0),
        },
        Instant::now(),
    );
    assert!(a.view().figures.is_empty());
}

#[test]
fn compare_goes_round_and_round_other_modes_stop() {
    let mut a = app();
    a.start();
    let again = engine(&mut a, EngineEvent::RunEnded { cancelled: false });
    assert_eq!(cells_of(again).len(), 3);
    assert_eq!(a.plan, Plan::Compare);
    key(&mut a, Key::Enter);
    assert_eq!(
        engine(&mut a, EngineEvent::RunEnded { cancelled: false }),
        None
    );
    assert_eq!(a.plan, Plan::Idle);
}

#[test]
fn a_failed_cell_stops_and_is_reported() {
    let mut a = app();
    let cells = cells_of(a.start());
    engine(
        &mut a,
        EngineEvent::CellFailed {
            index: 0,
            cell: cells[0],
            error: "boom".into(),
            fatal: false,
        },
    );
    assert!(a.status.as_deref().is_some_and(|s| s.contains("boom")));
    assert_eq!(
        engine(&mut a, EngineEvent::RunEnded { cancelled: false }),
        None
    );
    assert_eq!(a.plan, Plan::Idle);
}

#[test]
fn space_freezes_the_display_while_measuring_goes_on() {
    let mut a = app();
    let cells = cells_of(a.start());
    engine(&mut a, sample(cells[0], 1, 10.0));
    key(&mut a, Key::Char(' '));
    assert!(a.is_frozen());
    engine(&mut a, sample(cells[0], 2, 20.0));
    let gbps = |v: &View| v.second.as_ref().map(|r| r.throughput_gbps);
    assert_eq!(
        gbps(a.view()),
        Some(Figure::Measured(10.0)),
        "display frozen"
    );
    assert_eq!(
        gbps(&a.live),
        Some(Figure::Measured(20.0)),
        "measuring went on"
    );
    key(&mut a, Key::Char(' '));
    assert_eq!(gbps(a.view()), Some(Figure::Measured(20.0)));
}

#[test]
fn r_toggles_recording_and_finished_cells_are_recorded() {
    let mut a = app();
    let cells = cells_of(a.start());
    assert_eq!(
        engine(&mut a, finished(cells[0], 5.0)),
        None,
        "not recording"
    );
    assert_eq!(key(&mut a, Key::Char('r')), Some(Action::StartRecording));
    a.recording_started("recordings/x.csv".into());
    let action = engine(&mut a, finished(cells[1], 6.0));
    assert!(matches!(action, Some(Action::Record(s)) if s.cell == cells[1]));
    a.row_recorded();
    assert_eq!(
        a.recording,
        Recording::On {
            path: "recordings/x.csv".into(),
            rows: 1
        }
    );
    assert_eq!(key(&mut a, Key::Char('r')), Some(Action::StopRecording));
    assert_eq!(a.recording, Recording::Off);
    assert_eq!(
        a.finished.len(),
        2,
        "both finished cells kept for the summary"
    );
}

#[test]
fn overlays_open_on_their_key_and_any_key_closes_them_but_q_still_quits() {
    // `?` the help, `l` the latency view.
    for (open, is_open) in [
        ('?', Overlay::is_help as fn(Overlay) -> bool),
        ('l', |o| o == Overlay::Latency),
    ] {
        let mut a = app();
        key(&mut a, Key::Char(open));
        assert!(is_open(a.overlay), "{open}");
        assert_eq!(key(&mut a, Key::Right), None);
        assert_eq!(a.overlay, Overlay::None);
        assert_eq!(
            a.selected_size(),
            64 << 10,
            "the closing key does nothing else"
        );
        key(&mut a, Key::Char(open));
        assert_eq!(key(&mut a, Key::Char('q')), Some(Action::Quit));
    }
}

#[test]
fn esc_asks_before_quitting_a_run_and_closes_overlays() {
    let mut a = app();
    a.start();
    assert_ne!(a.plan, Plan::Idle, "the monitor starts comparing");
    assert_eq!(key(&mut a, Key::Esc), None, "not at once mid-run");
    assert_eq!(a.overlay, Overlay::ConfirmQuit);
    assert_eq!(key(&mut a, Key::Char('x')), None, "any other key goes on");
    assert_eq!(a.overlay, Overlay::None);
    key(&mut a, Key::Esc);
    assert_eq!(key(&mut a, Key::Esc), Some(Action::Quit), "Esc twice quits");
    // Esc closes the help, and q still quits from it; ↑/↓ scroll it.
    let mut a = app();
    key(&mut a, Key::Char('?'));
    key(&mut a, Key::Down);
    key(&mut a, Key::Down);
    key(&mut a, Key::Up);
    assert_eq!(a.overlay, Overlay::Help { scroll: 1 });
    assert_eq!(key(&mut a, Key::Esc), None);
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn q_and_esc_quit_and_ctrl_c_interrupts() {
    for k in [Key::Char('q'), Key::Esc] {
        assert_eq!(key(&mut app(), k), Some(Action::Quit), "{k:?}");
    }
    let mut running = app();
    running.start();
    assert_eq!(
        key(&mut running, Key::Char('q')),
        Some(Action::Quit),
        "q quits mid-run"
    );
    // Ctrl-C stops as SIGINT does (exit 130), q quits (exit 0).
    assert_eq!(key(&mut app(), Key::CtrlC), Some(Action::Interrupt));
    assert_eq!(key(&mut app(), Key::Char('x')), None);
}

#[test]
fn resize_changes_nothing_but_the_drawing() {
    let mut a = app();
    assert_eq!(a.update(Inbox::Resize, Instant::now()), None);
}

#[test]
fn replay_keys_control_playback_and_measure_nothing() {
    use netio_core::row::Row;
    let rows = vec![Row {
        strategy: "one-copy".into(),
        size_bytes: 4096,
        threads: 2,
        throughput_gbps: netio_core::figure::Figure::Measured(3.0),
        ..Row::default()
    }];
    let mut a = App::for_replay("r.csv", &rows, true).expect("replayable");
    assert_eq!(a.strategies, vec![Strategy::OneCopy]);
    assert_eq!((a.selected_size(), a.selected_threads()), (4096, 2));
    assert_eq!(a.view().figures.len(), 1);
    for k in [Key::Enter, Key::Char('c'), Key::Char('s'), Key::Char('r')] {
        assert_eq!(
            key(&mut a, k),
            None,
            "{k:?} measures or records nothing in a replay"
        );
    }
    let p = |speed, paused| Some(Action::SetPlayback(Playback { speed, paused }));
    assert_eq!(key(&mut a, Key::Char('+')), p(2.0, false));
    assert_eq!(key(&mut a, Key::Char(' ')), p(2.0, true));
    assert_eq!(key(&mut a, Key::Char('-')), p(1.0, true));
    for _ in 0..5 {
        key(&mut a, Key::Char('-'));
    }
    assert_eq!(a.source.playback().map(|p| p.speed), Some(0.25));
    assert_eq!(key(&mut a, Key::Char('q')), Some(Action::Quit));
    assert!(App::for_replay("empty.csv", &[], false).is_none());
}

#[test]
fn repeated_comparisons_name_a_leader_and_mark_ties_as_ties() {
    let mut a = app();
    let cells = cells_of(a.start());
    assert!(
        a.standings()
            .iter()
            .all(|s| matches!(s, Standing::Unknown { .. }))
    );
    // Three rounds: one-copy clearly ahead of zero-copy, two-copy within its spread.
    for (two, one, zero) in [(17.0, 17.5, 8.0), (16.0, 16.4, 8.2), (18.0, 17.9, 7.9)] {
        for (cell, gbps) in cells.iter().zip([two, one, zero]) {
            engine(&mut a, finished(*cell, gbps));
        }
    }
    let s = a.standings();
    assert_eq!(a.strategies, Strategy::defaults());
    // Within the spread: not decided either way.
    assert!(
        matches!(s[0], Standing::Against(c) if !matches!(c.class, Class::Faster | Class::Slower)),
        "{s:?}"
    );
    assert_eq!(s[1], Standing::Leader { ahead: true }, "{s:?}");
    assert!(
        matches!(s[2], Standing::Against(c) if c.class == Class::Slower && c.ratio < 0.6),
        "{s:?}"
    );
    assert_eq!(a.view().runs[&cells[1]].len(), 3);
    // Bounded: only the last RUNS_KEPT runs are kept.
    for _ in 0..RUNS_KEPT {
        engine(&mut a, finished(cells[0], 17.0));
    }
    assert_eq!(a.view().runs[&cells[0]].len(), RUNS_KEPT);
}
