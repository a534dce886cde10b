//! The sampler: opens the start gate, then once a second (and at the end of warm-up
//! and of the window) takes a [`Snapshot`] of every worker, turns the interval into a
//! per-second [`Sample`], and keeps what the cell's summary needs: the window's first
//! and last snapshots, its latencies and its per-second throughputs.

use super::buckets::LatencyBuckets;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use super::half::Half;
use super::peer::{self, HalfRole, Peer};
use super::workers::Workers;
use super::{
    CellConfig, Counters, Counting, EngineError, Latencies, Phase, Sample, Snapshot, name_axes,
    row_between,
};
use crate::matrix::Cell;
use crate::worker::published::{ReceiverStats, SenderStats};

/// What the sampler works on: the cell's workers on this host, their counters, and
/// the far half when there is one.
pub(super) struct Sampling<'a> {
    pub cell: Cell,
    pub config: &'a CellConfig,
    pub cancel: &'a AtomicBool,
    pub half: &'a Half,
    pub counters: &'a mut Counters,
    /// Both hosts' counting (this host's alone for a local cell).
    pub counting: Counting,
    /// What a paced cell offers, Gbps in total.
    pub offered: Option<f64>,
    pub wire_len: u64,
    /// The far host and the half it runs (`--remote`).
    pub peer: Option<(&'a mut (dyn Peer + 'static), HalfRole)>,
}

/// What the cell's summary needs from the sampler.
pub(super) struct Sampled {
    pub window_start: Snapshot,
    pub window_end: Snapshot,
    pub window_latency: Latencies,
    /// Throughput of each interval of the window, Gbps.
    pub seconds_gbps: Vec<f64>,
    /// A worker ended early (it failed); the run was not cancelled.
    pub failed: bool,
    /// The far host failed or went away.
    pub peer_error: Option<EngineError>,
}

/// One tick's snapshot and latencies: this host's, joined with the far side's.
fn take_all(
    half: &Half,
    counters: &mut Counters,
    wire_len: u64,
    meter: Option<&crate::copymeter::Meter>,
    far: Option<(peer::FarReading, HalfRole)>,
) -> (Snapshot, Latencies) {
    let local = Snapshot::take(
        &half.senders,
        &half.receivers,
        counters,
        &half.tx_watched,
        &half.rx_watched,
        wire_len,
        meter,
    );
    let mut lat = Latencies::take(&half.senders, &half.receivers);
    match far {
        Some((reading, role)) => {
            reading.add_latencies(&mut lat);
            (peer::joined(local, &reading, role), lat)
        }
        None => (local, lat),
    }
}

/// Lets the workers go and samples them until the window ends, the run is cancelled or
/// a worker fails, handing each interval to `on_sample`.
pub(super) fn sample(s: Sampling<'_>, on_sample: &mut impl FnMut(Sample)) -> Sampled {
    let Sampling {
        cell,
        config,
        cancel,
        half,
        counters,
        counting,
        offered,
        wire_len,
        mut peer,
    } = s;
    let (workers, senders, receivers) = (&half.workers, &half.senders, &half.receivers);
    // Every worker has checked in, so its tid is known: sender i counts in slot 2i,
    // receiver i in 2i + 1, before the gate opens.
    // A worker that cannot be registered would be counted short: then the cell has
    // no copy figures at all (absent, with the reason), rather than wrong ones.
    let meter = config
        .copy_meter
        .meter()
        .filter(|m| watch_workers(m, senders, receivers));
    let mut peer_error = None;
    // The far half starts first: its first reading is taken before any byte moves
    // (its senders wait for the go, its receivers for bytes).
    let far_first = match peer.as_mut().map(|(p, role)| p.go().map(|r| (r, *role))) {
        Some(Err(e)) => {
            half.start.open(false);
            return Sampled::nothing(e);
        }
        Some(Ok(r)) => Some(r),
        None => None,
    };
    let (mut prev, _) = take_all(half, counters, wire_len, meter, far_first);
    half.start.open(true);
    let t0 = Instant::now();
    let mut window_start = (config.warmup.is_zero()).then_some(prev);
    let mut window_latency = Latencies::default();
    let mut seconds_gbps = Vec::new();
    let mut failed = false;
    for (second, (offset, phase)) in (1u32..).zip(tick_schedule(config.warmup, config.duration)) {
        if !sleep_until(t0 + offset, cancel, workers) {
            failed = !cancel.load(Relaxed);
            break;
        }
        let far = match peer.as_mut().map(|(p, role)| p.tick().map(|r| (r, *role))) {
            Some(Err(e)) => {
                peer_error = Some(e);
                break;
            }
            Some(Ok(r)) => Some(r),
            None => None,
        };
        let (now, lat) = take_all(half, counters, wire_len, meter, far);
        let mut row = row_between(&prev, &now, &lat, cell, &counting);
        name_axes(&mut row, config, cell, offered);
        if peer.is_some() {
            peer::across_hosts(&mut row);
        }
        row.second = Some(second);
        row.phase = Some(phase.name().to_string());
        row.repeat = Some(1);
        if phase == Phase::Measure {
            window_latency.add(&lat);
            // A zero-length interval has no rate and no place in the spread.
            if let Some(g) = row.throughput_gbps.value() {
                seconds_gbps.push(g);
            }
        }
        let latency = LatencyBuckets::of(if cell.workload.has_round_trips() {
            &lat.rtt
        } else {
            &lat.one_way
        });
        on_sample(Sample {
            cell,
            repeat: 1,
            second,
            phase,
            row,
            counting,
            latency,
        });
        if phase == Phase::Warmup && offset == config.warmup {
            window_start = Some(now);
        }
        prev = now;
    }
    let window_end = prev;
    Sampled {
        window_start: window_start.unwrap_or(window_end),
        window_end,
        window_latency,
        seconds_gbps,
        failed,
        peer_error,
    }
}

impl Sampled {
    /// Nothing was sampled: the far host failed at the start.
    fn nothing(e: EngineError) -> Sampled {
        let empty = Snapshot {
            at: Instant::now(),
            tx: Default::default(),
            rx: Default::default(),
            machine: None,
        };
        Sampled {
            window_start: empty,
            window_end: empty,
            window_latency: Latencies::default(),
            seconds_gbps: Vec::new(),
            failed: false,
            peer_error: Some(e),
        }
    }
}

/// The tick offsets from the start of a cell: every second of warm-up, its end, then
/// every second of the window and its end. Offsets strictly increase.
pub fn tick_schedule(warmup: Duration, duration: Duration) -> Vec<(Duration, Phase)> {
    let second = Duration::from_secs(1);
    let mut ticks = Vec::new();
    let mut t = second;
    while t < warmup {
        ticks.push((t, Phase::Warmup));
        t += second;
    }
    if !warmup.is_zero() {
        ticks.push((warmup, Phase::Warmup));
    }
    let end = warmup + duration;
    let mut t = warmup + second;
    while t < end {
        ticks.push((t, Phase::Measure));
        t += second;
    }
    ticks.push((end, Phase::Measure));
    ticks
}

/// Sleeps until `deadline` in short steps. False if the run was cancelled or a worker
/// ended early (it failed: workers end only when told to).
fn sleep_until(deadline: Instant, cancel: &AtomicBool, workers: &Workers) -> bool {
    loop {
        if cancel.load(Relaxed) || workers.any_finished() {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        thread::sleep((deadline - now).min(Duration::from_millis(20)));
    }
}

/// Registers every worker's socket with the copy meter; false when one could not be
/// (two cookies sharing their low 16 bits, or a map the kernel would not update).
pub(super) fn watch_workers(
    meter: &crate::copymeter::Meter,
    senders: &[Arc<SenderStats>],
    receivers: &[Arc<ReceiverStats>],
) -> bool {
    let tx = senders
        .iter()
        .enumerate()
        .map(|(i, s)| meter.watch(s.cookie.load(Relaxed), 2 * i as u32));
    let rx = receivers
        .iter()
        .enumerate()
        .map(|(i, r)| meter.watch(r.cookie.load(Relaxed), 2 * i as u32 + 1));
    // Every registration is tried (so each is undone after the cell), all must hold.
    let held: Vec<bool> = tx.chain(rx).map(|r| r.is_ok()).collect();
    held.iter().all(|&ok| ok)
}

/// Stops counting the cell's workers' sockets, once their threads have ended.
pub(super) fn unwatch_workers(
    meter: Option<&crate::copymeter::Meter>,
    senders: &[Arc<SenderStats>],
    receivers: &[Arc<ReceiverStats>],
) {
    if let Some(m) = meter {
        for s in senders {
            m.unwatch(s.cookie.load(Relaxed));
        }
        for r in receivers {
            m.unwatch(r.cookie.load(Relaxed));
        }
    }
}
