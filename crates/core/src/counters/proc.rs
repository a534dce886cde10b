//! Counters read from /proc and the thread clocks: thread CPU time,
//! voluntary and involuntary context switches, and `/proc/stat` busy time.
//!
//! Context switches come from `/proc/self/task/<tid>/status`: the same kernel counters
//! (`nvcsw`, `nivcsw`) that `getrusage(RUSAGE_THREAD)` returns, but readable from the
//! sampler thread, which `getrusage` is not. A value that cannot be read is `None`.

use std::fs;

use crate::clock;

/// Context switches of one thread so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContextSwitches {
    pub voluntary: u64,
    pub involuntary: u64,
}

impl ContextSwitches {
    /// Reads thread `tid` of this process; `None` if it has exited.
    pub fn of_thread(tid: i32) -> Option<ContextSwitches> {
        let text = fs::read_to_string(format!("/proc/self/task/{tid}/status")).ok()?;
        parse_status(&text)
    }
}

/// Parses the two context-switch lines of a `/proc/.../status` file.
pub fn parse_status(text: &str) -> Option<ContextSwitches> {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    Some(ContextSwitches {
        voluntary: field("voluntary_ctxt_switches:")?,
        involuntary: field("nonvoluntary_ctxt_switches:")?,
    })
}

/// One reading of a thread's costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadReading {
    pub cpu_ns: Option<u64>,
    pub switches: Option<ContextSwitches>,
}

impl ThreadReading {
    /// Reads thread `tid` of this process.
    pub fn of_thread(tid: i32) -> ThreadReading {
        ThreadReading {
            cpu_ns: clock::thread_cpu_ns(tid),
            switches: ContextSwitches::of_thread(tid),
        }
    }
}

/// Aggregate CPU time of the whole machine from the first line of `/proc/stat`, in
/// clock ticks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MachineCpu {
    pub busy: u64,
    pub total: u64,
    /// Of `busy`, the time in interrupts and softirqs (the `irq` and `softirq`
    /// columns): mostly the network stack working for the tool's own sockets, some of
    /// it in ksoftirqd, so never "other processes".
    pub interrupts: u64,
    /// This process's own CPU time (user + system, `/proc/self/stat`), read right
    /// after; `None` where unreadable.
    pub own: Option<u64>,
}

impl MachineCpu {
    /// Reads `/proc/stat` and this process's own ticks; `None` where `/proc/stat` is
    /// unreadable.
    pub fn read() -> Option<MachineCpu> {
        let machine = parse_proc_stat(&fs::read_to_string("/proc/stat").ok()?)?;
        let own = fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| parse_own_ticks(&s));
        Some(MachineCpu { own, ..machine })
    }

    /// Percentage of the machine's CPU busy between `earlier` and `self` in processes
    /// other than this one, interrupts and softirqs left out (they are mostly the
    /// network stack serving this process's sockets, ksoftirqd's included: counted as
    /// others, multi-pair cells read up to 35 % "others" on an idle machine).
    pub fn others_pct_since(&self, earlier: &MachineCpu) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let busy = self.busy.checked_sub(earlier.busy)?;
        let interrupts = self.interrupts.checked_sub(earlier.interrupts)?;
        let own = self.own?.checked_sub(earlier.own?)?;
        (total > 0).then(|| {
            busy.saturating_sub(interrupts).saturating_sub(own) as f64 * 100.0 / total as f64
        })
    }

    /// Percentage of all CPUs busy between `earlier` and `self`.
    pub fn busy_pct_since(&self, earlier: &MachineCpu) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let busy = self.busy.checked_sub(earlier.busy)?;
        (total > 0).then(|| busy as f64 * 100.0 / total as f64)
    }
}

/// Parses the `cpu` line: user nice system idle iowait irq softirq steal (guest time is
/// already inside user and nice). Busy is everything but idle and iowait.
pub fn parse_proc_stat(text: &str) -> Option<MachineCpu> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    if v.len() < 5 {
        return None;
    }
    let total: u64 = v.iter().sum();
    let idle = v[3] + v[4];
    Some(MachineCpu {
        busy: total - idle,
        total,
        interrupts: v.get(5).copied().unwrap_or(0) + v.get(6).copied().unwrap_or(0),
        own: None,
    })
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line, in clock ticks.
pub fn parse_own_ticks(text: &str) -> Option<u64> {
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_parse() {
        let text = "Name:\tx\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";
        assert_eq!(
            parse_status(text),
            Some(ContextSwitches {
                voluntary: 12,
                involuntary: 3
            })
        );
        assert_eq!(parse_status("Name:\tx\n"), None);
    }

    #[test]
    fn proc_status_agrees_with_getrusage_for_this_thread() {
        let tid = clock::gettid();
        // SAFETY: zeroed rusage is valid; RUSAGE_THREAD reports the calling thread.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        let before = ContextSwitches::of_thread(tid).expect("own status readable");
        let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) };
        let after = ContextSwitches::of_thread(tid).expect("own status readable");
        assert_eq!(rc, 0);
        let vol = ru.ru_nvcsw as u64;
        assert!(before.voluntary <= vol && vol <= after.voluntary);
        let invol = ru.ru_nivcsw as u64;
        assert!(before.involuntary <= invol && invol <= after.involuntary);
    }

    #[test]
    fn proc_stat_busy_percentage() {
        let a = parse_proc_stat("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n").expect("parses");
        assert_eq!(
            a,
            MachineCpu {
                busy: 200,
                total: 1000,
                interrupts: 0,
                own: None,
            }
        );
        let b = MachineCpu {
            busy: 250,
            total: 1100,
            interrupts: 0,
            own: Some(30),
        };
        assert_eq!(b.busy_pct_since(&a), Some(50.0));
        assert_eq!(b.others_pct_since(&a), None, "no own ticks before");
        let a = MachineCpu { own: Some(10), ..a };
        assert_eq!(
            b.others_pct_since(&a),
            Some(30.0),
            "50 busy, 20 of them ours"
        );
        let c = MachineCpu {
            interrupts: 10,
            ..b
        };
        assert_eq!(c.others_pct_since(&a), Some(20.0), "10 of them softirqs");
        let d = parse_proc_stat("cpu  100 0 100 700 100 7 9 0 0 0\n").expect("parses");
        assert_eq!(d.interrupts, 16);
        assert_eq!(
            parse_own_ticks("42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 17 4 0 0"),
            Some(21)
        );
        assert_eq!(a.busy_pct_since(&a), None);
        assert!(parse_proc_stat("intr 1 2").is_none());
        assert!(MachineCpu::read().is_some());
    }
}
