//! The data's path for the running strategy, with the bytes that went through each copy
//! in the last second (measured: what the senders handed to the kernel and what the
//! receivers got), and for zero-copy the kernel's own word on whether it copied.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::format::{NOT_YET, bytes};
use super::{Theme, block};
use crate::app::App;
use crate::figure::Figure;
use crate::row::formula::per_second;
use crate::strategy::Step;

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let view = app.view();
    let Some(running) = view.running else {
        let idle = if app.replaying.is_some() {
            "Replaying a recording: the copy path follows the recorded seconds (replay with --samples FILE)."
        } else {
            "Nothing running: press c to compare, Enter to run the selected cell."
        };
        let p = Paragraph::new(idle)
            .style(theme.dim())
            .wrap(Wrap { trim: true })
            .block(block(" Copy path ", theme));
        frame.render_widget(p, area);
        return;
    };
    let cell = running.cell;
    let m = view.figures.get(&cell);
    let rate = |b: Figure<u64>, secs: f64| per_second(b, secs).screen(|r| bytes(r) + "/s");
    let sent = m.map_or(NOT_YET.to_string(), |m| {
        rate(m.sent_wire_bytes, m.duration_s)
    });
    let got = m.map_or(NOT_YET.to_string(), |m| {
        rate(Figure::Measured(m.bytes), m.duration_s)
    });
    let arrow = |s: &str| Span::styled(format!("  │ {s}"), theme.label());
    let stage = |s: &str| Line::from(Span::styled(s.to_string(), theme.value()));
    let copy = |what: &str, amount: &str| {
        Line::from(vec![
            arrow(what),
            Span::styled(format!("  {amount}"), theme.warn()),
        ])
    };
    let entry = cell.strategy.entry();
    let mut lines = vec![stage(entry.fields)];
    for step in entry.path {
        lines.push(match *step {
            Step::Stage(s) => stage(s),
            Step::Copy(s) => copy(s, &sent),
            Step::Handover(s) => Line::from(vec![
                arrow(s),
                Span::styled(format!("  {sent}"), theme.value()),
            ]),
        });
    }
    let copies_per_byte: String = if entry.zero_copy {
        // The kernel's own word on whether it copied on delivery.
        let copied = m.map_or(Figure::Undefined, |m| m.zc_copied_pct);
        let verdict = copied.value().map_or_else(
            || "no completion this second".to_string(),
            |p| format!("kernel copied {p:.0}% of completions this second"),
        );
        lines.push(Line::from(vec![
            arrow("delivered to a local socket: deferred copy"),
            Span::styled(format!("  {verdict}"), theme.warn()),
        ]));
        // The pool's waits are inside zero-copy's latency: show them beside it.
        let pool = m.map_or(NOT_YET.to_string(), |m| {
            format!(
                "pool {}: {} waits, {} bogus completions this second",
                m.zc_pool_bytes
                    .screen(|b| crate::matrix::format_size(b as usize)),
                m.zc_pool_waits.screen(|w| w.to_string()),
                m.zc_bogus.screen(|b| b.to_string()),
            )
        });
        lines.push(Line::from(Span::styled(format!("  {pool}"), theme.label())));
        match copied.value() {
            Some(p) if p >= 99.5 => "2 copies per byte: the deferred copy and recv()".into(),
            Some(p) if p <= 0.5 => entry.copies.into(),
            Some(p) => format!("1 + {:.2} copies per byte", p / 100.0),
            None => NOT_YET.to_string(),
        }
    } else {
        entry.copies.into()
    };
    let path = if app.run.net_mode == "netns" {
        "veth pair"
    } else {
        "loopback"
    };
    lines.push(stage(&format!(
        "socket buffer ── {path} ──▶ receiver's socket"
    )));
    let copies_per_byte = if cell.rx == crate::receive::RxStrategy::ZeroCopy {
        let mapped = m.map_or(Figure::Undefined, |m| m.rx_mapped_pct);
        let share = mapped.screen(|p| format!("{p:.0}% of bytes"));
        lines.push(Line::from(vec![
            arrow("TCP_ZEROCOPY_RECEIVE: pages mapped, no copy"),
            Span::styled(format!("  {share}"), theme.value()),
        ]));
        lines.push(copy("recv(): the rest, kernel → user", &got));
        lines.push(stage("mapped pages and receiver buffer (checked)"));
        format!(
            "{copies_per_byte}; on the receiver, mapped bytes are not copied ({})",
            mapped.screen(|p| format!("{p:.0}% this second"))
        )
    } else {
        lines.push(copy("recv(): kernel → user", &got));
        lines.push(stage("receiver buffer (checked)"));
        copies_per_byte
    };
    lines.push(Line::from(Span::styled(copies_per_byte, theme.title())));
    // The kernel's own count (the copy meter) and the tool's, when there is a meter.
    let measured = m.map_or(Figure::Undefined, |m| m.sender_copies_per_byte());
    let line = match (m, measured) {
        (Some(m), Figure::Measured(tx)) => format!(
            "measured: sender {tx:.2} copies per byte, receiver {} (the late copy on local delivery not counted yet)",
            m.receiver_copies_per_byte().screen(|r| format!("{r:.2}"))
        ),
        (Some(m), _) => format!(
            "measured copies: {}",
            m.tx_copied_bytes.describe(|v| v.to_string())
        ),
        (None, _) => format!("measured copies: {NOT_YET}"),
    };
    lines.push(Line::from(Span::styled(line, theme.label())));
    let title = format!(" Copy path: {} ", cell.strategy);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title, theme)),
        area,
    );
}
