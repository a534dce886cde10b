//! The path registry: where the data travels between senders and receivers. One entry
//! per path with its name, what it needs, and how to set it up; [`PATHS`] lists them.
//! `loopback` (127.0.0.1 in the process's own namespace) and `netns` (two namespaces
//! joined by veth, `--netns`) today; `remote` joins them as an entry.

use super::netns::NetnsError;
use super::{NetnsPair, Network};
use crate::doctor::Check;
use crate::record::RunContext;
use crate::registry::{self, About};

/// A path: the key of its [`PathEntry`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PathKind {
    #[default]
    Loopback,
    Netns,
}

/// What a path's set-up takes from the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathOptions {
    /// MTU of the veth pair.
    pub mtu: u32,
    /// tc netem spec for the sender's veth end.
    pub netem: Option<String>,
}

/// A path, ready: the network the engine connects over, the run's context (which
/// names the path), and what must live as long as the run (the namespace pair, removed
/// when dropped).
pub struct Prepared {
    pub ctx: RunContext,
    pub network: Network,
    pub pair: Option<NetnsPair>,
}

/// Everything the tool knows about one path.
#[derive(Debug, Clone, Copy)]
pub struct PathEntry {
    pub path: PathKind,
    pub about: About,
    /// Sets the path up (namespaces, links, qdiscs) and says what it is.
    pub prepare: fn(&PathOptions) -> Result<Prepared, NetnsError>,
}

/// Every path, in the order the tool shows them.
pub const PATHS: [PathEntry; 2] = [
    PathEntry {
        path: PathKind::Loopback,
        about: About {
            name: "loopback",
            aliases: &["lo"],
            summary: "127.0.0.1 in this process's namespace (the default)",
            available: registry::always,
        },
        prepare: |_| {
            Ok(Prepared {
                ctx: RunContext::loopback_now(),
                network: Network::Loopback,
                pair: None,
            })
        },
    },
    PathEntry {
        path: PathKind::Netns,
        about: About {
            name: "netns",
            aliases: &["veth"],
            summary: "two network namespaces joined by veth (--netns, root; --mtu, --netem)",
            available: namespaces_can_be_made,
        },
        prepare: |opts| {
            let pair = NetnsPair::create(opts.mtu, opts.netem.as_deref())?;
            Ok(Prepared {
                ctx: RunContext::now("netns", pair.measured_mtu(), pair.netem.clone()),
                network: Network::Netns(pair.path.clone()),
                pair: Some(pair),
            })
        },
    },
];

registry::registry_key!(PathKind, PathEntry, PATHS, path, "path");

/// Whether this process can create a network namespace, tried in a throwaway thread
/// (unshare moves only that thread, which then exits).
fn namespaces_can_be_made() -> Check {
    if unsafe { libc::geteuid() } != 0 {
        return Check {
            ok: false,
            detail: "creating network namespaces needs root".into(),
            fix: Some("run as root: sudo netio-tui ...".into()),
        };
    }
    let attempt = std::thread::spawn(|| {
        // SAFETY: unshare affects only this short-lived thread.
        let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    })
    .join();
    match attempt {
        Ok(Ok(())) => Check {
            ok: true,
            detail: "a network namespace can be created (running as root)".into(),
            fix: None,
        },
        Ok(Err(e)) => Check {
            ok: false,
            detail: format!("unshare(CLONE_NEWNET) failed: {e}"),
            fix: Some("the kernel needs CONFIG_NET_NS, and a container must allow it".into()),
        },
        Err(_) => Check {
            ok: false,
            detail: "the probe thread failed".into(),
            fix: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_variant_order() {
        registry::assert_in_order(&PATHS, |e| &e.about, |e| e.path as usize);
        assert_eq!("veth".parse::<PathKind>(), Ok(PathKind::Netns));
    }
}
