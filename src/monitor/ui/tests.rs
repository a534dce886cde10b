//! Whole-screen snapshots from fixture states (TestBackend + insta). The fixture has no
//! hardware counters (`n/a`) and a strategy not measured yet (`—`).

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Theme, render};
use crate::fixtures::{app, finished, sample, started};
use crate::monitor::app::{App, Inbox, Key};
use netio_core::engine::EngineEvent;

/// Comparing at 64K × 1: two-copy finished, one-copy running (3 s in), zero-copy not
/// measured yet; recording on; a few matrix cells known.
pub(super) fn mid_comparison() -> App {
    let mut a = app();
    a.start();
    let g = a.generation;
    let cells: Vec<_> = a.strategies.iter().map(|&s| a.cell_for(s)).collect();
    let now = Instant::now();
    let feed = |a: &mut App, event: EngineEvent| {
        a.update(
            Inbox::Engine {
                generation: g,
                event,
            },
            now,
        );
    };
    feed(&mut a, started(cells[0], 0, 3));
    for s in 1..=5 {
        feed(&mut a, sample(cells[0], s, 12.0 + s as f64 / 10.0));
    }
    feed(&mut a, finished(cells[0], 12.4));
    feed(&mut a, started(cells[1], 1, 3));
    for s in 1..=3 {
        feed(&mut a, sample(cells[1], s, 14.0 + s as f64));
    }
    a.recording_started("recordings/netio-test.csv".into());
    a.row_recorded();
    a
}

pub(super) fn screen(a: &App, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| render(f, a, &Theme::MONO))
        .expect("draws");
    terminal.backend().clone()
}

/// The workload axis: the run has stream, rr and rate at 50 %; `w` selects rr, two
/// strategies have finished their round trips.
pub(super) fn rr_comparison() -> App {
    use netio_core::matrix::Mode;
    use netio_core::workload::{Load, Workload};
    let mut a = app();
    a.modes = vec![
        Mode::default(),
        Mode {
            workload: Workload::Rr,
            load: Load::Unpaced,
            ..Default::default()
        },
        Mode {
            workload: Workload::Rate,
            load: Load::Percent(50),
            ..Default::default()
        },
    ];
    a.start();
    a.update(Inbox::Key(Key::Char('w')), Instant::now());
    let g = a.generation;
    let cells: Vec<_> = a.strategies.iter().map(|&s| a.cell_for(s)).collect();
    let now = Instant::now();
    for (i, (cell, gbps)) in cells.iter().zip([8.0, 10.0]).enumerate() {
        for event in [
            started(*cell, i, 3),
            sample(*cell, 1, gbps),
            finished(*cell, gbps),
        ] {
            a.update(
                Inbox::Engine {
                    generation: g,
                    event,
                },
                now,
            );
        }
    }
    a
}

#[test]
fn rr_comparison_120x40_and_80x24() {
    insta::assert_snapshot!(screen(&rr_comparison(), 120, 40));
    insta::assert_snapshot!(screen(&rr_comparison(), 80, 24));
}

/// The rr run's next workload, rate at 50 %: every strategy finished one second.
pub(super) fn rate_comparison() -> App {
    let mut a = rr_comparison();
    a.update(Inbox::Key(Key::Char('w')), Instant::now());
    let g = a.generation;
    let cells: Vec<_> = a.strategies.iter().map(|&s| a.cell_for(s)).collect();
    for (i, cell) in cells.iter().enumerate() {
        for event in [
            started(*cell, i, 3),
            sample(*cell, 1, 4.0),
            finished(*cell, 4.0),
        ] {
            a.update(
                Inbox::Engine {
                    generation: g,
                    event,
                },
                Instant::now(),
            );
        }
    }
    a
}

#[test]
fn rate_comparison_120x40() {
    insta::assert_snapshot!(screen(&rate_comparison(), 120, 40));
}

#[test]
fn receive_zerocopy_under_unsafe_reuse_100x30() {
    // `w` selects the receive zero-copy mode: the table gains the mapped share, the
    // copy path the mapping step; --unsafe-reuse marks the header and shows the
    // changed frames.
    use netio_core::matrix::Mode;
    use netio_core::receive::RxStrategy;
    let mut a = app();
    a.modes = vec![
        Mode::default(),
        Mode {
            rx: RxStrategy::ZeroCopy,
            ..Mode::default()
        },
    ];
    a.unsafe_reuse = true;
    a.start();
    a.update(Inbox::Key(Key::Char('w')), Instant::now());
    let g = a.generation;
    let cells: Vec<_> = a.strategies.iter().map(|&s| a.cell_for(s)).collect();
    for (i, cell) in cells.iter().enumerate() {
        let mut events = vec![started(*cell, i, 3), sample(*cell, 1, 6.0 + i as f64)];
        if i + 1 < cells.len() {
            events.push(finished(*cell, 6.0 + i as f64));
        }
        for event in events {
            a.update(
                Inbox::Engine {
                    generation: g,
                    event,
                },
                Instant::now(),
            );
        }
    }
    insta::assert_snapshot!(screen(&a, 100, 30));
}

#[test]
fn full_screen_120x40() {
    insta::assert_snapshot!(screen(&mid_comparison(), 120, 40));
}

#[test]
fn smallest_usable_60x15() {
    insta::assert_snapshot!(screen(&mid_comparison(), 60, 15));
}

#[test]
fn help_overlay_120x40() {
    let mut a = mid_comparison();
    a.update(Inbox::Key(Key::Char('?')), Instant::now());
    insta::assert_snapshot!(screen(&a, 120, 40));
}

#[test]
fn nothing_measured_yet_100x26() {
    insta::assert_snapshot!(screen(&app(), 100, 26));
}

#[test]
fn too_small_is_a_notice_not_a_panic() {
    let a = mid_comparison();
    for (w, h) in [(59, 15), (60, 14), (20, 5), (1, 1), (0, 0), (300, 3)] {
        let backend = screen(&a, w, h);
        if w >= 20 && h >= 3 {
            assert!(format!("{backend}").contains("too small"), "{w}x{h}");
        }
    }
    insta::assert_snapshot!(screen(&a, 40, 10));
}

#[test]
fn colour_stays_within_the_16_ansi_colours() {
    use ratatui::style::Color;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|f| render(f, &mid_comparison(), &Theme::DARK))
        .expect("draws");
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        for c in [cell.fg, cell.bg] {
            assert!(
                !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                "{c:?} is not one of the 16"
            );
        }
    }
    // And without colour, no colour at all.
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|f| render(f, &mid_comparison(), &Theme::MONO))
        .expect("draws");
    assert!(
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
}

/// A recording of 2 strategies × 2 sizes × 1 thread, as `replay` loads it.
pub(super) fn replay_fixture() -> App {
    use netio_core::row::Row;
    let mut rows = Vec::new();
    for (i, strategy) in ["one-copy", "zero-copy"].iter().enumerate() {
        for (j, size) in [4096u64, 65536].iter().enumerate() {
            rows.push(Row {
                net_mode: "netns".into(),
                mtu: Some(1500),
                kernel: "6.18.0-test".into(),
                cpu_model: "Test CPU @ 2.0GHz".into(),
                hw_counters: Some(netio_core::row::words::HwCounters::No),
                strategy: (*strategy).into(),
                size_bytes: *size,
                threads: 1,
                duration_s: 5.0,
                bytes: 1 << 30,
                throughput_gbps: netio_core::figure::Figure::Measured(
                    10.0 + i as f64 * 5.0 + j as f64,
                ),
                lat_p50_us: netio_core::figure::Figure::Measured(50.0),
                lat_p99_us: netio_core::figure::Figure::Measured(700.0),
                lat_p999_us: netio_core::figure::Figure::Measured(900.0),
                lat_max_us: netio_core::figure::Figure::Measured(1000.0),
                tx_cpu_ns_per_byte: netio_core::figure::Figure::Measured(0.5),
                rx_cpu_ns_per_byte: netio_core::figure::Figure::Unavailable(
                    netio_core::figure::why::NOT_RECORDED,
                ),
                zc_completions: if *strategy == "zero-copy" {
                    netio_core::figure::Figure::Measured(200)
                } else {
                    netio_core::figure::Figure::NotApplicable
                },
                zc_copied_pct: if *strategy == "zero-copy" {
                    netio_core::figure::Figure::Measured(100.0)
                } else {
                    netio_core::figure::Figure::NotApplicable
                },
                ..Row::default()
            });
        }
    }
    App::for_replay("recordings/test.csv", &rows, true).expect("rows to replay")
}

#[test]
fn replay_120x40() {
    insta::assert_snapshot!(screen(&replay_fixture(), 120, 40));
}

/// Under `--netns` (the course's set-up) the copy path names the veth pair, never
/// loopback.
#[test]
fn the_copy_path_names_the_veth_pair_under_netns() {
    let mut a = mid_comparison();
    a.run.net_mode = "netns".into();
    let text = format!("{:?}", screen(&a, 120, 40).buffer());
    assert!(text.contains("veth pair"), "{text}");
    assert!(!text.contains("── loopback ──"), "{text}");
}
