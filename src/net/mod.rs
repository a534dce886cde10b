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
use std::net::{Ipv4Addr, TcpStream};

pub use ends::{accepted_end, connect_end};
pub use loopback::listener_options;
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

/// The path the data takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Network {
    #[default]
    Loopback,
    Netns(NetnsPath),
    /// Another host, where `netio-tui serve` runs the far half of each cell.
    Remote(crate::engine::PeerHandle),
}

impl Network {
    /// The far host of a `--remote` run.
    pub fn peer(&self) -> Option<&crate::engine::PeerHandle> {
        match self {
            Network::Remote(p) => Some(p),
            _ => None,
        }
    }

    /// The namespace sender threads live in (`None`: the process's own).
    pub fn sender_ns(&self) -> Option<&str> {
        match self {
            Network::Netns(p) => Some(&p.sender_ns),
            _ => None,
        }
    }

    /// The namespace receiver threads live in.
    pub fn receiver_ns(&self) -> Option<&str> {
        match self {
            Network::Netns(p) => Some(&p.receiver_ns),
            _ => None,
        }
    }

    /// `count` connected pairs over this network.
    pub fn connect(&self, count: usize, opts: &SocketOptions) -> io::Result<Vec<Connection>> {
        let listen = match self {
            Network::Loopback => Ipv4Addr::LOCALHOST,
            Network::Netns(_) => netns::RECEIVER_ADDR,
            Network::Remote(_) => {
                return Err(io::Error::other(
                    "a remote cell's connections are opened with its far host",
                ));
            }
        };
        loopback::connect_pairs(count, opts, listen, self.receiver_ns(), self.sender_ns())
    }
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
