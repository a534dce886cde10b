//! The measuring core of netio-tui: the wire format and messages, the send and
//! receive strategies, the workloads, the network plumbing, the engine that runs a
//! cell and samples it, the counters, the copy meter, and the result type (`Row`,
//! `Figure`) every other crate reads. It knows nothing of the command line, the
//! screen, recordings or the two-host protocol (the engine drives a far half through
//! its `Peer` trait). See ARCHITECTURE.md at the repository's root.

pub mod aligned;
pub mod clock;
pub mod copymeter;
pub mod counters;
pub mod engine;
pub mod figure;
#[cfg(any(test, feature = "test-support"))]
pub mod fixtures;
pub mod machine;
pub mod mapped;
pub mod matrix;
pub mod message;
pub mod net;
pub mod probe;
pub mod profile;
pub mod receive;
pub mod registry;
pub mod row;
pub mod stats;
pub mod strategy;
pub mod wire;
pub mod worker;
pub mod workload;
