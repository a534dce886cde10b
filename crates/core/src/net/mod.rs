//! Where the connections of a cell come from: loopback (127.0.0.1), or two network
//! namespaces joined by a veth pair ([`netns`]).
//!
//! A socket stays in the namespace it was created in, so the listener is created inside
//! the receiver's namespace and each sender socket inside the sender's namespace (the setup
//! thread enters each in turn and comes back); the worker threads then also enter their
//! side's namespace, so everything a side does happens where it lives.

mod ends;
mod loopback;
pub mod netns;
pub mod sockopt;

use std::io;
use std::net::TcpStream;

pub use ends::{accepted_end, connect_end};
pub use loopback::{connect_pairs, listener_options};
pub use netns::{NetnsPair, NetnsPath};
pub use sockopt::CcName;

/// Socket options of one connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SocketOptions {
    /// `SO_SNDBUF` on the sender (the kernel doubles it; setting it turns autotuning off).
    pub sndbuf: Option<usize>,
    /// `SO_ZEROCOPY` on the sender.
    pub zerocopy: bool,
    /// `SO_SNDTIMEO` on the sender: a blocking send that times out returns what it
    /// managed to queue, so tests use it to force partial sends.
    pub send_timeout: Option<std::time::Duration>,
    /// `TCP_CONGESTION` on both ends (`None`: the system's default).
    pub cc: Option<CcName>,
    /// Nagle's algorithm on (`--nodelay off`); by default both ends set TCP_NODELAY.
    pub nagle: bool,
    /// Loopback and netns: the accepted end sends (as under `--remote --reverse`),
    /// instead of the connecting one. Tests and experiments only.
    pub accepted_sends: bool,
}

/// One connection: the sender's end and the receiver's end.
pub struct Connection {
    pub sender: TcpStream,
    pub receiver: TcpStream,
}

/// Runs `f` inside namespace `ns`, or right here when there is none.
fn within<T>(ns: Option<&str>, f: impl FnOnce() -> T) -> io::Result<T> {
    match ns {
        None => Ok(f()),
        Some(name) => netns::in_namespace(name, f).map_err(io::Error::other),
    }
}

/// Moves the calling worker thread into `ns` (nothing for loopback).
pub fn enter(ns: Option<&str>) -> io::Result<()> {
    match ns {
        None => Ok(()),
        Some(name) => netns::enter(name).map_err(io::Error::other),
    }
}
