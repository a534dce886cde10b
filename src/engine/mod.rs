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

mod config;
mod describe;
mod events;
mod gate;
pub mod host_noise;
mod latencies;
mod metrics;
pub mod placement;
mod receiver;
mod sampler;
mod send_loop;
mod sender;
pub mod seqlock;
pub mod stats;
pub mod tcp_window;
mod workers;

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use crossbeam_channel::Sender;

use crate::matrix::Cell;
use crate::net::{SocketOptions, sockopt};
use crate::strategy::{StrategyOptions, ZeroCopyCounts};
use crate::workload::{Workload, interval_ps};

pub use config::{CellConfig, RrOptions, SocketSetup, schedule};
use describe::{name_axes, socket_setup};
pub use events::{
    CellOutcome, CellSummary, ConnectionTotals, EngineError, EngineEvent, Phase, Sample,
};
use gate::Gate;
pub use host_noise::HostNoise;
pub use metrics::{Counters, Counting, Latencies, SideSnapshot, Snapshot, row_between};
pub use placement::Pin;
pub use receiver::{Lowat, RECV_BUF, ReceiverEnd, ring_len, tcp_bytes_received};
use sampler::Sampled;
pub use sampler::tick_schedule;
pub use send_loop::{LoopPlan, SendLoop};
pub use sender::{COMPLETION_PATIENCE, SenderEnd};
use stats::{ReceiverStats, SenderStats};
pub use tcp_window::TcpFigures;
use workers::{Workers, spawn};

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
    let runs = schedule(cells, config.repeats);
    let total = runs.len();
    // Each point's `rate max` throughput this round: what a percentage load takes a
    // share of.
    let mut reference: HashMap<Cell, f64> = HashMap::new();
    for (index, &(cell, repeat)) in runs.iter().enumerate() {
        if cancel.load(Relaxed) {
            break;
        }
        if !emit(EngineEvent::CellStarted {
            index,
            total,
            cell,
            repeat,
        }) {
            return;
        }
        // Measured while no worker runs: how fast this machine copies right now.
        let host = host_noise::probe();
        let offered = cell
            .load
            .offered_gbps(cell.size, reference.get(&cell.reference()).copied());
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
                if cell.mode().is_saturation() {
                    match summary.row.throughput_gbps.value() {
                        Some(g) => reference.insert(cell.reference(), g),
                        None => reference.remove(&cell.reference()),
                    };
                }
                summary.place(repeat, host);
                emit(EngineEvent::CellFinished { index, summary });
            }
            Ok(CellOutcome::Cancelled) => break,
            // The cell's error is reported and the run goes on: one bad cell does not
            // cost the others.
            Err(e) => {
                if cell.mode().is_saturation() {
                    reference.remove(&cell.reference());
                }
                if !emit(EngineEvent::CellFailed {
                    index,
                    cell,
                    error: e.to_string(),
                }) {
                    return;
                }
            }
        }
    }
    emit(EngineEvent::RunEnded {
        cancelled: cancel.load(Relaxed),
    });
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
    let offered = cell.load.offered_gbps(cell.size, None);
    run_cell_offering(cell, offered, config, cancel, on_sample)
}

/// Runs one cell: sets up the connections, starts 2 × threads workers (pinned as
/// `config.pin` says), samples them each second (calling `on_sample`), stops them after
/// warm-up + duration, and joins every thread and closes every socket before returning.
/// A paced cell sends `offered` Gbps in total.
pub fn run_cell_offering(
    cell: Cell,
    offered: Option<f64>,
    config: &CellConfig,
    cancel: &AtomicBool,
    mut on_sample: impl FnMut(Sample),
) -> Result<CellOutcome, EngineError> {
    let config = &config.with_meter_loaded();
    // The frame header lives inside the message: never smaller than it.
    let cell = Cell {
        size: crate::wire::effective_size(cell.size),
        ..cell
    };
    let pacing = if cell.is_paced() {
        let interval = offered
            .and_then(|g| interval_ps(g, cell.size, cell.threads))
            .ok_or(EngineError::NoRate)?;
        Some(interval)
    } else {
        None
    };
    let zero_copy = cell.strategy.is_zero_copy();
    let stream = cell.workload == Workload::Stream;
    let socket_opts = SocketOptions {
        zerocopy: zero_copy,
        // Request-response and paced messages go at once: Nagle would hold them.
        nagle: config.socket.nagle && stream,
        ..config.socket
    };
    // Zero-copy never coalesces (MSG_MORE was measured to hurt it), nor do workloads
    // whose messages must leave when sent.
    let strategy_opts = StrategyOptions {
        coalesce: config.strategy.coalesce && !zero_copy && stream,
        // A batch waits until it fills: only a stream keeps it full.
        uring_depth: if stream {
            config.strategy.uring_depth
        } else {
            1
        },
        ..config.strategy
    };
    let rr = cell.workload.has_round_trips();
    let reply = if rr { config.rr.response_size } else { 0 };
    let connections = config
        .network
        .connect(cell.threads, &socket_opts)
        .map_err(EngineError::io("setting up the connections"))?;
    let lowat = config.lowat_for(cell.workload);
    if lowat != Lowat::Off {
        for c in &connections {
            sockopt::set_rcvlowat(c.receiver.as_fd(), receiver::frame_lowat(cell.size))
                .map_err(EngineError::io("setsockopt SO_RCVLOWAT"))?;
        }
    }
    let setup = SocketSetup {
        lowat: lowat.name(),
        pin: config.pin.label(),
        coalesce: strategy_opts.coalesce,
        ..connections.first().map(socket_setup).unwrap_or_default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    // Nobody sends before every worker is ready.
    let start = Arc::new(Gate::default());
    let wire_len = cell.size as u64;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());

    let mut senders = Vec::with_capacity(cell.threads);
    let mut receivers = Vec::with_capacity(cell.threads);
    // The sampler's own handles on the sender sockets, for TCP_INFO.
    let mut watched = Vec::with_capacity(cell.threads);
    let mut workers = Workers::default();
    for (i, conn) in connections.into_iter().enumerate() {
        let (tx_cpu, rx_cpu) = config.pin.cpus_for(i, cpus);
        match conn.sender.try_clone() {
            Ok(dup) => watched.push(dup),
            Err(e) => {
                return Err(workers.abort(
                    &start,
                    EngineError::Io {
                        op: "dup",
                        source: e,
                    },
                ));
            }
        }
        let rx_stats = Arc::new(ReceiverStats::new(cell.size as u64));
        let tx_stats = Arc::new(SenderStats::default());
        let job = receiver::ReceiverJob {
            socket: conn.receiver,
            cell,
            verify: config.verify,
            tolerate_rewrites: config.strategy.unsafe_reuse,
            recv_buffer: config.recv_buffer,
            lowat,
            rx: cell.rx,
            reply,
            depth: config.rr.depth,
            cpu: rx_cpu,
            namespace: config.network.receiver_ns().map(str::to_string),
            stats: Arc::clone(&rx_stats),
            start: Arc::clone(&start),
        };
        match spawn(format!("nio-rx-{i}"), move || receiver::run(job)) {
            Ok(h) => workers.receivers.push(h),
            Err(e) => return Err(workers.abort(&start, e)),
        }
        let job = sender::SenderJob {
            socket: conn.sender,
            cell,
            options: strategy_opts,
            plan: LoopPlan {
                depth: config.rr.depth,
                response_size: reply,
                pacing: pacing.map(|p| (p, i, cell.threads)),
            },
            cpu: tx_cpu,
            namespace: config.network.sender_ns().map(str::to_string),
            stats: Arc::clone(&tx_stats),
            stop: Arc::clone(&stop),
            start: Arc::clone(&start),
        };
        match spawn(format!("nio-tx-{i}"), move || sender::run(job)) {
            Ok(h) => workers.senders.push(h),
            Err(e) => return Err(workers.abort(&start, e)),
        }
        senders.push(tx_stats);
        receivers.push(rx_stats);
    }
    if !start.wait_ready(2 * cell.threads, READY_PATIENCE) {
        let who = workers
            .first_finished()
            .unwrap_or_else(|| "a worker".into());
        return Err(workers.abort(&start, EngineError::NotReady(who)));
    }
    // Every worker has published its thread id: open its counters, take the first
    // snapshot, and only then let the workers go, so a window without warm-up starts
    // before the first send.
    let mut counters = if cell.workload == Workload::Stream {
        Counters::open(&senders, &receivers)
    } else {
        Counters::none()
    };
    let counting = counters.counting;
    let Sampled {
        window_start,
        window_end,
        window_latency,
        seconds_gbps,
        failed,
    } = sampler::sample(
        sampler::Sampling {
            cell,
            config,
            cancel,
            workers: &workers,
            senders: &senders,
            receivers: &receivers,
            counters: &mut counters,
            offered,
            watched: &watched,
            wire_len,
            start: &start,
        },
        &mut on_sample,
    );

    // Which worker ended early, noted before the others are told to stop.
    let early = failed.then(|| workers.first_finished()).flatten();
    stop.store(true, Relaxed);
    let ends = workers.join();
    sampler::unwatch_workers(config.copy_meter.meter(), &senders, &receivers);
    if cancel.load(Relaxed) && !failed {
        ends?;
        return Ok(CellOutcome::Cancelled);
    }
    let (sent, received) = ends?;
    if failed {
        // Every worker returned without an error, but one ended before it was told to:
        // its figures would be a fraction of a cell, so there is no row.
        return Err(EngineError::EndedEarly(
            early.unwrap_or_else(|| "a worker".into()),
        ));
    }
    let final_tx = senders
        .iter()
        .fold(ZeroCopyCounts::default(), |sum, s| sum.plus(s.totals().zc));
    let connections = sent
        .iter()
        .zip(&senders)
        .zip(received.iter().zip(&receivers))
        .map(|((s, tx), (r, stats))| ConnectionTotals {
            sent_messages: s.messages,
            sent_wire_bytes: s.messages * wire_len,
            send_calls: tx.totals().send_calls,
            received_messages: stats.totals().messages,
            received_wire_bytes: r.wire_bytes,
            tcpi_bytes_received: r.tcpi_bytes_received,
        })
        .collect();
    let cpus_of = |seen: Vec<Vec<usize>>| {
        let mut all: Vec<usize> = seen.into_iter().flatten().collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let mut summary = CellSummary {
        cell,
        repeat: 1,
        row: row_between(&window_start, &window_end, &window_latency, cell, &counting),
        zero_copy: zero_copy.then_some(final_tx),
        integrity_errors: receivers.iter().map(|r| r.totals().integrity_errors).sum(),
        connections,
        counting,
        seconds_gbps,
        setup,
        tx_cpus: cpus_of(senders.iter().map(|s| s.cpus.cpus()).collect()),
        rx_cpus: cpus_of(receivers.iter().map(|r| r.cpus.cpus()).collect()),
        host: None,
    };
    name_axes(&mut summary.row, config, cell, offered);
    summary.complete_row();
    Ok(CellOutcome::Finished(Box::new(summary)))
}

#[cfg(test)]
mod tests;
