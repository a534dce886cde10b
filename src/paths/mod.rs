//! The path registry: where the data travels between senders and receivers. One file
//! per path with its entry (name, what it needs, how to set it up), one line per path
//! in [`PATHS`]; `--path NAME` selects one by its name. `loopback` (127.0.0.1 in the
//! process's own namespace), `netns` (two namespaces joined by veth, also `--netns`)
//! and `remote` (another host running `netio-tui serve`, also `--remote`).

mod loopback;
mod netns;
mod remote;

use netio_core::engine::Network;
use netio_core::registry::{self, About};
use netio_core::row::RunContext;
use netio_remote::auth::Key;

/// A path: the key of its [`PathEntry`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PathKind {
    #[default]
    Loopback,
    Netns,
    Remote,
}

/// Why a path could not be set up, in one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    /// The input cannot work here (a netem spec tc refuses): exit status 2.
    #[error("{0}")]
    BadInput(String),
    /// Setting the path up failed: exit status 1.
    #[error("{0}")]
    Failed(String),
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
/// names the path), and what must live as long as the run (`netns`: the namespace
/// pair, removed when dropped).
pub struct Prepared {
    pub ctx: RunContext,
    pub network: Network,
    pub guard: Option<Box<dyn std::any::Any>>,
}

/// Everything the tool knows about one path.
#[derive(Debug, Clone, Copy)]
pub struct PathEntry {
    pub path: PathKind,
    pub about: About,
    /// Why an unprivileged run cannot take this path, in one line (checked before
    /// anything is created); `None`: it needs no root.
    pub needs_root: Option<&'static str>,
    /// Sets the path up (namespaces, links, qdiscs) and says what it is.
    pub prepare: fn(&PathOptions) -> Result<Prepared, PathError>,
}

/// Every path, in the order the tool shows them: each path's file holds its entry.
pub const PATHS: [PathEntry; 3] = [loopback::ENTRY, netns::ENTRY, remote::ENTRY];

registry::registry_key!(PathKind, PathEntry, PATHS, path, "path");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_variant_order() {
        registry::assert_in_order(&PATHS, |e| &e.about, |e| e.path as usize);
        assert_eq!("veth".parse::<PathKind>(), Ok(PathKind::Netns));
    }
}
