//! The end of a cell: stop the senders, join every worker (here and, under
//! `--remote`, on the far host), and turn the window's snapshots and the workers'
//! totals into the cell's [`CellSummary`], or say why there is none.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use super::half::{CellPlan, Half};
use super::peer::{self, FarEnd, HalfRole, Peer};
use super::sampler::{self, Sampled};
use super::{
    CellConfig, CellOutcome, CellSummary, ConnectionTotals, Counting, EngineError, name_axes,
    row_between,
};
use crate::row::formula;
use crate::strategy::ZeroCopyCounts;

pub(super) fn finish_cell(
    plan: CellPlan,
    config: &CellConfig,
    cancel: &AtomicBool,
    half: Half,
    sampled: Sampled,
    counting: Counting,
    mut peer: Option<(&mut (dyn Peer + 'static), HalfRole)>,
) -> Result<CellOutcome, EngineError> {
    let Sampled {
        window_start,
        window_end,
        window_latency,
        seconds_gbps,
        failed,
        peer_error,
    } = sampled;
    let cell = plan.cell;
    let cancelled = cancel.load(Relaxed);
    // Which worker ended early, noted before the others are told to stop.
    let early = failed.then(|| half.workers.first_finished()).flatten();
    half.stop.store(true, Relaxed);
    // The far half stops now too (its senders end, so receivers here see the end);
    // if it is gone, nothing will drain or feed the connections: shut them down.
    match (peer.as_mut(), &peer_error) {
        (Some((p, _)), None) => p.stop(),
        (Some(_), Some(_)) => half.shut_down(),
        _ => {}
    }
    let (tx_cpus, rx_cpus) = half.cpus_seen();
    // Under `--remote` this host's end, to compare with the far end's readback.
    let near_options = half
        .tx_watched
        .first()
        .or(half.rx_watched.first())
        .map(|s| {
            crate::net::sockopt::EndOptions::read(
                std::os::fd::AsFd::as_fd(s),
                plan.socket.sndbuf.is_some(),
            )
        });
    let Half {
        workers,
        senders,
        receivers,
        mut setup,
        ..
    } = half;
    let ends = workers.join();
    sampler::unwatch_workers(config.copy_meter.meter(), &senders, &receivers);
    let far = match (peer.as_mut(), peer_error) {
        (_, Some(e)) => return Err(e),
        (Some((p, role)), None) => Some((p.finish()?, *role)),
        (None, None) => None,
    };
    if cancelled && !failed {
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
    let wire_len = cell.size.get() as u64;
    // Each connection's sending and receiving ends, from this host or the far one.
    let mut sent: Vec<(u64, u64)> = sent
        .iter()
        .zip(&senders)
        .map(|(s, tx)| (s.messages, tx.totals().send_calls))
        .collect();
    let mut received: Vec<(u64, u64, Option<u64>)> = received
        .iter()
        .zip(&receivers)
        .map(|(r, rx)| (rx.totals().messages, r.wire_bytes, r.tcpi_bytes_received))
        .collect();
    let mut integrity_errors: u64 = receivers.iter().map(|r| r.totals().integrity_errors).sum();
    let mut truncated_frames: u64 = receivers.iter().map(|r| r.totals().truncated_frames).sum();
    let mut final_tx = senders
        .iter()
        .fold(ZeroCopyCounts::default(), |sum, s| sum.plus(s.totals().zc));
    let (mut tx_cpus, mut rx_cpus) = (tx_cpus, rx_cpus);
    if let Some((far, role)) = far {
        let FarEnd {
            sent: far_sent,
            received: far_received,
            integrity_errors: far_errors,
            truncated_frames: far_truncated,
            end_options: far_options,
            zero_copy,
            cpus,
        } = far;
        setup.ends_alike = near_options.zip(far_options).map(|(near, far)| near == far);
        match role {
            HalfRole::Senders => {
                sent = far_sent;
                final_tx = zero_copy;
                tx_cpus = cpus;
            }
            HalfRole::Receivers => {
                received = far_received;
                integrity_errors += far_errors;
                truncated_frames += far_truncated;
                rx_cpus = cpus;
            }
        }
    }
    let connections = sent
        .iter()
        .zip(&received)
        .map(
            |(&(messages, calls), &(got, bytes, tcpi))| ConnectionTotals {
                sent_messages: messages,
                sent_wire_bytes: messages * wire_len,
                send_calls: calls,
                received_messages: got,
                received_wire_bytes: bytes,
                tcpi_bytes_received: tcpi,
            },
        )
        .collect();
    let mut row = row_between(&window_start, &window_end, &window_latency, cell, &counting);
    // The late-copy program sees the whole machine: a late copy beyond what this
    // cell pinned (or on a strategy that pins nothing) is someone else's.
    let foreign_late_copy = match (row.late_copied_bytes.value(), row.tx_zerocopy_bytes.value()) {
        (Some(late), Some(pinned))
            if late > formula::late_copy_allowance(pinned, cell.threads as u64)
                || (late > 0 && !cell.strategy.is_zero_copy()) =>
        {
            Some(late)
        }
        _ => None,
    };
    if peer.is_some() {
        peer::across_hosts(&mut row);
    }
    let mut summary = CellSummary {
        cell,
        repeat: 1,
        row,
        zero_copy: cell.strategy.is_zero_copy().then_some(final_tx),
        integrity_errors,
        truncated_frames,
        window_asked_s: config.duration.as_secs_f64(),
        foreign_late_copy,
        connections,
        counting,
        seconds_gbps,
        setup,
        tx_cpus,
        rx_cpus,
        host: None,
    };
    name_axes(&mut summary.row, config, cell, plan.offered);
    summary.complete_row();
    Ok(CellOutcome::Finished(Box::new(summary)))
}
