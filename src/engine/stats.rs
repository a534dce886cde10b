//! What each worker thread publishes for the sampler: plain atomics written on the hot
//! path with relaxed stores (one writer each), and the receiver's latency histogram for
//! the current interval, locked once per `recv()` batch, never per frame.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering::Relaxed};

use hdrhistogram::Histogram;

use crate::strategy::ZeroCopyCounts;

/// Latency histograms hold nanoseconds from 1 ns to 100 s at 3 significant digits.
pub fn new_latency_histogram() -> Histogram<u64> {
    // The bounds are constants that satisfy the crate's conditions (low >= 1,
    // high >= 2 * low, sigfig <= 5), so this cannot fail.
    Histogram::new_with_bounds(1, 100_000_000_000, 3).expect("valid histogram bounds")
}

/// A sender thread's running totals.
#[derive(Debug, Default)]
pub struct SenderStats {
    /// Kernel thread id, 0 until the thread has started.
    pub tid: AtomicI32,
    pub messages: AtomicU64,
    pub wire_bytes: AtomicU64,
    /// Sum of the time spent in `send_message`, ns.
    pub send_ns: AtomicU64,
    /// Send system calls made (more than messages when sends were partial).
    pub send_calls: AtomicU64,
    pub zc_sends: AtomicU64,
    pub zc_completions: AtomicU64,
    pub zc_copied: AtomicU64,
    pub zc_enobufs: AtomicU64,
    pub zc_gaps: AtomicU64,
    pub zc_pool_waits: AtomicU64,
    pub zc_bogus: AtomicU64,
}

impl SenderStats {
    /// Publishes the strategy's zero-copy ledger.
    pub fn store_zero_copy(&self, z: &ZeroCopyCounts) {
        self.zc_sends.store(z.sends, Relaxed);
        self.zc_completions.store(z.completions, Relaxed);
        self.zc_copied.store(z.copied, Relaxed);
        self.zc_enobufs.store(z.enobufs, Relaxed);
        self.zc_gaps.store(z.gaps, Relaxed);
        self.zc_pool_waits.store(z.pool_waits, Relaxed);
        self.zc_bogus.store(z.bogus, Relaxed);
    }

    /// The published zero-copy ledger.
    pub fn zero_copy(&self) -> ZeroCopyCounts {
        ZeroCopyCounts {
            sends: self.zc_sends.load(Relaxed),
            completions: self.zc_completions.load(Relaxed),
            copied: self.zc_copied.load(Relaxed),
            enobufs: self.zc_enobufs.load(Relaxed),
            gaps: self.zc_gaps.load(Relaxed),
            pool_waits: self.zc_pool_waits.load(Relaxed),
            bogus: self.zc_bogus.load(Relaxed),
        }
    }
}

/// A receiver thread's running totals.
#[derive(Debug)]
pub struct ReceiverStats {
    /// Kernel thread id, 0 until the thread has started.
    pub tid: AtomicI32,
    /// Every byte `recv()` returned (headers included).
    pub wire_bytes: AtomicU64,
    /// Frames that arrived whole and intact.
    pub messages: AtomicU64,
    /// Message bytes of each frame (the cell's size): intact bytes are messages × this.
    pub message_size: u64,
    /// Frames with a wrong stamp or pattern byte, and bad headers.
    pub integrity_errors: AtomicU64,
    /// One-way latencies (ns) of the frames completed since the sampler last took it.
    pub latency: Mutex<Histogram<u64>>,
}

impl Default for ReceiverStats {
    fn default() -> Self {
        ReceiverStats {
            tid: AtomicI32::new(0),
            wire_bytes: AtomicU64::new(0),
            messages: AtomicU64::new(0),
            message_size: 0,
            integrity_errors: AtomicU64::new(0),
            latency: Mutex::new(new_latency_histogram()),
        }
    }
}

impl ReceiverStats {
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
