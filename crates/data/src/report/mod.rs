//! `netio-tui report FILE`: the answers a recording supports, as markdown. Every answer
//! is computed from the rows and cites them (row numbers as in the file, the header
//! being row 0); a comparison is a ratio with its 95 % interval and one of four
//! classes (faster, slower, equivalent within the margin, undecided). Says so when the
//! file cannot answer. Pure: rows in, text out.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::aggregate::{self, CellStats};
use netio_core::matrix::format_size;
use netio_core::row::Row;
use netio_core::stats::{Class, Comparison};
use netio_core::strategy::Strategy;

use crate::aggregate::Numbered;

fn cite(n: &Numbered) -> String {
    format!(
        "{} {} ×{} (row {})",
        n.1.strategy,
        format_size(n.1.size_bytes as usize),
        n.1.threads,
        n.0
    )
}

/// Where `challenger` is faster than `baseline` at one thread count.
#[derive(Debug, Clone, PartialEq)]
pub enum Crossover {
    /// Faster from this size on, at every larger measured size.
    From { size: u64, comparison: Comparison },
    /// Faster at some sizes, and not at others after the first of them.
    Intermittent {
        ahead_at: Vec<u64>,
        not_at: Vec<u64>,
    },
    /// Never faster: each size's comparison (slower, equivalent or undecided).
    Never { by_size: Vec<(u64, Comparison)> },
    /// No size where both were measured.
    NoData,
}

/// The crossover of `challenger` over `baseline` at `threads`, judged by the class of
/// their ratio (paired by round where they were repeated in the same rounds).
pub fn crossover(
    cells: &[CellStats],
    challenger: Strategy,
    baseline: Strategy,
    threads: u32,
) -> Crossover {
    let (challenger, baseline) = (challenger.name(), baseline.name());
    let compared: Vec<(u64, Comparison)> = cells
        .iter()
        .filter(|c| c.strategy == challenger && c.threads == threads)
        .filter_map(|c| {
            let b = aggregate::find(cells, baseline, threads, c.size)?;
            Some((c.size, aggregate::verdict(c, b)?))
        })
        .collect();
    if compared.is_empty() {
        return Crossover::NoData;
    }
    let ahead: Vec<bool> = compared
        .iter()
        .map(|(_, c)| c.class == Class::Faster)
        .collect();
    let Some(first) = ahead.iter().position(|&a| a) else {
        return Crossover::Never { by_size: compared };
    };
    if ahead[first..].iter().all(|&a| a) {
        return Crossover::From {
            size: compared[first].0,
            comparison: compared[first].1,
        };
    }
    let sizes_where = |want: bool| -> Vec<u64> {
        compared
            .iter()
            .zip(&ahead)
            .skip(first)
            .filter(|(_, a)| **a == want)
            .map(|(v, _)| v.0)
            .collect()
    };
    Crossover::Intermittent {
        ahead_at: sizes_where(true),
        not_at: sizes_where(false),
    }
}

fn sizes(list: &[u64]) -> String {
    list.iter()
        .map(|&s| format_size(s as usize))
        .collect::<Vec<_>>()
        .join(", ")
}

fn crossover_text(
    cells: &[CellStats],
    challenger: Strategy,
    baseline: Strategy,
    threads: u32,
) -> String {
    match crossover(cells, challenger, baseline, threads) {
        Crossover::From { size, comparison } => format!(
            "faster from **{}** on, and at every larger size measured ({} there)",
            format_size(size as usize),
            comparison.words(challenger.name(), baseline.name())
        ),
        Crossover::Intermittent { ahead_at, not_at } => format!(
            "no clean crossover: faster at {} but not at {}",
            sizes(&ahead_at),
            sizes(&not_at)
        ),
        Crossover::Never { by_size } => {
            let mut text = "never faster".to_string();
            for class in [Class::Slower, Class::Equivalent, Class::Undecided] {
                let at: Vec<String> = by_size
                    .iter()
                    .filter(|(_, c)| c.class == class)
                    .map(|(s, c)| format!("{} ({})", format_size(*s as usize), c.ratio_words()))
                    .collect();
                if !at.is_empty() {
                    text += &format!("; {} at {}", class.word(), at.join(", "));
                }
            }
            text
        }
        Crossover::NoData => {
            format!("cannot tell: no size where both {challenger} and {baseline} were measured")
        }
    }
}

/// The last row of `strategy` per (threads, size).
fn by_cell<'a>(rows: &[Numbered<'a>], strategy: Strategy) -> BTreeMap<(u32, u64), Numbered<'a>> {
    rows.iter()
        .filter(|(_, r)| r.strategy == strategy.name())
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
                || !aggregate::verdict(w[0], w[1]).is_some_and(|c| c.class == Class::Faster)
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

/// The whole report, with the default margin.
pub fn report(file: &str, rows: &[Row]) -> String {
    report_with_margin(file, rows, netio_core::stats::DEFAULT_MARGIN_PCT)
}

/// The whole report, ratios within ±`margin_pct` % equivalent. A file holding rows
/// of several setups (another congestion control, another machine…) is reported one
/// setup at a time, each headed by what sets it apart: their cells never merge.
pub fn report_with_margin(file: &str, rows: &[Row], margin_pct: f64) -> String {
    let numbered: Vec<Numbered> = rows.iter().enumerate().map(|(i, r)| (i + 1, r)).collect();
    let mut out = String::new();
    let _ = writeln!(out, "# netio-tui report: {file}\n");
    let setups = netio_core::row::setups(rows);
    if setups.len() == 1 {
        body(&mut out, &numbered, margin_pct);
        return out;
    }
    let _ = writeln!(
        out,
        "This file holds rows of {} setups; each is reported on its own.\n",
        setups.len()
    );
    for (i, setup) in setups.iter().enumerate() {
        let _ = writeln!(
            out,
            "# Setup {} of {}: {}\n",
            i + 1,
            setups.len(),
            setup.label_among(&setups)
        );
        let of_setup: Vec<Numbered> = numbered
            .iter()
            .filter(|(_, r)| r.setup() == *setup)
            .copied()
            .collect();
        body(&mut out, &of_setup, margin_pct);
    }
    out
}

/// The report's sections over `numbered`, rows of one setup.
fn body(out: &mut String, numbered: &[Numbered], margin_pct: f64) {
    let rows: Vec<Row> = numbered.iter().map(|(_, r)| (*r).clone()).collect();
    let cells = aggregate::cells_numbered(numbered, margin_pct);
    header(out, &rows);
    let _ = writeln!(
        out,
        "Comparisons are ratios with their 95 % interval: faster or slower beyond ±{margin_pct} %, equivalent within it, else undecided.\n"
    );
    summary_table(out, &cells);
    host_noise_section(out, &cells);
    let mut threads: Vec<u32> = rows.iter().map(|r| r.threads).collect();
    threads.sort_unstable();
    threads.dedup();
    // Throughput questions are about saturated streams.
    let streams: Vec<CellStats> = cells
        .iter()
        .filter(|c| c.mode == netio_core::matrix::Mode::default())
        .cloned()
        .collect();
    one_copy_against_two_copy(out, &streams, &threads);
    zero_copy_against_copying(out, &streams, &threads);
    largest_drop_section(out, &streams);
    rx_mapping::mapped_against_copied(out, &cells);
    latency::round_trips(out, &cells);
    latency::at_half_load(out, &cells);
    latency::knees(out, &cells);
    zero_copy_copied(out, numbered);
    copies::where_the_copies_were(out, &cells);
    cache_misses(out, numbered);
    absent_figures(out, &rows);
}

mod copies;
mod json;
pub use json::{report_json, report_json_with_margin};
pub mod latency;
mod questions;
mod rx_mapping;
mod sections;
use questions::{
    cache_misses, largest_drop_section, one_copy_against_two_copy, zero_copy_against_copying,
    zero_copy_copied,
};
use sections::{absent_figures, header, host_noise_section, summary_table};

#[cfg(test)]
mod tests;
