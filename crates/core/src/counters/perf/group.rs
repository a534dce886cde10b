//! Opening and reading one thread's counter groups through `perf-event2`: the first
//! event that opens leads its group, each later one joins it or is recorded as a
//! failure on its own, and counting in kernel mode falls back to user-only where
//! perf_event_paranoid refuses it.

use std::io;

use perf_event::events::{Cache, CacheId, CacheOp, CacheResult, Hardware, Software};
use perf_event::{Builder, Counter, ReadFormat};

use super::{Event, OpenFailure, PerfValues, Scope, scale_group};

/// A builder for `event` on thread `tid` (any CPU), counting in `scope`.
fn builder(event: Event, tid: i32, scope: Scope) -> Builder<'static> {
    let mut b = match event {
        Event::Cycles => Builder::new(Hardware::CPU_CYCLES),
        Event::Instructions => Builder::new(Hardware::INSTRUCTIONS),
        Event::L1dLoadMisses => Builder::new(Cache {
            which: CacheId::L1D,
            operation: CacheOp::READ,
            result: CacheResult::MISS,
        }),
        Event::LlcLoadMisses => Builder::new(Cache {
            which: CacheId::LL,
            operation: CacheOp::READ,
            result: CacheResult::MISS,
        }),
        Event::ContextSwitches => Builder::new(Software::CONTEXT_SWITCHES),
        Event::CpuMigrations => Builder::new(Software::CPU_MIGRATIONS),
        Event::PageFaults => Builder::new(Software::PAGE_FAULTS),
        Event::TaskClock => Builder::new(Software::TASK_CLOCK),
    };
    if tid == crate::clock::gettid() {
        b.observe_self();
    } else {
        b.observe_pid(tid);
    }
    b.any_cpu()
        .exclude_kernel(scope == Scope::UserOnly)
        .read_format(
            ReadFormat::GROUP
                | ReadFormat::ID
                | ReadFormat::TOTAL_TIME_ENABLED
                | ReadFormat::TOTAL_TIME_RUNNING,
        )
        // Counting starts when the group is opened, not at a later enable().
        .enabled(true);
    b
}

fn failure(e: &io::Error) -> OpenFailure {
    OpenFailure::classify(e.raw_os_error().unwrap_or(libc::EINVAL))
}

/// Whether `event` can be counted for the calling thread in `scope` (a probe: the
/// counter is closed at once).
pub fn probe(event: Event, scope: Scope) -> Result<(), OpenFailure> {
    builder(event, crate::clock::gettid(), scope)
        .build()
        .map(drop)
        .map_err(|e| failure(&e))
}

/// Events opened together for one thread and read in one `read()`.
pub struct Group {
    /// The group (its leader is the first event that opened); `None` when none did.
    group: Option<perf_event::Group>,
    /// The members after the leader, kept open for as long as the group lives.
    members: Vec<Counter>,
    /// The events, leader first, in the order of `members` after it.
    events: Vec<Event>,
    pub scope: Option<Scope>,
    /// Events that could not be opened, and why.
    pub failures: Vec<(Event, OpenFailure)>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("events", &self.events)
            .field("scope", &self.scope)
            .field("failures", &self.failures)
            .finish()
    }
}

impl Group {
    /// Opens `events` for thread `tid`: kernel and user mode if permitted, else user
    /// only. An event that cannot be opened is left out and listed in `failures`.
    pub fn open(tid: i32, events: &[Event]) -> Group {
        let first = Group::open_in(tid, events, Scope::KernelAndUser);
        let refused = first
            .failures
            .iter()
            .any(|(_, f)| matches!(f, OpenFailure::NotPermitted(_)));
        if refused {
            Group::open_in(tid, events, Scope::UserOnly)
        } else {
            first
        }
    }

    fn open_in(tid: i32, events: &[Event], scope: Scope) -> Group {
        let mut g = Group {
            group: None,
            members: Vec::new(),
            events: Vec::new(),
            scope: None,
            failures: Vec::new(),
        };
        for &event in events {
            if scope == Scope::UserOnly && event.happens_in_kernel() {
                // Would read 0 whatever happened: not counted, so absent.
                g.failures
                    .push((event, OpenFailure::NotPermitted(libc::EACCES)));
                continue;
            }
            let b = builder(event, tid, scope);
            let opened = match g.group.as_mut() {
                None => b.build_group().map(|leader| g.group = Some(leader)),
                Some(group) => group.add(&b).map(|c| g.members.push(c)),
            };
            match opened {
                Ok(()) => g.events.push(event),
                Err(e) => g.failures.push((event, failure(&e))),
            }
        }
        if g.group.is_some() {
            g.scope = Some(scope);
        }
        g
    }

    /// True when at least one event is counted.
    pub fn is_open(&self) -> bool {
        self.group.is_some()
    }

    /// Adds the group's current scaled counts into `into` (by event); false when
    /// nothing could be read.
    pub fn read_into(&mut self, into: &mut PerfValues) -> bool {
        let Some(group) = self.group.as_mut() else {
            return false;
        };
        let Ok(data) = group.read() else {
            return false;
        };
        let ns = |d: Option<std::time::Duration>| d.map_or(0, |d| d.as_nanos() as u64);
        let leader = data.get(group.as_counter()).map(|e| e.value());
        let members = self.members.iter().map(|c| data.get(c).map(|e| e.value()));
        let Some(counts) = std::iter::once(leader)
            .chain(members)
            .collect::<Option<Vec<u64>>>()
        else {
            return false;
        };
        let values = scale_group(&counts, ns(data.time_enabled()), ns(data.time_running()));
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
    pub fn read(&mut self) -> PerfValues {
        let mut v: PerfValues = [None; 8];
        for g in [&mut self.hardware, &mut self.software, &mut self.clock] {
            g.read_into(&mut v);
        }
        v
    }
}
