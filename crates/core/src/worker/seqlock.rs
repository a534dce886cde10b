//! A single-writer sequence lock over a fixed array of counters: the worker publishes
//! all of its totals as one record after each message, and the sampler reads a record
//! that was whole at one instant (never fields from two moments). Writing costs two
//! extra stores and no lock; a reader retries while a write is in progress.

use std::sync::atomic::{AtomicU64, Ordering, fence};

/// `N` counters published together by one writer thread.
#[derive(Debug)]
pub struct SeqLock<const N: usize> {
    /// Even: the record is stable; odd: a write is in progress.
    seq: AtomicU64,
    values: [AtomicU64; N],
}

impl<const N: usize> Default for SeqLock<N> {
    fn default() -> Self {
        SeqLock {
            seq: AtomicU64::new(0),
            values: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

impl<const N: usize> SeqLock<N> {
    /// Publishes `values` as one record. Only one thread may write.
    pub fn write(&self, values: &[u64; N]) {
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        // The odd sequence is visible before any of the new values.
        fence(Ordering::Release);
        for (slot, &v) in self.values.iter().zip(values) {
            slot.store(v, Ordering::Relaxed);
        }
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }

    /// The last whole record.
    pub fn read(&self) -> [u64; N] {
        loop {
            let before = self.seq.load(Ordering::Acquire);
            if before % 2 == 1 {
                // The writer is mid-record; if it was preempted on this CPU, spinning
                // would only delay it.
                std::thread::yield_now();
                continue;
            }
            let out = std::array::from_fn(|i| self.values[i].load(Ordering::Relaxed));
            // The values are read before the sequence is checked again.
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == before {
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn a_reader_never_sees_a_torn_record() {
        // The writer keeps every field equal; a torn read would show two values.
        let lock = Arc::new(SeqLock::<6>::default());
        let done = Arc::new(AtomicBool::new(false));
        let writer = {
            let (lock, done) = (Arc::clone(&lock), Arc::clone(&done));
            std::thread::spawn(move || {
                for i in 1..=200_000u64 {
                    lock.write(&[i; 6]);
                }
                done.store(true, Ordering::Relaxed);
            })
        };
        let mut reads = 0u64;
        let mut last = 0;
        while !done.load(Ordering::Relaxed) || reads == 0 {
            let r = lock.read();
            assert!(r.iter().all(|&v| v == r[0]), "torn: {r:?}");
            assert!(r[0] >= last, "went back from {last} to {}", r[0]);
            last = r[0];
            reads += 1;
        }
        writer.join().expect("writer ran");
        assert_eq!(lock.read(), [200_000; 6]);
    }
}
