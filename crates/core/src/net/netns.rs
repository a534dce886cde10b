//! Two network namespaces joined by a veth pair, as the course assignment sets up:
//! senders in `nio-<pid>-tx`, receivers in `nio-<pid>-rx`, one /30 from the
//! benchmarking range (198.18.0.0/15, RFC 2544) used only inside them.
//!
//! Created and removed with iproute2's `ip` (and `tc` for netem); the veth ends are
//! created directly inside their namespaces, so nothing ever lands in the caller's.
//! [`NetnsPair`] removes both namespaces (which destroys the veth) when dropped, and
//! [`remove_stale`] removes pairs whose creating process is gone (after a SIGKILL).

use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::Command;

/// Address of the sender's veth end.
pub const SENDER_ADDR: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
/// Address of the receiver's veth end.
pub const RECEIVER_ADDR: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 2);

/// Failures setting up or using the namespaces.
#[derive(Debug, thiserror::Error)]
pub enum NetnsError {
    #[error("--netns needs iproute2's `ip` (apt-get install iproute2)")]
    NoIp,
    #[error("`{command}` failed: {reason}")]
    Command { command: String, reason: String },
    #[error("--netem: tc refused \"{spec}\": {reason}")]
    Netem { spec: String, reason: String },
    #[error("entering network namespace {name}: {source}")]
    Enter {
        name: String,
        #[source]
        source: io::Error,
    },
}

/// Where the data goes between namespaces: plain data, so configs stay comparable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetnsPath {
    pub sender_ns: String,
    pub receiver_ns: String,
    pub sender_dev: String,
    pub receiver_dev: String,
}

/// Runs `ip` (or `tc`) with `args`; a failure carries the tool's own words.
fn run(tool: &str, args: &[&str]) -> Result<String, NetnsError> {
    let out = Command::new(tool).args(args).output().map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            NetnsError::NoIp
        } else {
            NetnsError::Command {
                command: format!("{tool} {}", args.join(" ")),
                reason: e.to_string(),
            }
        }
    })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Err(NetnsError::Command {
        command: format!("{tool} {}", args.join(" ")),
        reason: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}

/// The namespace pair of this process; removed on drop.
#[derive(Debug)]
pub struct NetnsPair {
    pub path: NetnsPath,
    pub mtu: u32,
    pub netem: Option<String>,
}

/// Names for the namespaces and devices of process `pid`.
pub fn names_for(pid: u32) -> NetnsPath {
    NetnsPath {
        sender_ns: format!("nio-{pid}-tx"),
        receiver_ns: format!("nio-{pid}-rx"),
        // Interface names have at most 15 characters.
        sender_dev: format!("nio{pid}t"),
        receiver_dev: format!("nio{pid}r"),
    }
}

impl NetnsPair {
    /// Creates the pair for this process: namespaces, veth, addresses, MTU on both
    /// ends, links and `lo` up, and netem on the sender's end if asked.
    pub fn create(mtu: u32, netem: Option<&str>) -> Result<NetnsPair, NetnsError> {
        let path = names_for(std::process::id());
        // From here on, drop removes whatever was made.
        let pair = NetnsPair {
            path,
            mtu,
            netem: netem.map(str::to_string),
        };
        let p = &pair.path;
        run("ip", &["netns", "add", &p.sender_ns])?;
        run("ip", &["netns", "add", &p.receiver_ns])?;
        run(
            "ip",
            &[
                "link",
                "add",
                &p.sender_dev,
                "netns",
                &p.sender_ns,
                "type",
                "veth",
                "peer",
                "name",
                &p.receiver_dev,
                "netns",
                &p.receiver_ns,
            ],
        )?;
        let mtu = mtu.to_string();
        for (ns, dev, addr) in [
            (&p.sender_ns, &p.sender_dev, SENDER_ADDR),
            (&p.receiver_ns, &p.receiver_dev, RECEIVER_ADDR),
        ] {
            run(
                "ip",
                &["-n", ns, "addr", "add", &format!("{addr}/30"), "dev", dev],
            )?;
            run(
                "ip",
                &["-n", ns, "link", "set", "dev", dev, "mtu", &mtu, "up"],
            )?;
            run("ip", &["-n", ns, "link", "set", "dev", "lo", "up"])?;
        }
        if let Some(spec) = netem {
            let mut args = vec![
                "netns",
                "exec",
                &p.sender_ns,
                "tc",
                "qdisc",
                "add",
                "dev",
                &p.sender_dev,
                "root",
                "netem",
            ];
            args.extend(spec.split_whitespace());
            run("ip", &args).map_err(|e| NetnsError::Netem {
                spec: spec.to_string(),
                reason: match e {
                    NetnsError::Command { reason, .. }
                        if reason.contains("qdisc kind is unknown") =>
                    {
                        format!(
                            "{reason} (this kernel has no netem: CONFIG_NET_SCH_NETEM is not set)"
                        )
                    }
                    NetnsError::Command { reason, .. } => reason,
                    other => other.to_string(),
                },
            })?;
        }
        Ok(pair)
    }

    /// The MTU the kernel reports for the sender's veth end.
    pub fn measured_mtu(&self) -> Option<u32> {
        let out = run(
            "ip",
            &[
                "-n",
                &self.path.sender_ns,
                "-o",
                "link",
                "show",
                "dev",
                &self.path.sender_dev,
            ],
        )
        .ok()?;
        let mut words = out.split_whitespace();
        words.find(|w| *w == "mtu")?;
        words.next()?.parse().ok()
    }

    /// Bytes received by the receiver's veth end (`/proc/net/dev` inside its namespace).
    pub fn receiver_rx_bytes(&self) -> Option<u64> {
        let text = in_namespace(&self.path.receiver_ns, || {
            std::fs::read_to_string("/proc/thread-self/net/dev")
        })
        .ok()?
        .ok()?;
        let line = text.lines().find(|l| {
            l.trim_start()
                .starts_with(&format!("{}:", self.path.receiver_dev))
        })?;
        line.split_once(':')?
            .1
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }
}

impl Drop for NetnsPair {
    fn drop(&mut self) {
        remove(&self.path);
    }
}

/// Deletes both namespaces (their veth ends go with them); ignores what is not there.
fn remove(path: &NetnsPath) {
    for ns in [&path.sender_ns, &path.receiver_ns] {
        if Path::new("/run/netns").join(ns).exists() {
            let _ = run("ip", &["netns", "del", ns]);
        }
    }
}

/// Whether this kernel's tc accepts netem `spec` (e.g. "delay 1ms"): tried on the
/// loopback device of a throwaway namespace, removed again (root only). `Err` carries
/// tc's words, so a bad spec or a kernel without netem is refused before a run creates
/// anything.
pub fn probe_netem(spec: &str) -> Result<(), String> {
    let ns = format!("nio-{}-probe", std::process::id());
    run("ip", &["netns", "add", &ns]).map_err(|e| e.to_string())?;
    let mut args = vec![
        "netns", "exec", &ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem",
    ];
    args.extend(spec.split_whitespace());
    let result = run("ip", &args).map(drop).map_err(|e| match e {
        NetnsError::Command { reason, .. } => reason,
        other => other.to_string(),
    });
    let _ = run("ip", &["netns", "del", &ns]);
    result
}

/// Removes namespace pairs left by netio-tui processes that no longer exist (a run
/// killed with SIGKILL cannot clean up). Returns the names removed.
pub fn remove_stale() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/run/netns") else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("nio-")
            .and_then(|r| {
                ["-tx", "-rx", "-probe"]
                    .iter()
                    .find_map(|end| r.strip_suffix(end))
            })
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        if run("ip", &["netns", "del", &name]).is_ok() {
            removed.push(name);
        }
    }
    removed.sort();
    removed
}

/// Runs `f` with the calling thread in namespace `name`, then moves it back.
pub fn in_namespace<T>(name: &str, f: impl FnOnce() -> T) -> Result<T, NetnsError> {
    let enter_err = |source| NetnsError::Enter {
        name: name.to_string(),
        source,
    };
    // The thread's own namespace: /proc/self/... would be the main thread's.
    let home = File::open("/proc/thread-self/ns/net").map_err(enter_err)?;
    enter(name)?;
    let result = f();
    // SAFETY: setns on a valid namespace fd; affects only this thread.
    if unsafe { libc::setns(home.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(enter_err(io::Error::last_os_error()));
    }
    Ok(result)
}

/// Moves the calling thread into namespace `name` for good (worker threads).
pub fn enter(name: &str) -> Result<(), NetnsError> {
    let enter_err = |source| NetnsError::Enter {
        name: name.to_string(),
        source,
    };
    let target = File::open(Path::new("/run/netns").join(name)).map_err(enter_err)?;
    // SAFETY: setns on a valid namespace fd; affects only this thread.
    if unsafe { libc::setns(target.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(enter_err(io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_fit_interface_limits() {
        let p = super::names_for(4_194_304); // the largest pid Linux allows
        assert!(
            p.sender_dev.len() <= 15 && p.receiver_dev.len() <= 15,
            "{p:?}"
        );
        assert_eq!(p.sender_ns, "nio-4194304-tx");
    }
}
