//! Checks of the options against this machine, made before anything is created: a
//! congestion control the kernel does not have, a CPU it does not have, a netem spec
//! tc refuses, a matrix whose buffers do not fit in memory or whose sockets do not fit
//! under the open-file limit, is bad input (one line naming the option, exit 2), not a
//! failed cell later.

use crate::cli::Cli;
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
/// option.
pub fn check(cli: &Cli) -> Result<(), String> {
    check_available("--strategies", &cli.strategy_list(), |s| {
        (s.entry().about.available)()
    })?;
    check_available("--rx", &cli.rx, |r| (r.entry().about.available)())?;
    if let (Some(cc), Some(available)) = (&cli.cc, available_cc())
        && !available.iter().any(|a| a == cc.as_str())
    {
        return Err(check_cc(cc.as_str(), &available));
    }
    if cli.netns
        && let Some(spec) = &cli.netem
        && let Err(reason) = netio_core::net::netns::probe_netem(spec)
    {
        return Err(format!("--netem: tc refused \"{spec}\": {reason}"));
    }
    let need = memory_needed(cli);
    if let Some(available) = memory_available()
        && need > available
    {
        return Err(format!(
            "--sizes/--threads: the largest cell needs {} MiB of buffers, {} MiB are available",
            need >> 20,
            available >> 20
        ));
    }
    let threads = cli.threads.iter().copied().max().unwrap_or(1);
    let files = files_needed(threads);
    if let Some(limit) = raise_open_files(files)
        && files > limit
    {
        return Err(format!(
            "--threads {threads}: needs about {files} open files, the limit is {limit} (ulimit -n {files})"
        ));
    }
    if let netio_core::engine::Pin::List(cpus) = &cli.pin {
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
pub fn memory_needed(cli: &Cli) -> u64 {
    let kernel = socket_buffer_max("tcp_wmem") + socket_buffer_max("tcp_rmem");
    let opts = cli.cell_config(crate::cli::RunMode::Headless).strategy;
    let mut most = 0u64;
    for &size in &cli.sizes {
        let size = netio_core::wire::effective_size(size);
        let rx = netio_core::receive::ring_len(size) as u64;
        for s in &cli.strategy_list() {
            let tx = (s.entry().buffers)(size, &opts) as u64;
            for &t in &cli.threads {
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
    use clap::Parser;

    #[test]
    fn unknown_choices_are_refused_with_the_option_named() {
        let cli = Cli::try_parse_from(["netio-tui", "--cc", "nosuchcc"]).expect("parses");
        let err = check(&cli).expect_err("not on this kernel");
        assert!(
            err.starts_with("--cc: 'nosuchcc' is not available"),
            "{err}"
        );
        let cli = Cli::try_parse_from(["netio-tui", "--pin", "255"]).expect("parses");
        assert!(
            check(&cli)
                .expect_err("no CPU 255")
                .starts_with("--pin: CPU 255")
        );
        let cli = Cli::try_parse_from(["netio-tui", "--cc", "reno", "--pin", "0"]).expect("ok");
        assert_eq!(check(&cli), Ok(()));
        assert!(allowed_cpus().contains(&0));
    }

    #[test]
    fn the_memory_budget_is_the_most_demanding_cell() {
        let cli = Cli::try_parse_from([
            "netio-tui",
            "--strategies",
            "two-copy,zero-copy",
            "--sizes",
            "1M,64K",
            "--threads",
            "1,4",
        ])
        .expect("parses");
        // zero-copy at 1M: 8 slots of 1 MiB plus a 1 MiB ring, and the socket buffers,
        // times 4 pairs.
        let kernel = socket_buffer_max("tcp_wmem") + socket_buffer_max("tcp_rmem");
        assert_eq!(memory_needed(&cli), 4 * ((9 << 20) + kernel));
        let huge =
            Cli::try_parse_from(["netio-tui", "--sizes", "64M", "--threads", "64"]).expect("ok");
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
