//! Statistics over rounds, pure: one cell's figure ([`Summary`]: median, 95 % interval,
//! n, CV) and the comparison of two cells ([`Comparison`]: the ratio of their per-round
//! figures with its 95 % interval, and one of four classes). Every consumer (monitor,
//! summary, report, plot, replay) reads these; the t quantiles come from `statrs`.
//!
//! - Throughput, transactions/s, latency and CPU per byte are positive and skewed, so
//!   the interval is taken on the log scale (Student t on the logs: the interval of the
//!   geometric mean), never below zero. A set with a value ≤ 0 gets the plain interval
//!   of the mean.
//! - Fewer than [`MIN_FOR_INTERVAL`] values give no interval: with 2 the t factor is
//!   12.7 and the interval says nothing.
//! - Per-second samples of one run are autocorrelated (a slow second is followed by
//!   another), so their spread is kept but no interval is drawn from it.
//! - A comparison is **faster** when the whole interval of the ratio lies beyond
//!   1 + margin (A better than B by more than the margin), **slower** when it lies
//!   beyond the margin the other way, **equivalent** when it lies within ±margin, and
//!   **undecided** otherwise or with fewer than 3 pairs. The three decided regions do
//!   not overlap, so two runs contradict each other only if one interval misses the
//!   true ratio by more than its own width.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Values a figure needs before it has an interval.
pub const MIN_FOR_INTERVAL: usize = 3;

/// The default `--margin`: ratios within ±5 % are equivalent. Measured on the bundled
/// recording (72 pairs × 5 rounds): the per-round log ratio's median standard
/// deviation is 0.084, so the interval is about ±11 % after 5 rounds and ±6 % after
/// 10: 5 % is the smallest margin 10 rounds can show to hold for a typical pair.
pub const DEFAULT_MARGIN_PCT: f64 = 5.0;

/// Where a spread comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Over N rounds of the cell, interleaved with the rest of the matrix.
    Repeats,
    /// Over the per-second samples of one run: says nothing of run-to-run drift.
    WithinOneRun,
}

impl Basis {
    pub fn label(self) -> &'static str {
        match self {
            Basis::Repeats => "over repeats",
            Basis::WithinOneRun => "within one run",
        }
    }
}

/// The figure of one cell over its rounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    /// The arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1); `None` with one value.
    pub sd: Option<f64>,
    /// sd / mean, %; `None` with one value or a zero mean.
    pub cv_pct: Option<f64>,
    /// 95 % interval: of the geometric mean on the log scale when every value is
    /// positive, else of the mean; `None` below [`MIN_FOR_INTERVAL`] values.
    pub ci95: Option<(f64, f64)>,
}

impl Summary {
    /// Summarizes `values` (finite ones only); `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        let (mean, sd) = moments(&v);
        let ci95 = (n >= MIN_FOR_INTERVAL).then(|| {
            if v[0] > 0.0 {
                let logs: Vec<f64> = v.iter().map(|x| x.ln()).collect();
                let (m, s) = moments(&logs);
                let half = t975(n - 1) * s.unwrap_or(0.0) / (n as f64).sqrt();
                ((m - half).exp(), (m + half).exp())
            } else {
                let half = t975(n - 1) * sd.unwrap_or(0.0) / (n as f64).sqrt();
                (mean - half, mean + half)
            }
        });
        Some(Summary {
            n,
            median,
            mean,
            sd,
            cv_pct: sd.filter(|_| mean != 0.0).map(|s| s / mean.abs() * 100.0),
            ci95,
        })
    }

    /// The spread of one run's `n` per-second samples with mean `mean` and standard
    /// deviation `sd`: no interval (the seconds are autocorrelated).
    pub fn from_moments(mean: f64, sd: f64, n: usize) -> Option<Summary> {
        (n > 1 && mean.is_finite() && sd.is_finite() && sd >= 0.0).then(|| Summary {
            n,
            median: mean,
            mean,
            sd: Some(sd),
            cv_pct: (mean != 0.0).then(|| sd / mean.abs() * 100.0),
            ci95: None,
        })
    }

    /// Half the interval's width as a % of the median: "± x %".
    pub fn ci_half_pct(&self) -> Option<f64> {
        let (lo, hi) = self.ci95?;
        (self.median != 0.0).then(|| (hi - lo) / 2.0 / self.median.abs() * 100.0)
    }
}

/// Mean and sample standard deviation (`None` with one value).
fn moments(v: &[f64]) -> (f64, Option<f64>) {
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let sd = (n > 1)
        .then(|| (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
    (mean, sd)
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df.max(1) as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::INFINITY)
}

/// Which way a figure improves: throughput and transactions up, latency down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// What a comparison of A with B can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// A is better than B by more than the margin (its whole interval).
    Faster,
    /// A is worse than B by more than the margin.
    Slower,
    /// The whole interval lies within ±margin.
    Equivalent,
    /// Not enough evidence yet.
    Undecided,
}

impl Class {
    pub fn word(self) -> &'static str {
        match self {
            Class::Faster => "faster",
            Class::Slower => "slower",
            Class::Equivalent => "equivalent",
            Class::Undecided => "undecided",
        }
    }

    /// Faster, slower or equivalent.
    pub fn is_decided(self) -> bool {
        self != Class::Undecided
    }
}

/// A compared with B: the ratio A/B of their figure (geometric mean over the pairs, or
/// of the two cells' geometric means when unpaired) with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Pairs (paired by round), or the smaller cell's count (unpaired).
    pub n: usize,
    pub ratio: f64,
    /// `None` with fewer than [`MIN_FOR_INTERVAL`] values.
    pub ci95: Option<(f64, f64)>,
    pub class: Class,
}

impl Comparison {
    /// "1.90× [1.71–2.10]" (the interval left out when there is none).
    pub fn ratio_words(&self) -> String {
        match self.ci95 {
            Some((lo, hi)) => format!("{}× [{}–{}]", ratio(self.ratio), ratio(lo), ratio(hi)),
            None => format!("{}× (n={})", ratio(self.ratio), self.n),
        }
    }

    /// "one-copy 1.90× two-copy [1.71–2.10]: faster".
    pub fn words(&self, a: &str, b: &str) -> String {
        match self.ci95 {
            Some((lo, hi)) => format!(
                "{a} {}× {b} [{}–{}]: {}",
                ratio(self.ratio),
                ratio(lo),
                ratio(hi),
                self.class.word()
            ),
            None => format!(
                "{a} {}× {b} (n={}, no interval): undecided",
                ratio(self.ratio),
                self.n
            ),
        }
    }
}

/// A ratio with the digits it needs: 1.90, 0.052, 12.4.
pub fn ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.1}")
    } else if r >= 0.1 {
        format!("{r:.2}")
    } else {
        format!("{r:.3}")
    }
}

/// The class of a ratio A/B whose interval is `[lo, hi]`, with a `margin_pct` margin,
/// for a figure that improves as `better` says.
pub fn classify(lo: f64, hi: f64, better: Better, margin_pct: f64) -> Class {
    let up = 1.0 + margin_pct / 100.0;
    let (above, below) = (lo > up, hi < 1.0 / up);
    if lo >= 1.0 / up && hi <= up {
        Class::Equivalent
    } else if above {
        match better {
            Better::Higher => Class::Faster,
            Better::Lower => Class::Slower,
        }
    } else if below {
        match better {
            Better::Higher => Class::Slower,
            Better::Lower => Class::Faster,
        }
    } else {
        Class::Undecided
    }
}

/// A against B by their paired figures (`a[i]` and `b[i]` measured in the same round,
/// seconds apart): the geometric mean of A/B with its interval from Student t on the
/// log ratios. Drift of the host that hits both members of a pair cancels. `None`
/// without a pair of positive values.
pub fn compare_paired(a: &[f64], b: &[f64], better: Better, margin_pct: f64) -> Option<Comparison> {
    let logs: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| **x > 0.0 && **y > 0.0 && x.is_finite() && y.is_finite())
        .map(|(x, y)| (x / y).ln())
        .collect();
    if logs.is_empty() {
        return None;
    }
    let n = logs.len();
    let (mean, sd) = moments(&logs);
    let ci95 = (n >= MIN_FOR_INTERVAL).then(|| {
        let half = t975(n - 1) * sd.unwrap_or(0.0) / (n as f64).sqrt();
        ((mean - half).exp(), (mean + half).exp())
    });
    Some(Comparison {
        n,
        ratio: mean.exp(),
        ci95,
        class: ci95.map_or(Class::Undecided, |(lo, hi)| {
            classify(lo, hi, better, margin_pct)
        }),
    })
}

/// A against B when their rounds cannot be paired: the ratio of their geometric means,
/// its interval from both cells' spread of logs (Welch's standard error, the smaller
/// cell's degrees of freedom: conservative). `None` without positive values.
pub fn compare(a: &[f64], b: &[f64], better: Better, margin_pct: f64) -> Option<Comparison> {
    let logs = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .filter(|x| **x > 0.0 && x.is_finite())
            .map(|x| x.ln())
            .collect()
    };
    let (la, lb) = (logs(a), logs(b));
    if la.is_empty() || lb.is_empty() {
        return None;
    }
    let ((ma, sa), (mb, sb)) = (moments(&la), moments(&lb));
    let n = la.len().min(lb.len());
    let ci95 = match (sa, sb) {
        (Some(sa), Some(sb)) if n >= MIN_FOR_INTERVAL => {
            let se = (sa * sa / la.len() as f64 + sb * sb / lb.len() as f64).sqrt();
            let half = t975(n - 1) * se;
            Some(((ma - mb - half).exp(), (ma - mb + half).exp()))
        }
        _ => None,
    };
    Some(Comparison {
        n,
        ratio: (ma - mb).exp(),
        ci95,
        class: ci95.map_or(Class::Undecided, |(lo, hi)| {
            classify(lo, hi, better, margin_pct)
        }),
    })
}

/// Two clusters of a cell's rounds, when its values fall into two groups: split at the
/// widest gap between sorted values on the log scale, it is bimodal when each side
/// holds at least two values and the gap is at least 20 % and at least twice either
/// side's own spread. The medians of the low and the high cluster, and their sizes.
pub fn clusters(values: &[f64]) -> Option<[(f64, usize); 2]> {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| *x > 0.0 && x.is_finite())
        .collect();
    if v.len() < 4 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let logs: Vec<f64> = v.iter().map(|x| x.ln()).collect();
    let (at, gap) = (2..=logs.len() - 2)
        .map(|i| (i, logs[i] - logs[i - 1]))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let spread = |s: &[f64]| s[s.len() - 1] - s[0];
    let (low, high) = logs.split_at(at);
    let bimodal = gap >= 1.2f64.ln() && gap >= 2.0 * spread(low).max(spread(high));
    let median = |s: &[f64]| Summary::of(s).map_or(f64::NAN, |s| s.median);
    bimodal.then(|| {
        let (lo, hi) = v.split_at(at);
        [(median(lo), lo.len()), (median(hi), hi.len())]
    })
}

#[cfg(test)]
mod tests;
