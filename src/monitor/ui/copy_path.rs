//! The data's path for the running strategy, with the bytes that went through each copy
//! in the last second (measured: what the senders handed to the kernel and what the
//! receivers got), and for zero-copy the kernel's own word on whether it copied.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::format::{NOT_YET, gbps};
use super::{Theme, block};
use crate::monitor::app::App;
use netio_core::figure::Figure;
use netio_core::row::Row;
use netio_core::row::formula::per_second;
use netio_core::strategy::{Counted, SendEntry, Step};

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let view = app.view();
    // The running cell; when nothing runs, the selected cell if it has finished
    // figures (a replay's recorded ones, or the last run's).
    let selected = app.cell_for(app.selected_strategy());
    let cell = match view.running {
        Some(r) => r.cell,
        None if view.figures.contains_key(&selected) => selected,
        None => {
            let idle = if app.source.replaying().is_some() {
                "Nothing recorded for the selected cell: move to a measured one."
            } else {
                "Nothing running: press c to compare, Enter to run the selected cell."
            };
            let p = Paragraph::new(idle)
                .style(theme.dim())
                .wrap(Wrap { trim: true })
                .block(block(" Copy path ", theme));
            frame.render_widget(p, area);
            return;
        }
    };
    let m = view.shown(cell).map(|(row, _)| row);
    let rate = |b: Figure<u64>, secs: f64| per_second(b, secs).screen(gbps);
    let sent = m.map_or(NOT_YET.to_string(), |m| {
        rate(m.sent_wire_bytes, m.duration_s)
    });
    // A step's bytes as its count measured them; without the copy meter, the bytes
    // the senders handed to the kernel, said as such.
    let amount = |c: Counted| -> String {
        let Some(m) = m else {
            return NOT_YET.to_string();
        };
        let f = match c {
            Counted::User => m.user_copied_bytes,
            Counted::SendCopy => m.tx_copied_bytes,
            Counted::Pinned => m.tx_zerocopy_bytes,
            Counted::Spliced => m.tx_spliced_bytes,
            Counted::Handed => m.sent_wire_bytes,
        };
        if f.is_measured() {
            rate(f, m.duration_s)
        } else {
            format!("{sent} handed")
        }
    };
    let arrow = |s: &str| Span::styled(format!("  │ {s}"), theme.label());
    let stage = |s: &str| Line::from(Span::styled(s.to_string(), theme.value()));
    let step = |what: &str, amount: String, copy: bool| {
        let style = if copy { theme.warn() } else { theme.value() };
        Line::from(vec![
            arrow(what),
            Span::styled(format!("  {amount}"), style),
        ])
    };
    let entry = cell.strategy.entry();
    // The measured total first (a short panel keeps it), then the path step by step.
    let (total, note) = measured_copies(m, entry, theme);
    let mut lines = vec![total, stage(entry.fields)];
    for s in entry.path {
        lines.push(match *s {
            Step::Stage(s) => stage(s),
            Step::Copy(c, s) => step(s, amount(c), true),
            Step::Handover(c, s) => step(s, amount(c), false),
        });
    }
    if entry.zero_copy {
        // The late copy, by the meter, and the kernel's own word in the completions.
        let copied = m.map_or(Figure::Undefined, |m| m.zc_copied_pct);
        let flag = copied.value().map_or_else(
            || "no completion".to_string(),
            |p| format!("COPIED on {p:.0}%"),
        );
        let late = m.map_or(NOT_YET.to_string(), |m| {
            rate(m.late_copied_bytes, m.duration_s)
        });
        lines.push(step(
            "late copy at local delivery",
            format!("{late}, {flag}"),
            true,
        ));
        // The pool's waits are inside zero-copy's latency: show them beside it.
        let pool = m.map_or(NOT_YET.to_string(), |m| {
            format!(
                "pool {}: {} waits, {} bogus completions this second",
                m.zc_pool_bytes
                    .screen(|b| netio_core::matrix::format_size(b as usize)),
                m.zc_pool_waits.screen(|w| w.to_string()),
                m.zc_bogus.screen(|b| b.to_string()),
            )
        });
        lines.push(Line::from(Span::styled(format!("  {pool}"), theme.label())));
    }
    let remote;
    let path = match app.run.net_mode.as_str() {
        "netns" => "veth pair",
        "remote" => {
            let nic = app.run.peer_nic_driver.as_deref().unwrap_or("NIC");
            remote = format!(
                "{nic} to {}",
                app.run.peer.as_deref().unwrap_or("the far host")
            );
            &remote
        }
        _ => "loopback",
    };
    lines.push(stage(&format!(
        "socket buffer ── {path} ──▶ receiver's socket"
    )));
    let received = m.map_or(NOT_YET.to_string(), |m| {
        let f = if m.rx_copied_bytes.is_measured() {
            m.rx_copied_bytes
        } else {
            Figure::Measured(m.bytes)
        };
        rate(f, m.duration_s)
    });
    if cell.rx == netio_core::receive::RxStrategy::ZeroCopy {
        let mapped = m.map_or(NOT_YET.to_string(), |m| {
            rate(m.rx_zerocopy_bytes, m.duration_s)
        });
        lines.push(step(
            "TCP_ZEROCOPY_RECEIVE: pages mapped, no copy",
            mapped,
            false,
        ));
        lines.push(step("recv(): the rest, kernel → user", received, true));
        lines.push(stage("mapped pages and receiver buffer (checked)"));
    } else {
        lines.push(step("recv(): kernel → user", received, true));
        lines.push(stage("receiver buffer (checked)"));
    }
    lines.extend(note);
    let title = format!(" Copy path: {} ", cell.strategy);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title, theme)),
        area,
    );
}

/// Copies per byte as the copy meter measured them this second, where they happened
/// (a line), and a note: where the late copy is charged, or why nothing was measured
/// with the design's count beside it (never in place of a figure).
fn measured_copies(
    m: Option<&Row>,
    entry: &SendEntry,
    theme: &Theme,
) -> (Line<'static>, Vec<Line<'static>>) {
    let line = |s: String, style| Line::from(Span::styled(s, style));
    let Some(m) = m else {
        return (
            line(format!("copies per byte: {NOT_YET}"), theme.label()),
            vec![],
        );
    };
    let two = |f: Figure<f64>| f.screen(netio_core::row::formula::copies_text);
    if !m.sender_copies_per_byte().is_measured() {
        let why = m.tx_copied_bytes.describe(|v| v.to_string());
        return (
            line(
                format!("copies per byte: not measured ({why})"),
                theme.label(),
            ),
            vec![line(
                format!("by the design alone: {}", entry.copies),
                theme.dim(),
            )],
        );
    }
    let total = line(
        format!(
            // Not "=": end to end is over the bytes handed to the kernel, the receiver's
            // share over the bytes received, so the parts need not add up to it.
            "copies per byte: sender {} + late {} + receiver {}; end to end {}",
            two(m.sender_copies_per_byte()),
            two(m.late_copies_per_byte()),
            two(m.receiver_copies_per_byte()),
            two(m.end_to_end_copies_per_byte()),
        ),
        theme.title(),
    );
    let late = entry.zero_copy || m.late_copied_bytes.value().is_some_and(|b| b > 0);
    let note = if late {
        vec![line(
            "late copy runs in softirq: machine-wide, charged to the cell".to_string(),
            theme.label(),
        )]
    } else {
        vec![]
    };
    (total, note)
}
