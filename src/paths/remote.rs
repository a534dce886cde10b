//! `remote`: another host running `netio-tui serve` runs the far half of every cell
//! (`--remote HOST[:PORT]`, `--reverse`); the controller is the engine's peer.

use std::sync::{Arc, Mutex};

use super::{PathEntry, PathError, PathKind, Prepared};
use netio_core::engine::{Network, PeerHandle};
use netio_core::registry::{self, About};
use netio_core::row::RunContext;
use netio_remote::client::Controller;

pub const ENTRY: PathEntry = PathEntry {
    path: PathKind::Remote,
    about: About {
        name: "remote",
        aliases: &["two-hosts"],
        summary: "another host running `netio-tui serve` (--remote HOST[:PORT], --reverse)",
        available: registry::always,
    },
    needs_root: None,
    prepare: |opts| {
        let Some(r) = &opts.remote else {
            return Err(PathError::BadInput(
                "--path remote: no --remote host given".into(),
            ));
        };
        let c = Controller::connect(&r.target, r.key.clone(), r.reverse)
            .map_err(|e| PathError::Failed(e.to_string()))?;
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
            guard: None,
        })
    },
};
