//! Rows of a recording grouped into cells (setup × workload × strategy × size × threads), each with the
//! spread of its throughput: over its repeats when there are several, else over the
//! per-second samples of its one run (labelled "within one run"), and the host-noise
//! reference over the same repeats. What `report`, `plot` and the headless summary
//! compare. Pure: rows in, summaries out.

use std::collections::BTreeMap;

use netio_core::engine::tcp_window::RECEIVER_BEHIND_PCT;
use netio_core::matrix::Mode;
use netio_core::row::Row;
use netio_core::row::Setup;
use netio_core::stats::{
    self, Basis, Better, Comparison, DEFAULT_MARGIN_PCT, MIN_FOR_INTERVAL, Summary,
};
use netio_core::strategy::Strategy;

/// A row and its number in the file (1 = first data row).
pub type Numbered<'a> = (usize, &'a Row);

/// One cell of a recording and what its rows say together.
#[derive(Debug, Clone, PartialEq)]
pub struct CellStats<'a> {
    /// The workload and its load.
    pub mode: Mode,
    /// Every other recorded option that changes what is measured.
    pub setup: Setup,
    pub strategy: &'a str,
    pub size: u64,
    pub threads: u32,
    /// The rows (numbered from 1 as in the file) that measured it.
    pub rows: Vec<Numbered<'a>>,
    /// Throughput, Gbps; `None` only if no row had a finite figure.
    pub gbps: Option<Summary>,
    pub basis: Basis,
    /// The host-noise probe's copy rate over the same repeats.
    pub host: Option<Summary>,
    /// Some row spent at least [`RECEIVER_BEHIND_PCT`] % of its busy time limited by
    /// the receiver's window.
    pub receiver_behind: bool,
    /// Ratios within ±this % are equivalent in its comparisons (`--margin`).
    pub margin_pct: f64,
}

impl CellStats<'_> {
    /// A paced cell that could not keep up with its offer in some repeat.
    pub fn saturated(&self) -> bool {
        self.rows.iter().any(|(_, r)| r.saturated == Some(true))
    }

    /// Row numbers, for citing: "rows 3, 12, 21".
    pub fn cite(&self) -> String {
        let n: Vec<String> = self.rows.iter().map(|(n, _)| n.to_string()).collect();
        format!(
            "{} {}",
            if n.len() == 1 { "row" } else { "rows" },
            n.join(", ")
        )
    }
}

/// Groups `rows` into cells, in (workload, strategy, threads, size) order, compared
/// with the default margin.
pub fn cells(rows: &[Row]) -> Vec<CellStats<'_>> {
    cells_with_margin(rows, DEFAULT_MARGIN_PCT)
}

/// [`cells`], compared with a `margin_pct` margin.
pub fn cells_with_margin(rows: &[Row], margin_pct: f64) -> Vec<CellStats<'_>> {
    let numbered: Vec<Numbered> = rows.iter().enumerate().map(|(i, r)| (i + 1, r)).collect();
    cells_numbered(&numbered, margin_pct)
}

/// [`cells_with_margin`] over rows already numbered (a part of a file, cited by the
/// file's own row numbers).
pub fn cells_numbered<'a>(numbered: &[Numbered<'a>], margin_pct: f64) -> Vec<CellStats<'a>> {
    // Strategies in the registry's order (the order the tool shows them), a name
    // this build does not know after them.
    type Key<'a> = (
        Setup,
        Mode,
        (usize, &'a str),
        u32,
        u64,
        (Option<u32>, Option<u64>, Option<u32>),
    );
    let order = |name: &str| Strategy::of_name(name).map_or(usize::MAX, |s| s as usize);
    let mut groups: BTreeMap<Key, Vec<Numbered>> = BTreeMap::new();
    for &(n, r) in numbered {
        groups
            .entry((
                r.setup(),
                r.mode(),
                (order(&r.strategy), r.strategy.as_str()),
                r.threads,
                r.size_bytes,
                r.workload_options(),
            ))
            .or_default()
            .push((n, r));
    }
    groups
        .into_iter()
        .map(|((setup, mode, (_, strategy), threads, size, _), rows)| {
            let gbps: Vec<f64> = rows
                .iter()
                .filter_map(|(_, r)| r.throughput_gbps.value())
                .collect();
            let (gbps, basis) = match rows.as_slice() {
                [(_, r)] => (
                    within_one_run(r).or_else(|| Summary::of(&gbps)),
                    Basis::WithinOneRun,
                ),
                _ => (Summary::of(&gbps), Basis::Repeats),
            };
            let host: Vec<f64> = rows
                .iter()
                .filter_map(|(_, r)| r.host_memcpy_gbps.value())
                .collect();
            let receiver_behind = rows.iter().any(|(_, r)| {
                r.rwnd_limited_pct
                    .value()
                    .is_some_and(|p| p >= RECEIVER_BEHIND_PCT)
            });
            CellStats {
                mode,
                setup,
                strategy,
                size,
                threads,
                gbps,
                basis,
                host: (host.len() > 1).then(|| Summary::of(&host)).flatten(),
                receiver_behind,
                rows,
                margin_pct,
            }
        })
        .collect()
}

/// A single run's spread from its per-second samples, when the row recorded them.
fn within_one_run(r: &Row) -> Option<Summary> {
    Summary::from_moments(
        r.throughput_gbps.value()?,
        r.seconds_sd_gbps.value()?,
        r.seconds_n.value()? as usize,
    )
}

/// The throughputs of `a` and `b` measured in the same rounds (same run, same repeat
/// number), in pairs; empty when they were not repeated together.
pub fn paired(a: &CellStats, b: &CellStats) -> (Vec<f64>, Vec<f64>) {
    paired_on(a, b, |r| r.throughput_gbps.value())
}

/// Figure `f` of `a` and `b` measured in the same rounds, in pairs (a round where
/// either row is `flagged` is left out).
pub fn paired_on(
    a: &CellStats,
    b: &CellStats,
    f: impl Fn(&Row) -> Option<f64>,
) -> (Vec<f64>, Vec<f64>) {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (_, ra) in a.rows.iter().filter(|(_, r)| r.flagged.is_none()) {
        let Some(rep) = ra.repeat else { continue };
        if let Some((_, rb)) = b
            .rows
            .iter()
            .find(|(_, rb)| rb.repeat == Some(rep) && rb.run_id == ra.run_id)
            .filter(|(_, rb)| rb.flagged.is_none())
            && let (Some(x), Some(y)) = (f(ra), f(rb))
        {
            xs.push(x);
            ys.push(y);
        }
    }
    (xs, ys)
}

/// A against B on throughput (see [`verdict_on`]).
pub fn verdict(a: &CellStats, b: &CellStats) -> Option<Comparison> {
    verdict_on(a, b, |r| r.throughput_gbps.value(), Better::Higher)
}

/// A against B on figure `f`, which improves as `better` says: the ratio of their
/// figures paired by round where at least [`MIN_FOR_INTERVAL`] rounds hold both (the
/// drift of the host cancels), else of their rounds unpaired. Flagged rows are left
/// out. `None` when there is nothing to compare.
pub fn verdict_on(
    a: &CellStats,
    b: &CellStats,
    f: impl Fn(&Row) -> Option<f64>,
    better: Better,
) -> Option<Comparison> {
    let (xs, ys) = paired_on(a, b, &f);
    if xs.len() >= MIN_FOR_INTERVAL {
        return stats::compare_paired(&xs, &ys, better, a.margin_pct);
    }
    let of = |c: &CellStats| -> Vec<f64> {
        c.rows
            .iter()
            .filter(|(_, r)| r.flagged.is_none())
            .filter_map(|(_, r)| f(r))
            .collect()
    };
    stats::compare(&of(a), &of(b), better, a.margin_pct)
}

/// The median of figure `f` over a cell's rows; `None` if no row has it.
pub fn median_of(c: &CellStats, f: impl Fn(&Row) -> Option<f64>) -> Option<f64> {
    Summary::of(&c.rows.iter().filter_map(|(_, r)| f(r)).collect::<Vec<_>>()).map(|s| s.median)
}

/// The `stream` cell of `strategy` at `threads` × `size`.
pub fn find<'c, 'a>(
    cells: &'c [CellStats<'a>],
    strategy: &str,
    threads: u32,
    size: u64,
) -> Option<&'c CellStats<'a>> {
    cells.iter().find(|c| {
        c.mode == Mode::default()
            && c.strategy == strategy
            && c.threads == threads
            && c.size == size
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(strategy: &str, gbps: f64) -> Row {
        Row {
            strategy: strategy.into(),
            size_bytes: 4096,
            threads: 1,
            throughput_gbps: netio_core::figure::Figure::Measured(gbps),
            ..Row::default()
        }
    }

    #[test]
    fn repeats_make_one_cell_with_their_spread() {
        let mut rows = vec![
            row("one-copy", 10.0),
            row("one-copy", 12.0),
            row("one-copy", 11.0),
        ];
        rows[0].host_memcpy_gbps = netio_core::figure::Figure::Measured(40.0);
        rows[1].host_memcpy_gbps = netio_core::figure::Figure::Measured(44.0);
        rows[2].rwnd_limited_pct = netio_core::figure::Figure::Measured(30.0);
        let c = cells(&rows);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].basis, Basis::Repeats);
        assert_eq!(c[0].gbps.map(|s| s.median), Some(11.0));
        assert_eq!(c[0].host.map(|s| s.n), Some(2));
        assert!(c[0].receiver_behind);
        assert_eq!(c[0].cite(), "rows 1, 2, 3");
    }

    #[test]
    fn one_run_has_its_seconds_spread_but_never_an_interval() {
        let mut r = row("two-copy", 10.0);
        assert_eq!(
            cells(std::slice::from_ref(&r))[0].gbps.and_then(|s| s.ci95),
            None
        );
        r.seconds_n = netio_core::figure::Figure::Measured(4);
        r.seconds_sd_gbps = netio_core::figure::Figure::Measured(0.5);
        let c = cells(std::slice::from_ref(&r));
        assert_eq!(c[0].basis, Basis::WithinOneRun);
        // Seconds are autocorrelated: their spread, no interval.
        assert_eq!(c[0].gbps.and_then(|s| s.ci95), None);
        assert_eq!(c[0].gbps.and_then(|s| s.cv_pct), Some(5.0));
    }

    #[test]
    fn a_flagged_round_is_left_out_of_paired_comparisons() {
        let mut rows = Vec::new();
        for (rep, (a, b)) in [(10.0, 20.0), (11.0, 21.0), (12.0, 22.0)]
            .iter()
            .enumerate()
        {
            for (strategy, g) in [("one-copy", a), ("two-copy", b)] {
                let mut r = row(strategy, *g);
                r.repeat = Some(rep as u32 + 1);
                rows.push(r);
            }
        }
        rows[2].flagged = Some("1 zero-copy ids still outstanding at the end".into());
        let c = cells(&rows);
        let (xs, ys) = paired(&c[0], &c[1]);
        assert_eq!(xs.len(), 2, "round 2 is flagged: {xs:?} {ys:?}");
        assert!(!xs.contains(&11.0) && !ys.contains(&11.0) && !ys.contains(&21.0));
    }
}
