//! A latency histogram one worker records into and the sampler takes from, without a
//! lock: two histograms, the worker writing the active one. To take, the sampler makes
//! the other one active, waits until the worker is out of the old one (at most the
//! length of one recording), reads it and clears it. The worker never waits: it marks
//! which histogram it is in, checks that it is still the active one, records, and
//! marks itself out (two stores and two loads per recording).
//!
//! Why sequentially consistent orderings: the worker stores `busy` then loads
//! `active`; the sampler stores `active` then loads `busy`. In the single total order
//! of those four operations, either the worker sees the new `active` (and moves to the
//! other histogram) or the sampler sees `busy` naming the old one (and waits): never
//! both miss, so the two never touch one histogram at once.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use hdrhistogram::Histogram;

use super::published::new_latency_histogram;

/// `busy` when the worker is in neither histogram.
const OUT: usize = 2;

/// See the module docs. One worker records, one sampler takes.
#[derive(Debug)]
pub struct Handover {
    /// `None` for a worker that records nothing (only the workloads that measure a
    /// figure allocate its histograms).
    hists: [UnsafeCell<Option<Histogram<u64>>>; 2],
    /// The histogram the worker records into.
    active: AtomicUsize,
    /// The histogram the worker is in, or [`OUT`].
    busy: AtomicUsize,
}

// SAFETY: each histogram is touched by one thread at a time: the worker only while
// `busy` names it and it is active, the sampler only after making the other one active
// and seeing `busy` leave it (see the module docs).
unsafe impl Sync for Handover {}

impl Default for Handover {
    /// A handover that records nothing.
    fn default() -> Self {
        Handover::with(None)
    }
}

impl Handover {
    /// Two histograms, allocated and every count written now (so recording faults no
    /// page in the measuring window).
    pub fn new() -> Handover {
        let make = || {
            let mut h = new_latency_histogram();
            h.reset();
            h
        };
        Handover::with(Some([make(), make()]))
    }

    /// `new()` when `records`, else one that records nothing.
    pub fn when(records: bool) -> Handover {
        if records {
            Handover::new()
        } else {
            Handover::default()
        }
    }

    fn with(hists: Option<[Histogram<u64>; 2]>) -> Handover {
        let [a, b] = match hists {
            Some([a, b]) => [Some(a), Some(b)],
            None => [None, None],
        };
        Handover {
            hists: [UnsafeCell::new(a), UnsafeCell::new(b)],
            active: AtomicUsize::new(0),
            busy: AtomicUsize::new(OUT),
        }
    }

    /// Worker side: records through `f` into the active histogram (nothing when this
    /// handover records nothing). Never waits.
    pub fn record(&self, f: impl FnOnce(&mut Histogram<u64>)) {
        let mut i = self.active.load(SeqCst);
        loop {
            self.busy.store(i, SeqCst);
            let now = self.active.load(SeqCst);
            if now == i {
                break;
            }
            i = now;
        }
        // SAFETY: `busy` names `i` and `i` was still active after that was visible, so
        // the sampler will not touch it until `busy` leaves it.
        if let Some(h) = unsafe { &mut *self.hists[i].get() } {
            f(h);
        }
        self.busy.store(OUT, SeqCst);
    }

    /// Sampler side (one caller at a time): adds what was recorded since the last take
    /// into `into`.
    pub fn take_into(&self, into: &mut Histogram<u64>) {
        let old = self.active.load(SeqCst);
        self.active.store(1 - old, SeqCst);
        while self.busy.load(SeqCst) == old {
            // The worker is inside one recording of the old histogram.
            std::hint::spin_loop();
        }
        // SAFETY: the worker records into the other histogram from now on, and has
        // left this one.
        if let Some(h) = unsafe { &mut *self.hists[old].get() } {
            // Cannot fail: every latency histogram has the same bounds.
            let _ = into.add(&*h);
            h.reset();
        }
    }

    /// What was recorded since the last take.
    pub fn take(&self) -> Histogram<u64> {
        let mut out = new_latency_histogram();
        self.take_into(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

    #[test]
    fn every_recording_is_taken_exactly_once() {
        let h = Arc::new(Handover::new());
        let done = Arc::new(AtomicBool::new(false));
        const N: u64 = 200_000;
        let worker = {
            let (h, done) = (Arc::clone(&h), Arc::clone(&done));
            std::thread::spawn(move || {
                for i in 0..N {
                    h.record(|hist| hist.saturating_record(1 + i % 1000));
                }
                done.store(true, Relaxed);
            })
        };
        let mut total = new_latency_histogram();
        while !done.load(Relaxed) {
            h.take_into(&mut total);
        }
        worker.join().expect("worker");
        h.take_into(&mut total);
        assert_eq!(total.len(), N, "each recording counted once");
        assert_eq!(total.max(), 1000);
        assert!(h.take().is_empty(), "nothing left");
    }

    #[test]
    fn a_handover_that_records_nothing_takes_nothing() {
        let h = Handover::default();
        h.record(|hist| hist.saturating_record(5));
        assert!(h.take().is_empty());
    }
}
