//! The size × threads matrix of the selected strategy: each cell the last measured Gbps
//! on a colour scale (relative to this strategy's best), the cursor on the selected cell.
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
    let gbps = |size: usize, threads: usize| {
        view.figures
            .get(&Cell {
                strategy,
                size,
                threads,
            })
            .and_then(|m| m.throughput_gbps.value())
    };
    let best = app
        .sizes
        .iter()
        .flat_map(|&s| app.threads.iter().filter_map(move |&t| gbps(s, t)))
        .fold(0.0f64, f64::max);
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
                Some(g) => (
                    format!("{g:.1}"),
                    theme.scale(if best > 0.0 { g / best } else { 0.0 }),
                ),
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
    let title = format!(" Matrix: {strategy} Gbps (Tab switches) ");
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block(title, theme));
    frame.render_widget(table, area);
}
