//! `rr` (request-response): each pair keeps `--depth` requests in flight. A request is
//! a message sent with the strategy under test; the receiver answers each whole
//! request with a small fixed reply (`--response-size`, 32 B by default). The round
//! trip runs from the request's first send call (zero-copy's completion handling and
//! pool waits included) to the reply's last byte, into an HDR histogram (`rtt_*`).
//! Transactions complete in order on one TCP connection, so the in-flight requests are
//! a FIFO of their start times.

use super::{Workload, WorkloadEntry};
use crate::registry::{self, About};
use crate::worker::{SendLoop, WorkerError};

pub const ENTRY: WorkloadEntry = WorkloadEntry {
    workload: Workload::Rr,
    about: About {
        name: "rr",
        aliases: &["request-response"],
        summary: "request-response: --depth requests in flight per pair, round-trip time (rtt_*)",
        available: registry::always,
    },
    headline: "transactions_per_s",
    headline_label: "tps",
    better: crate::stats::Better::Higher,
    latency_label: "rtt",
    latency_title: "round-trip time (request's first send to reply's last byte)",
    paced: false,
    round_trips: true,
    saturates: false,
    drive,
};

/// Most requests a pair may keep in flight.
pub const MAX_DEPTH: usize = 1024;
/// The reply's default length, and the longest allowed.
pub const DEFAULT_RESPONSE: usize = 32;
pub const MAX_RESPONSE: usize = 1 << 20;

fn drive(l: &mut SendLoop<'_>) -> Result<(), WorkerError> {
    let mut flight = InFlight::new(l.depth());
    loop {
        while flight.has_room() && !l.stopped() {
            let started = l.send_one()?;
            flight.sent(started);
        }
        if flight.is_empty() {
            return Ok(());
        }
        match l.await_response()? {
            Some(arrived) => {
                if let Some(rtt) = flight.answered(arrived) {
                    l.record_rtt(rtt);
                }
            }
            // Stopped, and the last replies did not come within the patience.
            None => return Ok(()),
        }
    }
}

/// The start times of the requests in flight, oldest first: a ring in a fixed array
/// (8 KiB on the sender's stack), so nothing is allocated on the sending path.
#[derive(Debug, Clone)]
pub struct InFlight {
    started: [u64; MAX_DEPTH],
    depth: usize,
    head: usize,
    len: usize,
}

impl InFlight {
    pub fn new(depth: usize) -> InFlight {
        InFlight {
            started: [0; MAX_DEPTH],
            depth: depth.clamp(1, MAX_DEPTH),
            head: 0,
            len: 0,
        }
    }

    pub fn has_room(&self) -> bool {
        self.len < self.depth
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// A request went out; it began at `at`. Ignored when the window is full (the
    /// caller checks [`InFlight::has_room`]).
    pub fn sent(&mut self, at: u64) {
        if self.has_room() {
            let tail = (self.head + self.len) % self.depth;
            self.started[tail] = at;
            self.len += 1;
        }
    }

    /// The oldest request's reply arrived at `at`: its round trip. `None` for a reply
    /// with nothing in flight (the caller's bug, not a figure).
    pub fn answered(&mut self, at: u64) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        let began = self.started[self.head];
        self.head = (self.head + 1) % self.depth;
        self.len -= 1;
        Some(at.saturating_sub(began))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_match_requests_in_order() {
        let mut f = InFlight::new(3);
        assert!(f.is_empty() && f.has_room());
        f.sent(100);
        f.sent(150);
        f.sent(160);
        assert!(!f.has_room());
        f.sent(999); // no room: ignored
        assert_eq!(f.len(), 3);
        assert_eq!(f.answered(300), Some(200));
        f.sent(310);
        assert_eq!(f.answered(320), Some(170));
        assert_eq!(f.answered(330), Some(170));
        assert_eq!(f.answered(400), Some(90), "the ring wrapped");
        assert_eq!(f.answered(500), None, "nothing in flight");
    }

    #[test]
    fn depth_one_is_a_ping_pong() {
        let mut f = InFlight::new(0); // clamped to 1
        f.sent(10);
        assert!(!f.has_room());
        assert_eq!(f.answered(42), Some(32));
        assert!(f.has_room());
    }
}
