//! The measuring engine: runs one cell (N sender threads, each with its own TCP
//! connection to one of N receiver threads), samples every worker once a second, and
//! reports per-second [`Sample`]s and a [`CellSummary`] as [`EngineEvent`]s. The live
//! monitor and `--record` both drive [`run_matrix`]; only what consumes the events
//! differs.
//!
//! Timeline of a cell (the sampler's ticks are the only clock that cuts intervals):
//!
//! ```text
//! start ──warm-up (samples marked warm-up)──► W ──measuring window──► E ──stop, drain, join
//!        1 s ticks                                1 s ticks          │
//!                                                 summary = row_between(W, E)
//! ```

pub mod buckets;
mod config;
mod describe;
mod events;
pub mod far;
mod finish;
mod gate;
pub mod half;
pub mod host_noise;
mod latencies;
mod metrics;
mod network;
pub mod peer;
pub mod placement;
pub mod receiver;
pub mod rounds;
mod sampler;
mod sender;
mod snapshot;
pub mod tcp_window;
mod workers;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use crossbeam_channel::Sender;

use crate::matrix::Cell;

pub use config::{CellConfig, DEFAULT_BUDGET_ROUNDS, Fault, RrOptions, SocketSetup};
use describe::name_axes;
pub use events::{
    CellOutcome, CellSummary, ConnectionTotals, EngineError, EngineEvent, Phase, Sample,
};
pub use half::{CellPlan, Ends};
pub use host_noise::HostNoise;
pub use metrics::{Counters, Counting, Latencies, SideSnapshot, Snapshot, row_between};
pub use network::Network;
pub use peer::{FarCounting, FarEnd, FarReading, HalfRole, Peer, PeerHandle};
pub use placement::Pin;
pub use receiver::{Lowat, ReceiverEnd, tcp_bytes_received};
pub use rounds::{Ran, Rounds};
pub use sampler::tick_schedule;
pub use sender::{COMPLETION_PATIENCE, SenderEnd};
pub use tcp_window::TcpFigures;

/// How long the controller waits for every worker to be ready.
pub const READY_PATIENCE: Duration = Duration::from_secs(10);

/// Runs `cells` one at a time (never two at once: they would share the CPUs), handing
/// every event to `emit`, until done or `cancel` is set. `emit` returns false when
/// nobody listens any more, which stops the run quietly. Returns when the run has ended.
pub fn run_matrix(
    cells: &[Cell],
    config: &CellConfig,
    cancel: &AtomicBool,
    mut emit: impl FnMut(EngineEvent) -> bool,
) {
    let config = &config.with_meter_loaded();
    // The most cell runs there can be (until decided, fewer).
    let total = cells.len() * config.repeats.max(1) as usize;
    // Each point's `rate max` throughput this round, the fastest strategy's: what a
    // percentage load takes a share of, so every strategy at the point is offered the
    // same absolute load and their latencies compare at equal `offered_gbps`. Keyed by
    // the point (size, threads, receive strategy) and the round.
    let mut reference: HashMap<(usize, usize, crate::receive::RxStrategy, u32), f64> =
        HashMap::new();
    let point = |c: &Cell, repeat: u32| (c.size.get(), c.threads, c.rx, repeat);
    // Nobody listens any more: stop without a word.
    let mut deaf = false;
    let run_one = |index: usize, cell: Cell, repeat: u32, so_far: &Rounds| -> Ran {
        if cancel.load(Relaxed) {
            return Ran::Stop;
        }
        if !emit(EngineEvent::CellStarted {
            index,
            total,
            cell,
            repeat,
        }) {
            deaf = true;
            return Ran::Stop;
        }
        // Measured while no worker runs: how fast this machine copies right now.
        let host = host_noise::probe();
        let offered = cell.load.offered_gbps(
            cell.size.get(),
            reference.get(&point(&cell, repeat)).copied(),
        );
        let outcome = if cell.load.percent().is_some() && offered.is_none() {
            Err(EngineError::NoReference)
        } else {
            run_cell_offering(cell, offered, config, cancel, |mut s| {
                s.set_repeat(repeat);
                emit(EngineEvent::Sample(Box::new(s)));
            })
        };
        match outcome {
            Ok(CellOutcome::Finished(mut summary)) => {
                if cell.mode().is_saturation()
                    && let Some(g) = summary.row.throughput_gbps.value()
                {
                    let best = reference.entry(point(&cell, repeat)).or_insert(g);
                    *best = best.max(g);
                }
                summary.place(repeat, host);
                let figure = summary
                    .row
                    .headline()
                    .value()
                    .filter(|_| summary.row.flagged.is_none());
                if config.until_decided {
                    // Decided with this round's figure among the rounds so far.
                    summary.row.decided =
                        Some(so_far.decided_with((cell, repeat, figure), cells, config.margin_pct));
                }
                if !emit(EngineEvent::CellFinished { index, summary }) {
                    deaf = true;
                    return Ran::Stop;
                }
                Ran::Figure(figure)
            }
            Ok(CellOutcome::Cancelled) => Ran::Stop,
            // The cell's error is reported and the run goes on: one bad cell does not
            // cost the others.
            Err(e) => {
                // Without the far host no further cell can run: one error, then the end.
                let lost = matches!(e, EngineError::PeerLost(_));
                if !emit(EngineEvent::CellFailed {
                    index,
                    cell,
                    error: e.to_string(),
                    fatal: lost,
                }) {
                    deaf = true;
                    return Ran::Stop;
                }
                if lost { Ran::Stop } else { Ran::Figure(None) }
            }
        }
    };
    let plan = rounds::Plan {
        max: config.repeats,
        until_decided: config.until_decided,
        budget_rounds: config.budget_rounds,
        margin_pct: config.margin_pct,
    };
    rounds::run_rounds(cells, plan, run_one);
    if !deaf {
        emit(EngineEvent::RunEnded {
            cancelled: cancel.load(Relaxed),
        });
    }
}

/// [`run_matrix`] into a channel.
pub fn run_matrix_into(
    cells: &[Cell],
    config: &CellConfig,
    cancel: &AtomicBool,
    events: &Sender<EngineEvent>,
) {
    run_matrix(cells, config, cancel, |e| events.send(e).is_ok());
}

/// Runs one cell whose load (if paced) is absolute: see [`run_cell_offering`].
pub fn run_cell(
    cell: Cell,
    config: &CellConfig,
    cancel: &AtomicBool,
    on_sample: impl FnMut(Sample),
) -> Result<CellOutcome, EngineError> {
    let offered = cell.load.offered_gbps(cell.size.get(), None);
    run_cell_offering(cell, offered, config, cancel, on_sample)
}

/// Runs one cell: sets up the connections, starts 2 × threads workers (pinned as
/// `config.pin` says; under `--remote` this host runs one half and `config.peer` the
/// other), samples them each second (calling `on_sample`), stops them after warm-up +
/// duration, and joins every thread and closes every socket before returning. A paced
/// cell sends `offered` Gbps in total.
pub fn run_cell_offering(
    cell: Cell,
    offered: Option<f64>,
    config: &CellConfig,
    cancel: &AtomicBool,
    mut on_sample: impl FnMut(Sample),
) -> Result<CellOutcome, EngineError> {
    let config = &config.with_meter_loaded();
    let plan = CellPlan::new(cell, offered, config)?;
    let cell = plan.cell;
    let mut guard = match config.network.peer() {
        Some(handle) => Some(
            handle
                .0
                .lock()
                .map_err(|_| EngineError::PeerLost("a thread using it panicked".into()))?,
        ),
        None => None,
    };
    let mut peer: Option<(&mut (dyn Peer + 'static), HalfRole)> = guard.as_deref_mut().map(|p| {
        let role = p.far_role();
        (p, role)
    });
    let (ends, far_counting) = match peer.as_mut() {
        None => {
            let pairs = config
                .network
                .connect(cell.threads, &plan.socket)
                .map_err(EngineError::io("setting up the connections"))?;
            let ends = pairs
                .into_iter()
                .map(|c| Ends {
                    sender: Some(c.sender),
                    receiver: Some(c.receiver),
                })
                .collect();
            (ends, None)
        }
        Some((p, role)) => {
            let (sockets, counting) = p.open(&plan, config)?;
            // This host runs the half the far one does not.
            let ends = sockets
                .into_iter()
                .map(|s| Ends::only(s, role.other()))
                .collect();
            (ends, Some(counting))
        }
    };
    let half = match half::spawn_half(&plan, config, ends) {
        Ok(h) => h,
        Err(e) => {
            if let Some((p, _)) = peer.as_mut() {
                p.stop();
                let _ = p.finish();
            }
            return Err(e);
        }
    };
    // Every worker has published its thread id: open its counters, take the first
    // snapshot, and only then let the workers go, so a window without warm-up starts
    // before the first send.
    let mut counters = if cell.workload.saturates() {
        Counters::open(&half.senders, &half.receivers)
    } else {
        Counters::none()
    };
    let counting = match &far_counting {
        Some(far) => far.join(counters.counting),
        None => counters.counting,
    };
    let sampled = sampler::sample(
        sampler::Sampling {
            cell,
            config,
            cancel,
            half: &half,
            counters: &mut counters,
            counting,
            offered,
            wire_len: cell.size.get() as u64,
            peer: peer.as_mut().map(|(p, role)| (&mut **p, *role)),
        },
        &mut on_sample,
    );
    finish::finish_cell(plan, config, cancel, half, sampled, counting, peer)
}

#[cfg(test)]
mod tests;
