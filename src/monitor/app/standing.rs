//! How each strategy stands at the selected point, from the finished runs the monitor
//! has seen of each cell: its ratio to the leader (the strategy with the best median
//! of the headline figure: throughput, transactions per second, or p99 latency where
//! lower is better) with the ratio's 95 % interval and class. The monitor compares
//! strategies in rounds (each in turn, round and round), so the last runs of two
//! strategies are paired round by round, which cancels the host's drift
//! ([`compare_paired`]).

use netio_core::stats::{Better, Class, Comparison, MIN_FOR_INTERVAL, Summary, compare_paired};

/// Finished runs kept per cell for the spread: enough for a tight interval, bounded.
pub const RUNS_KEPT: usize = 10;

/// A strategy's standing among those measured at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standing {
    /// Not enough finished runs of this cell or of the leader to say anything: the
    /// runs it has.
    Unknown { runs: usize },
    /// The best median (decided against at least one other when `ahead`).
    Leader { ahead: bool },
    /// This strategy's figure over the leader's, paired by round.
    Against(Comparison),
}

impl Standing {
    /// The monitor's form: "best", "0.52× [0.48–0.57] slower", "2 runs".
    pub fn label(&self) -> String {
        match *self {
            Standing::Unknown { runs } => match runs {
                0 => "–".into(),
                1 => "1 run".into(),
                n => format!("{n} runs"),
            },
            Standing::Leader { ahead: true } => "best".into(),
            Standing::Leader { ahead: false } => "lead".into(),
            Standing::Against(c) => match c.class {
                Class::Undecided => format!("{} ?", c.ratio_words()),
                class => format!("{} {}", c.ratio_words(), class.word()),
            },
        }
    }
}

/// The last `k` runs of each, `k` the shorter length: the latest rounds.
fn last_pairs<'a>(a: &'a [f64], b: &'a [f64]) -> (&'a [f64], &'a [f64]) {
    let k = a.len().min(b.len());
    (&a[a.len() - k..], &b[b.len() - k..])
}

/// The standings of `runs` (each strategy's finished-run figures, in order), the
/// leader being the highest or the lowest median as `better` says.
pub fn standings(runs: &[&[f64]], better: Better, margin_pct: f64) -> Vec<Standing> {
    let medians: Vec<Option<f64>> = runs
        .iter()
        .map(|r| {
            Summary::of(r)
                .filter(|s| s.n >= MIN_FOR_INTERVAL)
                .map(|s| s.median)
        })
        .collect();
    let leader = medians
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|m| (i, m)))
        .max_by(|a, b| match better {
            Better::Higher => a.1.total_cmp(&b.1),
            Better::Lower => b.1.total_cmp(&a.1),
        });
    let unknown = |r: &[f64]| Standing::Unknown { runs: r.len() };
    let Some((lead, _)) = leader else {
        return runs.iter().map(|r| unknown(r)).collect();
    };
    let mut out: Vec<Standing> = runs
        .iter()
        .map(|r| {
            let (x, l) = last_pairs(r, runs[lead]);
            match compare_paired(x, l, better, margin_pct) {
                Some(c) if c.n >= MIN_FOR_INTERVAL => Standing::Against(c),
                _ => unknown(r),
            }
        })
        .collect();
    let ahead = out
        .iter()
        .any(|s| matches!(s, Standing::Against(c) if c.class == Class::Slower));
    out[lead] = Standing::Leader { ahead };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use netio_core::stats::DEFAULT_MARGIN_PCT;

    #[test]
    fn the_leader_and_each_others_ratio_with_its_class() {
        let fast = [20.0, 20.4, 19.6, 20.1];
        let close = [19.9, 20.3, 19.7, 20.0];
        let slow = [10.0, 10.2, 9.9, 10.1];
        let two = [30.0, 31.0];
        let s = standings(
            &[&fast, &close, &slow, &two],
            Better::Higher,
            DEFAULT_MARGIN_PCT,
        );
        assert_eq!(s[0], Standing::Leader { ahead: true });
        assert!(
            matches!(s[1], Standing::Against(c) if c.class == Class::Equivalent),
            "{s:?}"
        );
        let Standing::Against(c) = s[2] else {
            panic!("{s:?}")
        };
        assert_eq!(c.class, Class::Slower);
        assert!((c.ratio - 0.5).abs() < 0.01);
        assert!(s[2].label().starts_with("0.50× [") && s[2].label().ends_with("slower"));
        assert_eq!(s[3], Standing::Unknown { runs: 2 }, "2 runs: no verdict");
        assert_eq!(s[3].label(), "2 runs");
        let tied = standings(&[&fast, &close], Better::Higher, DEFAULT_MARGIN_PCT);
        assert_eq!(tied[0], Standing::Leader { ahead: false });
        assert_eq!(
            standings(&[&two], Better::Higher, DEFAULT_MARGIN_PCT),
            vec![Standing::Unknown { runs: 2 }]
        );
    }

    #[test]
    fn for_latency_the_lowest_leads() {
        let quick = [20.0, 20.4, 19.6, 20.1];
        let slow = [40.0, 40.2, 39.9, 40.1];
        let s = standings(&[&slow, &quick], Better::Lower, DEFAULT_MARGIN_PCT);
        assert_eq!(s[1], Standing::Leader { ahead: true });
        let Standing::Against(c) = s[0] else {
            panic!("{s:?}")
        };
        assert!((c.ratio - 2.0).abs() < 0.02, "twice the latency: {c:?}");
        assert_eq!(c.class, Class::Slower);
    }
}
