//! `stream`: every sender sends as fast as its strategy allows. At saturation the
//! one-way latency is queueing in socket buffers, not the cost of a strategy.

use super::{Workload, WorkloadEntry};
use crate::registry::{self, About};
use crate::worker::{SendLoop, WorkerError};

pub const ENTRY: WorkloadEntry = WorkloadEntry {
    workload: Workload::Stream,
    about: About {
        name: "stream",
        aliases: &[],
        summary: "each sender sends as fast as it can (throughput; latency is queueing)",
        available: registry::always,
    },
    headline: "throughput_gbps",
    headline_label: "Gbps",
    better: crate::stats::Better::Higher,
    latency_label: "qd",
    latency_title: "queueing delay of a saturated stream (not a strategy's cost)",
    paced: false,
    round_trips: false,
    saturates: true,
    drive,
};

fn drive(l: &mut SendLoop<'_>) -> Result<(), WorkerError> {
    while !l.stopped() {
        l.send_one()?;
    }
    Ok(())
}
