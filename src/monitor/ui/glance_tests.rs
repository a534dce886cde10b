//! Snapshots and checks of what the screen must do at a glance: the help that scrolls and
//! knows its mode, Esc's question, themes, the best marks and the winners matrix,
//! layouts at every size, clicks, and a replay without samples.

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::tests::{mid_comparison, replay_fixture, screen};
use super::{Theme, render};
use crate::fixtures::{app, finished, started};
use crate::monitor::app::{Inbox, Key};
use crate::monitor::app::{MatrixView, Overlay, Source};

/// At 60×20 the help does not fit: it says where it is and scrolls.
#[test]
fn help_overlay_scrolls_at_60x20() {
    let mut a = mid_comparison();
    a.overlay = Overlay::Help { scroll: 4 };
    insta::assert_snapshot!(screen(&a, 60, 20));
}

/// A replay's help lists only what a replay does (no run, compare, sweep or record;
/// its playback keys).
#[test]
fn replay_help_lists_only_replay_keys() {
    let mut a = replay_fixture();
    a.overlay = Overlay::Help { scroll: 0 };
    let text = format!("{:?}", screen(&a, 120, 40).buffer());
    for key in ["pause / resume", "+ / -"] {
        assert!(text.contains(key), "{key}: {text}");
    }
    for live in ["Enter run", "sweep the whole", "start/stop recording"] {
        assert!(!text.contains(live), "{live}: {text}");
    }
}

/// Esc mid-run asks before quitting.
#[test]
fn esc_mid_run_asks_80x24() {
    let mut a = mid_comparison();
    a.overlay = Overlay::ConfirmQuit;
    insta::assert_snapshot!(screen(&a, 80, 24));
}

/// Dark and light themes never write text in white or gray (they vanish on a light
/// background, and on a dark one for gray), and colour a cell only with a strategy's
/// colour or the title's accent.
#[test]
fn themes_read_on_either_background() {
    use ratatui::style::Color;
    for (theme, accent) in [(Theme::DARK, Color::Cyan), (Theme::LIGHT, Color::Blue)] {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
        terminal
            .draw(|f| render(f, &mid_comparison(), &theme))
            .expect("draws");
        let strategy_colours: Vec<Color> = netio_core::strategy::SEND
            .iter()
            .map(|e| theme.strategy(e.strategy).fg.unwrap_or(Color::Reset))
            .collect();
        for cell in terminal.backend().buffer().content() {
            assert!(
                !matches!(
                    cell.fg,
                    Color::White | Color::Gray | Color::LightYellow | Color::LightCyan
                ),
                "{theme:?}: {:?} text in {:?}",
                cell.symbol(),
                cell.fg
            );
            assert!(
                cell.fg == Color::Reset || cell.fg == accent || strategy_colours.contains(&cell.fg),
                "{theme:?}: {:?} in {:?}, neither a strategy's colour nor the accent",
                cell.symbol(),
                cell.fg
            );
            assert_eq!(
                cell.bg,
                Color::Reset,
                "{theme:?}: backgrounds stay the terminal's"
            );
        }
    }
}

/// Two rounds of three strategies at 64K × 1: the best finished figure of each
/// ranking column is marked, and `v` shows the winner of each cell.
#[test]
fn best_marks_and_the_winners_matrix_120x40() {
    let mut a = app();
    a.start();
    let g = a.generation;
    let cells: Vec<_> = a.strategies.iter().map(|&s| a.cell_for(s)).collect();
    let now = Instant::now();
    for (round, k) in [(0usize, 1.0), (1, 1.02), (2, 0.99)] {
        for (i, (&cell, gbps)) in cells.iter().zip([10.0, 15.0, 6.0]).enumerate() {
            for event in [started(cell, round * 3 + i, 9), finished(cell, gbps * k)] {
                a.update(
                    Inbox::Engine {
                        generation: g,
                        event,
                    },
                    now,
                );
            }
        }
    }
    let table = screen(&a, 120, 40);
    a.update(Inbox::Key(Key::Char('v')), now);
    assert_eq!(a.matrix_view, MatrixView::Winners);
    insta::assert_snapshot!(format!("{table}\n{}", screen(&a, 120, 40)));
}

/// The same state at every size a classroom meets: the header keeps the mode, the
/// recording state and the cell; the matrix keeps its labels; panels give way.
#[test]
fn layouts_at_every_size() {
    let a = mid_comparison();
    for (w, h) in [(60, 15), (80, 24), (100, 30), (120, 40), (200, 60)] {
        let shot = screen(&a, w, h);
        let text = format!("{shot}");
        assert!(text.contains("rec: "), "{w}x{h}: recording state\n{text}");
        assert!(text.contains("comparing"), "{w}x{h}: the mode\n{text}");
        assert!(
            text.contains("threads"),
            "{w}x{h}: the matrix's labels\n{text}"
        );
        assert!(text.contains("q quit"), "{w}x{h}: how to quit\n{text}");
        insta::assert_snapshot!(format!("layout_{w}x{h}"), shot);
    }
}

/// A click lands on the matrix cell drawn under it, whatever the layout.
#[test]
fn a_click_selects_the_matrix_cell_under_it() {
    let a = mid_comparison();
    for (w, h) in [(120u16, 40u16), (80, 24), (200, 60)] {
        let shot = screen(&a, w, h);
        let buffer = shot.buffer();
        // 64K × 1 thread holds two-copy's 12.4.
        let at = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .find(|&(x, y)| {
                // " 12.4 ": the matrix's figure, not the table's 12.40.
                (0..6).all(|i| {
                    x + i < w && buffer[(x + i, y)].symbol() == &" 12.4 "[i as usize..=i as usize]
                })
            })
            .map(|(x, y)| (x + 1, y))
            .expect("the matrix shows 12.4");
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let want = (3, 0);
        assert_eq!(
            super::matrix_hit(&a, area, at.0, at.1),
            Some(want),
            "{w}x{h}"
        );
        assert_eq!(
            super::matrix_hit(&a, area, at.0 + 3, at.1),
            Some(want),
            "{w}x{h}"
        );
        // The row above is 2 threads; the labels and the header row are no cell.
        assert_eq!(super::matrix_hit(&a, area, at.0, at.1 - 1), Some((3, 1)));
        assert_eq!(super::matrix_hit(&a, area, 1, at.1), None);
        assert_eq!(super::matrix_hit(&a, area, at.0, 0), None);
    }
}

/// A replay without its samples file: no empty sparkline boxes, no playback keys.
#[test]
fn replay_without_samples_80x30() {
    let mut a = replay_fixture();
    if let Source::Replay { playback, .. } = &mut a.source {
        *playback = None;
    }
    let shot = screen(&a, 100, 30);
    let text = format!("{shot}");
    assert!(!text.contains("s ago"), "no sparklines:\n{text}");
    assert!(!text.contains("pause") && !text.contains("speed"), "{text}");
    insta::assert_snapshot!(shot);
}

/// Runs that fall into two clusters are said to on screen: their CV carries "bi".
#[test]
fn bimodal_runs_are_marked_in_the_table() {
    let mut a = app();
    a.start();
    let g = a.generation;
    let cell = a.cell_for(a.strategies[1]);
    let now = Instant::now();
    for (i, gbps) in [10.6, 24.4, 10.4, 24.9, 10.5, 24.0].into_iter().enumerate() {
        for event in [started(cell, i, 9), finished(cell, gbps)] {
            a.update(
                Inbox::Engine {
                    generation: g,
                    event,
                },
                now,
            );
        }
    }
    let text = format!("{:?}", screen(&a, 120, 40).buffer());
    assert!(text.contains(" bi "), "{text}");
}

/// A finished run that should not be trusted is shown, dimmed and marked `!`, with its
/// reason at the bottom of the table; the others are not.
#[test]
fn a_flagged_run_is_dimmed_with_its_reason() {
    use netio_core::engine::EngineEvent;
    let mut a = app();
    a.start();
    let g = a.generation;
    let cells: Vec<_> = a.strategies.iter().map(|&s| a.cell_for(s)).collect();
    let now = Instant::now();
    for (i, &cell) in cells.iter().enumerate() {
        let mut done = finished(cell, 10.0 + i as f64);
        if let (0, EngineEvent::CellFinished { summary, .. }) = (i, &mut done) {
            summary.row.flagged = Some("busy host: others used 42% CPU".into());
        }
        for event in [started(cell, i, 3), done] {
            a.update(
                Inbox::Engine {
                    generation: g,
                    event,
                },
                now,
            );
        }
    }
    let shot = screen(&a, 120, 40);
    let text = format!("{shot}");
    let name = a.strategies[0].name();
    assert!(
        text.contains(&format!("{name}! busy host: others used 42% CPU")),
        "{text}"
    );
    assert!(
        !text.contains(&format!("{}!", a.strategies[1].name())),
        "{text}"
    );
    // The flagged row's cells are dim, the other's are not.
    let buf = shot.buffer();
    // Where the table row starting with `n` (after a border) is: (x, y) of its name.
    let row_of = |n: &str| {
        (0..buf.area.height).find_map(|y| {
            let line: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            let text: String = line.concat();
            let at = text.find(&format!("│{n} "))?;
            Some((text[..at].chars().count() as u16 + 1, y))
        })
    };
    let dim = |(x, y): (u16, u16)| {
        buf[(x + 12, y)]
            .modifier
            .contains(ratatui::style::Modifier::DIM)
    };
    let flagged = row_of(&format!("{name}!")).unwrap_or_else(|| panic!("the flagged row:\n{text}"));
    let clean = row_of(a.strategies[1].name()).expect("the other row");
    assert!(dim(flagged) && !dim(clean));
}

/// The projector theme: every registered strategy's colour reads at 4.5:1 or better
/// against its white background, none is yellow, cyan or gray, and the whole screen
/// is painted black on white.
#[test]
fn the_projector_theme_reads_from_the_back_of_a_room() {
    use super::theme::{PROJECTOR_BG, contrast, readable};
    use ratatui::style::Color;
    for e in &netio_core::strategy::SEND {
        let c = readable(e.rgb, PROJECTOR_BG);
        let ratio = contrast(c, PROJECTOR_BG);
        assert!(ratio >= 4.5, "{}: {ratio:.2}", e.about.name);
        let fg = Theme::PROJECTOR.strategy(e.strategy).fg;
        assert_eq!(fg, Some(Color::Rgb(c.0, c.1, c.2)), "{}", e.about.name);
        assert!(
            !matches!(
                fg,
                Some(Color::Yellow | Color::Cyan | Color::Gray | Color::DarkGray)
            ),
            "{}",
            e.about.name
        );
    }
    assert!(contrast((0, 0, 0), PROJECTOR_BG) > 20.0);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|f| render(f, &mid_comparison(), &Theme::PROJECTOR))
        .expect("draws");
    let buffer = terminal.backend().buffer().clone();
    assert!(
        buffer
            .content()
            .iter()
            .all(|c| c.bg == Color::Rgb(255, 255, 255)
                || c.modifier.contains(ratatui::style::Modifier::REVERSED)),
        "every cell on white"
    );
}

/// `l`: the running cell's latency histogram over the run's measured seconds, p50 and
/// p99 marked.
#[test]
fn latency_view_120x40() {
    let mut a = mid_comparison();
    a.overlay = Overlay::Latency;
    let shot = screen(&a, 120, 40);
    insta::assert_snapshot!(shot);
}
