//! The size × threads matrix of the selected strategy under the selected workload: each
//! cell the workload's headline figure (Gbps, transactions/s, or p99 latency) on a
//! bold in its best third and dim in its worst (colours are the strategies'), the cursor on the selected cell.
//! More threads are higher up, larger sizes further right, as the arrow keys move.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Text;
use ratatui::widgets::{Cell as TableCell, Row, Table};

use super::format::NOT_YET;
use super::{Theme, block};
use crate::monitor::app::App;
use crate::monitor::app::MatrixView;
use netio_core::matrix::{Cell, format_size};

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let view = app.view();
    let strategy = app.selected_strategy();
    let mode = app.selected_mode();
    let entry = mode.entry();
    let gbps = |size: usize, threads: usize| {
        view.figures
            .get(&Cell::new(strategy, size, threads).under(mode))
            .and_then(|m| m.headline().value())
    };
    let all = app
        .sizes
        .iter()
        .flat_map(|&s| app.threads.iter().filter_map(move |&t| gbps(s, t)));
    let lower = entry.better == netio_core::stats::Better::Lower;
    let best = if lower {
        all.fold(f64::INFINITY, f64::min)
    } else {
        all.fold(0.0f64, f64::max)
    };
    // 1 for the best cell, less for the others, whichever way the figure improves.
    let share = |g: f64| match lower {
        true if g > 0.0 && best.is_finite() => best / g,
        false if best > 0.0 => g / best,
        _ => 0.0,
    };
    let right = |s: String| TableCell::from(Text::from(s).right_aligned());
    let header = Row::new(
        std::iter::once(TableCell::from("threads"))
            .chain(app.sizes.iter().map(|&s| right(format_size(s))))
            .collect::<Vec<_>>(),
    )
    .style(theme.label());
    let rows = app.threads.iter().enumerate().rev().map(|(ti, &t)| {
        let cells = app.sizes.iter().enumerate().map(|(si, &s)| {
            let cursor = si == app.size_idx && ti == app.threads_idx;
            let (text, style) = if app.matrix_view == MatrixView::Winners {
                winner(app, s, t, theme)
            } else {
                match gbps(s, t) {
                    Some(g) => (super::format::compact(g), theme.scale(share(g))),
                    None => (NOT_YET.to_string(), theme.dim()),
                }
            };
            right(text).style(if cursor { theme.highlight() } else { style })
        });
        Row::new(
            std::iter::once(TableCell::from(format!("{t:>7}")).style(theme.label()))
                .chain(cells)
                .collect::<Vec<_>>(),
        )
    });
    let widths = std::iter::once(Constraint::Length(7))
        .chain(app.sizes.iter().map(|_| Constraint::Length(6)))
        .collect::<Vec<_>>();
    let title = if app.matrix_view == MatrixView::Winners {
        format!(" Matrix: winner by {}, {mode} (v) ", entry.headline_label)
    } else {
        format!(
            " Matrix: {strategy} {}, {mode} (Tab; v: winners) ",
            entry.headline_label
        )
    };
    let mut frame_block = block(title, theme);
    if app.matrix_view == MatrixView::Winners {
        // Which digit is which strategy, in their colours, along the bottom border.
        let legend: Vec<ratatui::text::Span> = app
            .strategies
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                ratatui::text::Span::styled(format!(" {} {s} ", i + 1), theme.strategy(s))
            })
            .collect();
        frame_block = frame_block.title_bottom(ratatui::text::Line::from(legend));
    }
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(frame_block);
    frame.render_widget(table, area);
}

/// The winner of `size` × `threads` among the strategies, by their finished runs, in
/// the comparisons' four classes: `2×1.5` (strategy 2 faster than every other, by
/// 1.5× over the closest), `2=3` (3 is equivalent to the leader within the margin),
/// `2?3` (3 is undecided against it), `2?` (no interval yet: the best median of too
/// few runs). Digits are the strategies' order (1-7).
fn winner(
    app: &App,
    size: usize,
    threads: usize,
    theme: &Theme,
) -> (String, ratatui::style::Style) {
    use crate::monitor::app::Standing;
    use netio_core::stats::Class;
    let standings = app.standings_at(size, threads);
    let colour = |i: usize| theme.strategy(app.strategies[i]);
    if let Some(lead) = standings
        .iter()
        .position(|s| matches!(s, Standing::Leader { .. }))
    {
        let class_of = |want: Class| {
            standings
                .iter()
                .enumerate()
                .find(|(i, s)| *i != lead && matches!(s, Standing::Against(c) if c.class == want))
                .map(|(i, _)| i)
        };
        let text = if let Some(o) = class_of(Class::Undecided) {
            format!("{}?{}", lead + 1, o + 1)
        } else if let Some(o) = class_of(Class::Equivalent) {
            format!("{}={}", lead + 1, o + 1)
        } else {
            let closest = standings
                .iter()
                .filter_map(|s| match s {
                    Standing::Against(c) if c.class == Class::Slower => Some(c.ratio),
                    _ => None,
                })
                .fold(0.0, f64::max);
            if closest > 0.0 {
                // As short as the matrix's cells: "2×1.5", "2×12".
                let r = 1.0 / closest;
                let r = if r < 9.95 {
                    format!("{r:.1}")
                } else {
                    format!("{r:.0}")
                };
                format!("{}×{r}", lead + 1)
            } else {
                format!("{}?", lead + 1)
            }
        };
        return (text, colour(lead));
    }
    // No interval yet: the best finished figure, marked unsure.
    let view = app.view();
    let mode = app.selected_mode();
    let lower = mode.entry().better == netio_core::stats::Better::Lower;
    let best = app
        .strategies
        .iter()
        .enumerate()
        .filter_map(|(i, &s)| {
            let row = view.figures.get(&Cell::new(s, size, threads).under(mode))?;
            Some((i, row.headline().value()?))
        })
        .max_by(|a, b| {
            if lower {
                b.1.total_cmp(&a.1)
            } else {
                a.1.total_cmp(&b.1)
            }
        });
    match best {
        Some((i, _)) => (format!("{}?", i + 1), colour(i)),
        None => (NOT_YET.to_string(), theme.dim()),
    }
}
