//! The worker threads of a cell: spawning them, noticing one that ended early, and
//! joining them all (senders first) whatever happened.

use std::thread;

use super::gate::Gate;
use super::{EngineError, ReceiverEnd, SenderEnd};

type Handle<T> = thread::JoinHandle<Result<T, EngineError>>;

/// The worker threads of a cell.
#[derive(Default)]
pub(super) struct Workers {
    pub senders: Vec<Handle<SenderEnd>>,
    pub receivers: Vec<Handle<ReceiverEnd>>,
}

impl Workers {
    /// Setting up failed: send the workers already waiting home, join them, and
    /// return `error`.
    pub fn abort(self, gate: &Gate, error: EngineError) -> EngineError {
        gate.open(false);
        let _ = self.join();
        error
    }

    /// The name of a worker thread that has ended, if one has (before it was told to,
    /// that is a failure).
    pub fn first_finished(&self) -> Option<String> {
        let names = |h: &thread::Thread| h.name().unwrap_or("a worker").to_string();
        self.senders
            .iter()
            .find(|h| h.is_finished())
            .map(|h| names(h.thread()))
            .or_else(|| {
                self.receivers
                    .iter()
                    .find(|h| h.is_finished())
                    .map(|h| names(h.thread()))
            })
    }

    pub fn any_finished(&self) -> bool {
        self.senders.iter().any(|h| h.is_finished())
            || self.receivers.iter().any(|h| h.is_finished())
    }

    /// Joins every thread (senders first: they close their sockets, which ends the
    /// receivers), returning the first error.
    pub fn join(self) -> Result<(Vec<SenderEnd>, Vec<ReceiverEnd>), EngineError> {
        let senders: Vec<_> = self.senders.into_iter().map(join_one).collect();
        let receivers: Vec<_> = self.receivers.into_iter().map(join_one).collect();
        Ok((
            senders.into_iter().collect::<Result<_, _>>()?,
            receivers.into_iter().collect::<Result<_, _>>()?,
        ))
    }
}

fn join_one<T>(h: Handle<T>) -> Result<T, EngineError> {
    h.join().map_err(|_| EngineError::WorkerPanicked)?
}

pub(super) fn spawn<T: Send + 'static>(
    name: String,
    f: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
) -> Result<Handle<T>, EngineError> {
    thread::Builder::new()
        .name(name)
        .spawn(f)
        .map_err(EngineError::Spawn)
}
