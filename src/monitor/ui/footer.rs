//! Key hints, shortened on narrow terminals, and where even the short ones do not fit,
//! the least needed dropped whole (never a hint cut in half); `w` (workload) only when
//! the run has more than one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::monitor::app::App;

/// Stands for "Tab/1-n": the digits pick among the run's `n` strategies.
const STRATEGY_KEYS: &str = "Tab/1-n";

const WIDE: [(&str, &str); 12] = [
    ("←/→", "size"),
    ("↑/↓", "threads"),
    (STRATEGY_KEYS, "strategy"),
    ("w", "workload"),
    ("Enter", "run"),
    ("c", "compare"),
    ("s", "sweep"),
    ("l", "latency"),
    ("␣", "freeze"),
    ("r", "record"),
    ("?", "help"),
    ("q", "quit"),
];

/// Narrow terminals: how to quit and get help first, so they are never cut off.
const NARROW: [(&str, &str); 12] = [
    ("q", "quit"),
    ("?", "help"),
    ("←→", "size"),
    ("↑↓", "thr"),
    ("Tab", "strat"),
    ("w", "load"),
    ("⏎", "run"),
    ("c", "cmp"),
    ("s", "sweep"),
    ("l", "lat"),
    ("␣", "freeze"),
    ("r", "rec"),
];

/// Replay: nothing to run or record; space, + and - drive the playback.
const REPLAY: [(&str, &str); 8] = [
    ("q", "quit"),
    ("?", "help"),
    ("←→", "size"),
    ("↑↓", "threads"),
    ("Tab", "strategy"),
    ("w", "workload"),
    ("space", "pause"),
    ("+/-", "speed"),
];

/// Which hints go first when the short ones do not fit: the ones the help and the
/// screen itself make least needed. `q` and `?` are never dropped.
const DROP_FIRST: [&str; 10] = ["l", "␣", "⏎", "w", "Tab", "↑↓", "←→", "s", "c", "r"];

/// The hints' width on screen.
fn width(keys: &[&(&str, &str)]) -> usize {
    keys.iter()
        .map(|(k, what)| k.chars().count() + what.chars().count() + 3)
        .sum()
}

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let shown = |list: &'static [(&'static str, &'static str)]| -> Vec<&'static (&'static str, &'static str)> {
        list.iter()
            .filter(|(k, _)| *k != "w" || app.modes.len() > 1)
            // Playback keys only when there are recorded seconds to play.
            .filter(|(k, _)| !matches!(*k, "space" | "+/-") || app.source.playback().is_some())
            .collect()
    };
    let room = usize::from(area.width);
    let mut keys = if app.source.replaying().is_some() {
        shown(&REPLAY)
    } else {
        let wide = shown(&WIDE);
        if width(&wide) <= room {
            wide
        } else {
            shown(&NARROW)
        }
    };
    for drop in DROP_FIRST {
        if width(&keys) <= room {
            break;
        }
        keys.retain(|(k, _)| *k != drop);
    }
    let digits = format!("Tab/1-{}", app.strategies.len().min(9));
    let spans: Vec<Span> = keys
        .iter()
        .flat_map(|(k, what)| {
            let k = if *k == STRATEGY_KEYS {
                digits.as_str()
            } else {
                k
            };
            [
                Span::styled(format!(" {k}"), theme.title()),
                Span::styled(format!(" {what} "), theme.label()),
            ]
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
