//! The workload registry: what the senders do with their strategy, message after
//! message. One file per workload with its `ENTRY`; [`WORKLOADS`] lists them. Only
//! `stream` exists today; request-response and paced load join it as files and lines.

mod stream;

use std::fmt;
use std::str::FromStr;

use crate::engine::{EngineError, SendLoop};
use crate::registry::{self, About};

/// A workload: the key of its [`WorkloadEntry`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workload {
    #[default]
    Stream,
}

/// Everything the tool knows about one workload.
#[derive(Debug, Clone, Copy)]
pub struct WorkloadEntry {
    pub workload: Workload,
    pub about: About,
    /// What latency means under it, as the monitor and report label it.
    pub latency_label: &'static str,
    /// The sender's loop: sends through `l` until `l` says stop.
    pub drive: fn(l: &mut SendLoop<'_>) -> Result<(), EngineError>,
}

/// Every workload, in the order the tool shows them.
pub const WORKLOADS: [WorkloadEntry; 1] = [stream::ENTRY];

impl Workload {
    /// Its registry entry (a variant's number is its line in [`WORKLOADS`]).
    pub fn entry(self) -> &'static WorkloadEntry {
        WORKLOADS.get(self as usize).unwrap_or(&WORKLOADS[0])
    }

    /// The CLI and CSV name.
    pub fn name(self) -> &'static str {
        self.entry().about.name
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Workload {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        registry::find(&WORKLOADS, |e| &e.about, "workload", s).map(|e| e.workload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_variant_order_and_parse() {
        for (i, e) in WORKLOADS.iter().enumerate() {
            assert_eq!(e.workload as usize, i);
            assert_eq!(e.about.name.parse::<Workload>(), Ok(e.workload));
        }
        assert!("bursty".parse::<Workload>().is_err());
    }
}
