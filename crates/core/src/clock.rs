//! Clocks every side reads: CLOCK_MONOTONIC for stamps (one clock for all threads of the
//! process) and per-thread CPU-time clocks, readable from another thread of the process.

/// Nanoseconds of CLOCK_MONOTONIC (vDSO, ~32 ns here).
pub fn monotonic_ns() -> u64 {
    read_clock(libc::CLOCK_MONOTONIC).unwrap_or(0)
}

/// CPU time (user + system) consumed so far by the calling thread, in ns.
pub fn own_thread_cpu_ns() -> Option<u64> {
    read_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time consumed so far by thread `tid` of this process, in ns; `None` once the
/// thread has exited. Uses the kernel's per-thread CPU clock id, the same one
/// `pthread_getcpuclockid` builds, so it is safe to call after the thread is gone.
pub fn thread_cpu_ns(tid: i32) -> Option<u64> {
    // MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) from include/linux/posix-timers.h.
    const CPUCLOCK_PERTHREAD_MASK: libc::clockid_t = 4;
    const CPUCLOCK_SCHED: libc::clockid_t = 2;
    let clock = ((!tid) << 3) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED;
    read_clock(clock)
}

/// The calling thread's kernel id.
pub fn gettid() -> i32 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() }
}

fn read_clock(clock: libc::clockid_t) -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_clock_by_tid_matches_own_clock() {
        let tid = gettid();
        // Burn a little CPU so the clock moves.
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let by_tid = thread_cpu_ns(tid).expect("own tid clock");
        let own = own_thread_cpu_ns().expect("own clock");
        assert!(by_tid > 0);
        // Read one after the other: the second read is never earlier.
        assert!(own >= by_tid, "own {own} by_tid {by_tid}");
    }

    #[test]
    fn exited_thread_clock_is_absent() {
        let tid = std::thread::spawn(gettid).join().expect("thread ran");
        // join() returns when the thread cleared its tid, which can be a moment before
        // the kernel releases the task: wait (boundedly) for it to go.
        let gone = (0..500).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(10));
            thread_cpu_ns(tid).is_none()
        });
        assert!(gone, "the clock of exited thread {tid} is still readable");
    }
}
