//! App::update for what a run shows and leaves: finished figures against live
//! seconds, a sweep's cursor and ETA, history gaps, clicks, and recording feedback.

use std::time::Instant;

use super::tests::{cells_of, engine, key};
use super::*;
use crate::fixtures::{app, finished, sample, started};
use netio_core::figure::Figure;
use netio_core::stats::Class;
use netio_core::strategy::Strategy;

#[test]
fn recording_says_where_it_goes_and_what_it_wrote() {
    let mut a = app();
    assert_eq!(key(&mut a, Key::Char('r')), Some(Action::StartRecording));
    a.recording_started("recordings/netio-1.csv".into());
    assert_eq!(
        a.notice.as_deref(),
        Some("recording finished cells to recordings/netio-1.csv")
    );
    a.row_recorded();
    a.row_recorded();
    assert_eq!(key(&mut a, Key::Char('r')), Some(Action::StopRecording));
    assert_eq!(
        a.notice.as_deref(),
        Some("recording stopped: 2 rows written to recordings/netio-1.csv")
    );
    assert_eq!(a.recorded, vec![("recordings/netio-1.csv".into(), 2)]);
    // Stopping when nothing records keeps nothing.
    a.recording_stopped();
    assert_eq!(a.recorded.len(), 1);
}

#[test]
fn only_finished_cells_have_figures_and_warm_up_is_never_shown() {
    let mut a = app();
    let cells = cells_of(a.start());
    engine(&mut a, started(cells[0], 0, 3));
    let mut warm = sample(cells[0], 1, 50.0);
    if let EngineEvent::Sample(s) = &mut warm {
        s.phase = Phase::Warmup;
    }
    engine(&mut a, warm);
    assert_eq!(
        a.view().shown(cells[0]),
        None,
        "a warm-up second is not a figure"
    );
    engine(&mut a, sample(cells[0], 2, 12.0));
    engine(&mut a, finished(cells[0], 12.4));
    assert_eq!(
        a.view()
            .shown(cells[0])
            .map(|(r, live)| (r.throughput_gbps, live)),
        Some((Figure::Measured(12.4), false))
    );
    // Its next run's warm-up shows nothing, not the previous run's figure.
    engine(&mut a, started(cells[0], 0, 3));
    let mut warm = sample(cells[0], 1, 50.0);
    if let EngineEvent::Sample(s) = &mut warm {
        s.phase = Phase::Warmup;
    }
    engine(&mut a, warm);
    assert_eq!(a.view().shown(cells[0]), None, "nothing from the last run");
    engine(&mut a, sample(cells[0], 2, 13.0));
    assert_eq!(
        a.view()
            .shown(cells[0])
            .map(|(r, live)| (r.throughput_gbps, live)),
        Some((Figure::Measured(13.0), true))
    );
    engine(&mut a, finished(cells[0], 12.6));
    // The next cell is interrupted mid-run: it leaves no figure behind.
    engine(&mut a, started(cells[1], 1, 3));
    engine(&mut a, sample(cells[1], 2, 30.0));
    engine(&mut a, EngineEvent::RunEnded { cancelled: true });
    assert_eq!(a.view().shown(cells[1]), None);
    assert!(!a.view().figures.contains_key(&cells[1]));
}

#[test]
fn a_sweep_moves_the_cursor_with_the_cell_and_says_k_of_n_and_eta() {
    use std::time::Duration;
    let mut a = app();
    key(&mut a, Key::Char('s'));
    let t0 = Instant::now();
    let far = Cell::new(
        Strategy::ZeroCopy,
        a.sizes[0],
        a.threads[a.threads.len() - 1],
    );
    let feed = |a: &mut App, e, at| {
        let g = a.generation;
        a.update(
            Inbox::Engine {
                generation: g,
                event: e,
            },
            at,
        )
    };
    feed(&mut a, started(far, 0, 48), t0);
    assert_eq!(
        (a.selected_size(), a.selected_threads()),
        (far.size.get(), far.threads)
    );
    assert_eq!(a.selected_strategy(), Strategy::ZeroCopy);
    assert_eq!(a.progress_words().as_deref(), Some("1/48"));
    // 4 cells in 20 s: 44 left at 5 s each.
    feed(&mut a, started(far, 4, 48), t0 + Duration::from_secs(20));
    assert_eq!(a.progress_words().as_deref(), Some("5/48, ETA 3m40s"));
}

#[test]
fn each_run_of_a_cell_is_apart_in_its_history() {
    let mut a = app();
    let cells = cells_of(a.start());
    engine(&mut a, started(cells[0], 0, 3));
    engine(&mut a, sample(cells[0], 1, 10.0));
    engine(&mut a, finished(cells[0], 10.0));
    // The next round of the same cell: an empty bar first.
    engine(&mut a, started(cells[0], 3, 6));
    engine(&mut a, sample(cells[0], 1, 11.0));
    assert_eq!(
        a.view().history[&cells[0]].gbps,
        [
            Figure::Measured(10.0),
            Figure::Undefined,
            Figure::Measured(11.0)
        ]
    );
}

#[test]
fn a_click_on_a_matrix_cell_selects_it_and_the_wheel_scrolls_the_help() {
    let mut a = app();
    a.start();
    let generation = a.generation;
    // In compare mode the comparison follows the cursor at once.
    let again = key(&mut a, Key::Select(0, 1));
    assert_eq!((a.size_idx, a.threads_idx), (0, 1));
    assert!(matches!(again, Some(Action::Run { .. })) && a.generation > generation);
    assert_eq!(
        key(&mut a, Key::Select(99, 0)),
        None,
        "off the matrix: nothing"
    );
    assert_eq!((a.size_idx, a.threads_idx), (0, 1));
    key(&mut a, Key::Char('?'));
    key(&mut a, Key::ScrollDown);
    key(&mut a, Key::ScrollDown);
    key(&mut a, Key::Click(3, 3));
    assert_eq!(
        a.overlay,
        Overlay::Help { scroll: 2 },
        "a click does not close the help"
    );
}

#[test]
fn w_with_one_workload_says_how_to_have_more() {
    let mut a = app();
    assert_eq!(a.modes.len(), 1);
    assert_eq!(key(&mut a, Key::Char('w')), None);
    assert!(
        a.notice
            .as_deref()
            .is_some_and(|n| n.contains("--workload stream,rr,rate")),
        "{:?}",
        a.notice
    );
}

#[test]
fn the_quit_summary_keeps_a_bounded_number_of_runs_per_cell() {
    let mut a = app();
    let cells = cells_of(a.start());
    for _ in 0..RUNS_KEPT + 25 {
        engine(&mut a, finished(cells[0], 10.0));
        engine(&mut a, finished(cells[1], 12.0));
    }
    assert_eq!(
        a.finished.len(),
        2 * RUNS_KEPT,
        "bounded by cells, not by time"
    );
    let order: Vec<&str> = a.finished.rows().map(|r| r.strategy.as_str()).collect();
    assert_eq!(
        order[0],
        order[RUNS_KEPT - 1],
        "a cell's runs stay together"
    );
}

#[test]
fn a_replay_compares_every_round_of_each_cell_not_its_last_row() {
    use netio_core::row::Row;
    let row = |strategy: &str, gbps: f64, repeat: u32| Row {
        strategy: strategy.into(),
        size_bytes: 65536,
        threads: 1,
        repeat: Some(repeat),
        throughput_gbps: Figure::Measured(gbps),
        ..Row::default()
    };
    // Rounds interleaved as a run records them; each cell's last round is not its
    // median (two-copy: 13.25 median, 17.11 last).
    let mut rows = Vec::new();
    for (k, (two, one)) in [(13.25, 20.0), (12.9, 21.0), (13.4, 19.5), (17.11, 24.4)]
        .into_iter()
        .enumerate()
    {
        rows.push(row("two-copy", two, k as u32 + 1));
        rows.push(row("one-copy", one, k as u32 + 1));
    }
    let a = App::for_replay("r.csv", &rows, false).expect("replayable");
    let cell = |s| Cell::new(s, 65536, 1);
    assert_eq!(a.view().runs[&cell(Strategy::TwoCopy)].len(), 4);
    let s = a.standings();
    assert_eq!(s[1], Standing::Leader { ahead: true }, "{s:?}");
    assert!(
        matches!(s[0], Standing::Against(c) if c.class == Class::Slower && c.n == 4),
        "{s:?}"
    );
}

/// A replay's seconds move the cursor with them: the comparison shows the cell the
/// header and the sparklines are playing, not the start-up 64K × 1.
#[test]
fn a_replay_follows_the_cell_it_plays() {
    use netio_core::matrix::Cell;
    let cell = Cell::new(Strategy::OneCopy, 1024, 1);
    let row_of = |size: usize| netio_core::row::Row {
        size_bytes: size as u64,
        threads: 1,
        ..crate::fixtures::figures(Cell::new(Strategy::OneCopy, size, 1), 5.0)
    };
    let cells = vec![row_of(1024), row_of(65536)];
    let mut a = App::for_replay("r.csv", &cells, true).expect("a replay");
    engine(&mut a, started(cell, 0, 1));
    assert_eq!((a.selected_size(), a.selected_threads()), (1024, 1));
}
