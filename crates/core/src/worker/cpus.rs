//! Which CPUs a worker ran on: noted by the worker itself, cheaply (only a change is
//! written, with a relaxed `fetch_or`), read by the controller at the end of the cell.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The most CPUs a CPU list or a worker's set can name.
pub const MAX_CPUS: usize = 256;

/// The CPU the calling thread runs on now (`sched_getcpu`, no system call with rseq).
pub fn current_cpu() -> Option<usize> {
    // SAFETY: no arguments; returns -1 on failure.
    let c = unsafe { libc::sched_getcpu() };
    usize::try_from(c).ok()
}

/// The set of CPUs a worker was seen on: written by the worker (relaxed `fetch_or`, only
/// when its CPU changed), read by the controller at the end of the cell.
#[derive(Debug, Default)]
pub struct CpusSeen {
    bits: [AtomicU64; MAX_CPUS / 64],
}

impl CpusSeen {
    pub fn note(&self, cpu: usize) {
        if cpu < MAX_CPUS {
            self.bits[cpu / 64].fetch_or(1 << (cpu % 64), Relaxed);
        }
    }

    pub fn cpus(&self) -> Vec<usize> {
        (0..MAX_CPUS)
            .filter(|&c| self.bits[c / 64].load(Relaxed) & (1 << (c % 64)) != 0)
            .collect()
    }
}

/// Notes the CPU a worker is on, cheaply: only a change is written.
#[derive(Debug, Default)]
pub struct CpuTracker {
    last: Option<usize>,
}

impl CpuTracker {
    pub fn note(&mut self, seen: &CpusSeen) {
        let now = current_cpu();
        if now != self.last {
            if let Some(c) = now {
                seen.note(c);
            }
            self.last = now;
        }
    }
}
