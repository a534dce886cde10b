//! One end of a connection whose other end is on another host (`--remote`): the
//! controller connects each data connection, the server accepts it, and each side
//! sets on its own end every end's options (TCP_NODELAY, congestion control, a fixed
//! SO_SNDBUF, SO_ZEROCOPY) and its role's (the sender's send timeout, the receiver's
//! read timeout), as a local pair gets them.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use socket2::{Domain, Protocol, SockRef, Socket, Type};

use super::SocketOptions;
use super::loopback::{end_options, op, receiving_end, sending_end};

/// Connects to `addr` within `patience` as a sending or a receiving end.
pub fn connect_end(
    addr: SocketAddr,
    opts: &SocketOptions,
    sender: bool,
    patience: Duration,
) -> io::Result<TcpStream> {
    // Every end's options before connect, as for a local pair.
    let stream = connect_within(addr, patience, |s| end_options(SockRef::from(s), opts))?;
    role_options(&stream, opts, sender)?;
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

/// Sets an accepted end's options for the half it serves: the same as a connecting
/// end's.
pub fn accepted_end(stream: &TcpStream, opts: &SocketOptions, sender: bool) -> io::Result<()> {
    end_options(SockRef::from(stream), opts)?;
    role_options(stream, opts, sender)
}

/// The options of the end's role.
fn role_options(stream: &TcpStream, opts: &SocketOptions, sender: bool) -> io::Result<()> {
    if sender {
        sending_end(stream, opts)
    } else {
        receiving_end(stream)
    }
}
