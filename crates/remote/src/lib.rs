//! Two hosts: `netio-tui serve` on one runs the far half of every cell, the monitor or
//! `--record` on the other (`--remote HOST[:PORT]`) runs the near half and computes
//! every figure. One TCP port carries both the control channel and the cells' data
//! connections: a connection's first frame says which it is (a hello, or a data
//! connection's token).
//!
//! The control channel trusts nothing it has not checked: frames are length-prefixed
//! with a hard cap checked before allocating ([`frame`]); every read has a deadline;
//! both sides prove they hold a pre-shared key before anything else ([`auth`]); the
//! server checks every request against its own limits ([`spec`]); a data connection
//! without the running cell's token is dropped.

mod admission;
pub mod auth;
pub mod channel;
pub mod client;
pub mod facts;
mod far_link;
pub mod frame;
pub mod peer_text;
pub mod protocol;
pub mod sealed;
pub mod server;
mod session;
mod shared;
pub mod spec;

/// The port `serve` listens on and `--remote` connects to unless told otherwise.
pub const DEFAULT_PORT: u16 = 5301;

/// Failures of the two-host path, each one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0}")]
    Key(#[from] auth::KeyError),
    #[error("--remote {addr}: {reason}")]
    Connect { addr: String, reason: String },
    #[error("the server at {addr} refused: {reason}")]
    Refused { addr: String, reason: String },
    #[error(
        "the server at {addr} does not hold this key (the keys differ, or one side has none: --key-file or NETIO_KEY); nothing ran"
    )]
    WrongKey { addr: String },
    #[error("the server at {addr}: {reason}")]
    Protocol { addr: String, reason: String },
    #[error("serve: {0}")]
    Serve(String),
}
