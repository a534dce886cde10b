//! The path the data takes, as the engine connects over it: loopback, two namespaces
//! joined by veth, or another host (its far half driven through [`PeerHandle`]).

use std::io;
use std::net::Ipv4Addr;

use super::PeerHandle;
use crate::net::{Connection, NetnsPath, SocketOptions};

/// The path the data takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Network {
    #[default]
    Loopback,
    Netns(NetnsPath),
    /// Another host, where `netio-tui serve` runs the far half of each cell.
    Remote(PeerHandle),
}

impl Network {
    /// The far host of a `--remote` run.
    pub fn peer(&self) -> Option<&PeerHandle> {
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
            Network::Netns(_) => crate::net::netns::RECEIVER_ADDR,
            Network::Remote(_) => {
                return Err(io::Error::other(
                    "a remote cell's connections are opened with its far host",
                ));
            }
        };
        crate::net::connect_pairs(count, opts, listen, self.receiver_ns(), self.sender_ns())
    }
}
