//! Drawing the monitor: one file per panel, each `render(frame, &App, &Theme, Rect)`.
//!
//! ```text
//! ┌─────────────────────────────────────────────────────────────────────────────┐
//! │ header: net mode · kernel · CPU · hw counters · recording · running cell   │
//! ├ comparison: one row per strategy at the selected size × threads ──────────┤
//! │ strategy  Gbps  p50  p99  tx ns/B  rx ns/B  cyc/B  L1/KiB LLC/KiB cs/s  zc │
//! ├ throughput sparkline (60 s) ─────────┬ p99 queueing delay (60 s) ──────────┤
//! ├ matrix: sizes × threads, Gbps ───────┬ copy path of the running strategy ──┤
//! │        1K   4K  16K  64K 256K  1M    │ 8 heap fields → ... → receiver      │
//! ├──────────────────────────────────────┴─────────────────────────────────────┤
//! │ footer: key hints                                                           │
//! └─────────────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! Below 26 rows the sparklines go, below 100 columns the copy path; below 60 × 15 a
//! notice replaces everything. All arithmetic on sizes saturates: no small terminal
//! can make it panic.

mod copy_path;
mod footer;
pub mod format;
mod header;
mod help;
mod latency;
mod matrix_panel;
mod sparklines;
mod table;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};

use crate::monitor::app::App;
pub use theme::{Theme, ThemeKind};

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    // The projector theme paints its own background; the others keep the terminal's.
    frame.buffer_mut().set_style(area, theme.base());
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let notice = Paragraph::new(format!(
            "terminal too small: {}×{}, netio-tui needs {MIN_WIDTH}×{MIN_HEIGHT} (q quits)",
            area.width, area.height
        ))
        .style(theme.warn())
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
        frame.render_widget(notice, area);
        return;
    }
    let [header, table, rest, footer] = rows(app, area);
    header::render(frame, app, theme, header);
    table::render(frame, app, theme, table);
    let mut panels = arrange(app, rest);
    if app.source.replaying().is_some() && app.source.playback().is_none() {
        // A replay without its samples file has no seconds to draw: no sparklines
        // (two empty boxes), the panels beside them take their rows.
        if let Some(s) = panels.sparklines.take() {
            // The copy path grows into the freed rows if it touches them (the matrix
            // keeps its own size: no empty rows in its box).
            let grow = |r: Rect| {
                if r.y == s.y + s.height {
                    Rect {
                        y: s.y,
                        height: r.height + s.height,
                        ..r
                    }
                } else if r.y + r.height == s.y {
                    Rect {
                        height: r.height + s.height,
                        ..r
                    }
                } else {
                    r
                }
            };
            panels.copy_path = panels.copy_path.map(grow);
        }
    }
    if let Some(s) = panels.sparklines {
        sparklines::render(frame, app, theme, s);
    }
    if let Some(m) = panels.matrix {
        matrix_panel::render(frame, app, theme, m);
    }
    if let Some(c) = panels.copy_path {
        copy_path::render(frame, app, theme, c);
    }
    footer::render(frame, app, theme, footer);
    if app.overlay.is_help() {
        help::render(frame, app, theme, area);
    }
    if app.overlay == crate::monitor::app::Overlay::Latency {
        latency::render(frame, app, theme, area);
    }
    if app.overlay == crate::monitor::app::Overlay::ConfirmQuit {
        help::render_confirm(frame, theme, area);
    }
}

/// The matrix cell (size index, threads index) drawn at (`column`, `row`) of a
/// terminal of `area`, as [`render`] lays it out; `None` anywhere else.
pub fn matrix_hit(app: &App, area: Rect, column: u16, row: u16) -> Option<(usize, usize)> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT || app.overlay.is_help() {
        return None;
    }
    let [_, _, rest, _] = rows(app, area);
    let m = arrange(app, rest).matrix?;
    // Inside the border: the header row, then a row per thread count (most on top);
    // the labels' 7 columns, then 6 per size, each after a column's gap.
    let x = column.checked_sub(m.x + 1)?.checked_sub(8)?;
    let y = row.checked_sub(m.y + 2)?;
    if column >= m.x + m.width - 1 || x % 7 == 6 {
        return None;
    }
    let size = usize::from(x / 7);
    let from_top = usize::from(y);
    let threads = app.threads.len().checked_sub(1 + from_top)?;
    (size < app.sizes.len()).then_some((size, threads))
}

/// The screen's rows: the header (two lines from 30 rows up), the comparison table,
/// the panels below it, the footer.
fn rows(app: &App, area: Rect) -> [Rect; 4] {
    let header_lines = if area.height >= 30 { 2 } else { 1 };
    let table_lines = app.strategies.len() as u16 + 3;
    Layout::vertical([
        Constraint::Length(header_lines),
        Constraint::Length(table_lines),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// Where the panels below the table go.
struct Panels {
    sparklines: Option<Rect>,
    matrix: Option<Rect>,
    copy_path: Option<Rect>,
}

/// Rows a sparkline pair needs to say anything (borders and 3 bars of height).
const SPARK_ROWS: u16 = 5;
/// Rows the copy path needs for its total and a few steps.
const COPY_ROWS: u16 = 8;
/// Columns the copy path needs beside the matrix.
const COPY_COLUMNS: u16 = 44;

/// The panels below the table in `area`: the matrix at its own size (its labels and
/// every size column, never squeezed), the copy path beside it when there is width
/// for both and under it otherwise, the sparklines in the height left over; a panel
/// that does not fit gives way (sparklines first, then the copy path).
fn arrange(app: &App, area: Rect) -> Panels {
    let matrix_w = 10 + 7 * app.sizes.len() as u16;
    let matrix_h = app.threads.len() as u16 + 3;
    if area.width >= matrix_w + COPY_COLUMNS {
        // Side by side: the bottom row is as tall as the taller of the two needs; the
        // sparklines take every row above it (a large terminal shows more history's
        // detail, not empty boxes).
        let bottom_h = matrix_h.max(12).min(area.height);
        let spare = area.height - bottom_h;
        let sparks = spare >= SPARK_ROWS;
        let [s, bottom] = Layout::vertical([
            Constraint::Length(if sparks { spare } else { 0 }),
            Constraint::Fill(1),
        ])
        .areas(area);
        let matrix_w = matrix_w.max(area.width * 2 / 5);
        let [m, c] =
            Layout::horizontal([Constraint::Length(matrix_w), Constraint::Fill(1)]).areas(bottom);
        return Panels {
            sparklines: sparks.then_some(s),
            matrix: Some(m),
            copy_path: Some(c),
        };
    }
    // Stacked: the matrix, then the copy path, then the sparklines, as height allows.
    let matrix_h = matrix_h.min(area.height);
    let left = area.height - matrix_h;
    let copy_h = if left >= COPY_ROWS { left.min(14) } else { 0 };
    let spark_h = if left - copy_h >= SPARK_ROWS {
        left - copy_h
    } else {
        0
    };
    // Whatever no panel takes stays with the matrix (never empty rows in a box).
    let [m, c, s] = Layout::vertical([
        Constraint::Length(matrix_h),
        Constraint::Length(copy_h),
        Constraint::Length(spark_h),
    ])
    .areas(area);
    Panels {
        sparklines: (spark_h > 0).then_some(s),
        matrix: Some(m),
        copy_path: (copy_h > 0).then_some(c),
    }
}

/// A block with a styled title.
fn block<'a>(
    title: impl Into<ratatui::text::Line<'a>>,
    theme: &Theme,
) -> ratatui::widgets::Block<'a> {
    ratatui::widgets::Block::bordered()
        .title(title)
        .title_style(theme.title())
        .border_style(theme.dim())
}

#[cfg(test)]
mod glance_tests;
#[cfg(test)]
mod session_tests;
#[cfg(test)]
mod size_tests;
#[cfg(test)]
mod tests;
