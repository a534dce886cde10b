//! The receiver thread: `recv()` into a buffer, feed the frame checker, record one-way
//! latency for each completed frame, until the sender closes the stream.

use std::io::{self, Read};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use super::EngineError;
use super::gate::Gate;
use super::stats::ReceiverStats;
use crate::clock;
use crate::matrix::Cell;
use crate::wire::FrameChecker;

/// Bytes asked of each `recv()` unless the cell says otherwise.
pub const RECV_BUF: usize = 256 << 10;

/// What a receiver knows when the stream has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiverEnd {
    /// Every byte read from the socket.
    pub wire_bytes: u64,
    /// The kernel's own count for the socket (`tcpi_bytes_received` of TCP_INFO).
    pub tcpi_bytes_received: Option<u64>,
}

pub(super) struct ReceiverJob {
    pub socket: TcpStream,
    pub cell: Cell,
    pub verify: bool,
    pub recv_buffer: usize,
    /// The network namespace receivers live in (`None`: the process's own).
    pub namespace: Option<String>,
    pub stats: Arc<ReceiverStats>,
    pub start: Arc<Gate>,
}

pub(super) fn run(job: ReceiverJob) -> Result<ReceiverEnd, EngineError> {
    let ReceiverJob {
        mut socket,
        cell,
        verify,
        recv_buffer,
        namespace,
        stats,
        start,
    } = job;
    let entered = crate::net::enter(namespace.as_deref());
    stats.tid.store(clock::gettid(), Relaxed);
    // Check in whatever happened: the controller waits for every worker.
    let go = start.check_in_and_wait();
    entered.map_err(EngineError::Setup)?;
    if !go {
        return Err(EngineError::Aborted);
    }
    let mut checker = FrameChecker::new(cell.strategy, cell.size, verify);
    let mut buf = vec![0u8; recv_buffer.max(1)];
    let mut latencies: Vec<u64> = Vec::with_capacity(1024);
    let mut wire_bytes = 0u64;
    loop {
        let n = match socket.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(EngineError::Receive(e)),
        };
        // One clock read per recv(): every frame this chunk completes arrived by now.
        let now = clock::monotonic_ns();
        wire_bytes += n as u64;
        stats.wire_bytes.store(wire_bytes, Relaxed);
        latencies.clear();
        let mut damaged = 0u64;
        let fed = checker.feed(&buf[..n], |frame| {
            if frame.intact {
                latencies.push(now.saturating_sub(frame.sent_ns));
            } else {
                damaged += 1;
            }
        });
        if fed.is_err() {
            // A bad header: the stream cannot be framed again. Count it and keep
            // reading to EOF so the sender is never blocked.
            damaged += 1;
        }
        if damaged > 0 {
            stats.integrity_errors.fetch_add(damaged, Relaxed);
        }
        if !latencies.is_empty() {
            let frames = latencies.len() as u64;
            if let Ok(mut h) = stats.latency.lock() {
                for &ns in &latencies {
                    h.saturating_record(ns.max(1));
                }
            }
            // Payload bytes are derived (messages × size) where they are read: one
            // counter, so no snapshot can see one without the other.
            stats.messages.fetch_add(frames, Relaxed);
        }
    }
    Ok(ReceiverEnd {
        wire_bytes,
        tcpi_bytes_received: tcp_bytes_received(&socket),
    })
}

/// `tcpi_bytes_received` from TCP_INFO: what the kernel says arrived on the socket.
pub fn tcp_bytes_received(socket: &TcpStream) -> Option<u64> {
    // SAFETY: zeroed tcp_info is valid; getsockopt writes at most `len` bytes into it.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let rc = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            &mut info as *mut libc::tcp_info as *mut libc::c_void,
            &mut len,
        )
    };
    // Older kernels return a shorter struct without the field.
    let needed = std::mem::offset_of!(libc::tcp_info, tcpi_bytes_received) + 8;
    (rc == 0 && len as usize >= needed).then_some(info.tcpi_bytes_received)
}
