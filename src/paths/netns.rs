//! `netns`: senders and receivers in two network namespaces joined by a veth pair (the
//! course assignment's set-up; root). The pair lives as long as the run: dropping the
//! prepared path's guard removes it.

use super::{PathEntry, PathError, PathKind, Prepared};
use netio_core::engine::Network;
use netio_core::net::NetnsPair;
use netio_core::net::netns::{self, NetnsError};
use netio_core::probe::Check;
use netio_core::registry::About;
use netio_core::row::RunContext;

pub const ENTRY: PathEntry = PathEntry {
    path: PathKind::Netns,
    about: About {
        name: "netns",
        aliases: &["veth"],
        summary: "two network namespaces joined by veth (--netns, root; --mtu, --netem)",
        available: namespaces_can_be_made,
    },
    needs_root: Some("--netns needs root (try: sudo netio-tui --netns)"),
    prepare: |opts| {
        // Pairs left by runs that were killed (kill -9 skips the cleanup) go first.
        for name in netns::remove_stale() {
            eprintln!(
                "removed network namespace {name}, left behind by a netio-tui run that was killed"
            );
        }
        let pair = NetnsPair::create(opts.mtu, opts.netem.as_deref()).map_err(|e| match e {
            // A spec tc refuses, or no address to give: the user's input.
            e @ (NetnsError::Netem { .. } | NetnsError::NoIp) => PathError::BadInput(e.to_string()),
            e => PathError::Failed(format!("setting up --netns: {e}")),
        })?;
        Ok(Prepared {
            ctx: RunContext::now("netns", pair.measured_mtu(), pair.netem.clone()),
            network: Network::Netns(pair.path.clone()),
            guard: Some(Box::new(pair)),
        })
    },
};

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
