//! Per-thread perf counters with raw `perf_event_open`: a hardware group (cycles,
//! instructions, L1-dcache-load-misses, LLC-load-misses), a separate software group
//! (context-switches, cpu-migrations, page-faults) and task-clock on its own, for each
//! worker thread, so a machine without a PMU still gets the software figures. (task-clock
//! is a PMU of its own in the kernel; grouped with the generic software events, one kind
//! read 0 on Linux 6.18, so it is not grouped with them.)
//!
//! Raw rather than through a crate: the whole interface is a 64-byte attribute block
//! (`PERF_ATTR_SIZE_VER0`), one syscall per event and one `read()` per group, and we need
//! per-event control a builder hides: a member that fails to open is absent on its own,
//! and kernel-mode counting falls back to user-only on EACCES/EPERM.
//!
//! An event that cannot be counted is `None` all the way to the CSV (an empty cell),
//! never 0.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

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

    fn index(self) -> usize {
        self as usize
    }

    /// `(type, config)` for perf_event_attr (include/uapi/linux/perf_event.h).
    fn type_config(self) -> (u32, u64) {
        const HARDWARE: u32 = 0;
        const SOFTWARE: u32 = 1;
        const HW_CACHE: u32 = 3;
        // HW_CACHE config: cache id | (op << 8) | (result << 16); op READ = 0, MISS = 1.
        const MISS: u64 = 1 << 16;
        match self {
            Event::Cycles => (HARDWARE, 0),
            Event::Instructions => (HARDWARE, 1),
            Event::L1dLoadMisses => (HW_CACHE, MISS), // L1D = 0
            Event::LlcLoadMisses => (HW_CACHE, 2 | MISS), // LL = 2
            Event::TaskClock => (SOFTWARE, 1),
            Event::PageFaults => (SOFTWARE, 2),
            Event::ContextSwitches => (SOFTWARE, 3),
            Event::CpuMigrations => (SOFTWARE, 4),
        }
    }

    /// Counted in the kernel only: meaningless (always 0) when counting is user-only.
    fn happens_in_kernel(self) -> bool {
        matches!(self, Event::ContextSwitches | Event::CpuMigrations)
    }
}

/// One value per [`Event`], `None` where it is not counted.
pub type PerfValues = [Option<u64>; 8];

/// Reads `values[event]`.
pub fn value(values: &PerfValues, event: Event) -> Option<u64> {
    values[event.index()]
}

/// Whether counting includes kernel mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    KernelAndUser,
    UserOnly,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::KernelAndUser => "kernel+user",
            Mode::UserOnly => "user",
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

/// Parses a `PERF_FORMAT_GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING` read:
/// `nr, time_enabled, time_running, value[nr]`, and returns the scaled values.
pub fn parse_group_read(words: &[u64]) -> Option<Vec<Option<u64>>> {
    let (&nr, rest) = words.split_first()?;
    let (&enabled, rest) = rest.split_first()?;
    let (&running, values) = rest.split_first()?;
    let values = values.get(..usize::try_from(nr).ok()?)?;
    Some(values.iter().map(|&v| scale(v, enabled, running)).collect())
}

/// The VER0 (64-byte) perf_event_attr; the kernel reads larger versions but accepts this.
#[repr(C)]
#[derive(Default)]
struct Attr {
    kind: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
}

const FORMAT_TOTAL_TIME_ENABLED: u64 = 1 << 0;
const FORMAT_TOTAL_TIME_RUNNING: u64 = 1 << 1;
const FORMAT_GROUP: u64 = 1 << 3;
const FLAG_EXCLUDE_KERNEL: u64 = 1 << 5;
const FLAG_EXCLUDE_HV: u64 = 1 << 6;

/// Opens one event for thread `tid` on any CPU, in the group of `leader` (or as a new
/// leader). Counting starts at once (not disabled).
fn open_event(
    event: Event,
    tid: i32,
    leader: Option<&OwnedFd>,
    mode: Mode,
) -> Result<OwnedFd, OpenFailure> {
    let (kind, config) = event.type_config();
    let mut flags = FLAG_EXCLUDE_HV;
    if mode == Mode::UserOnly {
        flags |= FLAG_EXCLUDE_KERNEL;
    }
    let attr = Attr {
        kind,
        size: std::mem::size_of::<Attr>() as u32,
        config,
        read_format: FORMAT_GROUP | FORMAT_TOTAL_TIME_ENABLED | FORMAT_TOTAL_TIME_RUNNING,
        flags,
        ..Attr::default()
    };
    let group_fd = leader.map_or(-1, |fd| fd.as_raw_fd());
    const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;
    // SAFETY: `attr` is a valid perf_event_attr of the size it declares.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const Attr,
            tid as libc::pid_t,
            -1 as libc::c_int,
            group_fd as libc::c_int,
            PERF_FLAG_FD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(OpenFailure::classify(
            io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EINVAL),
        ));
    }
    // SAFETY: the kernel just returned this fd, and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as libc::c_int) })
}

/// Whether `event` can be counted for the calling thread in `mode` (a probe: the fd is
/// closed at once).
pub fn probe(event: Event, mode: Mode) -> Result<(), OpenFailure> {
    open_event(event, crate::clock::gettid(), None, mode).map(drop)
}

/// Events opened together for one thread and read in one `read()`.
#[derive(Debug)]
pub struct Group {
    /// The leader (first member); `None` when no event of the group opened.
    leader: Option<OwnedFd>,
    /// Extra members, kept open for as long as the group lives.
    _members: Vec<OwnedFd>,
    /// The events, in the order the kernel reports their values.
    events: Vec<Event>,
    pub mode: Option<Mode>,
    /// Events that could not be opened, and why.
    pub failures: Vec<(Event, OpenFailure)>,
}

impl Group {
    /// Opens `events` for thread `tid`: kernel and user mode if permitted, else user
    /// only. An event that cannot be opened is left out and listed in `failures`.
    pub fn open(tid: i32, events: &[Event]) -> Group {
        let first = Group::open_in_mode(tid, events, Mode::KernelAndUser);
        let refused = first
            .failures
            .iter()
            .any(|(_, f)| matches!(f, OpenFailure::NotPermitted(_)));
        if refused {
            Group::open_in_mode(tid, events, Mode::UserOnly)
        } else {
            first
        }
    }

    fn open_in_mode(tid: i32, events: &[Event], mode: Mode) -> Group {
        let mut group = Group {
            leader: None,
            _members: Vec::new(),
            events: Vec::new(),
            mode: None,
            failures: Vec::new(),
        };
        for &event in events {
            if mode == Mode::UserOnly && event.happens_in_kernel() {
                // Would read 0 whatever happened: not counted, so absent.
                group
                    .failures
                    .push((event, OpenFailure::NotPermitted(libc::EACCES)));
                continue;
            }
            match open_event(event, tid, group.leader.as_ref(), mode) {
                Ok(fd) => {
                    if group.leader.is_none() {
                        group.leader = Some(fd);
                    } else {
                        group._members.push(fd);
                    }
                    group.events.push(event);
                }
                Err(f) => group.failures.push((event, f)),
            }
        }
        if group.leader.is_some() {
            group.mode = Some(mode);
        }
        group
    }

    /// True when at least one event is counted.
    pub fn is_open(&self) -> bool {
        self.leader.is_some()
    }

    /// Adds the group's current scaled counts into `into` (by event).
    pub fn read_into(&self, into: &mut PerfValues) -> bool {
        let Some(leader) = &self.leader else {
            return false;
        };
        let mut words = [0u64; 3 + 8];
        let bytes = std::mem::size_of_val(&words);
        // SAFETY: reading at most `bytes` into a live buffer of that size.
        let n = unsafe {
            libc::read(
                leader.as_raw_fd(),
                words.as_mut_ptr() as *mut libc::c_void,
                bytes,
            )
        };
        if n < 0 {
            return false;
        }
        let Some(values) = parse_group_read(&words[..n as usize / 8]) else {
            return false;
        };
        for (&event, v) in self.events.iter().zip(values) {
            let slot = &mut into[event.index()];
            *slot = match (*slot, v) {
                (Some(a), Some(b)) => Some(a + b),
                (None, Some(b)) => Some(b),
                (_, None) => None,
            };
        }
        true
    }
}

/// The counter groups of one worker thread.
#[derive(Debug)]
pub struct ThreadCounters {
    pub hardware: Group,
    pub software: Group,
    pub clock: Group,
}

impl ThreadCounters {
    pub fn open(tid: i32) -> ThreadCounters {
        ThreadCounters {
            hardware: Group::open(tid, &Event::HARDWARE),
            software: Group::open(tid, &Event::SOFTWARE),
            clock: Group::open(tid, &Event::CLOCK),
        }
    }

    /// The groups, for reporting how they were opened.
    pub fn groups(&self) -> [&Group; 3] {
        [&self.hardware, &self.software, &self.clock]
    }

    /// This thread's counts now; `None` for events not counted (or a failed read).
    pub fn read(&self) -> PerfValues {
        let mut v: PerfValues = [None; 8];
        for g in self.groups() {
            g.read_into(&mut v);
        }
        v
    }
}

/// Sums threads: an event is counted for the side only if it is counted for every
/// thread of it (a partial sum would look like a real, smaller figure).
pub fn sum_threads(threads: &[PerfValues]) -> PerfValues {
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
    let modes: Vec<Mode> = groups.iter().filter_map(|g| g.mode).collect();
    let first = *modes.first()?;
    Some(if modes.iter().all(|&m| m == first) {
        first.name()
    } else {
        "mixed"
    })
}

#[cfg(test)]
mod tests;
