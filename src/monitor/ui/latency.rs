//! The latency view (`l`), in the manner of oha: the running (or selected) cell's
//! latencies over the measured seconds of its current or last run, one bar per
//! log-spaced bucket (four a decade), the buckets holding p50 and p99 marked, so a
//! class sees the tail and not only two percentiles. A replay has no histogram: a
//! recording holds percentiles only, and the view says so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, block};
use crate::monitor::app::App;
use netio_core::engine::buckets::{BUCKETS, LatencyBuckets, edge_us};
use netio_core::figure::latency_text;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let view = app.view();
    let cell = view
        .running
        .map_or_else(|| app.cell_for(app.selected_strategy()), |r| r.cell);
    let entry = cell.mode().entry();
    let marks = view
        .shown(cell)
        .map(|(row, _)| (row.latency_p50().value(), row.latency_p99().value()))
        .unwrap_or_default();
    let text = match view.latency.get(&cell).filter(|b| b.total() > 0) {
        Some(b) => lines(
            b,
            marks,
            usize::from(area.width.saturating_sub(36)).clamp(10, 60),
        ),
        None if app.source.replaying().is_some() => {
            "A recording holds percentiles only: the histogram is drawn live.".into()
        }
        None => "No latency measured yet in this cell's run.".into(),
    };
    let height = (text.lines().count() as u16 + 2).min(area.height);
    let width = (text.lines().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 2)
        .max(60)
        .min(area.width);
    let boxed = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let title = format!(" {cell}: {} latency · any key closes ", entry.latency_label);
    frame.render_widget(Clear, boxed);
    frame.render_widget(
        Paragraph::new(text)
            .style(theme.value())
            .block(block(title, theme)),
        boxed,
    );
}

/// One line per bucket from the first to the last that holds anything: its lower
/// edge, a bar as long as its share of the largest, its count, and the p50 and p99
/// marks (the measured percentiles, placed in the bucket holding them).
fn lines(b: &LatencyBuckets, (p50, p99): (Option<f64>, Option<f64>), bar: usize) -> String {
    let first = b.0.iter().position(|&n| n > 0).unwrap_or(0);
    let last = b.0.iter().rposition(|&n| n > 0).unwrap_or(0);
    let most = b.0.iter().copied().max().unwrap_or(1).max(1);
    let holds = |v: Option<f64>, i: usize| {
        v.is_some_and(|v| (i == 0 || v >= edge_us(i)) && (i + 1 == BUCKETS || v < edge_us(i + 1)))
    };
    let mut out = format!("{} latencies, bucket ≥ lower edge:\n", b.total());
    for i in first..=last {
        let n = b.0[i];
        // A bucket that holds anything shows at least one block: the tail stays visible.
        let len = if n == 0 {
            0
        } else {
            ((n as f64 / most as f64) * bar as f64).ceil() as usize
        };
        let mut mark = String::new();
        for (v, name) in [(p50, "p50"), (p99, "p99")] {
            if holds(v, i) {
                mark.push_str(&format!(
                    " ◀ {name} {}",
                    latency_text(v.unwrap_or_default())
                ));
            }
        }
        out.push_str(&format!(
            "{:>8} {:<bar$} {n:>8}{mark}\n",
            latency_text(edge_us(i)),
            "█".repeat(len)
        ));
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_draw_as_bars_with_the_percentiles_marked() {
        let b = crate::fixtures::latencies();
        let text = lines(&b, (Some(65.0), Some(812.5)), 20);
        assert!(text.starts_with("1287 latencies"), "{text}");
        // The fullest bucket (900 near 56–100 µs) has the whole bar and the p50 mark.
        assert!(
            text.contains(&format!("{} {:>8} ◀ p50 65.0µs", "█".repeat(20), 900)),
            "{text}"
        );
        assert!(text.contains("◀ p99 812.5µs"), "{text}");
        // The 1-message tail still shows one block.
        assert!(
            text.lines()
                .last()
                .is_some_and(|l| l.contains("█ ") && l.contains("       1")),
            "{text}"
        );
    }
}
