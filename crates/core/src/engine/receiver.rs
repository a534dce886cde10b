//! The receiver thread: reads the stream into a page-aligned ring so that every byte
//! lands at an offset congruent to its stream position mod 4096 (continuing a partial
//! read where it stopped), with a receive low-water mark so a blocked read wakes once
//! a frame rather than once a segment. Frames are checked in place as they complete,
//! and one-way latency is recorded for each, until the sender closes the stream. Under
//! `rr` each completed frame is answered with a reply of the workload's length, all
//! the replies a read completed in one send.
//!
//! Both choices were measured to matter more than anything else on this path
//! (KERNEL-NOTES, "what the harness pays for"): copy_to_user slows sharply when source
//! and destination disagree in their low address bits, and each per-segment wakeup is
//! an IPI charged to the sender.

use std::io;
use std::net::TcpStream;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;
use std::sync::atomic::Ordering::{Acquire, Relaxed};

use super::EngineError;
use super::gate::Gate;
use super::placement::pin_current_thread;
use crate::worker::cpus::CpuTracker;
use crate::worker::published::{ReceiverStats, ReceiverTotals, SenderStats};

use crate::clock;
use crate::matrix::Cell;
use crate::net::sockopt;
use crate::receive::RxStrategy;
use crate::receive::{RECV_BUF, ring_len};
use crate::wire::FrameChecker;

/// When a blocked `recv` wakes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lowat {
    /// The kernel's default (1 byte): woken for every arriving segment.
    Off,
    /// `SO_RCVLOWAT` = the frame size (up to 1 MiB), set once before the cell.
    #[default]
    Frame,
    /// `SO_RCVLOWAT` = the bytes still missing from the current frame, set before a
    /// read whenever that changes (one more system call then).
    Missing,
}

impl Lowat {
    pub fn parse(s: &str) -> Result<Lowat, String> {
        match s.trim() {
            "off" => Ok(Lowat::Off),
            "frame" => Ok(Lowat::Frame),
            "missing" => Ok(Lowat::Missing),
            _ => Err(format!("'{s}' is not one of frame, missing, off")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Lowat::Off => "off",
            Lowat::Frame => "frame",
            Lowat::Missing => "missing",
        }
    }
}

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
    /// `--unsafe-reuse`: a rewritten header marks its frame changed, not the end of
    /// the framing.
    pub tolerate_rewrites: bool,
    /// Most bytes asked of one `recv()`.
    pub recv_buffer: usize,
    pub lowat: Lowat,
    /// How the bytes come out of the socket.
    pub rx: RxStrategy,
    /// `rr`: the reply's length (0: no replies) and the requests in flight at most.
    pub reply: usize,
    pub depth: usize,
    pub cpu: Option<usize>,
    /// The network namespace receivers live in (`None`: the process's own).
    pub namespace: Option<String>,
    pub stats: Arc<ReceiverStats>,
    pub start: Arc<Gate>,
    /// `Fault::ReceiversStallAtEnd`: the pair's sender, whose phase this receiver
    /// follows.
    pub stall_behind: Option<Arc<SenderStats>>,
}

/// The low-water mark that wakes a receiver once per `frame`-byte message (a read
/// never asks for more than [`RECV_BUF`], so neither does the mark).
pub fn frame_lowat(frame: usize) -> usize {
    frame.min(RECV_BUF)
}

pub(super) fn run(job: ReceiverJob) -> Result<ReceiverEnd, EngineError> {
    let ReceiverJob {
        socket,
        cell,
        verify,
        tolerate_rewrites,
        recv_buffer,
        lowat,
        rx,
        reply,
        depth,
        cpu,
        namespace,
        stats,
        start,
        stall_behind,
    } = job;
    // The controller set the low-water mark (frame or missing) on the socket already.
    let entered = crate::net::enter(namespace.as_deref())
        .and_then(|()| cpu.map_or(Ok(()), pin_current_thread));
    // Allocated and touched before the gate: no page fault in the window.
    let frame = cell.size.get().max(1);
    let opened = (rx.entry().open)(socket.as_raw_fd(), frame);
    let ask = if stall_behind.is_some() {
        frame.min(RECV_BUF)
    } else {
        recv_buffer.clamp(1, RECV_BUF)
    };
    let mut checker = FrameChecker::new(cell.strategy.wire_id(), cell.size.get(), verify)
        .tolerating_rewrites(tolerate_rewrites);
    let mut latencies: Vec<u64> = Vec::with_capacity(ring_len(frame).min(ask) / frame + 2);
    // Replies for every request that can be in flight, sent together.
    let replies = vec![0x52u8; reply * depth.max(1)];
    stats.tid.store(clock::gettid(), Relaxed);
    stats
        .cookie
        .store(sockopt::cookie(socket.as_fd()).unwrap_or(0), Relaxed);
    // Check in whatever happened: the controller waits for every worker.
    let go = start.check_in_and_wait();
    entered.map_err(EngineError::io("entering the receiver's namespace or CPU"))?;
    if !go {
        return Err(EngineError::Aborted);
    }
    let mut receiving = opened.map_err(EngineError::io("opening the receive strategy"))?;
    let fd = socket.as_raw_fd();
    let mut totals = ReceiverTotals::default();
    let mut tracker = CpuTracker::default();
    let mut lowat_set = frame_lowat(cell.size.get());
    loop {
        if let Some(sender) = &stall_behind {
            stall(sender);
        }
        tracker.note(&stats.cpus);
        if lowat == Lowat::Missing {
            let missing = frame - (totals.wire_bytes % frame as u64) as usize;
            let want = frame_lowat(missing);
            if want != lowat_set {
                sockopt::set_rcvlowat(socket.as_fd(), want)
                    .map_err(EngineError::io("setsockopt SO_RCVLOWAT"))?;
                lowat_set = want;
            }
        }
        // One clock read per receive: every frame it completes arrived by now (read
        // after the data is in, below, through `arrived`).
        latencies.clear();
        let mut damaged = 0u64;
        let mut completed = 0usize;
        let mut fed = Ok(());
        let mut arrived: Option<u64> = None;
        let got = receiving.receive(fd, ask, &mut |chunk: &[u8]| {
            let now = *arrived.get_or_insert_with(clock::monotonic_ns);
            let r = checker.feed(chunk, |frame| {
                completed += 1;
                if frame.intact {
                    latencies.push(now.saturating_sub(frame.sent_ns));
                } else {
                    damaged += 1;
                }
            });
            if fed.is_ok() {
                fed = r;
            }
        });
        let n = match got {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(EngineError::Io {
                    op: "recv",
                    source: e,
                });
            }
        };
        if fed.is_err() {
            // A bad header: the stream cannot be framed again. Count it and keep
            // reading to EOF so the sender is never blocked.
            damaged += 1;
        }
        if !latencies.is_empty() {
            stats.latency.record(|h| {
                for &ns in &latencies {
                    h.saturating_record(ns.max(1));
                }
            });
        }
        if reply > 0 && completed > 0 {
            send_replies(socket.as_fd(), &replies, completed * reply)?;
        }
        totals.wire_bytes += n as u64;
        totals.messages += latencies.len() as u64;
        totals.integrity_errors += damaged;
        totals.mapped_bytes = receiving.mapped_bytes();
        stats.publish(&totals);
    }
    // A stream that ended inside a frame is said, not silently dropped.
    totals.truncated_frames = u64::from(checker.mid_frame());
    stats.publish(&totals);
    Ok(ReceiverEnd {
        wire_bytes: totals.wire_bytes,
        tcpi_bytes_received: tcp_bytes_received(&socket),
    })
}

/// `Fault::ReceiversStallAtEnd`: a frame a millisecond while the sender sends, nothing
/// while it finishes, everything once it has finished.
fn stall(sender: &SenderStats) {
    use crate::worker::published::{FINISHED, SENDING};
    let pause = std::time::Duration::from_millis(1);
    match sender.phase.load(Acquire) {
        SENDING => std::thread::sleep(pause),
        FINISHED => {}
        _ => {
            while sender.phase.load(Acquire) != FINISHED {
                std::thread::sleep(pause);
            }
        }
    }
}

/// Sends `len` bytes of replies, from `replies` over and over when it is shorter.
fn send_replies(
    fd: std::os::fd::BorrowedFd<'_>,
    replies: &[u8],
    mut len: usize,
) -> Result<(), EngineError> {
    while len > 0 {
        let chunk = len.min(replies.len());
        // SAFETY: replies is valid readable memory of at least chunk bytes.
        let n = unsafe {
            libc::send(
                fd.as_raw_fd(),
                replies.as_ptr().cast(),
                chunk,
                libc::MSG_NOSIGNAL,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(EngineError::Io {
                op: "send reply",
                source: e,
            });
        }
        len -= n as usize;
    }
    Ok(())
}

/// `tcpi_bytes_received` from TCP_INFO: what the kernel says arrived on the socket.
pub fn tcp_bytes_received(socket: &TcpStream) -> Option<u64> {
    sockopt::tcp_info(socket.as_fd()).map(|i| i.bytes_received)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_hold_a_frame_in_whole_pages() {
        assert_eq!(ring_len(32), 256 << 10);
        assert_eq!(ring_len(300_000), 303_104);
        assert_eq!(ring_len(1 << 20), 1 << 20);
        assert_eq!(ring_len(64 << 20), 1 << 20);
        assert_eq!(Lowat::parse("missing"), Ok(Lowat::Missing));
        assert!(Lowat::parse("x").is_err());
    }
}
