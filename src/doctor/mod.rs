//! `netio-tui doctor`: what this machine can measure, why not where it cannot, and what
//! to do about it. Every line is a probe run now (an event opened, a socket option set,
//! a syscall made), never an assumption.

use std::path::{Path, PathBuf};

use serde::Serialize;

use netio_core::counters::perf::{self, Event, OpenFailure, Scope};
use netio_core::probe::Check;

pub(crate) mod limits;
pub mod privilege;

use netio_core::probe::errno_name;
use netio_core::strategy::uring_probe::io_uring;

/// One perf event as this machine opens it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EventCheck {
    pub event: &'static str,
    pub group: &'static str,
    pub opens: bool,
    /// `kernel+user` or `user` when it opens.
    pub mode: Option<&'static str>,
    pub errno: Option<i32>,
    pub error: Option<String>,
}

/// One registered choice (a strategy, workload or path) as this machine runs it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChoiceCheck {
    /// `send`, `receive`, `workload` or `path`.
    pub axis: &'static str,
    pub name: &'static str,
    pub check: Check,
}

/// Every registry's entries, each probed by its own check.
fn choices() -> Vec<ChoiceCheck> {
    use netio_core::registry::About;
    let of = |axis: &'static str, abouts: Vec<&'static About>| {
        abouts
            .into_iter()
            .map(move |a| ChoiceCheck {
                axis,
                name: a.name,
                check: (a.available)(),
            })
            .collect::<Vec<_>>()
    };
    let mut all = of(
        "send",
        netio_core::strategy::SEND
            .iter()
            .map(|e| &e.about)
            .collect(),
    );
    all.extend(of(
        "receive",
        netio_core::receive::RECEIVE
            .iter()
            .map(|e| &e.about)
            .collect(),
    ));
    all.extend(of(
        "workload",
        netio_core::workload::WORKLOADS
            .iter()
            .map(|e| &e.about)
            .collect(),
    ));
    all.extend(of(
        "path",
        crate::paths::PATHS.iter().map(|e| &e.about).collect(),
    ));
    all
}

/// Everything the doctor found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub kernel: String,
    pub cpu_model: String,
    /// `None` when the kernel would not say.
    pub cores: Option<usize>,
    pub root: bool,
    pub perf_event_paranoid: Option<i32>,
    pub events: Vec<EventCheck>,
    pub hardware_counters: Check,
    pub kernel_counting: Check,
    /// Every registered send strategy, receive strategy, workload and path, and
    /// whether this machine can run it (each registry entry's own probe).
    pub choices: Vec<ChoiceCheck>,
    pub io_uring: Check,
    /// Whether the copy meter's BPF programs load and attach here, and why not.
    pub copy_meter: Check,
    pub iproute2: Check,
    pub tc: Check,
    pub netem: Check,
    /// The system's default TCP congestion control: it changes results.
    pub congestion_control: Check,
    /// The queueing discipline on `lo`: it changes results too.
    pub loopback_qdisc: Check,
    /// Limits a run meets: locked memory, open files, socket option memory.
    pub memlock: Check,
    pub open_files: Check,
    pub optmem: Check,
    /// What each feature needs beyond an ordinary user, and whether this process has it.
    pub privileges: Vec<privilege::Need>,
}

/// Bytes the default matrix's zero-copy pins at most: its pool at the largest default
/// size, times the most thread pairs.
fn default_zero_copy_pins() -> u64 {
    let options = netio_core::strategy::StrategyOptions::default();
    let threads = netio_core::matrix::DEFAULT_THREADS
        .iter()
        .copied()
        .max()
        .unwrap_or(1);
    netio_core::matrix::DEFAULT_SIZES
        .iter()
        .map(|&s| {
            netio_core::strategy::pool_bytes(netio_core::wire::MessageSize::new(s).get(), &options)
        })
        .max()
        .unwrap_or(0) as u64
        * threads as u64
}

/// Runs every probe.
pub fn examine() -> Report {
    let root = unsafe { libc::geteuid() } == 0;
    let paranoid = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
        .ok()
        .and_then(|s| s.trim().parse().ok());
    let events: Vec<EventCheck> = Event::ALL.iter().map(|&e| check_event(e)).collect();
    Report {
        kernel: netio_core::machine::kernel_release(),
        cpu_model: netio_core::machine::cpu_model(),
        cores: std::thread::available_parallelism().ok().map(|n| n.get()),
        root,
        perf_event_paranoid: paranoid,
        hardware_counters: hardware_verdict(&events),
        kernel_counting: kernel_counting(root, paranoid),
        events,
        choices: choices(),
        io_uring: io_uring(),
        copy_meter: netio_core::copymeter::probe(),
        iproute2: program("ip", "apt-get install iproute2"),
        tc: program("tc", "apt-get install iproute2 (tc is part of it)"),
        netem: netem(root),
        congestion_control: congestion_control(),
        loopback_qdisc: loopback_qdisc(),
        memlock: limits::memlock(root, default_zero_copy_pins()),
        open_files: limits::open_files(crate::preflight::files_needed(
            netio_core::matrix::MAX_THREADS,
        )),
        optmem: limits::optmem(),
        privileges: privilege::needs(privilege::effective(), root),
    }
}

fn congestion_control() -> Check {
    let default = netio_core::net::sockopt::default_cc();
    let available = crate::preflight::available_cc().unwrap_or_default();
    match default {
        Some(cc) => Check {
            ok: true,
            detail: format!(
                "default {cc} (available: {}). It changes results: BBR paces even on loopback and roughly halves throughput against cubic; netio-tui records it per row (cc) and --cc chooses it",
                available.join(" ")
            ),
            fix: None,
        },
        None => Check {
            ok: false,
            detail: "the default congestion control is unreadable".into(),
            fix: Some("choose one explicitly with --cc cubic".into()),
        },
    }
}

fn loopback_qdisc() -> Check {
    let out = std::process::Command::new("tc")
        .args(["qdisc", "show", "dev", "lo"])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let first = text.lines().next().unwrap_or("").trim().to_string();
            Check {
                ok: true,
                detail: format!(
                    "lo: {first}. A qdisc other than noqueue on lo (fq, netem) paces or delays every loopback run"
                ),
                fix: None,
            }
        }
        _ => Check {
            ok: false,
            detail: "could not read the qdisc on lo (tc missing?)".into(),
            fix: Some("apt-get install iproute2".into()),
        },
    }
}

fn check_event(event: Event) -> EventCheck {
    let group = if Event::HARDWARE.contains(&event) {
        "hardware"
    } else {
        "software"
    };
    let attempt = perf::probe(event, Scope::KernelAndUser)
        .map(|()| Scope::KernelAndUser)
        .or_else(|f| match f {
            OpenFailure::NotPermitted(_) => {
                perf::probe(event, Scope::UserOnly).map(|()| Scope::UserOnly)
            }
            other => Err(other),
        });
    match attempt {
        Ok(mode) => EventCheck {
            event: event.name(),
            group,
            opens: true,
            mode: Some(mode.name()),
            errno: None,
            error: None,
        },
        Err(f) => EventCheck {
            event: event.name(),
            group,
            opens: false,
            mode: None,
            errno: Some(f.errno()),
            error: Some(format!("{}: {}", errno_name(f.errno()), f.meaning())),
        },
    }
}

fn hardware_verdict(events: &[EventCheck]) -> Check {
    let hw: Vec<&EventCheck> = events.iter().filter(|e| e.group == "hardware").collect();
    let open = hw.iter().filter(|e| e.opens).count();
    if open == hw.len() {
        return Check {
            ok: true,
            detail: "all hardware events open".into(),
            fix: None,
        };
    }
    let has_cpu_pmu = Path::new("/sys/bus/event_source/devices/cpu").exists()
        || Path::new("/sys/bus/event_source/devices/cpu_core").exists();
    let (detail, fix) = if !has_cpu_pmu {
        (
            "hardware counters are unavailable: the kernel exposes no CPU PMU \
             (/sys/bus/event_source/devices has no cpu), as under a hypervisor that hides it"
                .to_string(),
            "run on bare metal, or enable the virtual PMU (e.g. QEMU/KVM `-cpu host,pmu=on`, \
             a cloud instance type with PMU access); cycles and cache misses stay empty until then"
                .to_string(),
        )
    } else if hw
        .iter()
        .any(|e| matches!(e.errno, Some(libc::EACCES | libc::EPERM)))
    {
        (
            "hardware counters are not permitted for this user".to_string(),
            "run as root, or: sysctl kernel.perf_event_paranoid=1".to_string(),
        )
    } else {
        (
            format!("{open} of {} hardware events open on this CPU", hw.len()),
            "the missing events stay empty; nothing to fix if the CPU lacks them".to_string(),
        )
    };
    Check {
        ok: false,
        detail,
        fix: Some(fix),
    }
}

fn kernel_counting(root: bool, paranoid: Option<i32>) -> Check {
    match perf::probe(Event::TaskClock, Scope::KernelAndUser) {
        Ok(()) => Check {
            ok: true,
            detail: format!(
                "kernel-mode counting allowed ({})",
                if root {
                    "running as root".to_string()
                } else {
                    format!("perf_event_paranoid = {}", paranoid.unwrap_or(-1))
                }
            ),
            fix: None,
        },
        Err(f) => Check {
            ok: false,
            detail: format!(
                "kernel-mode counting refused ({}): counters are user-only, context switches and migrations stay empty",
                errno_name(f.errno())
            ),
            fix: Some("run as root, or: sysctl kernel.perf_event_paranoid=1".into()),
        },
    }
}

fn netem(root: bool) -> Check {
    if !root {
        return Check {
            ok: false,
            detail: "probing tc netem needs root".into(),
            fix: Some("run as root: sudo netio-tui doctor".into()),
        };
    }
    match netio_core::net::netns::probe_netem("delay 1ms") {
        Ok(()) => Check {
            ok: true,
            detail: "tc netem works (--netem is available)".into(),
            fix: None,
        },
        Err(reason) => Check {
            ok: false,
            detail: format!("tc netem refused: {reason}"),
            fix: Some(
                "the kernel needs CONFIG_NET_SCH_NETEM (built in, or the sch_netem module: modprobe sch_netem)"
                    .into(),
            ),
        },
    }
}

/// Where `name` is found on PATH (and the usual sbin folders, which a user's PATH may
/// lack though root's has them).
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn program(name: &str, fix: &str) -> Check {
    match find_program(name) {
        Some(p) => Check {
            ok: true,
            detail: format!("{name}: {}", p.display()),
            fix: None,
        },
        None => Check {
            ok: false,
            detail: format!("{name} not found"),
            fix: Some(fix.into()),
        },
    }
}

mod render;
pub use render::render_text;

#[cfg(test)]
mod tests;
