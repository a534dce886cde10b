//! TCP connection pairs: an ephemeral listener, then one connect + accept per pair. Used
//! for loopback and, with namespaces given, across the veth pair.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::os::fd::AsFd;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::{Connection, SocketOptions, sockopt, within};
use crate::strategy::enable_zerocopy;

/// A receiver that hears nothing for this long gives up rather than hang the run.
pub(super) const RECV_TIMEOUT: Duration = Duration::from_secs(10);

/// `count` connected pairs: the listener on `listen` (created in `listener_ns`), each
/// sender created in `sender_ns`. Both ends have TCP_NODELAY unless `opts.nagle` (every
/// message is pushed out when its send call returns, so latency is not Nagle's delay),
/// and the congestion control `opts.cc` when one is chosen.
pub fn connect_pairs(
    count: usize,
    opts: &SocketOptions,
    listen: Ipv4Addr,
    listener_ns: Option<&str>,
    sender_ns: Option<&str>,
) -> io::Result<Vec<Connection>> {
    let listener = within(listener_ns, || TcpListener::bind((listen, 0)))?.map_err(op("bind"))?;
    let addr = listener.local_addr().map_err(op("getsockname"))?;
    (0..count)
        .map(|_| {
            let sender = within(sender_ns, || connect(addr, opts))??;
            let (receiver, _) = listener.accept().map_err(op("accept"))?;
            receiver
                .set_nodelay(!opts.nagle)
                .map_err(op("setsockopt TCP_NODELAY"))?;
            if let Some(cc) = &opts.cc {
                sockopt::set_cc(receiver.as_fd(), cc).map_err(op("setsockopt TCP_CONGESTION"))?;
            }
            receiver
                .set_read_timeout(Some(RECV_TIMEOUT))
                .map_err(op("setsockopt SO_RCVTIMEO"))?;
            Ok(Connection { sender, receiver })
        })
        .collect()
}

/// Prefixes an error with the operation that failed (`connect: Connection refused`).
pub(super) fn op(name: &'static str) -> impl Fn(io::Error) -> io::Error {
    move |e| io::Error::new(e.kind(), format!("{name}: {e}"))
}

fn connect(addr: SocketAddr, opts: &SocketOptions) -> io::Result<std::net::TcpStream> {
    let socket =
        Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).map_err(op("socket"))?;
    sender_options(&socket, opts)?;
    socket.connect(&addr.into()).map_err(op("connect"))?;
    Ok(socket.into())
}

/// A sending end's options, set before it connects (so the window is negotiated with
/// its buffer).
pub(super) fn sender_options(socket: &Socket, opts: &SocketOptions) -> io::Result<()> {
    socket
        .set_tcp_nodelay(!opts.nagle)
        .map_err(op("setsockopt TCP_NODELAY"))?;
    if let Some(cc) = &opts.cc {
        sockopt::set_cc(socket.as_fd(), cc).map_err(op("setsockopt TCP_CONGESTION"))?;
    }
    if let Some(bytes) = opts.sndbuf {
        // Before connect, so the window is negotiated with it.
        socket
            .set_send_buffer_size(bytes)
            .map_err(op("setsockopt SO_SNDBUF"))?;
    }
    if let Some(t) = opts.send_timeout {
        socket
            .set_write_timeout(Some(t))
            .map_err(op("setsockopt SO_SNDTIMEO"))?;
    }
    if opts.zerocopy {
        enable_zerocopy(socket.as_fd()).map_err(op("setsockopt SO_ZEROCOPY"))?;
    }
    Ok(())
}
