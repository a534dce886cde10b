//! The workload registry: what the senders do with their strategy, message after
//! message. One file per workload with its `ENTRY`; [`WORKLOADS`] lists them. Only
//! `stream` (as fast as possible), `rr` (request-response) and `rate` (paced open loop).
//! How much a paced cell offers is its [`Load`] (`load.rs`); the pure parts of `rr` and
//! `rate` (the in-flight window, the schedule) are unit-tested in their files.

mod load;
pub mod pacing;
mod rate;
pub mod rr;
mod stream;

pub use load::{Load, MAX_PERCENT, interval_ps};

use crate::registry::{self, About};
use crate::worker::{SendLoop, WorkerError};

/// A workload: the key of its [`WorkloadEntry`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workload {
    #[default]
    Stream,
    Rr,
    Rate,
}

impl Workload {
    /// The workload takes a [`Load`] (`rate`; paced unless the load is `max`).
    pub fn is_paced(self) -> bool {
        self.entry().paced
    }

    /// Its latency is a round trip (`rtt_*`), not one-way.
    pub fn has_round_trips(self) -> bool {
        self.entry().round_trips
    }

    /// Its senders send as fast as their strategy allows (`stream`).
    pub fn saturates(self) -> bool {
        self.entry().saturates
    }
}

/// Everything the tool knows about one workload.
#[derive(Debug, Clone, Copy)]
pub struct WorkloadEntry {
    pub workload: Workload,
    pub about: About,
    /// The figure strategies are ranked by under this workload (a CSV column's name),
    /// its short label, and which way it improves.
    pub headline: &'static str,
    pub headline_label: &'static str,
    pub better: crate::stats::Better,
    /// What its latency columns measure: a short label for narrow places (`qd`, `rtt`,
    /// `lat`) and a title.
    pub latency_label: &'static str,
    pub latency_title: &'static str,
    /// It takes a [`Load`] (`--rate`), the 100 % of which is the same workload at
    /// `max`, measured first in each round.
    pub paced: bool,
    /// Each message waits for a reply (`--depth`, `--response-size`): its latency is a
    /// round trip and ranks strategies.
    pub round_trips: bool,
    /// Senders send as fast as their strategy allows: throughput is the figure, its
    /// latency is queueing (never a ranking), perf counters are attached (they add
    /// work to every context switch a latency workload makes), io_uring may batch,
    /// Nagle and coalescing may apply, and receivers wake per frame.
    pub saturates: bool,
    /// The sender's loop: sends through `l` until `l` says stop.
    pub drive: fn(l: &mut SendLoop<'_>) -> Result<(), WorkerError>,
}

/// Every workload, in the order the tool shows them.
pub const WORKLOADS: [WorkloadEntry; 3] = [stream::ENTRY, rr::ENTRY, rate::ENTRY];

registry::registry_key!(Workload, WorkloadEntry, WORKLOADS, workload, "workload");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_variant_order_and_parse() {
        registry::assert_in_order(&WORKLOADS, |e| &e.about, |e| e.workload as usize);
        assert!("none-such".parse::<Workload>().is_err());
    }
}
