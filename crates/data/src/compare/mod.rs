//! Two recordings of the same matrix, before and after a change (a kernel upgrade, a
//! sysctl, a new build): for every cell in both, each strategy's after/before ratio
//! of its headline figure with its 95 % interval and class, read by the same
//! estimate and comparison code the report uses (`aggregate::verdict_on`; rounds of
//! two files never pair, so unpaired). The options that differ between the files are
//! named first: a change of kernel, CPU or congestion control may be the whole story.

use std::fmt::Write as _;

use serde_json::json;

use crate::aggregate::{self, CellStats};
use netio_core::matrix::{Mode, format_size};
use netio_core::row::{Row, Setup, setups};
use netio_core::stats::{Class, Comparison, classify};

/// One cell in both files.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub before: CellStats<'a>,
    pub after: CellStats<'a>,
    /// After against before, on the mode's headline figure.
    pub comparison: Option<Comparison>,
}

/// Two recordings compared.
#[derive(Debug, Clone)]
pub struct Compared<'a> {
    /// Options that differ: (option, before, after).
    pub context: Vec<(&'static str, Option<String>, Option<String>)>,
    pub changes: Vec<Change<'a>>,
    pub only_before: Vec<CellStats<'a>>,
    pub only_after: Vec<CellStats<'a>>,
}

/// When `compare` exits 1: any cell slower after than before, or slower by more than
/// a percentage (the whole interval beyond it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FailOn {
    Slower,
    WorseThan(f64),
}

/// Why two files cannot be compared.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompareError {
    #[error("{file}: holds {n} setups ({list}); compare takes files of one setup each")]
    Setups {
        file: String,
        n: usize,
        list: String,
    },
}

/// "one-copy stream 64K ×1": a cell in words.
fn cell_words(c: &CellStats) -> String {
    format!(
        "{} {} {} ×{}",
        c.strategy,
        c.mode,
        format_size(c.size as usize),
        c.threads
    )
}

/// A cell's identity across two files: everything but the setup (mode, strategy, size,
/// threads, the workload's own options).
type CellKey = (
    Mode,
    String,
    u64,
    u32,
    (Option<u32>, Option<u64>, Option<u32>),
);

/// The key of `c`.
fn key(c: &CellStats) -> CellKey {
    let options = c
        .rows
        .first()
        .map(|(_, r)| r.workload_options())
        .unwrap_or_default();
    (c.mode, c.strategy.to_string(), c.size, c.threads, options)
}

/// The one setup of `rows`, or why there is not one.
fn one_setup(file: &str, rows: &[Row]) -> Result<Option<Setup>, CompareError> {
    let all = setups(rows);
    if all.len() > 1 {
        let list: Vec<String> = all.iter().map(|s| s.label_among(&all)).collect();
        return Err(CompareError::Setups {
            file: file.into(),
            n: all.len(),
            list: list.join("; "),
        });
    }
    Ok(all.into_iter().next())
}

/// Compares `after` with `before` (file names for messages), ratios within ±`margin`
/// % equivalent.
pub fn compare<'a>(
    names: (&str, &str),
    before: &'a [Row],
    after: &'a [Row],
    margin: f64,
) -> Result<Compared<'a>, CompareError> {
    let (sb, sa) = (one_setup(names.0, before)?, one_setup(names.1, after)?);
    let context = match (&sb, &sa) {
        (Some(b), Some(a)) => b.differences(a),
        _ => Vec::new(),
    };
    let b_cells = aggregate::cells_with_margin(before, margin);
    let mut a_cells = aggregate::cells_with_margin(after, margin);
    let mut changes = Vec::new();
    let mut only_before = Vec::new();
    for b in b_cells {
        match a_cells.iter().position(|a| key(a) == key(&b)) {
            Some(i) => {
                let a = a_cells.remove(i);
                let better = a.mode.entry().better;
                let comparison = aggregate::verdict_on(&a, &b, |r| r.headline().value(), better);
                changes.push(Change {
                    before: b,
                    after: a,
                    comparison,
                });
            }
            None => only_before.push(b),
        }
    }
    Ok(Compared {
        context,
        changes,
        only_before,
        only_after: a_cells,
    })
}

impl Change<'_> {
    /// A regression under `rule`.
    pub fn regressed(&self, rule: FailOn) -> bool {
        let Some(c) = &self.comparison else {
            return false;
        };
        match (rule, c.ci95) {
            (FailOn::Slower, _) => c.class == Class::Slower,
            (FailOn::WorseThan(pct), Some((lo, hi))) => {
                classify(lo, hi, self.after.mode.entry().better, pct) == Class::Slower
            }
            (FailOn::WorseThan(_), None) => false,
        }
    }

    fn label(&self) -> String {
        cell_words(&self.before)
    }
}

impl Compared<'_> {
    /// The comparisons that regressed under `rule`.
    pub fn regressions(&self, rule: FailOn) -> usize {
        self.changes.iter().filter(|c| c.regressed(rule)).count()
    }

    /// The comparison as Markdown.
    pub fn markdown(&self, names: (&str, &str)) -> String {
        let mut out = format!("# {} → {}\n\n", names.0, names.1);
        if self.context.is_empty() {
            out.push_str("Both files were measured with the same options (kernel, CPU, path, congestion control, placement, ...).\n\n");
        } else {
            let diffs: Vec<String> = self
                .context
                .iter()
                .map(|(n, b, a)| {
                    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
                    format!("{n} {} → {}", v(b), v(a))
                })
                .collect();
            let _ = writeln!(
                out,
                "**Measured differently:** {}. A change below may be due to these, not only to what you changed.\n",
                diffs.join("; ")
            );
        }
        out.push_str("| cell | figure | before | after | after/before | 95 % CI | class |\n|---|---|---:|---:|---:|---|---|\n");
        for ch in &self.changes {
            let med = |c: &CellStats| {
                aggregate::median_of(c, |r| r.headline().value())
                    .map_or("n/a".into(), |v| format!("{v:.3}"))
            };
            let (ratio, ci, class) = match &ch.comparison {
                Some(c) => (
                    format!("{:.3}×", c.ratio),
                    c.ci95.map_or("n/a (fewer than 3 runs)".into(), |(lo, hi)| {
                        format!("{lo:.3}–{hi:.3}")
                    }),
                    c.class.word(),
                ),
                None => ("n/a".into(), "n/a".into(), "undecided"),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {ratio} | {ci} | {class} |",
                ch.label(),
                ch.after.mode.entry().headline_label,
                med(&ch.before),
                med(&ch.after)
            );
        }
        let count = |k: Class| {
            self.changes
                .iter()
                .filter(|c| c.comparison.as_ref().map_or(Class::Undecided, |x| x.class) == k)
                .count()
        };
        let _ = writeln!(
            out,
            "\n{} cells in both: {} faster, {} slower, {} equivalent, {} undecided (after against before).",
            self.changes.len(),
            count(Class::Faster),
            count(Class::Slower),
            count(Class::Equivalent),
            count(Class::Undecided)
        );
        for (list, name) in [(&self.only_before, names.0), (&self.only_after, names.1)] {
            if !list.is_empty() {
                let cells: Vec<String> = list.iter().map(cell_words).collect();
                let _ = writeln!(out, "\nOnly in {name}: {}.", cells.join(", "));
            }
        }
        out
    }

    /// The comparison as JSON: every comparison, the context, the cells in one file only.
    pub fn json(&self, names: (&str, &str)) -> serde_json::Value {
        let cell = |c: &CellStats| {
            json!({
                "strategy": c.strategy,
                "workload": c.mode.to_string(),
                "size_bytes": c.size,
                "threads": c.threads,
            })
        };
        json!({
            "before": names.0,
            "after": names.1,
            "context": self.context.iter().map(|(n, b, a)| json!({"option": n, "before": b, "after": a})).collect::<Vec<_>>(),
            "comparisons": self.changes.iter().map(|ch| {
                let c = ch.comparison.as_ref();
                json!({
                    "cell": cell(&ch.before),
                    "figure": ch.after.mode.entry().headline,
                    "before_median": aggregate::median_of(&ch.before, |r| r.headline().value()),
                    "after_median": aggregate::median_of(&ch.after, |r| r.headline().value()),
                    "n": c.map(|c| c.n),
                    "ratio": c.map(|c| c.ratio),
                    "lo": c.and_then(|c| c.ci95).map(|(lo, _)| lo),
                    "hi": c.and_then(|c| c.ci95).map(|(_, hi)| hi),
                    "class": c.map_or(Class::Undecided, |c| c.class),
                })
            }).collect::<Vec<_>>(),
            "only_before": self.only_before.iter().map(cell).collect::<Vec<_>>(),
            "only_after": self.only_after.iter().map(cell).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests;
