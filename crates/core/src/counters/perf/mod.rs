//! Per-thread perf counters: a hardware group (cycles, instructions,
//! L1-dcache-load-misses, LLC-load-misses), a separate software group
//! (context-switches, cpu-migrations, page-faults) and task-clock on its own, for each
//! worker thread, so a machine without a PMU still gets the software figures. (task-clock
//! is a PMU of its own in the kernel; grouped with the generic software events, one kind
//! read 0 on Linux 6.18, so it is not grouped with them.)
//!
//! This file holds what the tool decides (which events, how failures are sorted, how a
//! multiplexed count is scaled, how threads are summed); `group.rs` opens and reads the
//! groups through the `perf-event2` crate.
//!
//! An event that cannot be counted is `None` here and an absent figure in the row
//! (an empty CSV cell), never 0.

/// The events, in the order of [`PerfValues`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Cycles,
    Instructions,
    L1dLoadMisses,
    LlcLoadMisses,
    ContextSwitches,
    CpuMigrations,
    PageFaults,
    TaskClock,
}

impl Event {
    pub const ALL: [Event; 8] = [
        Event::Cycles,
        Event::Instructions,
        Event::L1dLoadMisses,
        Event::LlcLoadMisses,
        Event::ContextSwitches,
        Event::CpuMigrations,
        Event::PageFaults,
        Event::TaskClock,
    ];
    pub const HARDWARE: [Event; 4] = [
        Event::Cycles,
        Event::Instructions,
        Event::L1dLoadMisses,
        Event::LlcLoadMisses,
    ];
    /// The generic software events. task-clock belongs to another kernel PMU and gets
    /// a group of its own: measured on Linux 6.18, in one group with these, whichever
    /// of the two kinds did not lead the group read 0.
    pub const SOFTWARE: [Event; 3] = [
        Event::ContextSwitches,
        Event::CpuMigrations,
        Event::PageFaults,
    ];
    pub const CLOCK: [Event; 1] = [Event::TaskClock];

    /// perf's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Event::Cycles => "cycles",
            Event::Instructions => "instructions",
            Event::L1dLoadMisses => "L1-dcache-load-misses",
            Event::LlcLoadMisses => "LLC-load-misses",
            Event::ContextSwitches => "context-switches",
            Event::CpuMigrations => "cpu-migrations",
            Event::PageFaults => "page-faults",
            Event::TaskClock => "task-clock",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Counted in the kernel only: meaningless (always 0) when counting is user-only.
    pub(crate) fn happens_in_kernel(self) -> bool {
        matches!(self, Event::ContextSwitches | Event::CpuMigrations)
    }
}

/// One value per [`Event`], `None` where it is not counted.
pub type PerfValues = [Option<u64>; 8];

/// Reads `values[event]`.
pub fn value(values: &PerfValues, event: Event) -> Option<u64> {
    values[event.index()]
}

/// Which privilege levels are counted: kernel and user mode, or user mode only (what
/// perf_event_paranoid allows an unprivileged user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    KernelAndUser,
    UserOnly,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::KernelAndUser => "kernel+user",
            Scope::UserOnly => "user",
        }
    }
}

/// Why an event could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenFailure {
    /// ENOENT, EOPNOTSUPP, ENODEV, EINVAL: this machine cannot count it.
    Unsupported(i32),
    /// EACCES, EPERM even user-only: perf_event_paranoid forbids it.
    NotPermitted(i32),
    /// Anything else (EMFILE, ENOMEM...).
    Other(i32),
}

impl OpenFailure {
    /// Sorts an errno from perf_event_open.
    pub fn classify(errno: i32) -> OpenFailure {
        match errno {
            libc::ENOENT | libc::EOPNOTSUPP | libc::ENODEV | libc::EINVAL => {
                OpenFailure::Unsupported(errno)
            }
            libc::EACCES | libc::EPERM => OpenFailure::NotPermitted(errno),
            _ => OpenFailure::Other(errno),
        }
    }

    pub fn errno(self) -> i32 {
        match self {
            OpenFailure::Unsupported(e) | OpenFailure::NotPermitted(e) | OpenFailure::Other(e) => e,
        }
    }

    /// What it means for a person.
    pub fn meaning(self) -> &'static str {
        match self {
            OpenFailure::Unsupported(libc::ENOENT) | OpenFailure::Unsupported(libc::ENODEV) => {
                "not supported: no PMU exposes this event (virtual machines often hide hardware counters)"
            }
            OpenFailure::Unsupported(_) => "not supported by this CPU or kernel",
            OpenFailure::NotPermitted(_) => {
                "not permitted: perf_event_paranoid is too high for this user"
            }
            OpenFailure::Other(libc::EMFILE) => "too many open files (raise ulimit -n)",
            OpenFailure::Other(_) => "could not be opened",
        }
    }
}

/// A count scaled for multiplexing: `count × enabled / running`.
///
/// A task's events are enabled only while the task runs, so `enabled == 0` means the
/// thread has not run since the event was opened: its count (0) is exact. `None` when
/// the event was enabled but never got a counter (`running == 0 < enabled`, multiplexed
/// out the whole time): nothing was counted, which is not the same as zero events.
pub fn scale(count: u64, enabled: u64, running: u64) -> Option<u64> {
    if enabled == 0 {
        return Some(count);
    }
    if running == 0 {
        return None;
    }
    if running >= enabled {
        return Some(count);
    }
    Some((count as u128 * enabled as u128 / running as u128) as u64)
}

/// Scales one group read (its members' raw counts, and the group's enabled and
/// running times) for multiplexing, member by member.
pub fn scale_group(counts: &[u64], enabled: u64, running: u64) -> Vec<Option<u64>> {
    counts.iter().map(|&v| scale(v, enabled, running)).collect()
}

mod group;
pub use group::{Group, ThreadCounters, probe};

/// Sums threads: an event is counted for the side only if it is counted for every
/// thread of it (a partial sum would look like a real, smaller figure).
pub fn sum_threads(threads: &[PerfValues]) -> PerfValues {
    if threads.is_empty() {
        // No thread counted: nothing was measured (a sum of nothing is not 0).
        return [None; 8];
    }
    std::array::from_fn(|i| threads.iter().map(|t| t[i]).sum::<Option<u64>>())
}

/// Growth of each event between two readings; absent if absent in either.
pub fn since(later: &PerfValues, earlier: &PerfValues) -> PerfValues {
    std::array::from_fn(|i| match (later[i], earlier[i]) {
        (Some(b), Some(a)) => Some(b.saturating_sub(a)),
        _ => None,
    })
}

/// How the counters of a cell are counted, for the row: `kernel+user`, `user`, or
/// `mixed`; `None` when nothing could be counted.
pub fn mode_label(groups: &[&Group]) -> Option<&'static str> {
    let modes: Vec<Scope> = groups.iter().filter_map(|g| g.scope).collect();
    let first = *modes.first()?;
    Some(if modes.iter().all(|&m| m == first) {
        first.name()
    } else {
        "mixed"
    })
}

#[cfg(test)]
mod tests;
