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
use crate::matrix::Strategy;

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
    let per_s = |b: u64, secs: f64| if secs > 0.0 { b as f64 / secs } else { 0.0 };
    let sent = m
        .and_then(|m| m.sent_wire_bytes.map(|b| bytes(per_s(b, m.seconds)) + "/s"))
        .unwrap_or_else(|| NOT_YET.to_string());
    let got = m.map_or(NOT_YET.to_string(), |m| {
        bytes(per_s(m.bytes, m.seconds)) + "/s"
    });
    let arrow = |s: &str| Span::styled(format!("  │ {s}"), theme.label());
    let stage = |s: &str| Line::from(Span::styled(s.to_string(), theme.value()));
    let copy = |what: &str, amount: &str| {
        Line::from(vec![
            arrow(what),
            Span::styled(format!("  {amount}"), theme.warn()),
        ])
    };
    let mut lines = vec![stage("8 heap fields (the message)")];
    let copies_per_byte: String = match cell.strategy {
        Strategy::TwoCopy => {
            lines.push(copy("memcpy: user linearization (copy 1)", &sent));
            lines.push(stage("linear buffer"));
            lines.push(copy("send(): user → kernel (copy 2)", &sent));
            "3 copies per byte: 2 on the sender, 1 on the receiver".into()
        }
        Strategy::OneCopy => {
            lines.push(copy("sendmsg(), 8 iovecs: kernel gathers (copy 1)", &sent));
            "2 copies per byte: 1 on the sender, 1 on the receiver".into()
        }
        Strategy::ZeroCopy => {
            let copied = m.and_then(|m| m.zc.copied_pct());
            lines.push(Line::from(vec![
                arrow("sendmsg(MSG_ZEROCOPY): pages pinned, no copy"),
                Span::styled(format!("  {sent}"), theme.value()),
            ]));
            let verdict = match copied {
                Some(p) => format!("kernel copied {p:.0}% of completions this second"),
                None => "no completion this second".to_string(),
            };
            lines.push(stage("socket buffer holds the pinned pages"));
            lines.push(Line::from(vec![
                arrow("delivered to a local socket: deferred copy"),
                Span::styled(format!("  {verdict}"), theme.warn()),
            ]));
            match copied {
                Some(p) if p >= 99.5 => "2 copies per byte: the deferred copy and recv()".into(),
                Some(p) if p <= 0.5 => "1 copy per byte: only recv()".into(),
                Some(p) => format!("1 + {:.2} copies per byte", p / 100.0),
                None => NOT_YET.to_string(),
            }
        }
    };
    lines.push(stage("socket buffer ── loopback ──▶ receiver's socket"));
    lines.push(copy("recv(): kernel → user", &got));
    lines.push(stage("receiver buffer (checked)"));
    lines.push(Line::from(Span::styled(copies_per_byte, theme.title())));
    let title = format!(" Copy path: {} ", cell.strategy);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title, theme)),
        area,
    );
}
