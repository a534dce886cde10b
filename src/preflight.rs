//! Checks of the options against this machine, made before anything is created: a
//! congestion control the kernel does not have, or a CPU it does not have, is bad
//! input (one line naming the option, exit 2), not a failed cell later.

use crate::cli::Cli;

/// Congestion-control algorithms this kernel offers.
pub fn available_cc() -> Option<Vec<String>> {
    let text =
        std::fs::read_to_string("/proc/sys/net/ipv4/tcp_available_congestion_control").ok()?;
    Some(text.split_whitespace().map(str::to_string).collect())
}

/// The system's default congestion control.
pub fn default_cc() -> Option<String> {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_congestion_control")
        .ok()
        .map(|s| s.trim().to_string())
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
    if let (Some(cc), Some(available)) = (&cli.cc, available_cc())
        && !available.iter().any(|a| a == cc.as_str())
    {
        return Err(check_cc(cc.as_str(), &available));
    }
    if let crate::engine::Pin::List(cpus) = &cli.pin {
        let allowed = allowed_cpus();
        if let Some(bad) = cpus.iter().find(|c| !allowed.contains(c)) {
            return Err(format!(
                "--pin: CPU {bad} is not available to this process (available: {})",
                crate::engine::placement::format_cpus(allowed)
            ));
        }
    }
    Ok(())
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
}
