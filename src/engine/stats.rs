//! What each worker thread publishes for the sampler: its totals as one consistent
//! record behind a single-writer [`SeqLock`] (written after every message or `recv`,
//! never a lock), the CPUs it was seen on, and the receiver's latency histogram for the
//! current interval, locked once per `recv()` batch, never per frame.

use std::sync::Mutex;
use std::sync::atomic::AtomicI32;

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
}

const SENDER_FIELDS: usize = 10;

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
        }
    }
}

/// A sender thread's published state.
#[derive(Debug, Default)]
pub struct SenderStats {
    /// Kernel thread id, 0 until the thread has started.
    pub tid: AtomicI32,
    pub cpus: CpusSeen,
    record: SeqLock<SENDER_FIELDS>,
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
}

/// A receiver thread's published state.
#[derive(Debug)]
pub struct ReceiverStats {
    /// Kernel thread id, 0 until the thread has started.
    pub tid: AtomicI32,
    pub cpus: CpusSeen,
    /// Message bytes of each frame (the cell's size): intact bytes are messages × this.
    pub message_size: u64,
    record: SeqLock<3>,
    /// One-way latencies (ns) of the frames completed since the sampler last took it.
    pub latency: Mutex<Histogram<u64>>,
}

impl ReceiverStats {
    pub fn new(message_size: u64) -> ReceiverStats {
        ReceiverStats {
            tid: AtomicI32::new(0),
            cpus: CpusSeen::default(),
            message_size,
            record: SeqLock::default(),
            latency: Mutex::new(new_latency_histogram()),
        }
    }

    pub fn publish(&self, t: &ReceiverTotals) {
        self.record
            .write(&[t.wire_bytes, t.messages, t.integrity_errors]);
    }

    pub fn totals(&self) -> ReceiverTotals {
        let [wire_bytes, messages, integrity_errors] = self.record.read();
        ReceiverTotals {
            wire_bytes,
            messages,
            integrity_errors,
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
        };
        s.publish(&t);
        assert_eq!(s.totals(), t);
        let r = ReceiverStats::new(64);
        let rt = ReceiverTotals {
            wire_bytes: 640,
            messages: 10,
            integrity_errors: 1,
        };
        r.publish(&rt);
        assert_eq!(r.totals(), rt);
    }
}
