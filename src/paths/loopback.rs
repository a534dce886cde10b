//! `loopback`: 127.0.0.1 in the process's own namespace (the default path).

use super::{PathEntry, PathKind, Prepared};
use netio_core::engine::Network;
use netio_core::registry::{self, About};
use netio_core::row::RunContext;

pub const ENTRY: PathEntry = PathEntry {
    path: PathKind::Loopback,
    about: About {
        name: "loopback",
        aliases: &["lo"],
        summary: "127.0.0.1 in this process's namespace (the default)",
        available: registry::always,
    },
    needs_root: None,
    prepare: |_| {
        Ok(Prepared {
            ctx: RunContext::loopback_now(),
            network: Network::Loopback,
            guard: None,
        })
    },
};
