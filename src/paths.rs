//! The path registry: where the data travels between senders and receivers. One entry
//! per path with its name, what it needs, and how to set it up; [`PATHS`] lists them.
//! `loopback` (127.0.0.1 in the process's own namespace), `netns` (two namespaces
//! joined by veth, `--netns`) and `remote` (another host running `netio-tui serve`,
//! `--remote`).

use std::sync::{Arc, Mutex};

use netio_core::engine::Network;
use netio_core::engine::PeerHandle;
use netio_core::net::NetnsPair;
use netio_core::net::netns::NetnsError;
use netio_core::probe::Check;
use netio_core::registry::{self, About};
use netio_core::row::RunContext;
use netio_remote::{RemoteError, auth::Key, client::Controller};

/// A path: the key of its [`PathEntry`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PathKind {
    #[default]
    Loopback,
    Netns,
    Remote,
}

/// Why a path could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error(transparent)]
    Netns(#[from] NetnsError),
    #[error(transparent)]
    Remote(#[from] RemoteError),
}

/// `--remote`'s choices: the server, the key, which way the data goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTarget {
    pub target: String,
    pub key: Key,
    pub reverse: bool,
}

/// What a path's set-up takes from the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathOptions {
    /// MTU of the veth pair.
    pub mtu: u32,
    /// tc netem spec for the sender's veth end.
    pub netem: Option<String>,
    pub remote: Option<RemoteTarget>,
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
    pub prepare: fn(&PathOptions) -> Result<Prepared, PathError>,
}

/// Every path, in the order the tool shows them.
pub const PATHS: [PathEntry; 3] = [
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
            let pair =
                NetnsPair::create(opts.mtu, opts.netem.as_deref()).map_err(PathError::Netns)?;
            Ok(Prepared {
                ctx: RunContext::now("netns", pair.measured_mtu(), pair.netem.clone()),
                network: Network::Netns(pair.path.clone()),
                pair: Some(pair),
            })
        },
    },
    PathEntry {
        path: PathKind::Remote,
        about: About {
            name: "remote",
            aliases: &["two-hosts"],
            summary: "another host running `netio-tui serve` (--remote HOST[:PORT], --reverse)",
            available: registry::always,
        },
        prepare: |opts| {
            let Some(r) = &opts.remote else {
                return Err(RemoteError::Serve("no --remote host given".into()).into());
            };
            let c = Controller::connect(&r.target, r.key.clone(), r.reverse)?;
            let mtu = c
                .local_ip()
                .and_then(netio_remote::facts::interface_of)
                .and_then(|name| netio_core::machine::mtu(&name));
            let mut ctx = RunContext::now("remote", mtu, None);
            ctx.peer = Some(c.addr().to_string());
            ctx.peer_kernel = Some(c.facts.kernel.clone());
            ctx.peer_cpu_model = Some(c.facts.cpu_model.clone());
            ctx.peer_nic_driver = c.facts.nic_driver.clone();
            ctx.peer_runs = Some(if r.reverse { "senders" } else { "receivers" }.into());
            Ok(Prepared {
                ctx,
                network: Network::Remote(PeerHandle(Arc::new(Mutex::new(c)))),
                pair: None,
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
