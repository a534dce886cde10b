//! How each strategy stands at the selected point, from the finished runs the monitor
//! has seen of each cell: the spread of their headline figure (throughput, transactions
//! per second, or p99 latency where lower is better) and whether the best one is
//! measurably ahead of each other strategy or tied. The monitor compares strategies in
//! rounds (each in turn, round and round), so the last runs of two strategies are
//! paired round by round, which cancels the host's drift ([`compare_paired`]).

use crate::stats::{Better, Summary, Verdict, compare_paired};

/// Finished runs kept per cell for the spread: enough for a tight interval, bounded.
pub const RUNS_KEPT: usize = 10;

/// A strategy's standing among those measured at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standing {
    /// Fewer than two finished runs of this cell or of the leader: no interval yet.
    Unknown,
    /// The best mean, measurably ahead of at least one other.
    Best,
    /// Not measurably different from the leader (±`within_pct` %).
    Tie { within_pct: f64 },
    /// Measurably behind the leader by at least `min_pct` % (of the leader's
    /// throughput; for latency, `min_pct` % more than the leader's).
    Behind { min_pct: f64 },
}

impl Standing {
    /// The monitor's short form.
    pub fn label(&self) -> String {
        match *self {
            Standing::Unknown => "–".into(),
            Standing::Best => "best".into(),
            Standing::Tie { within_pct } => format!("tie ±{within_pct:.0}%"),
            Standing::Behind { min_pct } => format!("−{min_pct:.0}%+"),
        }
    }
}

/// The last `k` runs of each, `k` the shorter length (at least 2): the latest rounds.
fn last_pairs<'a>(a: &'a [f64], b: &'a [f64]) -> Option<(&'a [f64], &'a [f64])> {
    let k = a.len().min(b.len());
    (k >= 2).then(|| (&a[a.len() - k..], &b[b.len() - k..]))
}

/// The standings of `runs` (each strategy's finished-run figures, in order), the best
/// being the highest or the lowest mean as `better` says.
pub fn standings(runs: &[&[f64]], better: Better) -> Vec<Standing> {
    let summaries: Vec<Option<Summary>> = runs
        .iter()
        .map(|r| Summary::of(r).filter(|s| s.ci95.is_some()))
        .collect();
    let leader = summaries
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i, s)))
        .max_by(|a, b| match better {
            Better::Higher => a.1.mean.total_cmp(&b.1.mean),
            Better::Lower => b.1.mean.total_cmp(&a.1.mean),
        });
    let Some((lead, _)) = leader else {
        return vec![Standing::Unknown; runs.len()];
    };
    let mut out: Vec<Standing> = runs
        .iter()
        .map(|r| match last_pairs(runs[lead], r) {
            None => Standing::Unknown,
            Some((a, b)) => match (better, compare_paired(a, b)) {
                (Better::Higher, Verdict::ABeats { min_pct, .. }) => Standing::Behind {
                    // As a share of the leader: 1 − B/A.
                    min_pct: min_pct / (1.0 + min_pct / 100.0),
                },
                // The leader's latency is at most (1 − m) of the other's: the other's is
                // higher than the leader's by at least m / (1 − m).
                (Better::Lower, Verdict::BBeats { min_pct, .. }) => Standing::Behind {
                    min_pct: min_pct / (1.0 - min_pct / 100.0),
                },
                (_, Verdict::NoDifference { within_pct }) => Standing::Tie { within_pct },
                _ => Standing::Unknown,
            },
        })
        .collect();
    let ahead_of_any = out.iter().any(|s| matches!(s, Standing::Behind { .. }));
    out[lead] = if ahead_of_any {
        Standing::Best
    } else {
        // Tied with every other measured strategy: the leader is a tie too.
        out.iter()
            .enumerate()
            .filter(|&(i, _)| i != lead)
            .find_map(|(_, s)| match s {
                Standing::Tie { within_pct } => Some(Standing::Tie {
                    within_pct: *within_pct,
                }),
                _ => None,
            })
            .unwrap_or(Standing::Unknown)
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaders_ties_and_laggards() {
        let fast = [20.0, 20.4, 19.6, 20.1];
        let close = [19.0, 21.0, 20.5, 19.5];
        let slow = [10.0, 10.2, 9.9, 10.1];
        let one = [30.0];
        let s = standings(&[&fast, &close, &slow, &one], Better::Higher);
        assert_eq!(s[0], Standing::Best);
        assert!(matches!(s[1], Standing::Tie { .. }), "{s:?}");
        assert!(
            matches!(s[2], Standing::Behind { min_pct } if min_pct > 40.0),
            "{s:?}"
        );
        assert_eq!(s[3], Standing::Unknown, "one run: no interval");
        let tied = standings(&[&fast, &close], Better::Higher);
        assert!(
            tied.iter().all(|s| matches!(s, Standing::Tie { .. })),
            "{tied:?}"
        );
        assert_eq!(standings(&[&one], Better::Higher), vec![Standing::Unknown]);
    }

    #[test]
    fn for_latency_the_lowest_leads() {
        let quick = [20.0, 20.4, 19.6, 20.1];
        let slow = [40.0, 40.2, 39.9, 40.1];
        let s = standings(&[&slow, &quick], Better::Lower);
        assert_eq!(s[1], Standing::Best);
        assert!(
            matches!(s[0], Standing::Behind { min_pct } if (90.0..=101.0).contains(&min_pct)),
            "twice the latency is about 100 % more: {s:?}"
        );
    }
}
