//! The help overlay (`?`): the keys, and how to read the panels.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, block};

/// The keys and the panels; `{keys}` and `{legend}` are the run's strategies.
const TEXT: &str = "\
←/→      message size            ↑/↓   thread pairs (↑ = more)
Tab {keys}  strategy of the matrix   Enter run the selected cell once
c        compare: every strategy at the selected cell, round and round
w        workload: stream, rr, rate at each load (those given at start)
s        sweep the whole matrix once (the matrix fills as it goes)
space    freeze the display (measuring goes on)
r        start/stop recording finished cells to CSV (recordings/)
q Esc    quit (a summary of what was measured is printed)

{legend}
—  not measured yet   n/a  the machine cannot count it   –  not applicable
Gbps: message bytes received intact × 8 per second (last second or run).
tps: rr transactions/s. rate ranks by p99 µs (lower is better); Gbps/off:
achieved/offered. median ±95% n CV%: over the cell's last n finished runs.
verdict: best, tie ±x% (no measurable difference from the best), −x%+
(behind the best by at least x%), paired round by round; – until two
rounds finished. qd: queueing delay of a saturated stream (waiting in
buffers, not a strategy's cost, never a ranking). rtt: a request's first
send to its reply's last byte. lat: a paced message's due time to its
last byte at the receiver.
ns/B: each side's thread CPU time per byte. cs/s: context switches.
zc copied: completions the kernel flagged COPIED (100% on loopback:
it copies when delivering to a local socket).

any key closes this help";

/// The help text with the run's strategies filled in (the digits pick among them).
fn text(strategies: &[crate::matrix::Strategy]) -> String {
    let legend: Vec<String> = strategies
        .iter()
        .map(|s| s.entry())
        .enumerate()
        .map(|(i, e)| match e.about.aliases.first() {
            Some(alias) => format!("{} {} ({alias})", i + 1, e.about.name),
            None => format!("{} {}", i + 1, e.about.name),
        })
        .collect();
    TEXT.replace("{keys}", &format!("1-{}", strategies.len()))
        .replace("{legend}", &legend.join("   "))
}

pub fn render(
    frame: &mut Frame,
    strategies: &[crate::matrix::Strategy],
    theme: &Theme,
    area: Rect,
) {
    let [row] = Layout::vertical([Constraint::Length(27)])
        .flex(Flex::Center)
        .areas(area);
    let [boxed] = Layout::horizontal([Constraint::Length(76)])
        .flex(Flex::Center)
        .areas(row);
    let boxed = boxed.intersection(area);
    frame.render_widget(Clear, boxed);
    frame.render_widget(
        Paragraph::new(text(strategies))
            .style(theme.value())
            .wrap(Wrap { trim: false })
            .block(block(" Help ", theme)),
        boxed,
    );
}
