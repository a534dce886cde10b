//! The host-noise reference: a fixed in-cache `memcpy` timed just before every cell, so
//! each row carries how fast this machine copied memory at that moment. Its spread over
//! the repeats of a cell is the machine's own noise, shown beside the tool's spread: a
//! tool CV close to the host's is as steady as the host allows.

use std::hint::black_box;
use std::time::Instant;

use crate::aligned::AlignedBuf;

/// Bytes copied per step: fits in L2 on any current CPU, so memory bandwidth and
/// other tenants' cache traffic matter as little as possible.
const BLOCK: usize = 32 << 10;
/// Steps per burst (64 MiB a burst, about 2 ms at 35 GB/s).
const STEPS: usize = 2048;
/// Bursts per probe; the probe's figure is their median.
const BURSTS: usize = 7;

/// One probe: the median copy rate and its spread over the bursts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostNoise {
    /// Median in-cache copy rate, GB/s.
    pub memcpy_gbps: f64,
    /// Coefficient of variation over the bursts, %.
    pub cv_pct: f64,
}

/// Times [`BURSTS`] bursts of in-cache copies (about 15 ms in all).
///
/// Both buffers are page-aligned: with two heap blocks the copy rate depends on where
/// the allocator put them (on AMD, `rep movsb` runs 15–20× slower when the distance
/// between destination and source is 1–31 bytes mod 4096; measured here, probes were
/// bimodal at 1.8 and 35 GB/s), which would measure the allocator, not the host.
pub fn probe() -> Option<HostNoise> {
    let mut src_buf = AlignedBuf::new(BLOCK);
    src_buf.as_mut_slice().fill(0x5a);
    let mut dst_buf = AlignedBuf::new(BLOCK);
    let src = &src_buf.as_slice()[..BLOCK];
    let dst = &mut dst_buf.as_mut_slice()[..BLOCK];
    // Warm both buffers into the cache first.
    dst.copy_from_slice(src);
    let mut rates = Vec::with_capacity(BURSTS);
    for _ in 0..BURSTS {
        let t = Instant::now();
        for _ in 0..STEPS {
            dst.copy_from_slice(black_box(src));
            black_box(&mut *dst);
        }
        let secs = t.elapsed().as_secs_f64();
        if secs > 0.0 {
            rates.push((BLOCK * STEPS) as f64 / secs / 1e9);
        }
    }
    let summary = crate::stats::Summary::of(&rates)?;
    Some(HostNoise {
        memcpy_gbps: summary.median,
        cv_pct: summary.cv_pct?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_measures_a_positive_rate() {
        let p = probe().expect("bursts timed");
        assert!(p.memcpy_gbps > 0.0 && p.memcpy_gbps.is_finite());
        assert!(p.cv_pct >= 0.0);
    }
}
