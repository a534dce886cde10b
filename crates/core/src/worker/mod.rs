//! What a worker thread holds and publishes, below the engine and the workloads: the
//! loop a workload drives ([`SendLoop`]: the only way a workload sends, waits for a
//! reply or records a figure), each worker's totals behind a single-writer seqlock
//! (`published`, `seqlock`), its latency histograms handed to the sampler without a
//! lock (`handover`) and the CPUs it was seen on (`cpus`). The engine spawns the
//! workers and samples what they publish; a workload's `drive` runs inside one.

pub mod cpus;
pub mod handover;
pub mod published;
mod send_loop;
pub mod seqlock;

pub use send_loop::{LoopPlan, SendLoop};

/// What stops a worker's loop; the engine reports it as its own error
/// (`EngineError`), word for word.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// A system call failed; `op` names it.
    #[error("{op}: {source}")]
    Io {
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Send(#[from] crate::strategy::SendError),
    #[error("the receiver closed the connection while {0} replies were outstanding")]
    NoReply(usize),
}
