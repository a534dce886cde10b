//! The workload registry: what the senders do with their strategy, message after
//! message. One file per workload with its `ENTRY`; [`WORKLOADS`] lists them. Only
//! `stream` exists today; request-response and paced load join it as files and lines.

mod stream;

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
    /// The sender's loop: sends through `l` until `l` says stop.
    pub drive: fn(l: &mut SendLoop<'_>) -> Result<(), EngineError>,
}

/// Every workload, in the order the tool shows them.
pub const WORKLOADS: [WorkloadEntry; 1] = [stream::ENTRY];

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
