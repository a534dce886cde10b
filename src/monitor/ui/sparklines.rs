//! Throughput and the p99 latency the workload measures (a saturated stream's queueing
//! delay, `rr`'s round trip, `rate`'s one-way latency from the due time) per second of
//! the running cell (or, when nothing runs, of the selected strategy's cell) over the
//! last 60 s. Each cell keeps its own history. One bar is one second, the newest at the
//! right edge; the bottom border is the time axis (how long ago the left edge is, and
//! now), the title the scale (the top bar's value).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Sparkline, SparklineBar};

use super::{Theme, block};
use crate::monitor::app::App;
use netio_core::figure::Figure;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let view = app.view();
    let cell = view
        .running
        .map_or_else(|| app.cell_for(app.selected_strategy()), |r| r.cell);
    let history = view.history.get(&cell);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    // One bar a second, right-aligned: the left edge is as many seconds ago as bars fit.
    let axis = |b: ratatui::widgets::Block<'static>, r: Rect| {
        let seconds = r.width.saturating_sub(2);
        b.title_bottom(Line::from(format!("{seconds} s ago")).left_aligned())
            .title_bottom(Line::from("now").right_aligned())
    };
    let aligned = |bars: Vec<SparklineBar>, r: Rect| -> Vec<SparklineBar> {
        let seconds = usize::from(r.width.saturating_sub(2));
        let (len, keep) = (bars.len(), bars.len().min(seconds));
        let mut out: Vec<SparklineBar> =
            (keep..seconds).map(|_| SparklineBar::from(None)).collect();
        out.extend(bars.into_iter().skip(len - keep));
        out
    };

    let gbps: Vec<Figure<f64>> = history
        .map(|h| h.gbps.iter().copied().collect())
        .unwrap_or_default();
    let now = gbps
        .last()
        .map_or("—".to_string(), |g| g.screen(|g| format!("{g:.2}")));
    // Sparkline bars are integers: hundredths of a Gbps; no rate is an absent bar.
    let bars: Vec<SparklineBar> = gbps
        .iter()
        .map(|g| SparklineBar::from(g.value().map(|g| (g * 100.0).round() as u64)))
        .collect();
    // The bars' scale: their top is the largest second shown (a sparkline has no axis).
    let top = gbps
        .iter()
        .filter_map(|g| g.value())
        .fold(None, |m: Option<f64>, g| Some(m.map_or(g, |m| m.max(g))));
    let scale = top.map_or(String::new(), |t| format!(" (top {t:.1})"));
    let title = format!(" {cell}: {now} Gbps{scale} ");
    frame.render_widget(
        Sparkline::default()
            .block(axis(block(title, theme), left))
            .data(aligned(bars, left))
            .style(theme.strategy(cell.strategy)),
        left,
    );

    let p99: Vec<Figure<f64>> = history
        .map(|h| h.p99_us.iter().copied().collect())
        .unwrap_or_default();
    let now = p99.last().map_or("—".to_string(), |v| {
        v.screen(netio_core::figure::latency_text)
    });
    // A second without a completed message has no p99: an absent bar, not a zero.
    let bars: Vec<SparklineBar> = p99
        .iter()
        .map(|v| SparklineBar::from(v.value().map(|x| x.round() as u64)))
        .collect();
    let what = match cell.mode().entry().latency_label {
        "qd" => "queueing delay",
        "rtt" => "round trip",
        _ => "latency from due time",
    };
    let top = p99
        .iter()
        .filter_map(|v| v.value())
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let scale = top.map_or(String::new(), |t| {
        format!(" (top {})", netio_core::figure::latency_text(t))
    });
    let title = format!(" p99 {what}: {now}{scale} ");
    frame.render_widget(
        Sparkline::default()
            .block(axis(block(title, theme), right))
            .data(aligned(bars, right))
            .style(theme.strategy(cell.strategy)),
        right,
    );
}
