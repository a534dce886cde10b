//! What each feature needs beyond an ordinary user, whether this process has it, and
//! the `setcap` line that gives it without sudo (as trippy does). Loopback cells need
//! nothing; the copy meter needs CAP_BPF and CAP_PERFMON; kernel-mode perf counting
//! under `perf_event_paranoid` above 1 needs CAP_PERFMON; `--netns` needs root (it runs
//! `ip` and `tc`, which a file capability on this binary does not reach).

use serde::Serialize;

/// Linux capability numbers (linux/capability.h).
const CAP_IPC_LOCK: u32 = 14;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;

/// One feature and what it needs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Need {
    pub feature: &'static str,
    /// The capabilities it needs (`None`: root, no capability is enough).
    pub capabilities: Option<&'static [&'static str]>,
    /// This process has them.
    pub held: bool,
}

/// The capabilities in this process's effective set (`/proc/self/status`, CapEff).
pub fn effective() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("CapEff:"))
                .and_then(|h| u64::from_str_radix(h.trim(), 16).ok())
        })
        .unwrap_or(0)
}

/// Each feature's needs, against the effective set `caps` and whether we are root.
pub fn needs(caps: u64, root: bool) -> Vec<Need> {
    let has = |bits: &[u32]| bits.iter().all(|b| caps & (1 << b) != 0);
    vec![
        Need {
            feature: "loopback cells, perf software counters, replay, report, plot",
            capabilities: Some(&[]),
            held: true,
        },
        Need {
            feature: "the copy meter (what the kernel copied)",
            capabilities: Some(&["cap_bpf", "cap_perfmon"]),
            held: has(&[CAP_BPF, CAP_PERFMON]),
        },
        Need {
            feature: "kernel-mode perf counting where perf_event_paranoid > 1",
            capabilities: Some(&["cap_perfmon"]),
            held: has(&[CAP_PERFMON]),
        },
        Need {
            feature: "zero-copy pools beyond RLIMIT_MEMLOCK",
            capabilities: Some(&["cap_ipc_lock"]),
            held: has(&[CAP_IPC_LOCK]),
        },
        Need {
            feature: "--netns (ip and tc create namespaces and links)",
            capabilities: None,
            held: root,
        },
    ]
}

/// The line that gives the installed binary every capability a feature here can use.
pub fn setcap_line() -> String {
    "sudo setcap cap_bpf,cap_perfmon,cap_ipc_lock+ep \"$(command -v netio-tui)\"".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_read_the_effective_set() {
        let none = needs(0, false);
        assert!(none[0].held, "loopback needs nothing");
        assert!(none[1..].iter().all(|n| !n.held));
        let meter = needs((1 << CAP_BPF) | (1 << CAP_PERFMON), false);
        assert!(meter[1].held && meter[2].held && !meter[3].held && !meter[4].held);
        assert!(needs(0, true)[4].held, "--netns with root");
        assert!(setcap_line().contains("cap_bpf,cap_perfmon"));
    }
}
