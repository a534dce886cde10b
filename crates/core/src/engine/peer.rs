//! The far half of a `--remote` cell as the engine sees it: a [`Peer`] sets up the far
//! host's workers, hands back this host's ends of the connections, and brings the far
//! side's reading at every tick, so the sampler joins the two halves into one
//! [`Snapshot`] and computes rows exactly as for a local cell. What travels is
//! cumulative totals ([`FarReading`]), never rates, so a late tick loses nothing.

use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::half::CellPlan;
use super::metrics::{Counting, Latencies, SideSnapshot, Snapshot};
use super::{CellConfig, EngineError};
use crate::figure::{Figure, why};
use crate::row::Row;
use crate::strategy::ZeroCopyCounts;

/// Which half of a cell a host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HalfRole {
    Senders,
    Receivers,
}

impl HalfRole {
    /// The half the other host runs.
    pub fn other(self) -> HalfRole {
        match self {
            HalfRole::Senders => HalfRole::Receivers,
            HalfRole::Receivers => HalfRole::Senders,
        }
    }
}

/// The far side's reading at one tick.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FarReading {
    pub side: SideSnapshot,
    /// The far senders' round trips and pacing error in the interval just ended, as
    /// (value ns, count) pairs of their histograms' recorded buckets, each value
    /// given as its step from the previous one (small numbers: a busy second's
    /// thousands of buckets fit in one control message).
    pub rtt: Vec<(u64, u64)>,
    pub pace: Vec<(u64, u64)>,
}

impl FarReading {
    /// A histogram as its recorded (step to value, count) pairs.
    pub fn buckets(h: &Histogram<u64>) -> Vec<(u64, u64)> {
        let mut last = 0;
        h.iter_recorded()
            .map(|v| {
                let value = h.highest_equivalent(v.value_iterated_to());
                let step = value - last;
                last = value;
                (step, v.count_at_value())
            })
            .collect()
    }

    /// Adds the far senders' latencies into `lat`; a value out of the histogram's
    /// range is dropped rather than trusted.
    pub fn add_latencies(&self, lat: &mut Latencies) {
        for (into, buckets) in [(&mut lat.rtt, &self.rtt), (&mut lat.pace, &self.pace)] {
            let mut value = 0u64;
            for &(step, n) in buckets {
                value = value.saturating_add(step);
                let _ = into.record_n(value, n);
            }
        }
    }
}

/// How the far side's perf counters opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarCounting {
    pub hardware: bool,
    pub mode: Option<String>,
}

impl FarCounting {
    pub fn of(c: &Counting) -> FarCounting {
        FarCounting {
            hardware: c.hardware,
            mode: c.mode.map(str::to_string),
        }
    }

    /// Both hosts' counting as one: hardware only where both count it, the mode only
    /// where both agree.
    pub fn join(&self, local: Counting) -> Counting {
        Counting {
            hardware: local.hardware && self.hardware,
            mode: match (local.mode, self.mode.as_deref()) {
                (Some(a), Some(b)) if a == b => Some(a),
                (None, None) => None,
                _ => Some("mixed"),
            },
            skipped: local.skipped,
        }
    }
}

/// What the far half knows when its workers have ended: per connection in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FarEnd {
    /// Senders: messages and send calls per connection.
    pub sent: Vec<(u64, u64)>,
    /// Receivers: messages, wire bytes and the kernel's `tcpi_bytes_received`.
    pub received: Vec<(u64, u64, Option<u64>)>,
    pub integrity_errors: u64,
    /// Streams that ended inside a frame (absent from an older server: 0).
    #[serde(default)]
    pub truncated_frames: u64,
    /// The options the far end of the first connection reads back (absent from an
    /// older server).
    #[serde(default)]
    pub end_options: Option<crate::net::sockopt::EndOptions>,
    pub zero_copy: ZeroCopyCounts,
    pub cpus: Vec<usize>,
}

/// The far host of a `--remote` run.
pub trait Peer: Send {
    /// The half the far host runs.
    fn far_role(&self) -> HalfRole;
    /// Sets up the far half of `plan`'s cell; this host's ends of the connections in
    /// order, and how the far side counts.
    fn open(
        &mut self,
        plan: &CellPlan,
        config: &CellConfig,
    ) -> Result<(Vec<TcpStream>, FarCounting), EngineError>;
    /// Lets the far workers go; the far side's first reading.
    fn go(&mut self) -> Result<FarReading, EngineError>;
    /// The far side's reading at the next tick.
    fn tick(&mut self) -> Result<FarReading, EngineError>;
    /// Tells the far half to stop: after this host's last tick (the far workers keep
    /// running until then, so this host's last reading still finds them), or before the
    /// schedule ends when this host was cancelled or failed. [`Peer::finish`] follows.
    fn stop(&mut self);
    /// Waits for the far half's workers to end and for their totals.
    fn finish(&mut self) -> Result<FarEnd, EngineError>;
}

/// A shared handle on the run's peer: configs compare it by identity.
#[derive(Clone)]
pub struct PeerHandle(pub Arc<Mutex<dyn Peer>>);

impl PartialEq for PeerHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for PeerHandle {}

impl std::fmt::Debug for PeerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PeerHandle")
    }
}

/// This host's snapshot with the far side's in place of the half it does not run.
pub fn joined(mut local: Snapshot, far: &FarReading, role: HalfRole) -> Snapshot {
    match role {
        HalfRole::Senders => local.tx = far.side,
        HalfRole::Receivers => local.rx = far.side,
    }
    local
}

/// A row of a two-host cell: its one-way latency would read one host's stamps
/// against the other's clock, so it is absent with that reason, never a figure.
pub fn across_hosts(row: &mut Row) {
    for f in [
        &mut row.lat_p50_us,
        &mut row.lat_p99_us,
        &mut row.lat_p999_us,
        &mut row.lat_max_us,
    ] {
        *f = Figure::Unavailable(why::NO_SHARED_CLOCK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_travel_as_buckets_and_come_back_the_same() {
        let mut lat = Latencies::default();
        for v in [1_000u64, 1_000, 25_000, 3_000_000] {
            lat.rtt.record(v).expect("in range");
        }
        let far = FarReading {
            rtt: FarReading::buckets(&lat.rtt),
            ..FarReading::default()
        };
        let text = serde_json::to_string(&far).expect("serializes");
        let back: FarReading = serde_json::from_str(&text).expect("parses");
        let mut into = Latencies::default();
        back.add_latencies(&mut into);
        assert_eq!(into.rtt.len(), 4);
        assert_eq!(
            into.rtt.value_at_quantile(0.5),
            lat.rtt.value_at_quantile(0.5)
        );
        assert_eq!(into.rtt.max(), lat.rtt.max());
    }

    #[test]
    fn counting_joins_to_the_weaker_side() {
        let local = Counting {
            hardware: true,
            mode: Some("kernel+user"),
            skipped: false,
        };
        let far = FarCounting {
            hardware: false,
            mode: Some("user".into()),
        };
        let both = far.join(local);
        assert!(!both.hardware);
        assert_eq!(both.mode, Some("mixed"));
        assert_eq!(FarCounting::of(&local).join(local), local);
    }
}
