//! One function per question the report answers, each writing its own section.

use std::fmt::Write as _;

use super::{Numbered, by_cell, cite, crossover_text, largest_drop};
use crate::aggregate::CellStats;
use netio_core::matrix::format_size;
use netio_core::row::Row;
use netio_core::strategy::Strategy;

/// "1 thread", "4 threads".
fn threads_words(t: u32) -> String {
    format!("{t} thread{}", if t == 1 { "" } else { "s" })
}

/// Where one-copy beats two-copy, per thread count.
pub(super) fn one_copy_against_two_copy(out: &mut String, cells: &[CellStats], threads: &[u32]) {
    let _ = writeln!(out, "\n## Where one-copy beats two-copy\n");
    for &t in threads {
        let _ = writeln!(
            out,
            "- {}: {}",
            threads_words(t),
            crossover_text(cells, Strategy::OneCopy, Strategy::TwoCopy, t)
        );
    }
}

/// Where zero-copy beats each copying strategy, per thread count.
pub(super) fn zero_copy_against_copying(out: &mut String, cells: &[CellStats], threads: &[u32]) {
    let _ = writeln!(out, "\n## Where zero-copy beats the copying strategies\n");
    for &t in threads {
        let _ = writeln!(
            out,
            "- {}: against two-copy {}; against one-copy {}",
            threads_words(t),
            crossover_text(cells, Strategy::ZeroCopy, Strategy::TwoCopy, t),
            crossover_text(cells, Strategy::ZeroCopy, Strategy::OneCopy, t)
        );
    }
}

/// The largest measurable fall in throughput as threads rise.
pub(super) fn largest_drop_section(out: &mut String, cells: &[CellStats]) {
    let _ = writeln!(out, "\n## The largest throughput drop as threads rise\n");
    match largest_drop(cells) {
        Some(f) => {
            let _ = writeln!(
                out,
                "{} falls {:.1} % (medians) from {} to {} threads at {}: {:.2} → {:.2} Gbps ({} → {}); measurable at 95 %.",
                f.from.strategy,
                f.pct,
                f.from.threads,
                f.to.threads,
                format_size(f.from.size as usize),
                f.from_median,
                f.to_median,
                f.from.cite(),
                f.to.cite()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "No measurable fall in throughput as threads rose in this file (none whose intervals separate)."
            );
        }
    }
}

/// What share of zero-copy completions the kernel flagged as copied, and what it means.
pub(super) fn zero_copy_copied(out: &mut String, numbered: &[Numbered]) {
    let _ = writeln!(out, "\n## What the kernel copied for zero-copy\n");
    let zc: Vec<&Numbered> = numbered
        .iter()
        .filter(|(_, r)| Strategy::of_name(&r.strategy).is_some_and(Strategy::is_zero_copy))
        .collect();
    let pcts: Vec<(f64, usize)> = zc
        .iter()
        .filter_map(|(n, r)| r.zc_copied_pct.value().map(|p| (p, *n)))
        .collect();
    if pcts.is_empty() {
        let _ = writeln!(out, "No zero-copy row with completions in this file.");
    } else {
        let min = pcts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let max = pcts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let cited = pcts
            .iter()
            .map(|p| p.1.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let share = if (max - min).abs() < 0.5 {
            format!("{min:.0} %")
        } else {
            format!("{min:.0}–{max:.0} %")
        };
        let _ = writeln!(
            out,
            "The kernel flagged {share} of zero-copy completions as copied (rows {cited})."
        );
        let meaning = if min >= 99.5 {
            "Every completion was copied: the data was delivered to a local socket (loopback or veth), where the kernel makes a deferred copy. Only data leaving through a real device avoids that copy."
        } else if max <= 0.5 {
            "No completion was copied: the pages went to the device without a copy, which is what zero-copy is for."
        } else {
            "Some completions were copied and some not: the kernel fell back to copying for part of the data."
        };
        let _ = writeln!(out, "{meaning}");
    }
}

/// Where L1 misses per KiB fall most from two-copy to another strategy.
pub(super) fn cache_misses(out: &mut String, numbered: &[Numbered]) {
    let _ = writeln!(out, "\n## Where cache misses per byte fall most\n");
    let per_kb = |r: &Row| -> Option<f64> { r.l1d_misses_per_kib().value() };
    let mut best: Option<(f64, Numbered, Numbered)> = None;
    let two = by_cell(numbered, Strategy::TwoCopy);
    // Every other registered strategy against the assignment's baseline.
    for other in Strategy::ALL
        .into_iter()
        .filter(|&s| s != Strategy::TwoCopy)
    {
        for (key, o) in by_cell(numbered, other) {
            if let (Some(t), Some(a), Some(b)) = (
                two.get(&key),
                two.get(&key).and_then(|t| per_kb(t.1)),
                per_kb(o.1),
            ) {
                let fall = a - b;
                if best.is_none_or(|(f, ..)| fall > f) {
                    best = Some((fall, *t, o));
                }
            }
        }
    }
    match best {
        Some((fall, t, o)) => {
            let _ = writeln!(
                out,
                "L1 data-cache load misses per KiB fall most from two-copy to {} at {} ×{}: {fall:.1} fewer per KiB ({} vs {}).",
                o.1.strategy,
                format_size(o.1.size_bytes as usize),
                o.1.threads,
                cite(&t),
                cite(&o)
            );
        }
        None => {
            let first = numbered.first().map(|(_, r)| *r);
            let why = first.map_or("absent".into(), |r| {
                r.l1d_misses_per_kib().describe(|v| format!("{v:.1}"))
            });
            let _ = writeln!(
                out,
                "This machine could not count cache misses (hw_counters = {}): L1 misses per KiB are {why}, so this question has no answer from this file. `netio-tui doctor` says why.",
                first
                    .and_then(|r| r.hw_counters)
                    .map_or("unknown".into(), |h| h.to_string())
            );
        }
    }
}
