//! Checks of the options against this machine, made before anything is created: a
//! congestion control the kernel does not have, a CPU it does not have, a netem spec
//! tc refuses, a matrix whose buffers do not fit in memory or whose sockets do not fit
//! under the open-file limit, is bad input (one line naming the option, exit 2), not a
//! failed cell later.

use crate::paths::PathKind;
use crate::plan::RunPlan;
use netio_core::machine::memory_available;

/// Congestion-control algorithms this kernel offers.
pub fn available_cc() -> Option<Vec<String>> {
    let text =
        std::fs::read_to_string("/proc/sys/net/ipv4/tcp_available_congestion_control").ok()?;
    Some(text.split_whitespace().map(str::to_string).collect())
}

/// CPUs this process may run on.
pub fn allowed_cpus() -> Vec<usize> {
    // SAFETY: a zeroed cpu_set_t is valid; sched_getaffinity fills it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let rc =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    if rc != 0 {
        return Vec::new();
    }
    (0..8 * std::mem::size_of::<libc::cpu_set_t>())
        // SAFETY: i is within the set's size.
        .filter(|&i| unsafe { libc::CPU_ISSET(i, &set) })
        .collect()
}

/// Every option the machine must be able to honour; the first problem, naming its
/// option. Resolves `--strategies all` to the strategies this machine supports, in
/// the plan's matrix: the one place availability is probed.
pub fn check(plan: &mut RunPlan) -> Result<(), String> {
    plan.matrix.strategies =
        crate::plan::expand(&plan.strategies, |s| (s.entry().about.available)().ok);
    check_available("--strategies", &plan.matrix.strategies, |s| {
        (s.entry().about.available)()
    })?;
    let rx: Vec<_> = plan.matrix.modes.iter().map(|m| m.rx).collect();
    check_available("--rx", &rx, |r| (r.entry().about.available)())?;
    if let (Some(cc), Some(available)) = (&plan.config.socket.cc, available_cc())
        && !available.iter().any(|a| a == cc.as_str())
    {
        return Err(check_cc(cc.as_str(), &available));
    }
    if plan.path.kind == PathKind::Netns
        && let Some(spec) = &plan.path.netem
        && let Err(reason) = netio_core::net::netns::probe_netem(spec)
    {
        return Err(format!("--netem: tc refused \"{spec}\": {reason}"));
    }
    let need = memory_needed(plan);
    if let Some(available) = memory_available()
        && need > available
    {
        return Err(format!(
            "--sizes/--threads: the largest cell needs {} MiB of buffers, {} MiB are available",
            need >> 20,
            available >> 20
        ));
    }
    let threads = plan.matrix.threads.iter().copied().max().unwrap_or(1);
    let files = files_needed(threads);
    if let Some(limit) = raise_open_files(files)
        && files > limit
    {
        return Err(format!(
            "--threads {threads}: needs about {files} open files, the limit is {limit} (ulimit -n {files})"
        ));
    }
    if let netio_core::engine::Pin::List(cpus) = &plan.config.pin {
        let allowed = allowed_cpus();
        if let Some(bad) = cpus.iter().find(|c| !allowed.contains(c)) {
            return Err(format!(
                "--pin: CPU {bad} is not available to this process (available: {})",
                netio_core::engine::placement::format_cpus(allowed)
            ));
        }
    }
    Ok(())
}

/// Bytes the most demanding cell holds at once (cells run one at a time): per thread
/// pair, the sender's buffers (its registry entry says how many), the receiver's ring,
/// and what the kernel may queue in the connection's socket buffers (tcp_wmem and
/// tcp_rmem maxima).
pub fn memory_needed(plan: &RunPlan) -> u64 {
    let kernel = socket_buffer_max("tcp_wmem") + socket_buffer_max("tcp_rmem");
    let opts = &plan.config.strategy;
    let mut most = 0u64;
    for &size in &plan.matrix.sizes {
        let rx = netio_core::receive::ring_len(size) as u64;
        for s in &plan.matrix.strategies {
            let tx = (s.entry().buffers)(size, opts) as u64;
            for &t in &plan.matrix.threads {
                most = most.max(t as u64 * (tx + rx + kernel));
            }
        }
    }
    most
}

/// Refuses, by name and with the probe's reason, the first choice of `list` (given
/// with `option`) that `probe` says this machine cannot run.
fn check_available<T: Copy + std::fmt::Display>(
    option: &str,
    list: &[T],
    probe: impl Fn(T) -> netio_core::probe::Check,
) -> Result<(), String> {
    for &s in list {
        let found = probe(s);
        if !found.ok {
            let fix = found.fix.map(|f| format!(" ({f})")).unwrap_or_default();
            return Err(format!(
                "{option}: {s} is not available on this machine: {}{fix}",
                found.detail
            ));
        }
    }
    Ok(())
}

/// The largest size the kernel lets a TCP socket buffer grow to (`net.ipv4.NAME`'s
/// third value), 0 if unreadable.
fn socket_buffer_max(name: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
        .ok()
        .and_then(|t| t.split_whitespace().nth(2)?.parse().ok())
        .unwrap_or(0)
}

/// Open files a cell of `threads` pairs may hold: two sockets and up to 16 perf
/// counters per pair (8 events a thread), a listener, and room for the rest.
pub fn files_needed(threads: usize) -> u64 {
    threads as u64 * (2 + 16) + 64
}

/// Raises the soft open-file limit towards `want` (up to the hard limit); returns the
/// limit now in effect, `None` if it cannot be read.
fn raise_open_files(want: u64) -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit fills the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return None;
    }
    if lim.rlim_cur < want && lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: want.min(lim.rlim_max),
            rlim_max: lim.rlim_max,
        };
        // SAFETY: a valid rlimit within the hard limit.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            return Some(raised.rlim_cur);
        }
    }
    Some(lim.rlim_cur)
}

fn check_cc(cc: &str, available: &[String]) -> String {
    format!(
        "--cc: '{cc}' is not available on this kernel (available: {})",
        available.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    /// The plan of a command line, as `measure` builds it.
    fn plan_of(args: &[&str]) -> RunPlan {
        let mut all = vec!["netio-tui"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).expect("parses").plan()
    }

    #[test]
    fn unknown_choices_are_refused_with_the_option_named() {
        let err = check(&mut plan_of(&["--cc", "nosuchcc"])).expect_err("not on this kernel");
        assert!(
            err.starts_with("--cc: 'nosuchcc' is not available"),
            "{err}"
        );
        assert!(
            check(&mut plan_of(&["--pin", "255"]))
                .expect_err("no CPU 255")
                .starts_with("--pin: CPU 255")
        );
        assert_eq!(check(&mut plan_of(&["--cc", "reno", "--pin", "0"])), Ok(()));
        assert!(allowed_cpus().contains(&0));
    }

    #[test]
    fn all_is_every_available_strategy_once_in_registry_order() {
        let mut plan = plan_of(&["--strategies", "all,one-copy"]);
        check(&mut plan).expect("this machine runs what it supports");
        let available: Vec<_> = netio_core::strategy::SEND
            .iter()
            .filter(|e| (e.about.available)().ok)
            .map(|e| e.strategy)
            .collect();
        assert_eq!(plan.matrix.strategies, available);
    }

    #[test]
    fn the_memory_budget_is_the_most_demanding_cell() {
        let plan = plan_of(&[
            "--strategies",
            "two-copy,zero-copy",
            "--sizes",
            "1M,64K",
            "--threads",
            "1,4",
        ]);
        // zero-copy at 1M: 8 slots of 1 MiB plus a 1 MiB ring, and the socket buffers,
        // times 4 pairs.
        let kernel = socket_buffer_max("tcp_wmem") + socket_buffer_max("tcp_rmem");
        assert_eq!(memory_needed(&plan), 4 * ((9 << 20) + kernel));
        let huge = plan_of(&["--sizes", "64M", "--threads", "64"]);
        assert!(memory_needed(&huge) >= 64 * 2 * (64u64 << 20));
        assert_eq!(files_needed(64), 64 * 18 + 64);
    }

    #[test]
    fn an_unavailable_strategy_is_refused_by_name_with_the_reason() {
        use netio_core::strategy::Strategy;
        let probe = |s: Strategy| netio_core::probe::Check {
            ok: s != Strategy::ZeroCopy,
            detail: "SO_ZEROCOPY refused (EOPNOTSUPP)".into(),
            fix: Some("a kernel with MSG_ZEROCOPY".into()),
        };
        assert_eq!(
            check_available("--strategies", &[Strategy::OneCopy], probe),
            Ok(())
        );
        assert_eq!(
            check_available("--strategies", &[Strategy::OneCopy, Strategy::ZeroCopy], probe),
            Err("--strategies: zero-copy is not available on this machine: SO_ZEROCOPY refused (EOPNOTSUPP) (a kernel with MSG_ZEROCOPY)".into())
        );
    }
}
