//! The paced sender's schedule and its wait, over a [`Clock`] so that both are tested
//! with a fake one. Message `k` of a pair is due at `start + k × interval`, whatever
//! happened before: a sender that stalls sends the messages it owes as fast as it can
//! afterwards, each stamped with the time it was *due*, so the stall shows in the
//! latency of every message it delayed (coordinated omission corrected, as wrk2 does).
//!
//! Waiting does not burn a core: the sender sleeps until its spin window before the due
//! time (an absolute-deadline sleep, with the thread's timer slack set to 1 ns), then
//! spins the rest. The window is [`SPIN_NS`], but never more than a quarter of the
//! interval ([`Pacer::spin_ns`]): a short interval would otherwise be spun through
//! whole, and two pacers on two cores would leave their receivers no CPU. How late each message really went is measured and recorded
//! (`pace_err_*` columns).

/// How long before a due time the sender stops sleeping and spins: a wake-up from
/// `clock_nanosleep` lands this late or less most of the time on these machines.
pub const SPIN_NS: u64 = 30_000;
/// The spin window's share of the interval, at most: 1/`SPIN_SHARE`.
pub const SPIN_SHARE: u64 = 4;
/// Longest single sleep, so a stop request is seen promptly.
pub const MAX_SLEEP_NS: u64 = 10_000_000;

/// A monotonic clock in nanoseconds that can sleep until a deadline.
pub trait Clock {
    fn now(&mut self) -> u64;
    fn sleep_until(&mut self, deadline_ns: u64);
}

/// One pair's schedule: `start + k × interval`, the interval in picoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacer {
    pub start_ns: u64,
    pub interval_ps: u64,
}

impl Pacer {
    /// The schedule of pair `pair` of `pairs` starting at `now`: the pairs are spread
    /// over one interval so that they do not send in bursts together.
    pub fn for_pair(now: u64, interval_ps: u64, pair: usize, pairs: usize) -> Pacer {
        let offset_ps = u128::from(interval_ps) * pair as u128 / pairs.max(1) as u128;
        Pacer {
            start_ns: now + (offset_ps / 1000) as u64,
            interval_ps,
        }
    }

    /// How long before each due time the sender spins: [`SPIN_NS`], or a quarter of
    /// the interval when that is shorter, so spinning takes at most that share of the
    /// pacer's core (a wake-up that lands later than the window makes the message late,
    /// which the pacing error records).
    pub fn spin_ns(&self) -> u64 {
        SPIN_NS.min(self.interval_ps / 1000 / SPIN_SHARE)
    }

    /// When message `k` is due.
    pub fn due(&self, k: u64) -> u64 {
        self.start_ns + (u128::from(k) * u128::from(self.interval_ps) / 1000) as u64
    }
}

/// What a paced loop drives: a stop flag and a send stamped with its due time.
pub trait PacedSink {
    type Error;
    fn stopped(&self) -> bool;
    fn send_due(&mut self, due_ns: u64) -> Result<(), Self::Error>;
}

/// Waits until `due`: sleeps while it is more than `spin_ns` away (in steps of at
/// most [`MAX_SLEEP_NS`]), then spins. False if told to stop meanwhile.
pub fn wait_until(
    clock: &mut impl Clock,
    due: u64,
    spin_ns: u64,
    stopped: impl Fn() -> bool,
) -> bool {
    loop {
        let now = clock.now();
        if now >= due {
            return true;
        }
        if stopped() {
            return false;
        }
        let left = due - now;
        if left > spin_ns {
            clock.sleep_until(now + (left - spin_ns).min(MAX_SLEEP_NS));
        } else {
            std::hint::spin_loop();
        }
    }
}

/// Sends on `pacer`'s schedule until `sink` says stop. Returns messages sent.
pub fn run_paced<S: PacedSink>(
    clock: &mut impl Clock,
    pacer: Pacer,
    sink: &mut S,
) -> Result<u64, S::Error> {
    let mut k = 0u64;
    let spin = pacer.spin_ns();
    loop {
        let due = pacer.due(k);
        if !wait_until(clock, due, spin, || sink.stopped()) {
            return Ok(k);
        }
        // Checked again: a stop that came while a late sender caught up.
        if sink.stopped() {
            return Ok(k);
        }
        sink.send_due(due)?;
        k += 1;
    }
}

/// CLOCK_MONOTONIC, and an absolute-deadline sleep on it.
#[derive(Debug, Default)]
pub struct MonotonicClock;

impl Clock for MonotonicClock {
    fn now(&mut self) -> u64 {
        crate::clock::monotonic_ns()
    }

    fn sleep_until(&mut self, deadline_ns: u64) {
        let ts = libc::timespec {
            tv_sec: (deadline_ns / 1_000_000_000) as libc::time_t,
            tv_nsec: (deadline_ns % 1_000_000_000) as libc::c_long,
        };
        // SAFETY: ts is a valid timespec; a null remainder is allowed with
        // TIMER_ABSTIME. An early return (a signal) only means the caller looks again.
        unsafe {
            libc::clock_nanosleep(
                libc::CLOCK_MONOTONIC,
                libc::TIMER_ABSTIME,
                &ts,
                std::ptr::null_mut(),
            );
        }
    }
}

/// Asks the kernel to wake this thread's sleeps on time (the default slack is 50 µs).
pub fn tighten_timer_slack() {
    // SAFETY: PR_SET_TIMERSLACK takes a plain integer and changes only this thread.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Time moves only when the code under test looks at it (100 ns a look), sleeps,
    /// or sends (as long as the send says it took).
    struct FakeClock {
        now: u64,
        sleeps: u64,
    }

    impl Clock for FakeClock {
        fn now(&mut self) -> u64 {
            self.now += 100;
            self.now
        }
        fn sleep_until(&mut self, t: u64) {
            self.sleeps += 1;
            self.now = self.now.max(t);
        }
    }

    /// A sender whose message number `stall_at` takes `stall_ns`; every message's
    /// latency is its arrival (the send's end) minus its due time.
    struct Sink<'a> {
        clock: &'a std::cell::RefCell<FakeClock>,
        sent: u64,
        limit: u64,
        stall_at: u64,
        stall_ns: u64,
        latencies: Vec<u64>,
    }

    impl PacedSink for Sink<'_> {
        type Error = ();
        fn stopped(&self) -> bool {
            self.sent >= self.limit
        }
        fn send_due(&mut self, due: u64) -> Result<(), ()> {
            let mut c = self.clock.borrow_mut();
            if self.sent == self.stall_at {
                c.now += self.stall_ns;
            }
            self.latencies.push(c.now - due);
            self.sent += 1;
            Ok(())
        }
    }

    /// Lets `run_paced` borrow the shared fake clock.
    struct Shared<'a>(&'a std::cell::RefCell<FakeClock>);
    impl Clock for Shared<'_> {
        fn now(&mut self) -> u64 {
            self.0.borrow_mut().now()
        }
        fn sleep_until(&mut self, t: u64) {
            self.0.borrow_mut().sleep_until(t)
        }
    }

    #[test]
    fn a_stall_shows_in_the_latency_of_every_message_it_delayed() {
        let ms = 1_000_000u64;
        let clock = std::cell::RefCell::new(FakeClock { now: 0, sleeps: 0 });
        let pacer = Pacer::for_pair(0, ms * 1000, 0, 1); // one message a millisecond
        let mut sink = Sink {
            clock: &clock,
            sent: 0,
            limit: 30,
            stall_at: 5,
            stall_ns: 10 * ms,
            latencies: Vec::new(),
        };
        let sent = run_paced(&mut Shared(&clock), pacer, &mut sink).expect("no error");
        assert_eq!(sent, 30, "no message is skipped, however late");
        let lat = &sink.latencies;
        // Message 5 took 10 ms itself; 6..=14 were due during the stall and went
        // late by what remained of it.
        for k in 5..15u64 {
            let owed = 10 * ms - (k - 5) * ms;
            assert!(
                lat[k as usize] >= owed,
                "message {k}: {} < {owed}",
                lat[k as usize]
            );
        }
        // Before the stall and after catching up, messages go within the spin window.
        for k in (0..5).chain(16..30) {
            assert!(lat[k] < SPIN_NS, "message {k} late by {}", lat[k]);
        }
        assert!(
            clock.borrow().sleeps >= 15,
            "the sender slept before each message on time"
        );
    }

    /// A short interval is not spun through: the sender sleeps until a quarter of it
    /// before each due time, and spins only that.
    #[test]
    fn the_spin_window_is_at_most_a_quarter_of_the_interval() {
        let fast = Pacer::for_pair(0, 8_000_000, 0, 1); // 8 µs
        assert_eq!(fast.spin_ns(), 2_000);
        let slow = Pacer::for_pair(0, 1_000_000_000, 0, 1); // 1 ms
        assert_eq!(slow.spin_ns(), SPIN_NS);
        // Time only moves by looking (100 ns) or sleeping: count the looks spent
        // spinning before one due time 8 µs away.
        let mut c = FakeClock { now: 0, sleeps: 0 };
        assert!(wait_until(&mut c, 8_000, fast.spin_ns(), || false));
        assert_eq!(c.sleeps, 1, "slept first");
        // One look, the sleep to 6 µs, then 100 ns looks for the last 2 µs.
        let looks = (c.now - 6_000) / 100;
        assert!(looks <= 21, "spun {looks} looks: more than the 2 µs window");
    }

    #[test]
    fn schedules_spread_pairs_and_keep_precision() {
        let p = Pacer::for_pair(1_000, 2_500, 1, 2); // 2.5 ns apart, second of two pairs
        assert_eq!(p.start_ns, 1_001);
        assert_eq!(p.due(4), 1_011, "10 ns after start, not 4 × a rounded 2 ns");
        assert_eq!(p.due(1_000_000), 1_001 + 2_500_000);
    }

    #[test]
    fn a_stop_ends_the_wait() {
        let mut c = FakeClock { now: 0, sleeps: 0 };
        assert!(!wait_until(&mut c, 1_000_000_000, SPIN_NS, || true));
        assert!(
            wait_until(&mut c, 0, SPIN_NS, || true),
            "already due: send, stop after"
        );
    }
}
