//! Snapshots of every worker's totals, and the figures computed between two of them.
//! Per-second samples and the cell summary are both [`Metrics::between`] two snapshots:
//! one formula for both, so a row and its seconds always agree.

use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use hdrhistogram::Histogram;

use super::stats::{ReceiverStats, SenderStats};
use super::tcp_window::{TcpFigures, TcpTotals};
use crate::counters::perf::{self, PerfValues, ThreadCounters};
use crate::counters::{ContextSwitches, MachineCpu, ThreadReading};
use crate::strategy::ZeroCopyCounts;

/// One side's totals at one instant, summed over its threads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SideSnapshot {
    pub messages: u64,
    pub wire_bytes: u64,
    /// Receiver side only: message bytes of intact frames.
    pub payload_bytes: u64,
    /// Sender side only: time spent in send operations, ns.
    pub send_ns: u64,
    /// Sender side only: send system calls.
    pub send_calls: u64,
    /// `None` when some thread's clock could not be read.
    pub cpu_ns: Option<u64>,
    pub switches: Option<ContextSwitches>,
    pub integrity_errors: u64,
    pub zc: ZeroCopyCounts,
    /// perf counters summed over the side's threads (absent unless every thread counts).
    pub perf: PerfValues,
}

/// How perf counting went for a cell's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counting {
    /// Every thread's hardware group opened, with cycles in it.
    pub hardware: bool,
    /// `kernel+user`, `user` or `mixed`; `None` when no counter opened at all.
    pub mode: Option<&'static str>,
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
        };
        Counters { tx, rx, counting }
    }
}

/// Everything the sampler reads at one tick.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    pub at: Instant,
    pub tx: SideSnapshot,
    pub rx: SideSnapshot,
    pub machine: Option<MachineCpu>,
    /// TCP_INFO of the senders' connections; `None` where it could not be read.
    pub tcp: Option<TcpTotals>,
}

impl Snapshot {
    /// Reads every worker's published record (each one whole, from one moment), its
    /// thread's CPU time and switches, and TCP_INFO of `sockets` (the senders').
    pub fn take(
        senders: &[Arc<SenderStats>],
        receivers: &[Arc<ReceiverStats>],
        counters: &Counters,
        sockets: &[TcpStream],
        wire_len: u64,
    ) -> Snapshot {
        let mut tx = SideSnapshot::default();
        let mut tx_threads = Vec::with_capacity(senders.len());
        for s in senders {
            let t = s.totals();
            tx.messages += t.messages;
            tx.wire_bytes += t.messages * wire_len;
            tx.send_ns += t.send_ns;
            tx.send_calls += t.send_calls;
            tx.zc = tx.zc.plus(t.zc);
            tx_threads.push(ThreadReading::of_thread(s.tid.load(Relaxed)));
        }
        let mut rx = SideSnapshot::default();
        let mut rx_threads = Vec::with_capacity(receivers.len());
        for r in receivers {
            let t = r.totals();
            rx.messages += t.messages;
            rx.payload_bytes += t.messages * r.message_size;
            rx.wire_bytes += t.wire_bytes;
            rx.integrity_errors += t.integrity_errors;
            rx_threads.push(ThreadReading::of_thread(r.tid.load(Relaxed)));
        }
        (tx.cpu_ns, tx.switches) = sum_threads(&tx_threads);
        (rx.cpu_ns, rx.switches) = sum_threads(&rx_threads);
        let read = |c: &[ThreadCounters]| {
            perf::sum_threads(&c.iter().map(ThreadCounters::read).collect::<Vec<_>>())
        };
        tx.perf = read(&counters.tx);
        rx.perf = read(&counters.rx);
        Snapshot {
            at: Instant::now(),
            tx,
            rx,
            machine: MachineCpu::read(),
            tcp: TcpTotals::read(sockets),
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

/// Latency percentiles, µs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    pub p50_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub max_us: f64,
}

impl Latency {
    /// Percentiles of `h` (ns); `None` when it recorded nothing.
    pub fn of(h: &Histogram<u64>) -> Option<Latency> {
        (!h.is_empty()).then(|| Latency {
            p50_us: h.value_at_quantile(0.50) as f64 / 1e3,
            p99_us: h.value_at_quantile(0.99) as f64 / 1e3,
            p999_us: h.value_at_quantile(0.999) as f64 / 1e3,
            max_us: h.max() as f64 / 1e3,
        })
    }
}

/// The figures of one interval (a second, or a cell's measuring window). `None` is a
/// figure that could not be measured, never a stand-in 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub seconds: f64,
    /// Message bytes received intact in the interval.
    pub bytes: u64,
    /// Bytes the senders handed to the kernel in the interval (headers included);
    /// `None` when replaying a recording, which does not hold it.
    pub sent_wire_bytes: Option<u64>,
    pub messages: u64,
    pub throughput_gbps: f64,
    pub msgs_per_s: f64,
    pub latency: Option<Latency>,
    /// Mean time of one send operation (one whole message), µs.
    pub send_call_us: Option<f64>,
    /// Send system calls per message (above 1 when sends were partial).
    pub send_calls_per_msg: Option<f64>,
    pub tx_cpu_ns_per_byte: Option<f64>,
    pub rx_cpu_ns_per_byte: Option<f64>,
    pub sys_cpu_util_pct: Option<f64>,
    pub tx_switches: Option<ContextSwitches>,
    pub rx_switches: Option<ContextSwitches>,
    pub integrity_errors: u64,
    /// The zero-copy ledger over the interval.
    pub zc: ZeroCopyCounts,
    /// perf counters of each side over the interval.
    pub tx_perf: PerfValues,
    pub rx_perf: PerfValues,
    /// TCP_INFO figures of the senders' connections over the interval.
    pub tcp: Option<TcpFigures>,
}

impl Metrics {
    /// The figures between snapshots `a` and `b`, with the interval's latencies `lat`.
    pub fn between(a: &Snapshot, b: &Snapshot, lat: &Histogram<u64>) -> Metrics {
        let seconds = b.at.duration_since(a.at).as_secs_f64();
        let bytes = b.rx.payload_bytes.saturating_sub(a.rx.payload_bytes);
        let messages = b.rx.messages.saturating_sub(a.rx.messages);
        let sent = b.tx.messages.saturating_sub(a.tx.messages);
        let per_byte = |x: Option<u64>, y: Option<u64>| match (x, y) {
            (Some(x), Some(y)) if bytes > 0 => Some(y.saturating_sub(x) as f64 / bytes as f64),
            _ => None,
        };
        let rate = |x: f64| if seconds > 0.0 { x / seconds } else { 0.0 };
        let tcp = TcpFigures::between(a.tcp, b.tcp);
        Metrics {
            seconds,
            bytes,
            sent_wire_bytes: Some(b.tx.wire_bytes.saturating_sub(a.tx.wire_bytes)),
            messages,
            throughput_gbps: rate(bytes as f64 * 8.0) / 1e9,
            msgs_per_s: rate(messages as f64),
            latency: Latency::of(lat),
            send_call_us: (sent > 0)
                .then(|| b.tx.send_ns.saturating_sub(a.tx.send_ns) as f64 / sent as f64 / 1e3),
            send_calls_per_msg: (sent > 0)
                .then(|| b.tx.send_calls.saturating_sub(a.tx.send_calls) as f64 / sent as f64),
            tx_cpu_ns_per_byte: per_byte(a.tx.cpu_ns, b.tx.cpu_ns),
            rx_cpu_ns_per_byte: per_byte(a.rx.cpu_ns, b.rx.cpu_ns),
            sys_cpu_util_pct: match (a.machine, b.machine) {
                (Some(x), Some(y)) => y.busy_pct_since(&x),
                _ => None,
            },
            tx_switches: switches_between(a.tx.switches, b.tx.switches),
            rx_switches: switches_between(a.rx.switches, b.rx.switches),
            integrity_errors: b.rx.integrity_errors.saturating_sub(a.rx.integrity_errors),
            zc: b.tx.zc.since(a.tx.zc),
            tx_perf: perf::since(&b.tx.perf, &a.tx.perf),
            rx_perf: perf::since(&b.rx.perf, &a.rx.perf),
            tcp,
        }
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
mod tests {
    use super::*;
    use crate::engine::stats::new_latency_histogram;
    use std::time::Duration;

    fn snap(at: Instant, rx_bytes: u64, tx_cpu: Option<u64>) -> Snapshot {
        Snapshot {
            at,
            tx: SideSnapshot {
                messages: rx_bytes / 100,
                send_ns: rx_bytes * 10,
                cpu_ns: tx_cpu,
                ..SideSnapshot::default()
            },
            rx: SideSnapshot {
                payload_bytes: rx_bytes,
                messages: rx_bytes / 100,
                cpu_ns: Some(rx_bytes * 2),
                ..SideSnapshot::default()
            },
            machine: None,
            tcp: None,
        }
    }

    #[test]
    fn rates_and_costs_between_snapshots() {
        let t = Instant::now();
        let a = snap(t, 1_000, Some(0));
        let b = snap(t + Duration::from_secs(2), 250_001_000, Some(500_000_000));
        let mut h = new_latency_histogram();
        h.record(10_000).expect("in range");
        let m = Metrics::between(&a, &b, &h);
        assert_eq!(m.bytes, 250_000_000);
        assert!((m.throughput_gbps - 1.0).abs() < 1e-9);
        assert!((m.msgs_per_s - 1_250_000.0).abs() < 1e-6);
        assert_eq!(m.tx_cpu_ns_per_byte, Some(2.0));
        assert_eq!(m.rx_cpu_ns_per_byte, Some(2.0));
        assert!((m.send_call_us.expect("messages sent") - 1.0).abs() < 1e-9);
        assert_eq!(m.sys_cpu_util_pct, None);
        let lat = m.latency.expect("one latency");
        assert!((lat.p50_us - 10.0).abs() < 0.1);
    }

    #[test]
    fn unreadable_counters_are_absent_not_zero() {
        let t = Instant::now();
        let a = snap(t, 0, None);
        let b = snap(t + Duration::from_secs(1), 1000, Some(5));
        let m = Metrics::between(&a, &b, &new_latency_histogram());
        assert_eq!(m.tx_cpu_ns_per_byte, None);
        assert_eq!(m.latency, None);
        let idle = Metrics::between(&a, &a, &new_latency_histogram());
        assert_eq!(idle.send_call_us, None);
        assert_eq!(idle.rx_cpu_ns_per_byte, None, "no bytes: no per-byte cost");
    }
}
