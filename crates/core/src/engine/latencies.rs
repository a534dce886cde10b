//! An interval's latency histograms (one-way from the receivers, round trips and
//! pacing error from the senders) and their percentiles in µs.

use std::sync::Arc;

use hdrhistogram::Histogram;

use crate::figure::Figure;
use crate::row::formula;
use crate::worker::published::{ReceiverStats, SenderStats, new_latency_histogram};

/// An interval's latencies: one-way (receivers), round trips and pacing error
/// (senders), in ns.
#[derive(Debug, Clone)]
pub struct Latencies {
    pub one_way: Histogram<u64>,
    pub rtt: Histogram<u64>,
    pub pace: Histogram<u64>,
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies {
            one_way: new_latency_histogram(),
            rtt: new_latency_histogram(),
            pace: new_latency_histogram(),
        }
    }
}

impl Latencies {
    /// Takes every worker's latencies for the interval just ended.
    pub fn take(senders: &[Arc<SenderStats>], receivers: &[Arc<ReceiverStats>]) -> Latencies {
        let mut all = Latencies::default();
        // Adding cannot fail: every histogram has the same bounds.
        for r in receivers {
            r.latency.take_into(&mut all.one_way);
        }
        for s in senders {
            s.rtt.take_into(&mut all.rtt);
            s.pace.take_into(&mut all.pace);
        }
        all
    }

    /// Adds `other` in.
    pub fn add(&mut self, other: &Latencies) {
        let _ = self.one_way.add(&other.one_way);
        let _ = self.rtt.add(&other.rtt);
        let _ = self.pace.add(&other.pace);
    }
}

/// A percentile (`q` = 1: the maximum) of `h` in µs; undefined when nothing was
/// recorded in the interval.
pub(super) fn quantile_us(h: &Histogram<u64>, q: f64) -> Figure<f64> {
    if h.is_empty() {
        Figure::Undefined
    } else if q >= 1.0 {
        Figure::Measured(formula::sig6(h.max() as f64 / 1e3))
    } else {
        Figure::Measured(formula::sig6(h.value_at_quantile(q) as f64 / 1e3))
    }
}
