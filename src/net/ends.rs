//! One end of a connection whose other end is on another host (`--remote`): the
//! controller connects each data connection, the server accepts it, and each side
//! sets on its own end the options its half needs (the sender's: SO_SNDBUF,
//! SO_ZEROCOPY; the receiver's: the read timeout; both: TCP_NODELAY, congestion
//! control), as a local pair gets them.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsFd;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::loopback::{RECV_TIMEOUT, op, sender_options};
use super::{SocketOptions, sockopt};
use crate::strategy::enable_zerocopy;

/// Connects to `addr` within `patience` as a sending or a receiving end.
pub fn connect_end(
    addr: SocketAddr,
    opts: &SocketOptions,
    sender: bool,
    patience: Duration,
) -> io::Result<TcpStream> {
    if sender {
        // The sender's options are set before connect, as for a local pair.
        return connect_within(addr, patience, |s| sender_options(s, opts));
    }
    let stream = connect_within(addr, patience, |s| {
        s.set_tcp_nodelay(!opts.nagle)
            .map_err(op("setsockopt TCP_NODELAY"))?;
        if let Some(cc) = &opts.cc {
            sockopt::set_cc(s.as_fd(), cc).map_err(op("setsockopt TCP_CONGESTION"))?;
        }
        Ok(())
    })?;
    stream
        .set_read_timeout(Some(RECV_TIMEOUT))
        .map_err(op("setsockopt SO_RCVTIMEO"))?;
    Ok(stream)
}

fn connect_within(
    addr: SocketAddr,
    patience: Duration,
    before: impl FnOnce(&Socket) -> io::Result<()>,
) -> io::Result<TcpStream> {
    let domain = Domain::for_address(addr);
    let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP)).map_err(op("socket"))?;
    before(&socket)?;
    socket
        .connect_timeout(&addr.into(), patience)
        .map_err(op("connect"))?;
    Ok(socket.into())
}

/// Sets an accepted end's options for the half it serves.
pub fn accepted_end(stream: &TcpStream, opts: &SocketOptions, sender: bool) -> io::Result<()> {
    stream
        .set_nodelay(!opts.nagle)
        .map_err(op("setsockopt TCP_NODELAY"))?;
    if let Some(cc) = &opts.cc {
        sockopt::set_cc(stream.as_fd(), cc).map_err(op("setsockopt TCP_CONGESTION"))?;
    }
    if sender {
        if let Some(bytes) = opts.sndbuf {
            socket2::SockRef::from(stream)
                .set_send_buffer_size(bytes)
                .map_err(op("setsockopt SO_SNDBUF"))?;
        }
        if opts.zerocopy {
            enable_zerocopy(stream.as_fd()).map_err(op("setsockopt SO_ZEROCOPY"))?;
        }
        stream
            .set_read_timeout(None)
            .map_err(op("setsockopt SO_RCVTIMEO"))?;
    } else {
        stream
            .set_read_timeout(Some(RECV_TIMEOUT))
            .map_err(op("setsockopt SO_RCVTIMEO"))?;
    }
    Ok(())
}
