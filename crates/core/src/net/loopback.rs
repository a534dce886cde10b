//! TCP connection pairs: an ephemeral listener, then one connect + accept per pair. Used
//! for loopback and, with namespaces given, across the veth pair.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::time::Duration;

use socket2::{Domain, Protocol, SockRef, Socket, Type};

use super::{CcName, Connection, SocketOptions, sockopt, within};

/// A receiver that hears nothing for this long gives up rather than hang the run.
pub(super) const RECV_TIMEOUT: Duration = Duration::from_secs(10);

/// `count` connected pairs: the listener on `listen` (created in `listener_ns`), each
/// connecting end created in `sender_ns`. Both ends get the same options
/// ([`end_options`]: TCP_NODELAY unless `opts.nagle`, the congestion control, a fixed
/// SO_SNDBUF, SO_ZEROCOPY), the connecting end before it connects and the accepted end
/// right after accept; then each its role's (a send timeout on the sending end, a read
/// timeout on the receiving one). Normally the connecting end sends; with
/// `opts.accepted_sends` the accepted end does (what `--remote --reverse` does).
pub fn connect_pairs(
    count: usize,
    opts: &SocketOptions,
    listen: Ipv4Addr,
    listener_ns: Option<&str>,
    sender_ns: Option<&str>,
) -> io::Result<Vec<Connection>> {
    let listener = within(listener_ns, || TcpListener::bind((listen, 0)))?.map_err(op("bind"))?;
    listener_options(&listener, opts)?;
    let addr = listener.local_addr().map_err(op("getsockname"))?;
    (0..count)
        .map(|_| {
            let connected = within(sender_ns, || connect(addr, opts))??;
            let (accepted, _) = listener.accept().map_err(op("accept"))?;
            end_options(SockRef::from(&accepted), opts)?;
            let (sender, receiver) = if opts.accepted_sends {
                (accepted, connected)
            } else {
                (connected, accepted)
            };
            sending_end(&sender, opts)?;
            receiving_end(&receiver)?;
            Ok(Connection { sender, receiver })
        })
        .collect()
}

/// What a listener must have before a connection arrives: the congestion control, so
/// accepted ends are born with it. Set on an accepted socket afterwards it comes too
/// late: the socket started under the system's algorithm, and BBR turns the socket's
/// internal pacing on for good (switching to cubic does not turn it off). Measured
/// here: senders on accepted ends of `--remote --reverse`, cubic set after accept,
/// 1.33 Gbps and 49 µs per send call against 8.83 Gbps from connecting ends, with
/// `tcp_write_xmit`'s pacing timer at 47 % of the sender's samples.
pub fn listener_options(listener: &TcpListener, opts: &SocketOptions) -> io::Result<()> {
    match &opts.cc {
        Some(cc) => sockopt::set_cc(listener.as_fd(), cc),
        // The system's default, explicitly: a listener keeps the last one set on it.
        None => match sockopt::default_cc().map(|c| CcName::new(&c)) {
            Some(Ok(cc)) => sockopt::set_cc(listener.as_fd(), &cc),
            _ => Ok(()),
        },
    }
    .map_err(op("setsockopt TCP_CONGESTION on the listener"))
}

/// Prefixes an error with the operation that failed (`connect: Connection refused`).
pub(super) fn op(name: &'static str) -> impl Fn(io::Error) -> io::Error {
    move |e| io::Error::new(e.kind(), format!("{name}: {e}"))
}

fn connect(addr: SocketAddr, opts: &SocketOptions) -> io::Result<std::net::TcpStream> {
    let socket =
        Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).map_err(op("socket"))?;
    // Before connect, so the window is negotiated with the buffers.
    end_options(SockRef::from(&socket), opts)?;
    socket.connect(&addr.into()).map_err(op("connect"))?;
    Ok(socket.into())
}

/// The options every end of a cell's connections gets, whichever way it sends and
/// whether it connected or was accepted (both ends alike: read back and recorded as
/// `ends_alike`).
pub(super) fn end_options(socket: SockRef<'_>, opts: &SocketOptions) -> io::Result<()> {
    socket
        .set_tcp_nodelay(!opts.nagle)
        .map_err(op("setsockopt TCP_NODELAY"))?;
    if let Some(cc) = &opts.cc {
        sockopt::set_cc(socket.as_fd(), cc).map_err(op("setsockopt TCP_CONGESTION"))?;
    }
    if let Some(bytes) = opts.sndbuf {
        socket
            .set_send_buffer_size(bytes)
            .map_err(op("setsockopt SO_SNDBUF"))?;
    }
    if opts.zerocopy {
        super::sockopt::set_zerocopy(socket.as_fd()).map_err(op("setsockopt SO_ZEROCOPY"))?;
    }
    Ok(())
}

/// The sending end's own option: the send timeout tests use to force partial sends.
pub(super) fn sending_end(stream: &TcpStream, opts: &SocketOptions) -> io::Result<()> {
    stream
        .set_write_timeout(opts.send_timeout)
        .map_err(op("setsockopt SO_SNDTIMEO"))?;
    stream
        .set_read_timeout(None)
        .map_err(op("setsockopt SO_RCVTIMEO"))
}

/// The receiving end's own option: a read timeout, so a silent sender cannot hang it.
pub(super) fn receiving_end(stream: &TcpStream) -> io::Result<()> {
    stream
        .set_read_timeout(Some(RECV_TIMEOUT))
        .map_err(op("setsockopt SO_RCVTIMEO"))
}
