//! `netio-tui report FILE`: the answers a recording supports, as markdown. Every answer
//! is computed from the rows and cites them (row numbers as in the file, the header
//! being row 0); a comparison is stated only where the 95 % intervals of the two cells
//! do not overlap, and is otherwise "no measurable difference (±x %)". Says so when the
//! file cannot answer. Pure: rows in, text out.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::aggregate::{self, CellStats};
use crate::matrix::format_size;
use crate::record::Row;
use crate::stats::Verdict;

pub use crate::aggregate::Numbered;

fn cite(n: &Numbered) -> String {
    format!(
        "{} {} ×{} (row {})",
        n.1.strategy,
        format_size(n.1.size_bytes as usize),
        n.1.threads,
        n.0
    )
}

/// Where `challenger` measurably overtakes `baseline` at one thread count.
#[derive(Debug, Clone, PartialEq)]
pub enum Crossover {
    /// Measurably ahead from this size on, at every larger measured size.
    From { size: u64, verdict: Verdict },
    /// Measurably ahead at some sizes, not at a larger one.
    Intermittent { ahead_at: Vec<u64> },
    /// Never measurably ahead; `undecided` are the sizes with no measurable difference
    /// or no measured spread (the rest were measurably behind).
    Never { undecided: Vec<(u64, Verdict)> },
    /// No size where both were measured.
    NoData,
}

/// The crossover of `challenger` over `baseline` at `threads`, judged by the 95 %
/// interval of their per-round ratio when they were repeated in the same rounds, else
/// by each cell's interval (a tie is not ahead).
pub fn crossover(cells: &[CellStats], challenger: &str, baseline: &str, threads: u32) -> Crossover {
    let verdicts: Vec<(u64, Verdict)> = cells
        .iter()
        .filter(|c| c.strategy == challenger && c.threads == threads)
        .filter_map(|c| {
            let b = aggregate::find(cells, baseline, threads, c.size)?;
            Some((c.size, aggregate::verdict(c, b)?))
        })
        .collect();
    if verdicts.is_empty() {
        return Crossover::NoData;
    }
    let ahead: Vec<bool> = verdicts
        .iter()
        .map(|(_, v)| matches!(v, Verdict::ABeats { .. }))
        .collect();
    let Some(first) = ahead.iter().position(|&a| a) else {
        return Crossover::Never {
            undecided: verdicts
                .into_iter()
                .filter(|(_, v)| matches!(v, Verdict::NoDifference { .. } | Verdict::Unknown))
                .collect(),
        };
    };
    if ahead[first..].iter().all(|&a| a) {
        return Crossover::From {
            size: verdicts[first].0,
            verdict: verdicts[first].1,
        };
    }
    Crossover::Intermittent {
        ahead_at: verdicts
            .iter()
            .zip(&ahead)
            .filter(|(_, a)| **a)
            .map(|(v, _)| v.0)
            .collect(),
    }
}

fn sizes(list: &[u64]) -> String {
    list.iter()
        .map(|&s| format_size(s as usize))
        .collect::<Vec<_>>()
        .join(", ")
}

fn crossover_text(cells: &[CellStats], challenger: &str, baseline: &str, threads: u32) -> String {
    match crossover(cells, challenger, baseline, threads) {
        Crossover::From { size, verdict } => format!(
            "from **{}** on, and at every larger size measured ({} there)",
            format_size(size as usize),
            verdict.words(challenger, baseline)
        ),
        Crossover::Intermittent { ahead_at } => format!(
            "no clean crossover: measurably ahead at {} but not at a larger size",
            sizes(&ahead_at)
        ),
        Crossover::Never { undecided } => {
            let sizes_where = |unknown: bool| {
                undecided
                    .iter()
                    .filter(|(_, v)| matches!(v, Verdict::Unknown) == unknown)
                    .map(|(s, v)| match v {
                        Verdict::NoDifference { within_pct } => {
                            format!("{} (±{within_pct:.0} %)", format_size(*s as usize))
                        }
                        _ => format_size(*s as usize),
                    })
                    .collect::<Vec<_>>()
            };
            let (tied, unknown) = (sizes_where(false), sizes_where(true));
            let mut text = "never measurably ahead".to_string();
            if !tied.is_empty() {
                text += &format!("; no measurable difference at {}", tied.join(", "));
            }
            if !unknown.is_empty() {
                text += &format!(
                    "; cannot tell at {} (one run without per-second spread: record with --repeat)",
                    unknown.join(", ")
                );
            }
            if tied.is_empty() && unknown.is_empty() {
                text += " within the measured sizes";
            }
            text
        }
        Crossover::NoData => {
            format!("cannot tell: no size where both {challenger} and {baseline} were measured")
        }
    }
}

/// The last row of `strategy` per (threads, size).
fn by_cell<'a>(rows: &[Numbered<'a>], strategy: &str) -> BTreeMap<(u32, u64), Numbered<'a>> {
    rows.iter()
        .filter(|(_, r)| r.strategy == strategy)
        .map(|&(n, r)| ((r.threads, r.size_bytes), (n, r)))
        .collect()
}

/// A measurable fall in throughput between two thread counts.
#[derive(Debug, Clone, Copy)]
pub struct Fall<'c, 'a> {
    /// Fall of the median, % of the first.
    pub pct: f64,
    pub from: &'c CellStats<'a>,
    pub to: &'c CellStats<'a>,
    pub from_median: f64,
    pub to_median: f64,
}

/// The largest measurable fall in median throughput when threads rise (next measured
/// thread count, same strategy and size). A fall the verdict does not support (paired
/// rounds, or the two intervals) is not a fall.
pub fn largest_drop<'c, 'a>(cells: &'c [CellStats<'a>]) -> Option<Fall<'c, 'a>> {
    let mut best: Option<Fall> = None;
    let mut groups: BTreeMap<(&str, u64), Vec<&CellStats>> = BTreeMap::new();
    for c in cells {
        groups.entry((c.strategy, c.size)).or_default().push(c);
    }
    for group in groups.values_mut() {
        group.sort_by_key(|c| c.threads);
        for w in group.windows(2) {
            let (Some(a), Some(b)) = (w[0].gbps, w[1].gbps) else {
                continue;
            };
            if a.median <= 0.0
                || !matches!(aggregate::verdict(w[0], w[1]), Some(Verdict::ABeats { .. }))
            {
                continue;
            }
            let pct = (a.median - b.median) / a.median * 100.0;
            if pct > 0.0 && best.is_none_or(|f| pct > f.pct) {
                best = Some(Fall {
                    pct,
                    from: w[0],
                    to: w[1],
                    from_median: a.median,
                    to_median: b.median,
                });
            }
        }
    }
    best
}

/// The whole report.
pub fn report(file: &str, rows: &[Row]) -> String {
    let numbered: Vec<Numbered> = rows.iter().enumerate().map(|(i, r)| (i + 1, r)).collect();
    let cells = aggregate::cells(rows);
    let mut out = String::new();
    let _ = writeln!(out, "# netio-tui report: {file}\n");
    if let Some(r) = rows.first() {
        let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "not recorded".into());
        let _ = writeln!(
            out,
            "{} rows · {} · MTU {} · kernel {} · {} · hardware counters: {} · started {}\n",
            rows.len(),
            r.net_mode,
            r.mtu.map_or("?".into(), |m| m.to_string()),
            r.kernel,
            r.cpu_model,
            r.hw_counters.as_deref().unwrap_or("unknown"),
            r.started_at
        );
        let _ = writeln!(
            out,
            "Congestion control {} · TCP_NODELAY {} · coalescing {} · placement {} · receive low-water mark {}\n",
            or_unknown(&r.cc),
            or_unknown(&r.nodelay),
            or_unknown(&r.coalesce),
            or_unknown(&r.pin),
            or_unknown(&r.rcvlowat_mode),
        );
    }
    summary_table(&mut out, &cells);
    host_noise_section(&mut out, &cells);

    let mut threads: Vec<u32> = rows.iter().map(|r| r.threads).collect();
    threads.sort_unstable();
    threads.dedup();
    let _ = writeln!(out, "\n## Where one-copy beats two-copy\n");
    for &t in &threads {
        let _ = writeln!(
            out,
            "- {t} thread(s): {}",
            crossover_text(&cells, "one-copy", "two-copy", t)
        );
    }
    let _ = writeln!(out, "\n## Where zero-copy beats the copying strategies\n");
    for &t in &threads {
        let _ = writeln!(
            out,
            "- {t} thread(s): against two-copy {}; against one-copy {}",
            crossover_text(&cells, "zero-copy", "two-copy", t),
            crossover_text(&cells, "zero-copy", "one-copy", t)
        );
    }

    let _ = writeln!(out, "\n## The largest throughput drop as threads rise\n");
    match largest_drop(&cells) {
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

    let _ = writeln!(out, "\n## What the kernel copied for zero-copy\n");
    let zc: Vec<&Numbered> = numbered
        .iter()
        .filter(|(_, r)| r.strategy == "zero-copy")
        .collect();
    let pcts: Vec<(f64, usize)> = zc
        .iter()
        .filter_map(|(n, r)| r.zc_copied_pct.map(|p| (p, *n)))
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
        let _ = writeln!(
            out,
            "The kernel flagged {min:.0}–{max:.0} % of zero-copy completions as copied (rows {cited})."
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

    let _ = writeln!(out, "\n## Where cache misses per byte fall most\n");
    let per_kb = |r: &Row| -> Option<f64> {
        let misses = r.tx_l1d_load_misses? + r.rx_l1d_load_misses?;
        (r.bytes > 0).then(|| misses as f64 / (r.bytes as f64 / 1024.0))
    };
    let mut best: Option<(f64, Numbered, Numbered)> = None;
    let two = by_cell(&numbered, "two-copy");
    for other in ["one-copy", "zero-copy"] {
        for (key, o) in by_cell(&numbered, other) {
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
            let _ = writeln!(
                out,
                "This machine could not count cache misses (hw_counters = {}): the file has no L1 or LLC figures, so this question has no answer from it. `netio-tui doctor` says why.",
                rows.first()
                    .and_then(|r| r.hw_counters.as_deref())
                    .unwrap_or("unknown")
            );
        }
    }
    out
}

mod sections;
use sections::{host_noise_section, summary_table};

#[cfg(test)]
mod tests;
