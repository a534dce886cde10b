//! Snapshots of every worker's totals, and the figures computed between two of them.
//! Per-second samples and the cell summary are both [`row_between`] two snapshots:
//! one function for both, so a row and its seconds always agree.

use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

pub use super::latencies::Latencies;
use super::latencies::quantile_us;
use super::stats::{ReceiverStats, SenderStats};
use super::tcp_window::{TcpFigures, TcpTotals, rx_tcp_columns};
use crate::counters::perf::{self, Event, PerfValues, ThreadCounters};
use crate::counters::{ContextSwitches, MachineCpu, ThreadReading};
use crate::figure::{Figure, why};
use crate::matrix::Cell;
use crate::row::{Row, formula};
use crate::strategy::ZeroCopyCounts;

/// One side's totals at one instant, summed over its threads (what a far host sends
/// back at each tick of a `--remote` cell).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SideSnapshot {
    pub messages: u64,
    pub wire_bytes: u64,
    /// Receiver side only: message bytes of intact frames.
    pub payload_bytes: u64,
    /// Sender side only: time spent in send operations, ns.
    pub send_ns: u64,
    /// Sender side only: send system calls.
    pub send_calls: u64,
    /// Sender side only: `rr` transactions completed.
    pub transactions: u64,
    /// Sender side only: bytes copied in user space (the tool's own count).
    pub user_copied: u64,
    /// `None` when some thread's clock could not be read.
    pub cpu_ns: Option<u64>,
    pub switches: Option<ContextSwitches>,
    pub integrity_errors: u64,
    pub zc: ZeroCopyCounts,
    /// The copy meter's counts summed over the side's worker slots (`None`: no
    /// meter). A sender's slot holds its send-path bytes, a receiver's its receives.
    pub copies: Option<crate::copymeter::Counts>,
    /// Receiver side only: bytes the kernel mapped (`None`: the receive strategy never
    /// maps).
    pub mapped_bytes: Option<u64>,
    /// perf counters summed over the side's threads (absent unless every thread counts).
    pub perf: PerfValues,
    /// TCP_INFO of the side's connections; `None` where it could not be read.
    pub tcp: Option<TcpTotals>,
}

/// How perf counting went for a cell's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counting {
    /// Every thread's hardware group opened, with cycles in it.
    pub hardware: bool,
    /// `kernel+user`, `user` or `mixed`; `None` when no counter opened at all.
    pub mode: Option<&'static str>,
    /// No counter was opened on purpose (latency workloads: see [`Counters::none`]).
    pub skipped: bool,
}

/// The perf counter groups of every worker of a cell, opened by the controller.
#[derive(Debug)]
pub struct Counters {
    pub tx: Vec<ThreadCounters>,
    pub rx: Vec<ThreadCounters>,
    pub counting: Counting,
}

impl Counters {
    /// Opens the groups of every worker thread (their ids are published by now).
    pub fn open(senders: &[Arc<SenderStats>], receivers: &[Arc<ReceiverStats>]) -> Counters {
        let open = |tid: i32| ThreadCounters::open(tid);
        let tx: Vec<_> = senders.iter().map(|s| open(s.tid.load(Relaxed))).collect();
        let rx: Vec<_> = receivers
            .iter()
            .map(|r| open(r.tid.load(Relaxed)))
            .collect();
        let all: Vec<&ThreadCounters> = tx.iter().chain(&rx).collect();
        let has_cycles = |c: &&ThreadCounters| {
            c.hardware.is_open()
                && !c
                    .hardware
                    .failures
                    .iter()
                    .any(|(e, _)| *e == perf::Event::Cycles)
        };
        let groups: Vec<&perf::Group> = all.iter().flat_map(|c| c.groups()).collect();
        let counting = Counting {
            hardware: !all.is_empty() && all.iter().all(has_cycles),
            mode: perf::mode_label(&groups),
            skipped: false,
        };
        Counters { tx, rx, counting }
    }

    /// No counters, on purpose: under `rr` and `rate` a perf event on a thread adds work
    /// to each of its context switches, and a transaction is two switches a side
    /// (measured: p50 round trip at 64 B, 32.3 µs counted vs 29.5 µs not, medians of 7
    /// alternated runs). CPU time and switch counts still come from `/proc`.
    pub fn none() -> Counters {
        Counters {
            tx: Vec::new(),
            rx: Vec::new(),
            counting: Counting {
                hardware: false,
                mode: None,
                skipped: true,
            },
        }
    }
}

/// Everything the sampler reads at one tick.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    pub at: Instant,
    pub tx: SideSnapshot,
    pub rx: SideSnapshot,
    pub machine: Option<MachineCpu>,
}

impl Snapshot {
    /// Reads every worker's published record (each one whole, from one moment), its
    /// thread's CPU time and switches, and TCP_INFO of each side's sockets (the
    /// sampler's duplicates: `tx_sockets` the senders', `rx_sockets` the receivers').
    pub fn take(
        senders: &[Arc<SenderStats>],
        receivers: &[Arc<ReceiverStats>],
        counters: &mut Counters,
        tx_sockets: &[TcpStream],
        rx_sockets: &[TcpStream],
        wire_len: u64,
        meter: Option<&crate::copymeter::Meter>,
    ) -> Snapshot {
        // Slot 2i is sender i, 2i + 1 receiver i; an unreadable slot makes the side's
        // counts absent rather than short.
        let side = |first: u32, n: usize| -> Option<crate::copymeter::Counts> {
            let m = meter?;
            (0..n as u32).try_fold(crate::copymeter::Counts::default(), |acc, i| {
                m.counts(first + 2 * i).ok().map(|c| acc.plus(c))
            })
        };
        // The late copy is the machine's, charged to the cell: it rides with the senders.
        let late = |c: crate::copymeter::Counts| {
            let late_copied = meter?.late().ok()?;
            Some(crate::copymeter::Counts { late_copied, ..c })
        };
        let mut tx = SideSnapshot {
            copies: side(0, senders.len()).and_then(late),
            tcp: TcpTotals::read(tx_sockets),
            ..SideSnapshot::default()
        };
        let mut tx_threads = Vec::with_capacity(senders.len());
        for s in senders {
            let t = s.totals();
            tx.messages += t.messages;
            tx.wire_bytes += t.messages * wire_len;
            tx.send_ns += t.send_ns;
            tx.send_calls += t.send_calls;
            tx.transactions += t.transactions;
            tx.user_copied += t.user_copied;
            tx.zc = tx.zc.plus(t.zc);
            tx_threads.push(ThreadReading::of_thread(s.tid.load(Relaxed)));
        }
        let mut rx = SideSnapshot {
            copies: side(1, receivers.len()),
            tcp: TcpTotals::read(rx_sockets),
            ..SideSnapshot::default()
        };
        let mut rx_threads = Vec::with_capacity(receivers.len());
        for r in receivers {
            let t = r.totals();
            rx.messages += t.messages;
            rx.payload_bytes += t.messages * r.message_size;
            rx.wire_bytes += t.wire_bytes;
            rx.integrity_errors += t.integrity_errors;
            if let Some(m) = t.mapped_bytes {
                rx.mapped_bytes = Some(rx.mapped_bytes.unwrap_or(0) + m);
            }
            rx_threads.push(ThreadReading::of_thread(r.tid.load(Relaxed)));
        }
        (tx.cpu_ns, tx.switches) = sum_threads(&tx_threads);
        (rx.cpu_ns, rx.switches) = sum_threads(&rx_threads);
        let read = |c: &mut [ThreadCounters]| {
            perf::sum_threads(&c.iter_mut().map(ThreadCounters::read).collect::<Vec<_>>())
        };
        tx.perf = read(&mut counters.tx);
        rx.perf = read(&mut counters.rx);
        Snapshot {
            at: Instant::now(),
            tx,
            rx,
            machine: MachineCpu::read(),
        }
    }
}

/// Sums the threads of one side; a side whose thread could not be read has no total.
fn sum_threads(threads: &[ThreadReading]) -> (Option<u64>, Option<ContextSwitches>) {
    let cpu = threads.iter().map(|t| t.cpu_ns).sum::<Option<u64>>();
    let switches = threads
        .iter()
        .map(|t| t.switches)
        .collect::<Option<Vec<_>>>()
        .map(|all| ContextSwitches {
            voluntary: all.iter().map(|c| c.voluntary).sum(),
            involuntary: all.iter().map(|c| c.involuntary).sum(),
        });
    (cpu, switches)
}

/// The figures of one interval (a second, or a cell's measuring window) between
/// snapshots `a` and `b`, with the interval's latencies `lat`, as the cell's [`Row`]
/// (the sink adds the run's context). Every formula is in [`formula`].
pub fn row_between(
    a: &Snapshot,
    b: &Snapshot,
    lat: &Latencies,
    cell: Cell,
    counting: &Counting,
) -> Row {
    let seconds = b.at.duration_since(a.at).as_secs_f64();
    let bytes = b.rx.payload_bytes.saturating_sub(a.rx.payload_bytes);
    let messages = b.rx.messages.saturating_sub(a.rx.messages);
    let sent = b.tx.messages.saturating_sub(a.tx.messages);
    let grew = |x: Option<u64>, y: Option<u64>| match (x, y) {
        (Some(x), Some(y)) => Figure::Measured(y.saturating_sub(x)),
        _ => Figure::Unavailable(why::UNREADABLE),
    };
    let tx_perf = perf::since(&b.tx.perf, &a.tx.perf);
    let rx_perf = perf::since(&b.rx.perf, &a.rx.perf);
    let tx = |e| perf_figure(&tx_perf, e, counting);
    let rx = |e| perf_figure(&rx_perf, e, counting);
    let quantile = |q: f64| quantile_us(&lat.one_way, q);
    let rr = cell.workload.has_round_trips();
    let mapped = match (a.rx.mapped_bytes, b.rx.mapped_bytes) {
        (Some(x), Some(y)) => Figure::Measured(y.saturating_sub(x)),
        _ => Figure::NotApplicable,
    };
    let rtt = |q: f64| {
        if rr {
            quantile_us(&lat.rtt, q)
        } else {
            Figure::NotApplicable
        }
    };
    let pace = |q: f64| {
        if cell.is_paced() {
            quantile_us(&lat.pace, q)
        } else {
            Figure::NotApplicable
        }
    };
    let tcp = TcpFigures::between(a.tx.tcp, b.tx.tcp);
    let rx_tcp = TcpFigures::between(a.rx.tcp, b.rx.tcp);
    let tcp_fig = |f: fn(&TcpFigures) -> Option<f64>| TcpFigures::figure(tcp, f);
    let switches = |x: Option<ContextSwitches>, y: Option<ContextSwitches>| {
        let d = switches_between(x, y);
        (
            Figure::or_unavailable(d.map(|s| s.voluntary), why::UNREADABLE),
            Figure::or_unavailable(d.map(|s| s.involuntary), why::UNREADABLE),
        )
    };
    let (tx_vol, tx_invol) = switches(a.tx.switches, b.tx.switches);
    let (rx_vol, rx_invol) = switches(a.rx.switches, b.rx.switches);
    let mut row = Row {
        hw_counters: Some(
            match (counting.skipped, counting.hardware) {
                (true, _) => "off",
                (false, true) => "yes",
                (false, false) => "no",
            }
            .to_string(),
        ),
        kernel_counting: counting.mode.map(str::to_string),
        strategy: cell.strategy.name().to_string(),
        size_bytes: cell.size as u64,
        threads: cell.threads as u32,
        duration_s: formula::sig6(seconds),
        bytes,
        messages,
        throughput_gbps: formula::gbps(bytes, seconds),
        msgs_per_s: formula::per_second(Figure::Measured(messages), seconds),
        lat_p50_us: quantile(0.50),
        lat_p99_us: quantile(0.99),
        lat_p999_us: quantile(0.999),
        lat_max_us: quantile(1.0),
        send_call_us: formula::per_message(b.tx.send_ns.saturating_sub(a.tx.send_ns), sent, 1e-3),
        send_calls_per_msg: formula::per_message(
            b.tx.send_calls.saturating_sub(a.tx.send_calls),
            sent,
            1.0,
        ),
        tx_cpu_ns_per_byte: formula::per_byte(grew(a.tx.cpu_ns, b.tx.cpu_ns), bytes),
        rx_cpu_ns_per_byte: formula::per_byte(grew(a.rx.cpu_ns, b.rx.cpu_ns), bytes),
        sys_cpu_util_pct: match (a.machine, b.machine) {
            (Some(x), Some(y)) => y
                .busy_pct_since(&x)
                .map_or(Figure::Undefined, |p| Figure::Measured(formula::sig6(p))),
            _ => Figure::Unavailable(why::UNREADABLE),
        },
        cycles_per_byte: formula::per_byte(tx(Event::Cycles), bytes),
        tx_cycles: tx(Event::Cycles),
        tx_instructions: tx(Event::Instructions),
        tx_l1d_load_misses: tx(Event::L1dLoadMisses),
        tx_llc_load_misses: tx(Event::LlcLoadMisses),
        rx_cycles: rx(Event::Cycles),
        rx_instructions: rx(Event::Instructions),
        rx_l1d_load_misses: rx(Event::L1dLoadMisses),
        rx_llc_load_misses: rx(Event::LlcLoadMisses),
        tx_context_switches: tx(Event::ContextSwitches),
        rx_context_switches: rx(Event::ContextSwitches),
        tx_cpu_migrations: tx(Event::CpuMigrations),
        rx_cpu_migrations: rx(Event::CpuMigrations),
        tx_page_faults: tx(Event::PageFaults),
        rx_page_faults: rx(Event::PageFaults),
        tx_task_clock_ms: formula::ms(tx(Event::TaskClock)),
        rx_task_clock_ms: formula::ms(rx(Event::TaskClock)),
        integrity_errors: b.rx.integrity_errors.saturating_sub(a.rx.integrity_errors),
        tx_voluntary_switches: tx_vol,
        tx_involuntary_switches: tx_invol,
        rx_voluntary_switches: rx_vol,
        rx_involuntary_switches: rx_invol,
        tcpi_rtt_us: tcp_fig(|t| Some(t.rtt_us)),
        tcpi_rttvar_us: tcp_fig(|t| Some(t.rttvar_us)),
        tcpi_retrans: Figure::or_unavailable(tcp.map(|t| t.retrans), why::UNREADABLE),
        tcpi_bytes_retrans: Figure::or_unavailable(tcp.map(|t| t.bytes_retrans), why::UNREADABLE),
        tcpi_cwnd: tcp_fig(|t| Some(t.cwnd)),
        tcpi_delivery_rate_gbps: tcp_fig(|t| Some(t.delivery_rate_gbps)),
        rwnd_limited_pct: tcp_fig(|t| t.rwnd_limited_pct),
        sndbuf_limited_pct: tcp_fig(|t| t.sndbuf_limited_pct),
        sent_wire_bytes: Figure::Measured(b.tx.wire_bytes.saturating_sub(a.tx.wire_bytes)),
        user_copied_bytes: Figure::Measured(b.tx.user_copied.saturating_sub(a.tx.user_copied)),
        tx_copied_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.tx_copied),
        tx_zerocopy_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.tx_zerocopy),
        tx_spliced_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.tx_spliced),
        late_copied_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.late_copied),
        rx_copied_bytes: crate::copymeter::grown(a.rx.copies, b.rx.copies, |c| c.rx_copied),
        rx_mapped_bytes: mapped,
        rx_zerocopy_bytes: mapped,
        // The share of every byte received that was mapped (none under rx copy).
        rx_mapped_pct: mapped
            .and_then(|m| formula::percent(m, b.rx.wire_bytes.saturating_sub(a.rx.wire_bytes))),
        transactions_per_s: if rr {
            let done = b.tx.transactions.saturating_sub(a.tx.transactions);
            formula::per_second(Figure::Measured(done), seconds)
        } else {
            Figure::NotApplicable
        },
        rtt_p50_us: rtt(0.50),
        rtt_p99_us: rtt(0.99),
        rtt_p999_us: rtt(0.999),
        rtt_max_us: rtt(1.0),
        pace_err_p50_us: pace(0.50),
        pace_err_p99_us: pace(0.99),
        offered_gbps: Figure::NotApplicable,
        ..Row::default()
    };
    rx_tcp_columns(&mut row, rx_tcp);
    let ledger = cell.strategy.is_zero_copy().then(|| b.tx.zc.since(a.tx.zc));
    row.set_zero_copy(ledger);
    // Set per cell by the engine (the probe, the spread of its seconds): not figures of
    // an interval.
    row.host_memcpy_gbps = Figure::NotApplicable;
    row.host_noise_cv = Figure::NotApplicable;
    row.seconds_n = Figure::NotApplicable;
    row.seconds_sd_gbps = Figure::NotApplicable;
    row
}

/// A perf count, or why there is none: hardware events on a machine without hardware
/// counting have no PMU to count them; anything else was not readable.
fn perf_figure(values: &PerfValues, event: Event, counting: &Counting) -> Figure<u64> {
    match perf::value(values, event) {
        Some(v) => Figure::Measured(v),
        None if counting.skipped => Figure::Unavailable(why::NOT_COUNTED),
        None if Event::HARDWARE.contains(&event) && !counting.hardware => {
            Figure::Unavailable(why::NO_PMU)
        }
        None => Figure::Unavailable(why::UNREADABLE),
    }
}

fn switches_between(
    a: Option<ContextSwitches>,
    b: Option<ContextSwitches>,
) -> Option<ContextSwitches> {
    let (a, b) = (a?, b?);
    Some(ContextSwitches {
        voluntary: b.voluntary.checked_sub(a.voluntary)?,
        involuntary: b.involuntary.checked_sub(a.involuntary)?,
    })
}

#[cfg(test)]
mod tests;
