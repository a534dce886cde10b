//! How the options become the engine's configuration of every cell.

use std::time::Duration;

use super::{Cli, DEFAULT_MAX_REPEAT, RepeatChoice, RunMode};
use netio_core::engine::{CellConfig, RrOptions};
use netio_core::net::SocketOptions;
use netio_core::strategy::StrategyOptions;
use netio_core::workload::rr;

impl Cli {
    /// How every cell is run in `mode`. Headless: rounds of 2 s + 0.5 s warm-up until
    /// every comparison is decided (from round 3, at most `--max-repeat`). The monitor:
    /// one repeat of the same length, so its comparison turns over quickly.
    pub fn cell_config(&self, mode: RunMode) -> CellConfig {
        let (duration, warmup, repeat) = match mode {
            RunMode::Headless => (
                Duration::from_secs(2),
                Duration::from_millis(500),
                RepeatChoice::Auto,
            ),
            RunMode::Monitor => (
                Duration::from_secs(2),
                Duration::from_millis(500),
                RepeatChoice::Times(1),
            ),
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
