//! What each worker thread publishes for the sampler: its totals as one consistent
//! record behind a single-writer [`SeqLock`] (written after every message or `recv`,
//! never a lock), the CPUs it was seen on, and its latency histograms for the current
//! interval ([`Handover`]: the receiver's one-way latencies once per `recv()` batch,
//! a sender's round trips and pacing errors per message; never a lock).

use std::sync::atomic::{AtomicI32, AtomicU8, AtomicU64};

use hdrhistogram::Histogram;

use super::cpus::CpusSeen;
use super::handover::Handover;
use super::seqlock::SeqLock;
use crate::strategy::ZeroCopyCounts;

/// Bytes of one latency histogram's counts, from the histogram itself: what each
/// handover's two cost a worker (the far half's memory check counts them).
pub fn latency_histogram_bytes() -> usize {
    new_latency_histogram().distinct_values() * std::mem::size_of::<u64>()
}

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
    pub rtt: Handover,
    /// `rate`: how late each message went against its due time (ns).
    pub pace: Handover,
    /// Where the sender is: [`SENDING`], [`FINISHING`] (its workload ended, it waits
    /// for what the kernel still holds) or [`FINISHED`] (its buffers are released).
    pub phase: AtomicU8,
}

/// [`SenderStats::phase`]: sending messages.
pub const SENDING: u8 = 0;
/// [`SenderStats::phase`]: the last message is sent.
pub const FINISHING: u8 = 1;
/// [`SenderStats::phase`]: the end-of-cell wait is over and the strategy dropped.
pub const FINISHED: u8 = 2;

impl SenderStats {
    /// A sender's state, with histograms allocated (and touched) for the figures its
    /// workload records: round trips, pacing errors.
    pub fn recording(rtt: bool, pace: bool) -> SenderStats {
        SenderStats {
            rtt: Handover::when(rtt),
            pace: Handover::when(pace),
            ..SenderStats::default()
        }
    }

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
    pub latency: Handover,
}

impl ReceiverStats {
    pub fn new(message_size: u64) -> ReceiverStats {
        ReceiverStats {
            tid: AtomicI32::new(0),
            cookie: AtomicU64::new(0),
            cpus: CpusSeen::default(),
            message_size,
            record: SeqLock::default(),
            latency: Handover::new(),
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
}
