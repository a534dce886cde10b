//! How the options become the run plan ([`crate::plan::RunPlan`]): the matrix, the
//! engine's configuration of every cell, the path and the outputs. Pure: nothing here
//! touches the machine (`--strategies all` is resolved by preflight).

use super::parse::dedup;
use super::{Cli, DEFAULT_MAX_REPEAT, RepeatChoice};
use crate::paths::PathKind;
use crate::plan::{
    DEFAULT_DURATION, DEFAULT_LOAD, DEFAULT_MTU, DEFAULT_WARMUP, OutputPlan, PathPlan, RemoteAsk,
    RunMode, RunPlan, StrategyChoice,
};
use netio_core::engine::{CellConfig, RrOptions};
use netio_core::matrix::Matrix;
use netio_core::net::SocketOptions;
use netio_core::strategy::StrategyOptions;
use netio_core::workload::Load;
use netio_core::workload::rr;

impl Cli {
    /// The plan of the measuring run the options ask for.
    pub fn plan(&self) -> RunPlan {
        let mode = if self.record.is_some() {
            RunMode::Headless
        } else {
            RunMode::Monitor
        };
        RunPlan {
            mode,
            strategies: dedup(&self.strategies),
            matrix: self.matrix(),
            config: self.cell_config(mode),
            path: PathPlan {
                kind: self.path_kind(),
                mtu: self.mtu.unwrap_or(DEFAULT_MTU),
                netem: self.netem.clone(),
                remote: self.remote.as_ref().map(|target| RemoteAsk {
                    target: target.clone(),
                    key_file: self.key_file.clone(),
                    reverse: self.reverse,
                }),
            },
            outputs: OutputPlan {
                record: self.record.clone(),
                samples: self.samples.clone(),
                format: self.format.into(),
                summary: self.summary.clone(),
            },
            rounded_sizes: self.rounded_sizes(),
        }
    }

    /// The path asked for: `--path`, or `--netns`, or `--remote`, else loopback (the
    /// combinations are checked by `check_combinations`).
    pub fn path_kind(&self) -> PathKind {
        match (self.path, self.netns, &self.remote) {
            (Some(p), _, _) => p,
            (None, true, _) => PathKind::Netns,
            (None, false, Some(_)) => PathKind::Remote,
            (None, false, None) => PathKind::Loopback,
        }
    }

    /// The matrix the options describe, each axis without repeats, in the given order;
    /// sizes below the header's length rounded up to it. Its strategies are the named
    /// ones; preflight adds those `all` stands for.
    pub(crate) fn matrix(&self) -> Matrix {
        let sizes: Vec<usize> = self
            .sizes
            .iter()
            .map(|&s| netio_core::wire::MessageSize::new(s).get())
            .collect();
        let named: Vec<_> = self
            .strategies
            .iter()
            .filter_map(|c| match c {
                StrategyChoice::One(s) => Some(*s),
                StrategyChoice::All => None,
            })
            .collect();
        Matrix {
            strategies: dedup(&named),
            sizes: dedup(&sizes),
            threads: dedup(&self.threads),
            modes: netio_core::matrix::with_receivers(
                &netio_core::matrix::modes(&dedup(&self.workload), &self.loads()),
                &dedup(&self.rx),
            ),
        }
    }

    /// The `rate` loads: as given, or 50 % of stream.
    fn loads(&self) -> Vec<Load> {
        if self.rate.is_empty() {
            vec![DEFAULT_LOAD]
        } else {
            dedup(&self.rate)
        }
    }

    /// The sizes that were rounded up: (used, requested), for the rows to say so.
    pub(crate) fn rounded_sizes(&self) -> Vec<(u64, u64)> {
        self.sizes
            .iter()
            .filter(|&&s| netio_core::wire::MessageSize::new(s).get() != s)
            .map(|&s| (netio_core::wire::MessageSize::new(s).get() as u64, s as u64))
            .collect()
    }

    /// How every cell is run in `mode`. Headless: rounds of 2 s + 0.5 s warm-up until
    /// every comparison is decided (from round 3, at most `--max-repeat`). The monitor:
    /// one repeat of the same length, so its comparison turns over quickly.
    pub(crate) fn cell_config(&self, mode: RunMode) -> CellConfig {
        let (duration, warmup, repeat) = match mode {
            RunMode::Headless => (DEFAULT_DURATION, DEFAULT_WARMUP, RepeatChoice::Auto),
            RunMode::Monitor => (DEFAULT_DURATION, DEFAULT_WARMUP, RepeatChoice::Times(1)),
        };
        let (repeats, until_decided) = match self.repeat.unwrap_or(repeat) {
            RepeatChoice::Auto => (self.max_repeat.unwrap_or(DEFAULT_MAX_REPEAT), true),
            RepeatChoice::Times(n) => (n, false),
        };
        CellConfig {
            warmup: self.warmup.unwrap_or(warmup),
            duration: self.duration.unwrap_or(duration),
            repeats,
            until_decided,
            budget_rounds: self
                .budget_rounds
                .unwrap_or(netio_core::engine::DEFAULT_BUDGET_ROUNDS),
            margin_pct: self.margin.unwrap_or(netio_core::stats::DEFAULT_MARGIN_PCT),
            verify: self.verify,
            pin: self.pin.clone(),
            lowat: self.rcvlowat.unwrap_or_default(),
            lowat_chosen: self.rcvlowat.is_some(),
            rr: RrOptions {
                depth: self.depth.unwrap_or(1),
                response_size: self.response_size.unwrap_or(rr::DEFAULT_RESPONSE),
            },
            socket: SocketOptions {
                cc: self.cc,
                nagle: !self.nodelay,
                ..SocketOptions::default()
            },
            strategy: StrategyOptions {
                coalesce: self.coalesce,
                zc_pool_bytes: Some(self.zc_pool),
                unsafe_reuse: self.unsafe_reuse,
                uring_depth: self.uring_depth,
                ..StrategyOptions::default()
            },
            copy_meter: if self.no_copy_meter {
                netio_core::copymeter::MeterChoice::Off
            } else {
                netio_core::copymeter::MeterChoice::Wanted
            },
            ..CellConfig::default()
        }
    }
}
