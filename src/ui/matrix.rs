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
use crate::app::App;
use crate::matrix::{Cell, format_size};

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
    let lower = entry.better == crate::stats::Better::Lower;
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
            let (text, style) = match gbps(s, t) {
                Some(g) => (super::format::compact(g), theme.scale(share(g))),
                None => (NOT_YET.to_string(), theme.dim()),
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
    let title = format!(
        " Matrix: {strategy} {}, {mode} (Tab) ",
        entry.headline_label
    );
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block(title, theme));
    frame.render_widget(table, area);
}
