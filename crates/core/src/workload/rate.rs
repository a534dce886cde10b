//! `rate` (paced, open loop): each pair sends on a fixed schedule (`--rate` in total,
//! split evenly over the pairs, the pairs staggered within one interval), whatever the
//! receiver does. Each message is stamped with its *due* time, so its one-way latency
//! (`lat_*`) counts any time the sender fell behind (coordinated omission corrected).
//! The schedule and the wait are in `pacing.rs`. At `--rate max` the same sender runs
//! unpaced: its throughput is what percentage loads take a share of.

use super::pacing::{self, MonotonicClock, PacedSink, Pacer};
use super::{Workload, WorkloadEntry};
use crate::registry::{self, About};
use crate::worker::{SendLoop, WorkerError};

pub const ENTRY: WorkloadEntry = WorkloadEntry {
    workload: Workload::Rate,
    about: About {
        name: "rate",
        aliases: &["paced"],
        summary: "paced open loop at --rate (e.g. 50%, 2G, 50k/s); latency from each message's due time",
        available: registry::always,
    },
    headline: "lat_p99_us",
    headline_label: "p99 µs",
    better: crate::stats::Better::Lower,
    latency_label: "lat",
    latency_title: "one-way latency from each message's due time",
    paced: true,
    round_trips: false,
    saturates: false,
    drive,
};

fn drive(l: &mut SendLoop<'_>) -> Result<(), WorkerError> {
    let Some((interval_ps, pair, pairs)) = l.pacing() else {
        // `rate max`: the same messages, back to back (the 100 % of the loads).
        while !l.stopped() {
            l.send_one()?;
        }
        return Ok(());
    };
    pacing::tighten_timer_slack();
    let mut clock = MonotonicClock;
    let pacer = Pacer::for_pair(crate::clock::monotonic_ns(), interval_ps, pair, pairs);
    pacing::run_paced(&mut clock, pacer, l)?;
    Ok(())
}

impl PacedSink for SendLoop<'_> {
    type Error = WorkerError;

    fn stopped(&self) -> bool {
        SendLoop::stopped(self)
    }

    fn send_due(&mut self, due_ns: u64) -> Result<(), WorkerError> {
        self.send_at(due_ns)
    }
}
