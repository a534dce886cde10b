//! The report's framing sections: the run's facts, one line per cell with its spread,
//! the tool's spread beside the host's, and the figures the file does not hold.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::aggregate::CellStats;
use netio_core::figure::Figure;
use netio_core::matrix::format_size;
use netio_core::row::Row;
use netio_core::row::words;
use netio_core::stats;

/// One line per cell: median, interval, CV, and what the interval rests on.
pub(super) fn summary_table(out: &mut String, cells: &[CellStats]) {
    let _ = writeln!(out, "## Summary (throughput per cell)\n");
    let _ = writeln!(
        out,
        "| strategy | workload | size | threads | n | median Gbps | 95 % CI | CV % | host CV % | spread | flags | rows |"
    );
    let _ = writeln!(
        out,
        "|---|---|---:|---:|---:|---:|---|---:|---:|---|---|---|"
    );
    let f = |v: Option<f64>, d: usize| v.map_or("n/a".to_string(), |x| format!("{x:.d$}"));
    for c in cells {
        let g = c.gbps;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.strategy,
            c.mode,
            format_size(c.size as usize),
            c.threads,
            c.rows.len(),
            f(g.map(|s| s.median), 3),
            g.and_then(|s| s.ci95)
                .map_or("n/a".into(), |(lo, hi)| format!("{lo:.2}–{hi:.2}")),
            f(g.and_then(|s| s.cv_pct), 1),
            f(c.host.and_then(|h| h.cv_pct), 1),
            c.basis.label(),
            flags(c),
            c.cite()
        );
    }
    let _ = writeln!(
        out,
        "\n\"receiver behind\": the sender spent ≥ {:.0} % of its busy time held back by the receiver's window (TCP_INFO); such a cell measures the receiver as much as the strategy. \"bimodal\": the rounds fell into two clusters (their medians and counts); the median then sits in one of them and the interval is wide. \"flagged\": rounds whose rows say not to trust them (kept, left out of comparisons). The 95 % interval is of the geometric mean (log scale) over 3 or more rounds; one run's per-second samples are autocorrelated and give a CV but no interval: record with --repeat for that.",
        netio_core::engine::tcp_window::RECEIVER_BEHIND_PCT
    );
}

/// What the summary table says about a cell beyond its figures.
fn flags(c: &CellStats) -> String {
    let mut out = Vec::new();
    if c.receiver_behind {
        out.push("receiver behind".to_string());
    }
    let values: Vec<f64> = c
        .rows
        .iter()
        .filter_map(|(_, r)| r.throughput_gbps.value())
        .collect();
    if let Some([(lo, nlo), (hi, nhi)]) = stats::clusters(&values) {
        out.push(format!("bimodal: {lo:.2} ×{nlo}, {hi:.2} ×{nhi}"));
    }
    let flagged = c.rows.iter().filter(|(_, r)| r.flagged.is_some()).count();
    if flagged > 0 {
        out.push(format!("{flagged} flagged"));
    }
    out.join("; ")
}

/// The tool's spread beside the machine's own, over the same repeats.
pub(super) fn host_noise_section(out: &mut String, cells: &[CellStats]) {
    let _ = writeln!(out, "\n## The tool's spread and the host's\n");
    let pairs: Vec<(f64, f64)> = cells
        .iter()
        .filter(|c| c.basis == stats::Basis::Repeats)
        .filter_map(|c| Some((c.gbps?.cv_pct?, c.host?.cv_pct?)))
        .collect();
    let (Some(tool), Some(host)) = (
        stats::Summary::of(&pairs.iter().map(|p| p.0).collect::<Vec<_>>()),
        stats::Summary::of(&pairs.iter().map(|p| p.1).collect::<Vec<_>>()),
    ) else {
        let _ = writeln!(
            out,
            "This file has no cell measured more than once with the host-noise probe: record with --repeat 2 or more to compare the tool's spread with the machine's."
        );
        return;
    };
    let _ = writeln!(
        out,
        "Over {} cells with repeats, the median CV of throughput was {:.1} % and the median CV of the host's in-cache memcpy probe, taken before each of the same repeats, was {:.1} % (ratio {:.2}). A ratio near 1 means the tool varies about as much as the machine itself does.",
        pairs.len(),
        tool.median,
        host.median,
        if host.median > 0.0 {
            tool.median / host.median
        } else {
            f64::NAN
        }
    );
}

/// The run's facts: rows, path, machine, counters, socket choices.
pub(super) fn header(out: &mut String, rows: &[Row]) {
    if let Some(r) = rows.first() {
        let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "not recorded".into());
        let on_off = |v: Option<bool>| v.map_or("not recorded", words::on_off_word);
        let _ = writeln!(
            out,
            "{} rows · {} · MTU {} · kernel {} · {} · hardware counters: {} · started {}\n",
            rows.len(),
            r.net_mode,
            r.mtu.map_or("?".into(), |m| m.to_string()),
            r.kernel,
            r.cpu_model,
            r.hw_counters.map_or("unknown".into(), |h| h.to_string()),
            r.started_at
        );
        if let Some(peer) = &r.peer {
            let _ = writeln!(
                out,
                "The far host {peer} ran the {}: kernel {} · {} · NIC driver {}. One-way latency is absent: the two hosts share no clock (round trips, `--workload rr`, need none).\n",
                r.peer_runs.as_deref().unwrap_or("receivers"),
                r.peer_kernel.as_deref().unwrap_or("not recorded"),
                r.peer_cpu_model.as_deref().unwrap_or("not recorded"),
                r.peer_nic_driver.as_deref().unwrap_or("not recorded"),
            );
        }
        let _ = writeln!(
            out,
            "Congestion control {} · TCP_NODELAY {} · coalescing {} · placement {} · receive low-water mark {}\n",
            or_unknown(&r.cc),
            on_off(r.nodelay),
            on_off(r.coalesce),
            or_unknown(&r.pin),
            or_unknown(&r.rcvlowat_mode),
        );
    }
}

/// Which figures the file lacks, and why: not available (with the reason), not
/// applicable, or undefined, counted over the rows.
pub(super) fn absent_figures(out: &mut String, rows: &[Row]) {
    type Pick = fn(&Row) -> Figure<f64>;
    let groups: [(&str, Pick); 6] = [
        ("cycles and cache misses", |r| r.tx_cycles.map(|v| v as f64)),
        ("zero-copy ledger", |r| r.zc_copied_pct),
        ("latency", |r| r.lat_p50_us),
        ("thread CPU time", |r| r.tx_cpu_ns_per_byte),
        ("TCP_INFO", |r| r.tcpi_rtt_us),
        ("host-noise probe", |r| r.host_memcpy_gbps),
    ];
    let mut lines = Vec::new();
    for (name, pick) in groups {
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for r in rows {
            let f = pick(r);
            if !f.is_measured() {
                *kinds.entry(f.describe(|_| String::new())).or_default() += 1;
            }
        }
        for (kind, n) in kinds {
            lines.push(format!("- {name}: {kind} in {n} of {} rows", rows.len()));
        }
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Figures this file does not hold\n");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
}
