//! Snapshots: every worker's published totals, its thread's CPU time, its copy-meter
//! slot and perf counters, and TCP_INFO of each side's sockets, read at one tick
//! (what [`super::row_between`] turns into figures).

use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use super::tcp_window::TcpTotals;
use crate::copymeter::Counts;
use crate::counters::perf::{self, PerfValues, ThreadCounters};
use crate::counters::{ContextSwitches, MachineCpu, ThreadReading};
use crate::row::words::HwCounters;
use crate::strategy::ZeroCopyCounts;
use crate::worker::published::{ReceiverStats, SenderStats};

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

impl Counting {
    /// What the row's `hw_counters` column says of it.
    pub fn recorded(&self) -> HwCounters {
        match (self.skipped, self.hardware) {
            (true, _) => HwCounters::Off,
            (false, true) => HwCounters::Yes,
            (false, false) => HwCounters::No,
        }
    }

    /// How a recorded row was counted, as far as its `hw_counters` column says
    /// (replay: the event mode is not recorded).
    pub fn from_recorded(hw: Option<HwCounters>) -> Counting {
        Counting {
            hardware: hw == Some(HwCounters::Yes),
            mode: None,
            skipped: hw == Some(HwCounters::Off),
        }
    }
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
        // counts absent rather than short. Each worker's record and its slot are read
        // together (`read_together`), so counts compared within a row agree.
        let slot = |slot: u32| meter.map(|m| m.counts(slot).ok());
        let add = |acc: Option<Option<Counts>>, c: Option<Option<Counts>>| match (acc, c) {
            (Some(a), Some(c)) => Some(a.zip(c).map(|(a, c)| a.plus(c))),
            _ => None,
        };
        let mut tx = SideSnapshot {
            tcp: TcpTotals::read(tx_sockets),
            ..SideSnapshot::default()
        };
        let mut tx_copies = meter.map(|_| Some(Counts::default()));
        let mut tx_threads = Vec::with_capacity(senders.len());
        for (i, s) in senders.iter().enumerate() {
            let (t, c) = read_together(|| s.totals(), || slot(2 * i as u32));
            tx_copies = add(tx_copies, c);
            tx.messages += t.messages;
            tx.wire_bytes += t.messages * wire_len;
            tx.send_ns += t.send_ns;
            tx.send_calls += t.send_calls;
            tx.transactions += t.transactions;
            tx.user_copied += t.user_copied;
            tx.zc = tx.zc.plus(t.zc);
            tx_threads.push(ThreadReading::of_thread(s.tid.load(Relaxed)));
        }
        // The late copy is the machine's, charged to the cell: it rides with the senders.
        tx.copies = tx_copies.flatten().and_then(|c| {
            let late_copied = meter?.late().ok()?;
            Some(Counts { late_copied, ..c })
        });
        let mut rx = SideSnapshot {
            tcp: TcpTotals::read(rx_sockets),
            ..SideSnapshot::default()
        };
        let mut rx_copies = meter.map(|_| Some(Counts::default()));
        let mut rx_threads = Vec::with_capacity(receivers.len());
        for (i, r) in receivers.iter().enumerate() {
            let (t, c) = read_together(|| r.totals(), || slot(2 * i as u32 + 1));
            rx_copies = add(rx_copies, c);
            rx.messages += t.messages;
            rx.payload_bytes += t.messages * r.message_size;
            rx.wire_bytes += t.wire_bytes;
            rx.integrity_errors += t.integrity_errors;
            if let Some(m) = t.mapped_bytes {
                rx.mapped_bytes = Some(rx.mapped_bytes.unwrap_or(0) + m);
            }
            rx_threads.push(ThreadReading::of_thread(r.tid.load(Relaxed)));
        }
        rx.copies = rx_copies.flatten();
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

/// Tries at reading a worker's record and its copy-meter slot together.
const READ_TRIES: usize = 16;

/// A worker's published record and its copy-meter slot as at one instant: the slot is
/// read between two reads of the record, again while the record changed around it (at
/// most [`READ_TRIES`] times; a worker that publishes faster than the slot can be read
/// is taken with its last pair). The kernel adds a send's bytes when the call returns
/// and the worker publishes after its whole message, so with the record unchanged
/// around the read, the kernel's count is the published one plus at most the calls of
/// the one message in progress (and a receiver's, the bytes of its one `recv` in
/// progress): that, at each edge of a window, is the tolerance of any comparison of
/// the two within a row.
fn read_together<T: PartialEq>(
    record: impl Fn() -> T,
    slot: impl Fn() -> Option<Option<Counts>>,
) -> (T, Option<Option<Counts>>) {
    let mut before = record();
    for _ in 1..READ_TRIES {
        let counts = slot();
        let after = record();
        if after == before {
            return (after, counts);
        }
        before = after;
    }
    let counts = slot();
    (record(), counts)
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
