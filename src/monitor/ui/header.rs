//! The header: where the data goes, what the machine can count, what is being recorded,
//! and the cell running now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::monitor::app::{App, Plan, Recording};
use netio_core::engine::Phase;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let m = &app.run;
    let view = app.view();
    // Under --remote the mode names the far host.
    let mode = match &m.peer {
        Some(peer) => format!("{} {peer}", m.net_mode),
        None => m.net_mode.clone(),
    };
    let net = match (m.mtu, &m.netem) {
        (Some(mtu), Some(netem)) => format!("{mode} (MTU {mtu}, netem {netem})"),
        (Some(mtu), None) => format!("{mode} (MTU {mtu})"),
        (None, Some(netem)) => format!("{mode} (netem {netem})"),
        (None, None) => mode,
    };
    let hw = match view.counting {
        Some(c) if c.skipped => "off under rr/rate",
        Some(c) if c.hardware => "yes",
        Some(_) => "no",
        None => "—",
    };
    let rec = match (app.source.replaying(), &app.recording) {
        (Some(file), _) => format!("replaying {file}"),
        (None, Recording::Off) => "rec: off".to_string(),
        (None, Recording::On { path, rows }) => format!(
            "rec: {} ({rows} row{})",
            path.display(),
            if *rows == 1 { "" } else { "s" }
        ),
    };
    let room = usize::from(area.width);
    // The machine's facts, in the order shown; where they do not all fit, the CPU
    // model goes first, then the kernel, then the counters: the path and the
    // congestion control (which can halve throughput) stay.
    let machine = [
        (0, Span::styled(net, theme.value())),
        (
            1,
            Span::styled(
                format!("cc {}", app.cc.as_deref().unwrap_or("—")),
                theme.label(),
            ),
        ),
        (
            3,
            Span::styled(format!("kernel {}", m.kernel), theme.label()),
        ),
        (4, Span::styled(m.cpu_model.clone(), theme.label())),
        (2, Span::styled(format!("hw counters: {hw}"), theme.label())),
    ];
    let lead = vec![
        Span::styled("netio-tui", theme.title()),
        sep(theme),
        Span::styled(rec.clone(), theme.label()),
    ];
    let first = fitted(lead, &machine, room, theme);
    let mode = match app.plan {
        _ if app.source.replaying().is_some() => match app.source.playback() {
            Some(p) if p.paused => format!("replay paused at {}x", p.speed),
            Some(p) => format!("replay at {}x", p.speed),
            None => "recorded cells".to_string(),
        },
        Plan::Idle => "idle".to_string(),
        Plan::Compare => "comparing".to_string(),
        Plan::Single => "single cell".to_string(),
        Plan::Sweep => match app.progress_words() {
            Some(p) => format!("sweeping {p}"),
            None => "sweeping".to_string(),
        },
    };
    let mut second = Vec::new();
    if app.unsafe_reuse {
        // First, so no width hides it.
        second.push(Span::styled(
            "UNSAFE REUSE (demonstration, not a result) ",
            theme.error(),
        ));
    }
    second.push(Span::styled(
        format!("{mode}, workload {}: ", app.selected_mode()),
        theme.label(),
    ));
    match &view.running {
        Some(r) => {
            let phase = match r.phase {
                Phase::Warmup => "warm-up",
                Phase::Measure => "measuring",
            };
            second.push(Span::styled(
                format!("{}", r.cell),
                theme.strategy(r.cell.strategy),
            ));
            second.push(Span::styled(
                format!("  {phase}, {} s", r.seconds),
                theme.value(),
            ));
        }
        None => second.push(Span::styled("nothing running", theme.dim())),
    }
    if app.is_frozen() {
        second.push(Span::styled("  FROZEN (space resumes)", theme.warn()));
    }
    if let Some(problem) = &app.status {
        second.push(Span::styled(format!("  {problem}"), theme.error()));
    } else if let Some(notice) = &app.notice {
        second.push(Span::styled(format!("  {notice}"), theme.warn()));
    }
    let lines = if area.height >= 2 {
        vec![first, Line::from(second)]
    } else {
        // One line, short words: the mode and the running cell, then whether rows are
        // recorded, then the machine (cut first on a narrow terminal).
        let mut one = Vec::new();
        if app.unsafe_reuse {
            one.push(Span::styled("UNSAFE REUSE ", theme.error()));
        }
        one.push(Span::styled(format!("{mode} "), theme.label()));
        match &view.running {
            Some(r) => {
                one.push(Span::styled(
                    format!("{}", r.cell),
                    theme.strategy(r.cell.strategy),
                ));
                let phase = match r.phase {
                    Phase::Warmup => "warm-up",
                    Phase::Measure => "live",
                };
                one.push(Span::styled(
                    format!(" {phase} {}s", r.seconds),
                    theme.value(),
                ));
            }
            None => one.push(Span::styled("idle", theme.dim())),
        }
        if app.is_frozen() {
            one.push(Span::styled(" FROZEN", theme.warn()));
        }
        one.push(sep(theme));
        let rec_short = match (app.source.replaying(), &app.recording) {
            (Some(_), _) => "replay".to_string(),
            (None, Recording::Off) => "rec: off".to_string(),
            (None, Recording::On { rows, .. }) => {
                format!("rec: on, {rows} row{}", if *rows == 1 { "" } else { "s" })
            }
        };
        one.push(Span::styled(rec_short, theme.label()));
        if let Some(problem) = &app.status {
            one.push(Span::styled(format!(" {problem}"), theme.error()));
        }
        vec![fitted(one, &machine, room, theme)]
    };
    frame.render_widget(Paragraph::new(lines), area);
}

fn sep(theme: &Theme) -> Span<'static> {
    Span::styled(" │ ", theme.dim())
}

/// `lead`, then as many of `items` as fit in `room` columns, in their order, dropping
/// the highest-numbered (least needed) first: a fact is shown whole or not at all.
fn fitted<'a>(
    lead: Vec<Span<'a>>,
    items: &[(u8, Span<'a>)],
    room: usize,
    theme: &Theme,
) -> Line<'a> {
    let width = |spans: &[Span]| {
        spans
            .iter()
            .map(|s| s.content.chars().count())
            .sum::<usize>()
    };
    let used = width(&lead);
    let mut keep: Vec<&(u8, Span)> = items.iter().collect();
    while !keep.is_empty()
        && used
            + keep
                .iter()
                .map(|(_, s)| 3 + s.content.chars().count())
                .sum::<usize>()
            > room
    {
        let least = keep.iter().map(|(p, _)| *p).max().unwrap_or_default();
        keep.retain(|(p, _)| *p != least);
    }
    let mut spans = lead;
    for (_, s) in keep {
        spans.push(sep(theme));
        spans.push(s.clone());
    }
    Line::from(spans)
}
