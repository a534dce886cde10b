//! The help overlay (`?`): the keys valid in the current mode (live or replay), and
//! how to read the panels; it scrolls (↑/↓) where it does not fit. And the question
//! Esc asks before quitting a run.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, block};
use crate::monitor::app::App;

/// The keys of the live monitor; `{keys}` is the run's strategies' digits.
const LIVE_KEYS: &str = "\
←/→      message size            ↑/↓   thread pairs (↑ = more)
Tab {keys}  strategy of the matrix   Enter run the selected cell once
c        compare: every strategy at the selected cell, round and round
w        workload: stream, rr, rate at each load (those given at start)
s        sweep the whole matrix once (the matrix fills as it goes)
v        matrix: one strategy's figures, or the winner of each cell
l        latency histogram of the running cell (its run's seconds)
space    freeze the display (measuring goes on)
r        start/stop recording finished cells to CSV (recordings/)
q        quit (a summary of what was measured is printed)
Esc      quit (asks first while a run is in progress)";

/// The keys of a replay: nothing is measured or recorded.
const REPLAY_KEYS: &str = "\
←/→      message size            ↑/↓   thread pairs (↑ = more)
Tab {keys}  strategy of the matrix   w     workload
v        matrix: one strategy's figures, or the winner of each cell
space    pause / resume the recorded seconds (with --samples)
+ / -    play the seconds twice as fast / half as fast
q Esc    quit";

/// How to read the panels.
const LEGEND: &str = "\
—  not measured yet   n/a  the machine cannot count it   –  not applicable
*  the best finished figure of a column (bold)   ▶ the running row: its
current second, in italics (a result only once the cell finishes)
winner: 2×1.5 (2 faster than every other, 1.5× the closest), 2=3 (3
equivalent within ±5%), 2?3 (3 undecided), 2? (under 3 runs: no interval)
Gbps: message bytes received intact × 8 per second (last second or run).
tps: rr transactions/s. rate ranks by p99 µs (lower is better); Gbps/off:
achieved/offered. median ±95% n CV%: over the cell's last n finished runs
('bi': they fall into two clusters, the median in one of them).
vs best: the ratio to the best median [95% interval], paired round by
round: faster/slower (beyond ±5%), equivalent (within), ? (undecided);
'n runs' below three finished rounds. qd: queueing delay of a saturated
stream (waiting in buffers, not a strategy's cost, never a ranking). rtt:
a request's first send to its reply's last byte. lat: a paced message's
due time to its last byte at the receiver.
ns/B: each side's thread CPU time per byte. cs/s: context switches.
zc copied: completions the kernel flagged COPIED (100% on loopback:
it copies when delivering to a local socket). Copy path: the copy
meter's count of each copy, bytes per second and copies per byte.";

/// The help text for `app`'s mode, with the run's strategies filled in.
fn text(app: &App) -> String {
    let legend: Vec<String> = app
        .strategies
        .iter()
        .map(|s| s.entry())
        .enumerate()
        .map(|(i, e)| match e.about.aliases.first() {
            Some(alias) => format!("{} {} ({alias})", i + 1, e.about.name),
            None => format!("{} {}", i + 1, e.about.name),
        })
        .collect();
    let keys = if app.source.replaying().is_some() {
        REPLAY_KEYS
    } else {
        LIVE_KEYS
    };
    format!(
        "{}\n\n{}\n{LEGEND}",
        keys.replace("{keys}", &format!("1-{}", app.strategies.len())),
        legend.join("   ")
    )
}

/// A box of at most `width` × `height`, centred in `area` (and never beyond it).
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [boxed] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    boxed.intersection(area)
}

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let boxed = centred(area, 78, 30);
    let inner = boxed.width.saturating_sub(2).max(1) as usize;
    // Wrapped here, so the scroll knows how many lines there are.
    let lines: Vec<String> = text(app)
        .lines()
        .flat_map(|l| {
            if l.is_empty() {
                vec![String::new()]
            } else {
                textwrap::wrap(l, inner)
                    .into_iter()
                    .map(|c| c.into_owned())
                    .collect()
            }
        })
        .collect();
    let visible = boxed.height.saturating_sub(2) as usize;
    let max_scroll = lines.len().saturating_sub(visible);
    let scroll = (app.overlay.help_scroll() as usize).min(max_scroll);
    let title = if max_scroll > 0 {
        format!(
            " Help {}-{}/{} · ↑/↓ scroll · q quits · other keys close ",
            scroll + 1,
            (scroll + visible).min(lines.len()),
            lines.len()
        )
    } else {
        " Help · q quits · other keys close ".to_string()
    };
    frame.render_widget(Clear, boxed);
    frame.render_widget(
        Paragraph::new(lines.join("\n"))
            .style(theme.value())
            .scroll((scroll as u16, 0))
            .block(block(title, theme)),
        boxed,
    );
}

/// Esc during a run: quit, or go on measuring.
pub fn render_confirm(frame: &mut Frame, theme: &Theme, area: Rect) {
    let boxed = centred(area, 50, 5);
    frame.render_widget(Clear, boxed);
    frame.render_widget(
        Paragraph::new("A run is in progress.\nEsc or q: quit    any other key: go on")
            .style(theme.value())
            .block(block(" Quit? ", theme)),
        boxed,
    );
}
