//! The table of finished cells printed at the end of a run, one line per cell with its
//! repeats together: pure formatting of rows.

use std::fmt::Write;

use crate::aggregate::{self, CellStats};
use netio_core::figure::{Figure, why};
use netio_core::matrix::format_size;
use netio_core::row::Row;

const HEADERS: [&str; 16] = [
    "strategy",
    "workload",
    "size",
    "thr",
    "n",
    "Gbps",
    "95% CI",
    "CV %",
    "host CV %",
    "tps",
    "p50",
    "p99",
    "tx ns/B",
    "rx ns/B",
    "zc copied",
    "errors",
];

/// A latency in µs with its unit, scaled as on screen, or `n/a`.
fn latency(v: Option<f64>) -> String {
    Figure::or_unavailable(v, why::NOT_RECORDED).screen(netio_core::figure::latency_text)
}

/// A median or spread, or `n/a` where no row had a value (the same words as on screen).
fn opt(v: Option<f64>, digits: usize) -> String {
    Figure::or_unavailable(v, why::NOT_RECORDED).screen(|x| format!("{x:.digits$}"))
}

use aggregate::median_of;

/// One line per cell (its repeats together), in the order the cells were first run:
/// medians, the 95 % interval and CV of throughput (over repeats, or within one run
/// when there was one), and the host's CV over the same repeats; `n/a` where a figure
/// was not measured. Cells where the receiver fell behind are marked `*`.
pub fn table(rows: &[Row]) -> String {
    let mut cells = aggregate::cells(rows);
    cells.sort_by_key(|c| c.rows.first().map(|(n, _)| *n));
    let behind = cells.iter().any(|c| c.receiver_behind);
    let cells: Vec<[String; 16]> = cells
        .iter()
        .map(|c| {
            let g = c.gbps;
            let zc_sent = c.rows.iter().any(|(_, r)| r.zc_sends.is_measured());
            [
                format!("{}{}", c.strategy, if c.receiver_behind { "*" } else { "" }),
                workload_label(c),
                format_size(c.size as usize),
                c.threads.to_string(),
                c.rows.len().to_string(),
                opt(g.map(|s| s.median), 3),
                g.and_then(|s| s.ci95)
                    .map_or("n/a".into(), |(lo, hi)| format!("{lo:.2}–{hi:.2}")),
                opt(g.and_then(|s| s.cv_pct), 1),
                opt(c.host.and_then(|h| h.cv_pct), 1),
                match median_of(c, |r| r.transactions_per_s.value()) {
                    Some(t) => format!("{t:.0}"),
                    None => "–".into(),
                },
                latency(median_of(c, |r| r.latency_p50().value())),
                latency(median_of(c, |r| r.latency_p99().value())),
                opt(median_of(c, |r| r.tx_cpu_ns_per_byte.value()), 3),
                opt(median_of(c, |r| r.rx_cpu_ns_per_byte.value()), 3),
                match median_of(c, |r| r.zc_copied_pct.value()) {
                    Some(p) => format!("{p:.0}%"),
                    None if zc_sent => "n/a".into(),
                    None => "–".into(),
                },
                c.rows
                    .iter()
                    .map(|(_, r)| r.integrity_errors)
                    .sum::<u64>()
                    .to_string(),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |items: &[String]| {
        let mut l = String::new();
        for (i, (item, w)) in items.iter().zip(widths).enumerate() {
            let pad = w - item.chars().count();
            // Text columns left-aligned, figures right-aligned.
            if i == 0 {
                let _ = write!(l, "{item}{}", " ".repeat(pad));
            } else {
                let _ = write!(l, "  {}{item}", " ".repeat(pad));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&HEADERS.map(String::from));
    for row in &cells {
        line(row);
    }
    out.push_str(
        "Gbps is the median over the n repeats; 95% CI: of the geometric mean (log scale), over 3 or more repeats; CV over repeats, or one run's seconds (n = 1).\n",
    );
    out.push_str(
        "p50/p99: (qd) queueing delay of a saturated stream (stream, rate max), waiting in socket buffers, not a strategy's cost; rr: round trip; rate: one-way from each message's due time.\n",
    );
    if rows.iter().any(|r| r.unsafe_reuse == Some(true)) {
        out.push_str("UNSAFE REUSE (demonstration): the senders rewrote buffers the kernel still held; errors count the frames changed in flight, and these figures are not results.\n");
    }
    if behind {
        out.push_str("* the receiver fell behind (the sender was limited by its window for >= 10% of the time).\n");
    }
    out
}

/// The workload as the table shows it: `stream (qd)`, `rr`, `rate 50%`, and `!` after
/// a paced cell that could not keep up in some repeat.
fn workload_label(c: &CellStats) -> String {
    let saturated = c.saturated();
    let entry = c.mode.entry();
    if entry.saturates {
        format!("{} ({})", c.mode, entry.latency_label)
    } else if saturated {
        format!("{} saturated", c.mode)
    } else {
        c.mode.to_string()
    }
}

/// What the figures were measured on, in one line: the path, the kernel, the CPU.
pub fn machine_line(ctx: &netio_core::row::RunContext) -> String {
    let mut path = ctx.net_mode.clone();
    if let Some(mtu) = ctx.mtu {
        path.push_str(&format!(" (MTU {mtu})"));
    }
    if let Some(netem) = &ctx.netem {
        path.push_str(&format!(", netem {netem}"));
    }
    if let Some(peer) = &ctx.peer {
        path.push_str(&format!(
            " to {peer} (kernel {}, {}, {})",
            ctx.peer_kernel.as_deref().unwrap_or("?"),
            ctx.peer_cpu_model.as_deref().unwrap_or("unknown CPU"),
            ctx.peer_nic_driver.as_deref().unwrap_or("driver unknown"),
        ));
    }
    format!(
        "netio-tui run {} · {path} · kernel {} · {}",
        ctx.run_id,
        ctx.kernel,
        if ctx.cpu_model.is_empty() {
            "unknown CPU"
        } else {
            &ctx.cpu_model
        }
    )
}

/// `table` cut to `height` lines of a terminal: the header, as many cells as fit, a line
/// saying how many were left out, and the notes.
pub fn fit(table: &str, height: usize) -> String {
    let lines: Vec<&str> = table.lines().collect();
    let notes = lines
        .iter()
        .rev()
        .take_while(|l| l.starts_with("Gbps is") || l.starts_with("p50/p99:") || l.starts_with('*'))
        .count();
    let cells = &lines[1.min(lines.len())..lines.len() - notes];
    // Header, the "more" line, the notes, and a line for the shell's prompt.
    let room = height.saturating_sub(3 + notes).max(1);
    if cells.len() <= room {
        return table.to_string();
    }
    let mut out = String::new();
    for l in lines.iter().take(1).chain(&cells[..room]) {
        out.push_str(l);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "... and {} more cells (--summary FILE writes the whole table)",
        cells.len() - room
    );
    for l in &lines[lines.len() - notes..] {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// The end of a run's word on rows it should not be trusted for: how many were
/// flagged and why ("this machine was busy: …"), or `None` when none was.
pub fn flagged(rows: &[Row]) -> Option<String> {
    let flagged: Vec<&Row> = rows.iter().filter(|r| r.flagged.is_some()).collect();
    if flagged.is_empty() {
        return None;
    }
    let busy = flagged
        .iter()
        .filter(|r| {
            r.flagged
                .as_deref()
                .is_some_and(|f| f.contains("busy host"))
        })
        .count();
    let mut out = format!(
        "warning: {} of {} rows are flagged and left out of comparisons (column `flagged`)",
        flagged.len(),
        rows.len()
    );
    if busy > 0 {
        let worst = rows
            .iter()
            .filter_map(|r| r.other_cpu_pct.value())
            .fold(0.0, f64::max);
        out += &format!(
            "; this machine was busy: other processes used up to {worst:.0} % of its CPU in {busy} of them (run alone, or compare rounds of one run only)"
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_summary_is_cut_to_the_terminal_and_says_so() {
        let mut table = String::from("strategy  size\n");
        for i in 0..72 {
            table.push_str(&format!("one-copy  {i}\n"));
        }
        table.push_str("Gbps is the median over the n repeats.\n");
        let cut = fit(&table, 24);
        assert_eq!(cut.lines().count(), 24 - 1);
        assert!(cut.contains("... and 52 more cells"), "{cut}");
        assert!(cut.ends_with("Gbps is the median over the n repeats.\n"));
        assert_eq!(fit(&table, 200), table, "what fits is not cut");
    }

    #[test]
    fn repeats_fold_into_one_line_and_absent_figures_show_as_na() {
        let zc = |gbps: f64| Row {
            strategy: "zero-copy".into(),
            size_bytes: 65536,
            threads: 2,
            throughput_gbps: netio_core::figure::Figure::Measured(gbps),
            lat_p50_us: netio_core::figure::Figure::Measured(40.0),
            zc_sends: netio_core::figure::Figure::Measured(10),
            zc_copied_pct: netio_core::figure::Figure::Measured(100.0),
            host_memcpy_gbps: netio_core::figure::Figure::Measured(gbps * 3.0),
            ..Row::default()
        };
        let rows = vec![
            zc(12.0),
            Row {
                strategy: "one-copy".into(),
                size_bytes: 8,
                threads: 1,
                throughput_gbps: netio_core::figure::Figure::Measured(0.0),
                ..Row::default()
            },
            zc(13.0),
            zc(14.0),
        ];
        let t = table(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 5, "{t}");
        assert!(
            lines[1].starts_with(
                "zero-copy  stream (qd)   64K    2  3  13.000  10.71–15.71   7.7        7.7    –  40.0µs  n/a"
            ),
            "{t}"
        );
        assert!(lines[1].ends_with("100%       0"), "{t}");
        assert!(
            lines[2].starts_with("one-copy   stream (qd)    8B    1  1   0.000          n/a   n/a"),
            "{t}"
        );
        assert!(lines[2].ends_with("–       0"), "{t}");
        assert!(lines[3].starts_with("Gbps is the median"), "{t}");
        assert!(lines[4].starts_with("p50/p99: (qd) queueing delay"), "{t}");
    }

    #[test]
    fn a_short_window_is_flagged_and_said_at_the_end() {
        let cell = netio_core::matrix::Cell::new(netio_core::strategy::Strategy::OneCopy, 4096, 1);
        let netio_core::engine::EngineEvent::CellFinished { mut summary, .. } =
            netio_core::fixtures::finished(cell, 10.0)
        else {
            panic!("a finished cell")
        };
        summary.window_asked_s = 1.0;
        summary.row.duration_s = 1.05;
        summary.complete_row();
        assert_eq!(summary.row.flagged, None, "within ±10 %");
        summary.row.duration_s = 0.2396;
        summary.complete_row();
        let why = summary.row.flagged.clone().expect("flagged");
        assert!(
            why.contains("window 0.240 s against 1.000 s asked"),
            "{why}"
        );
        let warning = flagged(std::slice::from_ref(&summary.row)).expect("said");
        assert!(
            warning.starts_with("warning: 1 of 1 rows are flagged"),
            "{warning}"
        );
        assert!(!warning.contains("busy"), "{warning}");
    }
}
