//! Where the connections of a cell come from. Loopback now; a pair of network
//! namespaces joined by veth is the other mode the design plans.

mod loopback;

use std::net::TcpStream;

pub use loopback::connect_loopback;

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
}

/// One connection: the sender's end and the receiver's end.
pub struct Connection {
    pub sender: TcpStream,
    pub receiver: TcpStream,
}
