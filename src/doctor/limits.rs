//! The limits a run meets: locked memory (zero-copy's pinned pages are charged to it
//! for a user without CAP_IPC_LOCK), open files (two sockets and up to 16 counters per
//! thread pair) and the socket option memory zero-copy notifications use. Each is
//! checked against what the default matrix needs, with the fix.

use netio_core::probe::Check;

/// `(soft, hard)` of resource `which`; `None` if unreadable.
fn rlimit(which: libc::__rlimit_resource_t) -> Option<(u64, u64)> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit fills the struct it is given.
    (unsafe { libc::getrlimit(which, &mut lim) } == 0).then_some((lim.rlim_cur, lim.rlim_max))
}

fn show(v: u64) -> String {
    if v == libc::RLIM_INFINITY {
        "unlimited".into()
    } else {
        v.to_string()
    }
}

/// RLIMIT_MEMLOCK against the zero-copy pool of the default matrix's largest cell.
pub fn memlock(root: bool, need: u64) -> Check {
    match rlimit(libc::RLIMIT_MEMLOCK) {
        _ if root => Check {
            ok: true,
            detail: "running as root: pinned zero-copy pages are not charged to RLIMIT_MEMLOCK"
                .into(),
            fix: None,
        },
        Some((soft, _)) if soft >= need => Check {
            ok: true,
            detail: format!(
                "RLIMIT_MEMLOCK {} bytes (zero-copy pins up to {need})",
                show(soft)
            ),
            fix: None,
        },
        Some((soft, _)) => Check {
            ok: false,
            detail: format!(
                "RLIMIT_MEMLOCK {soft} bytes, but zero-copy pins up to {need} for the default matrix: sends fail with ENOBUFS"
            ),
            fix: Some(format!(
                "ulimit -l {} (or run as root)",
                need.div_ceil(1024)
            )),
        },
        None => Check {
            ok: false,
            detail: "RLIMIT_MEMLOCK could not be read".into(),
            fix: None,
        },
    }
}

/// RLIMIT_NOFILE against `need` open files (the run raises the soft limit up to the
/// hard one by itself).
pub fn open_files(need: u64) -> Check {
    match rlimit(libc::RLIMIT_NOFILE) {
        Some((soft, hard)) if soft.max(hard) >= need => Check {
            ok: true,
            detail: format!(
                "RLIMIT_NOFILE {} (hard {}): 64 thread pairs need about {need}",
                show(soft),
                show(hard)
            ),
            fix: None,
        },
        Some((soft, hard)) => Check {
            ok: false,
            detail: format!(
                "RLIMIT_NOFILE {soft} (hard {hard}): 64 thread pairs need about {need}"
            ),
            fix: Some(format!(
                "ulimit -n {need} (as root, or raise the hard limit)"
            )),
        },
        None => Check {
            ok: false,
            detail: "RLIMIT_NOFILE could not be read".into(),
            fix: None,
        },
    }
}

/// net.core.optmem_max: zero-copy completion notifications are charged to it.
pub fn optmem() -> Check {
    let value = std::fs::read_to_string("/proc/sys/net/core/optmem_max")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    match value {
        Some(v) if v >= 20 << 10 => Check {
            ok: true,
            detail: format!(
                "net.core.optmem_max {v}: zero-copy notifications are charged to it (zc_enobufs counts refusals)"
            ),
            fix: None,
        },
        Some(v) => Check {
            ok: false,
            detail: format!(
                "net.core.optmem_max {v}: zero-copy notifications are charged to it, so sends are refused (ENOBUFS) early"
            ),
            fix: Some("sysctl net.core.optmem_max=131072".into()),
        },
        None => Check {
            ok: false,
            detail: "net.core.optmem_max could not be read".into(),
            fix: None,
        },
    }
}
