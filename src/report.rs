//! `netio-tui report FILE`: the answers a recording supports, as markdown. Every answer
//! cites the rows it rests on (row numbers as in the file, the header being row 0), and
//! says so when the file cannot answer. Pure: rows in, text out.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::matrix::format_size;
use crate::record::Row;

/// A row and its number in the file (1 = first data row).
pub type Numbered<'a> = (usize, &'a Row);

fn cite(n: &Numbered) -> String {
    format!(
        "{} {} ×{} (row {})",
        n.1.strategy,
        format_size(n.1.size_bytes as usize),
        n.1.threads,
        n.0
    )
}

/// Throughput of `strategy` per (threads, size), from the rows (the last row wins when a
/// file holds a cell twice).
fn by_cell<'a>(rows: &[Numbered<'a>], strategy: &str) -> BTreeMap<(u32, u64), Numbered<'a>> {
    rows.iter()
        .filter(|(_, r)| r.strategy == strategy)
        .map(|&(n, r)| ((r.threads, r.size_bytes), (n, r)))
        .collect()
}

/// Where `challenger` overtakes `baseline` at one thread count.
#[derive(Debug, Clone, PartialEq)]
pub enum Crossover<'a> {
    /// Ahead from this size on, at every larger measured size; with the two rows
    /// (numbers in the file) compared at that size.
    From {
        size: u64,
        challenger: Numbered<'a>,
        baseline: Numbered<'a>,
    },
    /// Ahead at some sizes, behind again at a larger one.
    Intermittent { ahead_at: Vec<u64> },
    /// Never ahead (a tie is not ahead).
    Never,
    /// No size where both were measured.
    NoData,
}

/// The crossover of `challenger` over `baseline` at `threads`: sizes where both were
/// measured, in increasing order, compared by throughput.
pub fn crossover<'a>(
    rows: &[Numbered<'a>],
    challenger: &str,
    baseline: &str,
    threads: u32,
) -> Crossover<'a> {
    let c = by_cell(rows, challenger);
    let b = by_cell(rows, baseline);
    let pairs: Vec<(u64, Numbered, Numbered)> = c
        .iter()
        .filter(|((t, _), _)| *t == threads)
        .filter_map(|(&(_, size), &cr)| b.get(&(threads, size)).map(|&br| (size, cr, br)))
        .collect();
    if pairs.is_empty() {
        return Crossover::NoData;
    }
    let ahead: Vec<bool> = pairs
        .iter()
        .map(|(_, c, b)| c.1.throughput_gbps > b.1.throughput_gbps)
        .collect();
    let Some(first) = ahead.iter().position(|&a| a) else {
        return Crossover::Never;
    };
    if ahead[first..].iter().all(|&a| a) {
        let (size, c, b) = &pairs[first];
        return Crossover::From {
            size: *size,
            challenger: *c,
            baseline: *b,
        };
    }
    Crossover::Intermittent {
        ahead_at: pairs
            .iter()
            .zip(&ahead)
            .filter(|(_, a)| **a)
            .map(|(p, _)| p.0)
            .collect(),
    }
}

fn crossover_text(rows: &[Numbered], challenger: &str, baseline: &str, threads: u32) -> String {
    match crossover(rows, challenger, baseline, threads) {
        Crossover::From {
            size,
            challenger: cr,
            baseline: br,
        } => {
            format!(
                "from **{}** on ({:.2} vs {:.2} Gbps: {} vs {}); ahead at every larger size measured",
                format_size(size as usize),
                cr.1.throughput_gbps,
                br.1.throughput_gbps,
                cite(&cr),
                cite(&br),
            )
        }
        Crossover::Intermittent { ahead_at } => format!(
            "no clean crossover: ahead at {} but behind again at a larger size",
            ahead_at
                .iter()
                .map(|&s| format_size(s as usize))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Crossover::Never => "not within the measured sizes".to_string(),
        Crossover::NoData => {
            format!("cannot tell: no size where both {challenger} and {baseline} were measured")
        }
    }
}

/// The largest fall in throughput when threads rise (next measured thread count, same
/// strategy and size): (fall in %, from row, to row).
pub fn largest_drop<'a>(rows: &[Numbered<'a>]) -> Option<(f64, Numbered<'a>, Numbered<'a>)> {
    let mut best: Option<(f64, Numbered, Numbered)> = None;
    let mut groups: BTreeMap<(&str, u64), Vec<Numbered>> = BTreeMap::new();
    for &(n, r) in rows {
        groups
            .entry((&r.strategy, r.size_bytes))
            .or_default()
            .push((n, r));
    }
    for cells in groups.values_mut() {
        cells.sort_by_key(|(_, r)| r.threads);
        for w in cells.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a.1.threads == b.1.threads || a.1.throughput_gbps <= 0.0 {
                continue;
            }
            let fall = (a.1.throughput_gbps - b.1.throughput_gbps) / a.1.throughput_gbps * 100.0;
            if fall > 0.0 && best.is_none_or(|(f, ..)| fall > f) {
                best = Some((fall, a, b));
            }
        }
    }
    best
}

/// The whole report.
pub fn report(file: &str, rows: &[Row]) -> String {
    let numbered: Vec<Numbered> = rows.iter().enumerate().map(|(i, r)| (i + 1, r)).collect();
    let mut out = String::new();
    let _ = writeln!(out, "# netio-tui report: {file}\n");
    if let Some(r) = rows.first() {
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
    }
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "| row | strategy | size | threads | Gbps | p50 µs | p99 µs | tx ns/B | rx ns/B | zc copied % | integrity errors |"
    );
    let _ = writeln!(
        out,
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let f = |v: Option<f64>, d: usize| v.map_or("n/a".to_string(), |x| format!("{x:.d$}"));
    for (n, r) in &numbered {
        let _ = writeln!(
            out,
            "| {n} | {} | {} | {} | {:.3} | {} | {} | {} | {} | {} | {} |",
            r.strategy,
            format_size(r.size_bytes as usize),
            r.threads,
            r.throughput_gbps,
            f(r.lat_p50_us, 1),
            f(r.lat_p99_us, 1),
            f(r.tx_cpu_ns_per_byte, 3),
            f(r.rx_cpu_ns_per_byte, 3),
            if r.strategy == "zero-copy" {
                f(r.zc_copied_pct, 0)
            } else {
                String::new()
            },
            r.integrity_errors
        );
    }

    let mut threads: Vec<u32> = rows.iter().map(|r| r.threads).collect();
    threads.sort_unstable();
    threads.dedup();
    let _ = writeln!(out, "\n## Where one-copy beats two-copy\n");
    for &t in &threads {
        let _ = writeln!(
            out,
            "- {t} thread(s): {}",
            crossover_text(&numbered, "one-copy", "two-copy", t)
        );
    }
    let _ = writeln!(out, "\n## Where zero-copy beats the copying strategies\n");
    for &t in &threads {
        let _ = writeln!(
            out,
            "- {t} thread(s): against two-copy {}; against one-copy {}",
            crossover_text(&numbered, "zero-copy", "two-copy", t),
            crossover_text(&numbered, "zero-copy", "one-copy", t)
        );
    }

    let _ = writeln!(out, "\n## The largest throughput drop as threads rise\n");
    match largest_drop(&numbered) {
        Some((fall, a, b)) => {
            let _ = writeln!(
                out,
                "{} falls {fall:.1} % from {} to {} threads at {}: {:.2} → {:.2} Gbps ({} → {}).",
                a.1.strategy,
                a.1.threads,
                b.1.threads,
                format_size(a.1.size_bytes as usize),
                a.1.throughput_gbps,
                b.1.throughput_gbps,
                cite(&a),
                cite(&b)
            );
        }
        None => {
            let _ = writeln!(out, "Throughput never fell as threads rose in this file.");
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
            "Every completion was copied: the data was delivered to a local socket (loopback or veth), where the kernel makes a deferred copy. Zero-copy paid for pinning pages and reaping completions and still copied, which is why it trails here; only data leaving through a real NIC avoids the copy."
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(strategy: &str, size: u64, threads: u32, gbps: f64) -> Row {
        Row {
            strategy: strategy.into(),
            size_bytes: size,
            threads,
            throughput_gbps: gbps,
            ..Row::default()
        }
    }

    fn numbered(rows: &[Row]) -> Vec<Numbered<'_>> {
        rows.iter().enumerate().map(|(i, r)| (i + 1, r)).collect()
    }

    #[test]
    fn crosses_and_stays_ahead() {
        let rows = vec![
            row("two-copy", 1024, 1, 5.0),
            row("one-copy", 1024, 1, 4.0),
            row("two-copy", 4096, 1, 8.0),
            row("one-copy", 4096, 1, 9.0),
            row("two-copy", 65536, 1, 10.0),
            row("one-copy", 65536, 1, 12.0),
        ];
        assert_eq!(
            crossover(&numbered(&rows), "one-copy", "two-copy", 1),
            Crossover::From {
                size: 4096,
                challenger: (4, &rows[3]),
                baseline: (3, &rows[2])
            }
        );
    }

    #[test]
    fn never_crosses_and_ties_do_not_count() {
        let rows = vec![
            row("two-copy", 1024, 1, 5.0),
            row("one-copy", 1024, 1, 5.0),
            row("two-copy", 4096, 1, 8.0),
            row("one-copy", 4096, 1, 7.0),
        ];
        assert_eq!(
            crossover(&numbered(&rows), "one-copy", "two-copy", 1),
            Crossover::Never
        );
    }

    #[test]
    fn ahead_then_behind_is_not_a_crossover() {
        let rows = vec![
            row("two-copy", 1024, 2, 5.0),
            row("zero-copy", 1024, 2, 6.0),
            row("two-copy", 4096, 2, 8.0),
            row("zero-copy", 4096, 2, 7.0),
        ];
        assert_eq!(
            crossover(&numbered(&rows), "zero-copy", "two-copy", 2),
            Crossover::Intermittent {
                ahead_at: vec![1024]
            }
        );
    }

    #[test]
    fn missing_cells_are_skipped_or_reported() {
        let rows = vec![
            row("two-copy", 1024, 1, 5.0),
            row("one-copy", 4096, 1, 9.0), // no two-copy at 4K
            row("two-copy", 65536, 1, 10.0),
            row("one-copy", 65536, 1, 12.0),
        ];
        let n = numbered(&rows);
        assert_eq!(
            crossover(&n, "one-copy", "two-copy", 1),
            Crossover::From {
                size: 65536,
                challenger: (4, &rows[3]),
                baseline: (3, &rows[2])
            }
        );
        assert_eq!(crossover(&n, "one-copy", "two-copy", 8), Crossover::NoData);
        assert_eq!(crossover(&n, "zero-copy", "two-copy", 1), Crossover::NoData);
    }

    #[test]
    fn largest_drop_as_threads_rise() {
        let rows = vec![
            row("two-copy", 1024, 1, 10.0),
            row("two-copy", 1024, 2, 9.0),
            row("one-copy", 1024, 1, 10.0),
            row("one-copy", 1024, 2, 20.0),
            row("one-copy", 1024, 4, 5.0),
        ];
        let n = numbered(&rows);
        let (fall, a, b) = largest_drop(&n).expect("a drop");
        assert!((fall - 75.0).abs() < 1e-9);
        assert_eq!((a.0, b.0), (4, 5));
        assert!(largest_drop(&numbered(&[row("two-copy", 1, 1, 1.0)])).is_none());
    }

    #[test]
    fn report_answers_and_admits_what_it_cannot() {
        let mut rows = vec![
            row("two-copy", 4096, 1, 8.0),
            row("one-copy", 4096, 1, 9.0),
            row("zero-copy", 4096, 1, 4.0),
        ];
        rows[2].zc_copied_pct = Some(100.0);
        rows.iter_mut()
            .for_each(|r| r.hw_counters = Some("no".into()));
        let text = report("r.csv", &rows);
        assert!(text.contains("1 thread(s): from **4K** on (9.00 vs 8.00 Gbps: one-copy 4K ×1 (row 2) vs two-copy 4K ×1 (row 1))"), "{text}");
        assert!(
            text.contains("against two-copy not within the measured sizes"),
            "{text}"
        );
        assert!(
            text.contains("100–100 % of zero-copy completions as copied (rows 3)"),
            "{text}"
        );
        assert!(
            text.contains("could not count cache misses (hw_counters = no)"),
            "{text}"
        );
        assert!(text.contains("Throughput never fell"), "{text}");
    }
}
