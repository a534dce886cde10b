//! The latency questions, each from the workload built to answer it: request-response
//! round trips (`rr`), latency under a paced load (`rate`) and where each strategy's
//! latency knee sits. A saturated stream's one-way figure is queueing delay and is
//! never used here. Comparisons go through `aggregate::verdict_on` (paired by round
//! where possible); a difference inside the spread is a tie, with its size.

use std::fmt::Write;

use crate::aggregate::{self, CellStats, median_of};
use netio_core::matrix::format_size;
use netio_core::row::Row;
use netio_core::stats::{Better, Class, Comparison};
use netio_core::workload::Load;

/// A knee is the first load whose p50 is more than this many times the p50 at the
/// lowest load measured (or where the cell could not keep up). The median, not the
/// tail: one stall of a shared machine moves a second's p99 by orders of magnitude,
/// while queueing that has set in moves the median.
pub const KNEE_FACTOR: f64 = 2.0;

/// The lowest-latency cell at one point, its median, and every other cell's
/// comparison with it (the other's latency over the leader's: `Slower` means higher).
pub type Lowest<'c, 'a> = (
    &'c CellStats<'a>,
    f64,
    Vec<(&'c CellStats<'a>, Option<Comparison>)>,
);

/// The lowest-latency strategy among `cells` (one point) on figure `f`.
pub fn lowest<'c, 'a>(
    cells: &[&'c CellStats<'a>],
    f: fn(&Row) -> Option<f64>,
) -> Option<Lowest<'c, 'a>> {
    let (lead, best) = cells
        .iter()
        .filter_map(|c| median_of(c, f).map(|m| (*c, m)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let others = cells
        .iter()
        .filter(|c| c.strategy != lead.strategy)
        .map(|c| (*c, aggregate::verdict_on(c, lead, f, Better::Lower)))
        .collect();
    Some((lead, best, others))
}

/// One point's answer in words: the leader, then each other strategy.
fn words(
    lead: &CellStats,
    best: f64,
    what: &str,
    others: &[(&CellStats, Option<Comparison>)],
) -> String {
    let mut s = format!(
        "**{}** lowest {what} {best:.1} µs ({})",
        lead.strategy,
        lead.cite()
    );
    for (c, v) in others {
        let how = match v {
            Some(v) => format!(
                "{} {} ({})",
                c.strategy,
                v.ratio_words(),
                match v.class {
                    Class::Slower => "higher",
                    Class::Faster => "lower",
                    other => other.word(),
                }
            ),
            None => format!("{} not comparable (no figure)", c.strategy),
        };
        let _ = write!(s, "; {how}");
    }
    s
}

/// The cells of `workload` (and `load`, if given) grouped by (threads, size).
fn points<'c, 'a>(
    cells: &'c [CellStats<'a>],
    keep: impl Fn(&CellStats) -> bool,
) -> Vec<((u32, u64), Vec<&'c CellStats<'a>>)> {
    let mut out: Vec<((u32, u64), Vec<&CellStats>)> = Vec::new();
    // Strategies are compared as the course reads them, through recv(); receive
    // zero-copy cells have their own section.
    let copy = |c: &CellStats| c.mode.rx == netio_core::receive::RxStrategy::Copy;
    for c in cells.iter().filter(|c| copy(c) && keep(c)) {
        match out.iter_mut().find(|(k, _)| *k == (c.threads, c.size)) {
            Some((_, v)) => v.push(c),
            None => out.push(((c.threads, c.size), vec![c])),
        }
    }
    out.sort_by_key(|(k, _)| *k);
    out
}

/// One answer line per point: the strategy with the lowest `f` (named `what`) and
/// each other's verdict, and the strategies that could not keep up.
fn lowest_per_point(
    out: &mut String,
    pts: Vec<((u32, u64), Vec<&CellStats>)>,
    f: fn(&Row) -> Option<f64>,
    what: &str,
) {
    for ((threads, size), group) in pts {
        let Some((lead, best, others)) = lowest(&group, f) else {
            continue;
        };
        let saturated: Vec<&str> = group
            .iter()
            .filter(|c| c.saturated())
            .map(|c| c.strategy)
            .collect();
        let note = if saturated.is_empty() {
            String::new()
        } else {
            format!(
                " (could not keep up in some repeat: {})",
                saturated.join(", ")
            )
        };
        let _ = writeln!(
            out,
            "- {} × {threads}: {}{note}",
            format_size(size as usize),
            words(lead, best, what, &others)
        );
    }
    out.push('\n');
}

/// "Which strategy has the lowest round trip, per size" (rr, p50).
pub fn round_trips(out: &mut String, cells: &[CellStats]) {
    let _ = writeln!(
        out,
        "\n## Request-response: the lowest round trip (rr, p50), per size\n"
    );
    let pts = points(cells, |c| c.mode.workload.has_round_trips());
    if pts.is_empty() {
        let _ = writeln!(
            out,
            "The file has no rr cells (run with `--workload rr`).\n"
        );
        return;
    }
    lowest_per_point(out, pts, |r| r.rtt_p50_us.value(), "p50 round trip");
}

/// "Which strategy has the lowest p99 at 50 % load, per size" (rate).
pub fn at_half_load(out: &mut String, cells: &[CellStats]) {
    let _ = writeln!(
        out,
        "## Under load: the lowest p99 latency at 50 % of saturation (rate max), per size\n"
    );
    let pts = points(cells, |c| c.mode.load == Load::Percent(50));
    if pts.is_empty() {
        let _ = writeln!(
            out,
            "The file has no rate cells at 50 % (run with `--workload rate --rate 50%`).\n"
        );
        return;
    }
    lowest_per_point(out, pts, |r| r.lat_p99_us.value(), "p99");
}

/// Where one strategy's latency knee sits at one point.
#[derive(Debug, Clone, PartialEq)]
pub enum Knee {
    /// p50 rose past [`KNEE_FACTOR`] × its lowest-load value (or the cell saturated)
    /// first at `load` %.
    At {
        load: u32,
        base_us: f64,
        p50_us: f64,
        saturated: bool,
    },
    /// No knee up to the highest load measured.
    Beyond {
        highest: u32,
        base_us: f64,
        p50_us: f64,
    },
}

/// The knee of one strategy's rate cells at one point (percentage loads, at least two).
pub fn knee(cells: &[&CellStats]) -> Option<Knee> {
    let mut by_load: Vec<(u32, f64, bool)> = cells
        .iter()
        .filter_map(|c| {
            let p = c.mode.load.percent()?;
            let p50 = median_of(c, |r| r.lat_p50_us.value())?;
            let sat = c.saturated();
            Some((p, p50, sat))
        })
        .collect();
    by_load.sort_by_key(|x| x.0);
    let &(_, base, _) = by_load.first()?;
    if by_load.len() < 2 {
        return None;
    }
    for &(load, p50, sat) in &by_load[1..] {
        if sat || p50 > KNEE_FACTOR * base {
            return Some(Knee::At {
                load,
                base_us: base,
                p50_us: p50,
                saturated: sat,
            });
        }
    }
    let &(highest, p50, _) = by_load.last()?;
    Some(Knee::Beyond {
        highest,
        base_us: base,
        p50_us: p50,
    })
}

/// "Where does each strategy's latency knee sit".
pub fn knees(out: &mut String, cells: &[CellStats]) {
    let _ = writeln!(
        out,
        "## Latency against load: where each strategy's knee sits\n"
    );
    let _ = writeln!(
        out,
        "The knee is the first load at which the median latency (p50) is more than {KNEE_FACTOR}× its value at the lowest load measured, or the cell could not keep up (the median: one stall of a shared machine moves a p99 by orders of magnitude).\n"
    );
    let pts = points(cells, |c| c.mode.load.percent().is_some());
    let mut any = false;
    for ((threads, size), group) in pts {
        let mut names: Vec<&str> = group.iter().map(|c| c.strategy).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let mine: Vec<&CellStats> = group
                .iter()
                .copied()
                .filter(|c| c.strategy == name)
                .collect();
            let line = match knee(&mine) {
                Some(Knee::At {
                    load,
                    base_us,
                    p50_us,
                    saturated,
                }) => format!(
                    "knee at {load} % (p50 {base_us:.1} → {p50_us:.1} µs{})",
                    if saturated { ", could not keep up" } else { "" }
                ),
                Some(Knee::Beyond {
                    highest,
                    base_us,
                    p50_us,
                }) => format!("no knee up to {highest} % (p50 {base_us:.1} → {p50_us:.1} µs)"),
                None => continue,
            };
            any = true;
            let _ = writeln!(
                out,
                "- {name} {} × {threads}: {line}",
                format_size(size as usize)
            );
        }
    }
    if !any {
        let _ = writeln!(
            out,
            "The file has no strategy measured at two or more loads (run with `--workload rate --rate 10%,50%,90%`)."
        );
    }
    out.push('\n');
}

#[cfg(test)]
#[path = "latency_tests.rs"]
mod tests;
