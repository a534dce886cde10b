//! The far half of a `--remote` cell, as `netio-tui serve` runs it: this host's
//! workers on the connections the controller opened, a reading of their cumulative
//! totals at every tick of the same schedule the controller samples on, and their
//! totals at the end. The controller computes every figure; this side only counts.

use std::net::TcpStream;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use super::half::{CellPlan, Ends, Half, spawn_half};
use super::peer::{FarCounting, FarEnd, FarReading, HalfRole};
use super::sampler::{tick_schedule, unwatch_workers, watch_workers};
use super::{CellConfig, Counters, EngineError, Latencies, Snapshot};
use crate::matrix::Cell;
use crate::strategy::ZeroCopyCounts;

/// How long the far half waits, after its last tick, for the controller's stop.
const STOP_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// The far half's line to its controller.
pub trait FarLink {
    /// The workers are ready: says how they count and waits for the go. False: the
    /// controller said stop or went away.
    fn ready(&mut self, counting: FarCounting) -> bool;
    /// Sends one reading; false when the controller is gone.
    fn send(&mut self, reading: FarReading) -> bool;
    /// Waits until `deadline`; false when the controller said stop or went away first.
    fn wait(&mut self, deadline: Instant) -> bool;
    /// The controller is gone (or stopped answering).
    fn lost(&self) -> bool;
}

/// Runs `role`'s half of `cell` on `sockets` (one per pair, in order), reporting to
/// `link`, and returns its totals once every worker has ended.
pub fn run_far_half(
    cell: Cell,
    offered: Option<f64>,
    config: &CellConfig,
    role: HalfRole,
    sockets: Vec<TcpStream>,
    link: &mut dyn FarLink,
) -> Result<FarEnd, EngineError> {
    let plan = CellPlan::new(cell, offered, config)?;
    // What this end reads back, for the near host to compare with its own end.
    let end_options = sockets.first().map(|s| {
        crate::net::sockopt::EndOptions::read(
            std::os::fd::AsFd::as_fd(s),
            plan.socket.sndbuf.is_some(),
        )
    });
    let ends = sockets.into_iter().map(|s| Ends::only(s, role)).collect();
    let half = spawn_half(&plan, config, ends)?;
    let mut counters = if plan.cell.workload.saturates() {
        Counters::open(&half.senders, &half.receivers)
    } else {
        Counters::none()
    };
    let meter = config
        .copy_meter
        .meter()
        .filter(|m| watch_workers(m, &half.senders, &half.receivers));
    let wire_len = plan.cell.size.get() as u64;
    let counting = FarCounting::of(&counters.counting);
    let mut read = |half: &Half| {
        let snap = Snapshot::take(
            &half.senders,
            &half.receivers,
            &mut counters,
            &half.tx_watched,
            &half.rx_watched,
            wire_len,
            meter,
        );
        let lat = Latencies::take(&half.senders, &half.receivers);
        FarReading {
            side: match role {
                HalfRole::Senders => snap.tx,
                HalfRole::Receivers => snap.rx,
            },
            rtt: FarReading::buckets(&lat.rtt),
            pace: FarReading::buckets(&lat.pace),
        }
    };
    let go = link.ready(counting);
    let mut early = None;
    if go && link.send(read(&half)) {
        half.start.open(true);
        let t0 = Instant::now();
        let mut stopped = false;
        for (offset, _) in tick_schedule(config.warmup, config.duration) {
            if !link.wait(t0 + offset) {
                stopped = true;
                break;
            }
            if let Some(who) = half.workers.first_finished() {
                early = Some(who);
                break;
            }
            if !link.send(read(&half)) {
                break;
            }
        }
        // The workers run on until the controller has taken its own last reading
        // (its stop), so neither side's last snapshot misses the other's threads.
        if !stopped && early.is_none() {
            link.wait(Instant::now() + STOP_PATIENCE);
        }
    } else {
        half.start.open(false);
    }
    if link.lost() {
        // Nobody will drain or feed the connections any more.
        half.shut_down();
    }
    end(half, config, early, end_options)
}

/// Stops the senders, joins every worker and sums their totals.
fn end(
    half: Half,
    config: &CellConfig,
    early: Option<String>,
    end_options: Option<crate::net::sockopt::EndOptions>,
) -> Result<FarEnd, EngineError> {
    half.stop.store(true, Relaxed);
    let (tx_cpus, rx_cpus) = half.cpus_seen();
    let Half {
        workers,
        senders,
        receivers,
        ..
    } = half;
    let ends = workers.join();
    unwatch_workers(config.copy_meter.meter(), &senders, &receivers);
    let (sent, received) = ends?;
    if let Some(who) = early {
        return Err(EngineError::EndedEarly(who));
    }
    Ok(FarEnd {
        sent: sent
            .iter()
            .zip(&senders)
            .map(|(s, st)| (s.messages, st.totals().send_calls))
            .collect(),
        received: received
            .iter()
            .zip(&receivers)
            .map(|(r, st)| (st.totals().messages, r.wire_bytes, r.tcpi_bytes_received))
            .collect(),
        integrity_errors: receivers.iter().map(|r| r.totals().integrity_errors).sum(),
        truncated_frames: receivers.iter().map(|r| r.totals().truncated_frames).sum(),
        end_options,
        zero_copy: senders
            .iter()
            .fold(ZeroCopyCounts::default(), |sum, s| sum.plus(s.totals().zc)),
        cpus: if senders.is_empty() { rx_cpus } else { tx_cpus },
    })
}
