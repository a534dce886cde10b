//! Statistics over repeats, pure: median, mean, standard deviation, coefficient of
//! variation, the 95 % confidence interval of the mean (Student t), and the verdict
//! between two such intervals. The t quantiles come from `statrs`.
//!
//! A verdict is stated only with evidence: A beats B when A's whole interval lies above
//! B's (or, for measurements paired by round, when the interval of the ratio A/B lies
//! above 1); otherwise there is no measurable difference, and the verdict says by how
//! much it could go either way.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Where a spread comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Over N repeats of the cell, interleaved with the rest of the matrix.
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

/// The summary of a set of measurements of one figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub mean: f64,
    /// Sample standard deviation (n − 1); `None` with one value.
    pub sd: Option<f64>,
    /// sd / mean, %; `None` with one value or a zero mean.
    pub cv_pct: Option<f64>,
    /// 95 % confidence interval of the mean; `None` with one value.
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
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = (n > 1)
            .then(|| (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
        Some(Summary {
            n,
            median,
            mean,
            sd,
            cv_pct: sd.filter(|_| mean != 0.0).map(|s| s / mean.abs() * 100.0),
            ci95: sd.map(|s| ci95(mean, s, n)),
        })
    }

    /// The summary of a mean `mean` with standard deviation `sd` over `n` samples (the
    /// per-second figures of one run, recorded in the row).
    pub fn from_moments(mean: f64, sd: f64, n: usize) -> Option<Summary> {
        (n > 1 && mean.is_finite() && sd.is_finite() && sd >= 0.0).then(|| Summary {
            n,
            median: mean,
            mean,
            sd: Some(sd),
            cv_pct: (mean != 0.0).then(|| sd / mean.abs() * 100.0),
            ci95: Some(ci95(mean, sd, n)),
        })
    }

    /// Half the interval's width as a % of the mean: "± x %".
    pub fn ci_half_pct(&self) -> Option<f64> {
        let (lo, hi) = self.ci95?;
        (self.mean != 0.0).then(|| (hi - lo) / 2.0 / self.mean.abs() * 100.0)
    }
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df.max(1) as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::INFINITY)
}

fn ci95(mean: f64, sd: f64, n: usize) -> (f64, f64) {
    let half = t975(n - 1) * sd / (n as f64).sqrt();
    (mean - half, mean + half)
}

/// What two figures' intervals allow one to say (higher is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// A's interval lies wholly above B's: A beats B by at least `min_pct` and at most
    /// `max_pct` % of B's mean.
    ABeats { min_pct: f64, max_pct: f64 },
    /// B's interval lies wholly above A's.
    BBeats { min_pct: f64, max_pct: f64 },
    /// The intervals overlap: the difference could be anywhere in ±`within_pct` % of B.
    NoDifference { within_pct: f64 },
    /// One of them has no interval (a single value and no per-second spread).
    Unknown,
}

/// Which way a figure improves: throughput and transactions up, latency down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// Compares A and B by their 95 % intervals.
pub fn compare(a: &Summary, b: &Summary) -> Verdict {
    let (Some((alo, ahi)), Some((blo, bhi))) = (a.ci95, b.ci95) else {
        return Verdict::Unknown;
    };
    let base = b.mean.abs();
    if base == 0.0 {
        return Verdict::Unknown;
    }
    let pct = |x: f64| x / base * 100.0;
    if alo > bhi {
        Verdict::ABeats {
            min_pct: pct(alo - bhi),
            max_pct: pct(ahi - blo),
        }
    } else if blo > ahi {
        Verdict::BBeats {
            min_pct: pct(blo - ahi),
            max_pct: pct(bhi - alo),
        }
    } else {
        Verdict::NoDifference {
            within_pct: pct((ahi - blo).abs().max((bhi - alo).abs())),
        }
    }
}

/// Compares A and B by their paired measurements (`a[i]` and `b[i]` taken in the same
/// round, seconds apart): the 95 % interval of the geometric mean of A/B, from Student
/// t on the log ratios. Drift of the host that hits both members of a pair cancels, so
/// this separates far smaller differences than [`compare`] on noisy machines.
/// `Unknown` with fewer than two pairs or a non-positive value.
pub fn compare_paired(a: &[f64], b: &[f64]) -> Verdict {
    if a.len() != b.len() || a.len() < 2 || a.iter().chain(b).any(|&x| !(x > 0.0 && x.is_finite()))
    {
        return Verdict::Unknown;
    }
    let logs: Vec<f64> = a.iter().zip(b).map(|(x, y)| (x / y).ln()).collect();
    let Some(Summary {
        mean,
        sd: Some(sd),
        n,
        ..
    }) = Summary::of(&logs)
    else {
        return Verdict::Unknown;
    };
    let half = t975(n - 1) * sd / (n as f64).sqrt();
    let (lo, hi) = ((mean - half).exp(), (mean + half).exp());
    let pct = |r: f64| (r - 1.0) * 100.0;
    if lo > 1.0 {
        Verdict::ABeats {
            min_pct: pct(lo),
            max_pct: pct(hi),
        }
    } else if hi < 1.0 {
        // B over A, as a % of B: 1 − A/B.
        Verdict::BBeats {
            min_pct: -pct(hi),
            max_pct: -pct(lo),
        }
    } else {
        Verdict::NoDifference {
            within_pct: pct(hi).max(-pct(lo)),
        }
    }
}

impl Verdict {
    /// The verdict in words, naming A and B.
    pub fn words(&self, a: &str, b: &str) -> String {
        match *self {
            Verdict::ABeats { min_pct, max_pct } => {
                format!("{a} beats {b} by {min_pct:.0}–{max_pct:.0} %")
            }
            Verdict::BBeats { min_pct, max_pct } => {
                format!("{b} beats {a} by {min_pct:.0}–{max_pct:.0} %")
            }
            Verdict::NoDifference { within_pct } => {
                format!("no measurable difference between {a} and {b} (±{within_pct:.0} %)")
            }
            Verdict::Unknown => format!("cannot tell {a} from {b}: no spread was measured"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_known_values() {
        let s = Summary::of(&[10.0, 12.0, 11.0, 9.0, 13.0]).expect("values");
        assert_eq!(s.n, 5);
        assert_eq!(s.median, 11.0);
        assert!((s.mean - 11.0).abs() < 1e-12);
        let sd = s.sd.expect("sd");
        assert!((sd - 2.5f64.sqrt()).abs() < 1e-12);
        // t(0.975, 4) = 2.776445
        let (lo, hi) = s.ci95.expect("ci");
        assert!((hi - 11.0 - 2.776445 * sd / 5f64.sqrt()).abs() < 1e-5);
        assert!((11.0 - lo - (hi - 11.0)).abs() < 1e-12);
        assert!((s.cv_pct.expect("cv") - sd / 11.0 * 100.0).abs() < 1e-12);
        let one = Summary::of(&[3.0]).expect("one");
        assert_eq!((one.sd, one.ci95, one.cv_pct), (None, None, None));
        assert!(Summary::of(&[f64::NAN]).is_none());
        assert_eq!(Summary::of(&[1.0, 4.0]).map(|s| s.median), Some(2.5));
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t975(1) - 12.706).abs() < 1e-3);
        assert!((t975(4) - 2.776).abs() < 1e-3);
        assert!((t975(30) - 2.042).abs() < 1e-3);
    }

    #[test]
    fn verdicts_need_separated_intervals() {
        let a = Summary::of(&[20.0, 20.5, 19.5, 20.2, 19.8]).expect("a");
        let b = Summary::of(&[10.0, 10.5, 9.5, 10.2, 9.8]).expect("b");
        assert!(matches!(compare(&a, &b), Verdict::ABeats { .. }));
        assert!(matches!(compare(&b, &a), Verdict::BBeats { .. }));
        let c = Summary::of(&[10.0, 14.0, 8.0, 12.0, 11.0]).expect("c");
        let Verdict::NoDifference { within_pct } = compare(&c, &b) else {
            panic!("overlapping intervals are a tie");
        };
        assert!(within_pct > 0.0);
        assert!(
            compare(&c, &b)
                .words("one-copy", "two-copy")
                .starts_with("no measurable")
        );
        let single = Summary::of(&[10.0]).expect("one");
        assert_eq!(compare(&single, &b), Verdict::Unknown);
        let within = Summary::from_moments(10.0, 1.0, 5).expect("moments");
        assert!(within.ci95.is_some());
    }

    #[test]
    fn pairing_cancels_drift_that_hits_both() {
        // The host drifts 2x between rounds; A is 10 % faster in every round.
        let b = [10.0, 20.0, 12.0, 18.0, 15.0];
        let a: Vec<f64> = b.iter().map(|x| x * 1.1).collect();
        assert!(matches!(
            compare(&Summary::of(&a).expect("a"), &Summary::of(&b).expect("b")),
            Verdict::NoDifference { .. }
        ));
        let Verdict::ABeats { min_pct, max_pct } = compare_paired(&a, &b) else {
            panic!("paired: A beats B");
        };
        assert!((min_pct - 10.0).abs() < 1e-6 && (max_pct - 10.0).abs() < 1e-6);
        let Verdict::BBeats { min_pct, .. } = compare_paired(&b, &a) else {
            panic!("paired: B beats A");
        };
        assert!((min_pct - 9.0909).abs() < 1e-3, "{min_pct}");
        let noisy = [11.0, 19.0, 13.0, 17.0, 16.0];
        assert!(matches!(
            compare_paired(&noisy, &b),
            Verdict::NoDifference { .. }
        ));
        assert_eq!(compare_paired(&a[..1], &b[..1]), Verdict::Unknown);
        assert_eq!(compare_paired(&[1.0, 0.0], &[1.0, 1.0]), Verdict::Unknown);
    }
}
