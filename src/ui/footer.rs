//! Key hints, shortened on narrow terminals.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::App;

/// Tab, or the strategy's number (one key per registered strategy).
const STRATEGY_KEYS: &str = const_str_keys();

const fn const_str_keys() -> &'static str {
    // The digits 1..=n for n registered strategies (at most nine have a key).
    const LABELS: [&str; 9] = [
        "Tab/1", "Tab/1-2", "Tab/1-3", "Tab/1-4", "Tab/1-5", "Tab/1-6", "Tab/1-7", "Tab/1-8",
        "Tab/1-9",
    ];
    let n = crate::strategy::SEND.len();
    LABELS[if n > 9 { 8 } else { n - 1 }]
}

const WIDE: [(&str, &str); 10] = [
    ("←/→", "size"),
    ("↑/↓", "threads"),
    (STRATEGY_KEYS, "strategy"),
    ("Enter", "run cell"),
    ("c", "compare"),
    ("s", "sweep"),
    ("space", "freeze"),
    ("r", "record"),
    ("?", "help"),
    ("q", "quit"),
];

/// Narrow terminals: how to quit and get help first, so they are never cut off.
const NARROW: [(&str, &str); 10] = [
    ("q", "quit"),
    ("?", "help"),
    ("←→", "size"),
    ("↑↓", "thr"),
    ("Tab", "strat"),
    ("⏎", "run"),
    ("c", "cmp"),
    ("s", "sweep"),
    ("␣", "freeze"),
    ("r", "rec"),
];

/// Replay: nothing to run or record; space, + and - drive the playback.
const REPLAY: [(&str, &str); 7] = [
    ("q", "quit"),
    ("?", "help"),
    ("←→", "size"),
    ("↑↓", "threads"),
    ("Tab", "strategy"),
    ("space", "pause"),
    ("+/-", "speed"),
];

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let keys: &[(&str, &str)] = if app.replaying.is_some() {
        &REPLAY
    } else if area.width >= 110 {
        &WIDE
    } else {
        &NARROW
    };
    let spans: Vec<Span> = keys
        .iter()
        .flat_map(|(k, what)| {
            [
                Span::styled(format!(" {k}"), theme.title()),
                Span::styled(format!(" {what} "), theme.label()),
            ]
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
