//! An interval's latencies in log-spaced buckets (four a decade, 1 µs to 10 s): what the
//! monitor's latency view draws, so a class sees the tail and not only p50 and p99.
//! Made once a second by the sampler from the interval's histogram (not the hot path).

use hdrhistogram::Histogram;

/// Buckets a decade.
pub const PER_DECADE: usize = 4;
/// Buckets in all: 1 µs to 10 s is seven decades.
pub const BUCKETS: usize = 7 * PER_DECADE;

/// Counts of latencies per bucket; bucket `i` holds [edge(i), edge(i + 1)) µs, the first
/// also everything below 1 µs and the last everything above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencyBuckets(pub [u64; BUCKETS]);

impl Default for LatencyBuckets {
    fn default() -> Self {
        LatencyBuckets([0; BUCKETS])
    }
}

/// The lower edge of bucket `i`, µs.
pub fn edge_us(i: usize) -> f64 {
    10f64.powf(i as f64 / PER_DECADE as f64)
}

impl LatencyBuckets {
    /// The buckets of `h` (values in ns).
    pub fn of(h: &Histogram<u64>) -> LatencyBuckets {
        let mut b = LatencyBuckets::default();
        for v in h.iter_recorded() {
            let us = v.value_iterated_to() as f64 / 1e3;
            let i = if us <= 1.0 {
                0
            } else {
                ((us.log10() * PER_DECADE as f64) as usize).min(BUCKETS - 1)
            };
            b.0[i] += v.count_at_value();
        }
        b
    }

    /// Adds `other` in.
    pub fn add(&mut self, other: &LatencyBuckets) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fall_in_their_log_spaced_bucket() {
        let mut h = crate::worker::published::new_latency_histogram();
        for ns in [500, 1_500, 12_000, 12_500, 9_000_000] {
            h.record(ns).expect("in range");
        }
        let b = LatencyBuckets::of(&h);
        assert_eq!(b.total(), 5);
        // 0.5 µs (below the first edge) and 1.5 µs ([1, 1.78) µs) in the first.
        assert_eq!(b.0[0], 2);
        // 12 µs: log10 = 1.08, bucket 4 ([10, 17.8) µs).
        assert_eq!(b.0[4], 2);
        // 9 ms = 9000 µs: log10 = 3.95, bucket 15.
        assert_eq!(b.0[15], 1);
        assert!((edge_us(4) - 10.0).abs() < 1e-9 && edge_us(8) > 99.99);
    }
}
