//! What a controller asks of the far host for one cell ([`CellSpec`]: names and
//! numbers, nothing else), and the server's own [`Limits`] every request is checked
//! against before anything is allocated, opened or started. The server never runs a
//! command, opens a path, or takes a size it has not checked.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use netio_core::engine::{CellConfig, CellPlan, HalfRole, Lowat, Pin, RrOptions};
use netio_core::matrix::Cell;
use netio_core::net::{CcName, SocketOptions};
use netio_core::receive::RxStrategy;
use netio_core::strategy::Strategy;
use netio_core::strategy::StrategyOptions;
use netio_core::wire::MessageSize;
use netio_core::workload::{Load, Workload};

/// The server's limits (`serve --max-threads`, `--max-size`, `--max-duration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub max_threads: u32,
    /// Largest message (and reply), bytes.
    pub max_size: u64,
    /// Longest cell, warm-up included, seconds.
    pub max_duration_s: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_threads: 16,
            max_size: 16 << 20,
            max_duration_s: 300,
        }
    }
}

/// Bounds of the options a controller may choose that size the server's buffers.
const MAX_RECV_BUFFER: u64 = 64 << 20;
const MAX_ZC_POOL: u64 = 1 << 30;
const MAX_ZC_SLOTS: u64 = 1 << 16;
const MAX_SNDBUF: u64 = 1 << 30;

/// One cell as the controller asks the far host to run its half: the wire form. Names
/// travel as the registries' names and become registry keys in [`CellSpec::checked`],
/// so a name this build does not know (a controller of another build) refuses that
/// cell, naming it, instead of breaking the session's framing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellSpec {
    /// The half the far host runs.
    pub far: HalfRole,
    pub strategy: String,
    pub size: u64,
    pub threads: u32,
    pub workload: String,
    pub load: Load,
    pub rx: String,
    pub offered_gbps: Option<f64>,
    pub warmup_ms: u64,
    pub duration_ms: u64,
    pub verify: bool,
    pub recv_buffer: u64,
    pub lowat: String,
    pub lowat_chosen: bool,
    pub pin: String,
    pub rr_depth: u64,
    pub rr_response: u64,
    pub sndbuf: Option<u64>,
    pub cc: Option<String>,
    pub nagle: bool,
    pub coalesce: bool,
    pub zc_slots: Option<u64>,
    pub zc_pool_bytes: Option<u64>,
    pub uring_depth: u64,
    pub unsafe_reuse: bool,
    pub copy_meter: bool,
}

impl CellSpec {
    /// The far half of `plan`'s cell under `config`.
    pub fn of(plan: &CellPlan, config: &CellConfig, far: HalfRole) -> CellSpec {
        let c = plan.cell;
        CellSpec {
            far,
            strategy: c.strategy.name().into(),
            size: c.size.get() as u64,
            threads: c.threads as u32,
            workload: c.workload.name().into(),
            load: c.load,
            rx: c.rx.name().into(),
            offered_gbps: plan.offered,
            warmup_ms: config.warmup.as_millis() as u64,
            duration_ms: config.duration.as_millis() as u64,
            verify: config.verify,
            recv_buffer: config.recv_buffer as u64,
            lowat: config.lowat.name().into(),
            lowat_chosen: config.lowat_chosen,
            pin: config.pin.to_string(),
            rr_depth: config.rr.depth as u64,
            rr_response: config.rr.response_size as u64,
            sndbuf: config.socket.sndbuf.map(|b| b as u64),
            cc: config.socket.cc.map(|c| c.to_string()),
            nagle: config.socket.nagle,
            coalesce: config.strategy.coalesce,
            zc_slots: config.strategy.zc_slots.map(|n| n as u64),
            zc_pool_bytes: config.strategy.zc_pool_bytes.map(|n| n as u64),
            uring_depth: config.strategy.uring_depth as u64,
            unsafe_reuse: config.strategy.unsafe_reuse,
            copy_meter: config.copy_meter.meter().is_some(),
        }
    }

    /// The cell and config this host runs, checked against `limits`; the first
    /// refusal names the option and the limit.
    pub fn checked(&self, limits: &Limits) -> Result<(Cell, CellConfig), String> {
        let within = |what: &str, v: u64, lo: u64, hi: u64| {
            if (lo..=hi).contains(&v) {
                Ok(v as usize)
            } else {
                Err(format!("{what} {v} is outside this server's {lo}..={hi}"))
            }
        };
        let threads = within("threads", self.threads.into(), 1, limits.max_threads.into())?;
        let size = within("message size", self.size, 1, limits.max_size)?;
        let response = within("reply size", self.rr_response, 1, limits.max_size)?;
        let depth = within(
            "rr depth",
            self.rr_depth,
            1,
            netio_core::workload::rr::MAX_DEPTH as u64,
        )?;
        let uring = within(
            "uring depth",
            self.uring_depth,
            0,
            netio_core::strategy::URING_MAX_DEPTH as u64,
        )?;
        let recv_buffer = within("receive buffer", self.recv_buffer, 1, MAX_RECV_BUFFER)?;
        let opt =
            |what: &str, v: Option<u64>, hi: u64| v.map(|v| within(what, v, 1, hi)).transpose();
        let zc_slots = opt("zero-copy slots", self.zc_slots, MAX_ZC_SLOTS)?;
        let zc_pool_bytes = opt("zero-copy pool", self.zc_pool_bytes, MAX_ZC_POOL)?;
        let sndbuf = opt("SO_SNDBUF", self.sndbuf, MAX_SNDBUF)?;
        let (warmup, duration) = (
            Duration::from_millis(self.warmup_ms),
            Duration::from_millis(self.duration_ms),
        );
        let longest = Duration::from_secs(limits.max_duration_s);
        if warmup.saturating_add(duration) > longest || duration.is_zero() {
            return Err(format!(
                "a cell of {:?} warm-up + {:?} is outside this server's --max-duration {longest:?}",
                warmup, duration
            ));
        }
        if let Some(g) = self.offered_gbps
            && !(g.is_finite() && g > 0.0)
        {
            return Err(format!("offered rate {g} Gbps is not a rate"));
        }
        let name = |what: &str, v: &str| format!("unknown {what} \"{}\"", v.escape_debug());
        let strategy =
            Strategy::of_name(&self.strategy).ok_or_else(|| name("strategy", &self.strategy))?;
        let cell = Cell {
            strategy,
            size: MessageSize::new(size),
            threads,
            workload: self
                .workload
                .parse::<Workload>()
                .map_err(|_| name("workload", &self.workload))?,
            load: self.load,
            rx: self
                .rx
                .parse::<RxStrategy>()
                .map_err(|_| name("receive strategy", &self.rx))?,
        };
        let lowat = Lowat::parse(&self.lowat).map_err(|_| name("low-water mark", &self.lowat))?;
        let pin = Pin::parse(&self.pin).map_err(|_| name("pin", &self.pin))?;
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        if let Pin::List(list) = &pin
            && list.iter().any(|&c| c >= cpus)
        {
            return Err(format!(
                "pin {} names a CPU this server (with {cpus}) does not have",
                self.pin
            ));
        }
        let cc = self
            .cc
            .as_deref()
            .map(CcName::new)
            .transpose()
            .map_err(|e| format!("congestion control: {e}"))?;
        let config = CellConfig {
            warmup,
            duration,
            verify: self.verify,
            recv_buffer,
            lowat,
            lowat_chosen: self.lowat_chosen,
            pin,
            repeats: 1,
            rr: RrOptions {
                depth,
                response_size: response,
            },
            socket: SocketOptions {
                sndbuf,
                cc,
                nagle: self.nagle,
                ..SocketOptions::default()
            },
            strategy: StrategyOptions {
                coalesce: self.coalesce,
                zc_slots,
                zc_pool_bytes,
                uring_depth: uring,
                unsafe_reuse: self.unsafe_reuse,
            },
            ..CellConfig::default()
        };
        Ok((cell, config))
    }
}

/// Bytes of buffers the half of `cell` this host runs allocates, every one the
/// controller's numbers size: each sender's messages (its registry entry says how
/// many) and, under `rr`, its reply buffer; each receiver's ring (two under `--rx
/// zerocopy`: the mapped window and the copy buffer beside it) and, under `rr`, the
/// replies of every request that can be in flight (`reply × depth`, sent together);
/// and the latency histograms, two per figure a worker records (its handover), and
/// two more the sampler merges into.
pub fn half_memory(cell: &Cell, config: &CellConfig, far: HalfRole) -> u64 {
    let size = cell.size.get() as u64;
    let rr = cell.workload.has_round_trips();
    let reply = if rr {
        config.rr.response_size as u64
    } else {
        0
    };
    let histogram = netio_core::worker::published::latency_histogram_bytes() as u64;
    let one = match far {
        HalfRole::Senders => {
            let recorded = u64::from(rr) + u64::from(cell.mode().is_paced());
            (cell.strategy.entry().buffers)(size as usize, &config.strategy) as u64
                + reply
                + 2 * recorded * histogram
        }
        HalfRole::Receivers => {
            let rings = match cell.rx {
                RxStrategy::ZeroCopy => 2,
                _ => 1,
            };
            rings * netio_core::receive::ring_len(size as usize) as u64
                + reply.saturating_mul(config.rr.depth.max(1) as u64)
                + 2 * histogram
        }
    };
    (cell.threads as u64)
        .saturating_mul(one)
        .saturating_add(2 * histogram)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CellSpec {
        let config = CellConfig::default();
        let plan = CellPlan::new(Cell::new(Strategy::OneCopy, 65536, 2), None, &config)
            .expect("a stream plan");
        CellSpec::of(&plan, &config, HalfRole::Receivers)
    }

    #[test]
    fn a_spec_comes_back_as_the_same_cell() {
        let s = spec();
        let (cell, config) = s.checked(&Limits::default()).expect("within limits");
        assert_eq!(
            (cell.strategy, cell.size.get(), cell.threads),
            (Strategy::OneCopy, 65536, 2)
        );
        assert_eq!(config.duration, CellConfig::default().duration);
        let text = serde_json::to_string(&s).expect("json");
        assert_eq!(serde_json::from_str::<CellSpec>(&text).expect("parses"), s);
    }

    /// rr's replies are the controller's numbers too: a receiver holds `reply ×
    /// depth` of them, a sender one reply.
    #[test]
    fn rr_replies_are_counted_on_both_sides() {
        use netio_core::workload::Workload;
        let (mut cell, mut config) = spec().checked(&Limits::default()).expect("within limits");
        let stream_rx = half_memory(&cell, &config, HalfRole::Receivers);
        let stream_tx = half_memory(&cell, &config, HalfRole::Senders);
        cell.workload = Workload::Rr;
        config.rr.depth = 1024;
        config.rr.response_size = 16 << 20;
        assert_eq!(
            half_memory(&cell, &config, HalfRole::Receivers),
            stream_rx + 2 * 1024 * (16 << 20),
            "two threads of 1024 replies of 16 MiB"
        );
        let h = netio_core::worker::published::latency_histogram_bytes() as u64;
        assert_eq!(
            half_memory(&cell, &config, HalfRole::Senders),
            stream_tx + 2 * (16 << 20) + 2 * 2 * h,
            "and each sender's round-trip histograms"
        );
    }

    #[test]
    fn a_half_counts_its_own_buffers() {
        let (cell, config) = spec().checked(&Limits::default()).expect("within limits");
        let rx = half_memory(&cell, &config, HalfRole::Receivers);
        let h = netio_core::worker::published::latency_histogram_bytes() as u64;
        assert_eq!(
            rx,
            2 * (netio_core::receive::ring_len(65536) as u64 + 2 * h) + 2 * h
        );
        assert!(half_memory(&cell, &config, HalfRole::Senders) >= 2 * 65536);
    }

    #[test]
    fn the_servers_limits_refuse_what_the_client_names() {
        let limits = Limits {
            max_threads: 1,
            max_size: 4096,
            max_duration_s: 2,
        };
        let cases: Vec<(CellSpec, &str)> = vec![
            (spec(), "threads 2"),
            (
                CellSpec {
                    threads: 1,
                    ..spec()
                },
                "message size 65536",
            ),
            (
                CellSpec {
                    threads: 1,
                    size: 64,
                    duration_ms: 5_000,
                    ..spec()
                },
                "--max-duration",
            ),
            (
                CellSpec {
                    threads: 1,
                    size: 64,
                    duration_ms: 500,
                    strategy: "../../bin/sh".into(),
                    ..spec()
                },
                "unknown strategy",
            ),
            (
                CellSpec {
                    threads: 1,
                    size: 64,
                    duration_ms: 500,
                    zc_pool_bytes: Some(u64::MAX),
                    ..spec()
                },
                "zero-copy pool",
            ),
            (
                CellSpec {
                    threads: 1,
                    size: 64,
                    duration_ms: 500,
                    pin: "0-4095".into(),
                    ..spec()
                },
                "pin",
            ),
            (
                CellSpec {
                    threads: 1,
                    size: 64,
                    duration_ms: 500,
                    offered_gbps: Some(f64::NAN),
                    ..spec()
                },
                "not a rate",
            ),
        ];
        for (s, says) in cases {
            let e = s.checked(&limits).expect_err(says);
            assert!(e.contains(says), "{e} should name {says}");
        }
    }
}
