//! What each worker thread publishes for the sampler: its totals as one consistent
//! record behind a single-writer [`SeqLock`] (written after every message or `recv`,
//! never a lock), the CPUs it was seen on, and the receiver's latency histogram for the
//! current interval, locked once per `recv()` batch, never per frame; a sender's
//! round-trip and pacing-error histograms ([`Shared`]), merged into from the sender's
//! own a few times a second.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, AtomicU64};

use hdrhistogram::Histogram;

use super::placement::CpusSeen;
use super::seqlock::SeqLock;
use crate::strategy::ZeroCopyCounts;

/// Latency histograms hold nanoseconds from 1 ns to 100 s at 3 significant digits.
pub fn new_latency_histogram() -> Histogram<u64> {
    // The bounds are constants that satisfy the crate's conditions (low >= 1,
    // high >= 2 * low, sigfig <= 5), so this cannot fail.
    Histogram::new_with_bounds(1, 100_000_000_000, 3).expect("valid histogram bounds")
}

/// A sender's running totals, as one record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SenderTotals {
    pub messages: u64,
    /// Sum of the time spent in `send_message`, ns.
    pub send_ns: u64,
    /// Send system calls made (more than messages when sends were partial).
    pub send_calls: u64,
    pub zc: ZeroCopyCounts,
    /// `rr`: replies received (transactions completed).
    pub transactions: u64,
    /// Bytes the strategy copied in user space (two-copy's linearization).
    pub user_copied: u64,
}

const SENDER_FIELDS: usize = 12;

impl SenderTotals {
    fn to_array(self) -> [u64; SENDER_FIELDS] {
        let z = self.zc;
        [
            self.messages,
            self.send_ns,
            self.send_calls,
            z.sends,
            z.completions,
            z.copied,
            z.enobufs,
            z.gaps,
            z.pool_waits,
            z.bogus,
            self.transactions,
            self.user_copied,
        ]
    }

    fn from_array(a: [u64; SENDER_FIELDS]) -> SenderTotals {
        SenderTotals {
            messages: a[0],
            send_ns: a[1],
            send_calls: a[2],
            zc: ZeroCopyCounts {
                sends: a[3],
                completions: a[4],
                copied: a[5],
                enobufs: a[6],
                gaps: a[7],
                pool_waits: a[8],
                bogus: a[9],
            },
            transactions: a[10],
            user_copied: a[11],
        }
    }
}

/// A sender thread's published state.
#[derive(Debug, Default)]
pub struct SenderStats {
    /// Kernel thread id, 0 until the thread has started.
    pub tid: AtomicI32,
    /// The socket's cookie (the copy meter's key), 0 until known.
    pub cookie: AtomicU64,
    pub cpus: CpusSeen,
    record: SeqLock<SENDER_FIELDS>,
    /// `rr`: round trips (ns) since the sampler last took them.
    pub rtt: Shared,
    /// `rate`: how late each message went against its due time (ns).
    pub pace: Shared,
}

/// A histogram a worker merges into and the sampler takes from. Allocated on the
/// first merge (only workloads that record use one); taking it clones and resets it,
/// so the worker's copy keeps its pages.
#[derive(Debug, Default)]
pub struct Shared(Mutex<Option<Histogram<u64>>>);

impl Shared {
    /// Allocates (and touches) the histogram now, before the start gate, so the first
    /// merge on the sending path allocates nothing.
    pub fn prepare(&self) {
        if let Ok(mut slot) = self.0.lock() {
            let mut h = new_latency_histogram();
            h.reset();
            *slot = Some(h);
        }
    }

    /// Adds `h` in. False if the lock is poisoned or held (the caller keeps `h` and
    /// tries again later: a worker never waits for the sampler).
    pub fn absorb(&self, h: &Histogram<u64>) -> bool {
        let Ok(mut slot) = self.0.try_lock() else {
            return false;
        };
        let mine = slot.get_or_insert_with(new_latency_histogram);
        // Cannot fail: every histogram has the same bounds.
        mine.add(h).is_ok()
    }

    /// What was merged since the last take (empty if nothing was).
    pub fn take(&self) -> Histogram<u64> {
        match self.0.lock() {
            Ok(mut slot) => match slot.as_mut() {
                Some(h) => {
                    let out = h.clone();
                    h.reset();
                    out
                }
                None => new_latency_histogram(),
            },
            Err(_) => new_latency_histogram(),
        }
    }
}

impl SenderStats {
    pub fn publish(&self, t: &SenderTotals) {
        self.record.write(&t.to_array());
    }

    pub fn totals(&self) -> SenderTotals {
        SenderTotals::from_array(self.record.read())
    }
}

/// A receiver's running totals, as one record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiverTotals {
    /// Every byte `recv()` returned.
    pub wire_bytes: u64,
    /// Frames that arrived whole and intact.
    pub messages: u64,
    /// Frames with a wrong stamp or pattern byte, and bad headers.
    pub integrity_errors: u64,
    /// Bytes the kernel mapped instead of copying (`None`: the receive strategy never
    /// maps).
    pub mapped_bytes: Option<u64>,
    /// 1 when the stream ended inside a frame (set at the end of the stream).
    pub truncated_frames: u64,
}

/// How "never maps" travels through the seqlock's plain words.
const NOT_MAPPING: u64 = u64::MAX;

/// A receiver thread's published state.
#[derive(Debug)]
pub struct ReceiverStats {
    /// Kernel thread id, 0 until the thread has started.
    pub tid: AtomicI32,
    /// The socket's cookie (the copy meter's key), 0 until known.
    pub cookie: AtomicU64,
    pub cpus: CpusSeen,
    /// Message bytes of each frame (the cell's size): intact bytes are messages × this.
    pub message_size: u64,
    record: SeqLock<5>,
    /// One-way latencies (ns) of the frames completed since the sampler last took it.
    pub latency: Mutex<Histogram<u64>>,
}

impl ReceiverStats {
    pub fn new(message_size: u64) -> ReceiverStats {
        ReceiverStats {
            tid: AtomicI32::new(0),
            cookie: AtomicU64::new(0),
            cpus: CpusSeen::default(),
            message_size,
            record: SeqLock::default(),
            latency: Mutex::new(new_latency_histogram()),
        }
    }

    pub fn publish(&self, t: &ReceiverTotals) {
        self.record.write(&[
            t.wire_bytes,
            t.messages,
            t.integrity_errors,
            t.mapped_bytes.unwrap_or(NOT_MAPPING),
            t.truncated_frames,
        ]);
    }

    pub fn totals(&self) -> ReceiverTotals {
        let [
            wire_bytes,
            messages,
            integrity_errors,
            mapped,
            truncated_frames,
        ] = self.record.read();
        ReceiverTotals {
            wire_bytes,
            messages,
            integrity_errors,
            mapped_bytes: (mapped != NOT_MAPPING).then_some(mapped),
            truncated_frames,
        }
    }

    /// Takes the interval's latencies, leaving an empty histogram behind.
    pub fn take_latency(&self) -> Histogram<u64> {
        match self.latency.lock() {
            Ok(mut h) => std::mem::replace(&mut *h, new_latency_histogram()),
            // A receiver that panicked while holding the lock: its data is suspect
            // and the cell fails anyway; report no latencies rather than wrong ones.
            Err(_) => new_latency_histogram(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_round_trip_through_the_record() {
        let s = SenderStats::default();
        let t = SenderTotals {
            messages: 1,
            send_ns: 2,
            send_calls: 3,
            zc: ZeroCopyCounts {
                sends: 4,
                completions: 5,
                copied: 6,
                enobufs: 7,
                gaps: 8,
                pool_waits: 9,
                bogus: 10,
            },
            transactions: 11,
            user_copied: 12,
        };
        s.publish(&t);
        assert_eq!(s.totals(), t);
        let r = ReceiverStats::new(64);
        let rt = ReceiverTotals {
            wire_bytes: 640,
            messages: 10,
            integrity_errors: 1,
            mapped_bytes: Some(4096),
            truncated_frames: 1,
        };
        r.publish(&rt);
        assert_eq!(r.totals(), rt);
    }

    #[test]
    fn shared_histograms_hand_over_what_was_merged_once() {
        let s = Shared::default();
        assert!(s.take().is_empty(), "nothing merged yet");
        let mut h = new_latency_histogram();
        h.record(1_000).expect("in range");
        h.record(3_000).expect("in range");
        assert!(s.absorb(&h));
        assert!(s.absorb(&h));
        let got = s.take();
        assert_eq!(got.len(), 4);
        assert_eq!(got.max(), h.max());
        assert!(s.take().is_empty(), "taken once");
    }
}
