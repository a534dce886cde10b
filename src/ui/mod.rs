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
mod matrix;
mod sparklines;
mod table;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
pub use theme::{Theme, ThemeKind};

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
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
    let header_lines = if area.height >= 30 { 2 } else { 1 };
    let table_lines = app.strategies.len() as u16 + 3;
    let sparks = area.height >= 26;
    // The matrix needs a row per thread count plus header and borders; the copy path
    // about a dozen. The sparklines take what is left.
    let bottom_rows = (app.threads.len() as u16 + 3).max(12);
    let [header, table, sparkline, bottom, footer] = Layout::vertical([
        Constraint::Length(header_lines),
        Constraint::Length(table_lines),
        if sparks {
            Constraint::Fill(1)
        } else {
            Constraint::Length(0)
        },
        if sparks {
            Constraint::Length(bottom_rows)
        } else {
            Constraint::Fill(1)
        },
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, app, theme, header);
    table::render(frame, app, theme, table);
    if sparks {
        sparklines::render(frame, app, theme, sparkline);
    }
    if area.width >= 100 {
        let [m, c] = Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
            .areas(bottom);
        matrix::render(frame, app, theme, m);
        copy_path::render(frame, app, theme, c);
    } else {
        matrix::render(frame, app, theme, bottom);
    }
    footer::render(frame, app, theme, footer);
    if app.help {
        help::render(frame, app, theme, area);
    }
    if app.confirm_quit {
        help::render_confirm(frame, theme, area);
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
mod session_tests;
#[cfg(test)]
mod tests;
