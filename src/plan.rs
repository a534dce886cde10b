//! The run plan: everything one measuring command asks for, typed, built once from the
//! command line at the edge (`Cli::plan`). Nothing below the commands sees the clap
//! struct: preflight, the headless sink and the monitor read this. Building it never
//! touches the machine; `--strategies all` stays a choice here and is resolved
//! against what the machine supports by `preflight::check`, the one place that probes.

use std::path::PathBuf;
use std::time::Duration;

use crate::paths::PathKind;
use netio_core::engine::CellConfig;
use netio_core::matrix::Matrix;
use netio_core::strategy::{SEND, Strategy};
use netio_core::workload::Load;
use netio_data::record::Format;

/// Each cell's measuring window, and the warm-up before it, unless the options say
/// otherwise (the same in the monitor and headless).
pub const DEFAULT_DURATION: Duration = Duration::from_secs(2);
pub const DEFAULT_WARMUP: Duration = Duration::from_millis(500);
/// What `rate` cells offer unless `--rate` says: half of the point's saturation.
pub const DEFAULT_LOAD: Load = Load::Percent(50);
/// The veth MTU unless `--mtu` says otherwise.
pub const DEFAULT_MTU: u32 = 1500;

/// Where the results go: the monitor, or headless rows into a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// `--record FILE`: longer cells and rounds until decided, by default.
    Headless,
    /// The live monitor: one short round per cell, so a comparison turns over quickly.
    Monitor,
}

/// A `--strategies` item: a strategy's name or alias, or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrategyChoice {
    One(Strategy),
    /// Every strategy this machine supports.
    All,
}

/// The strategies the choices name, in order and once each, `all` standing for every
/// registered strategy `in_all` keeps (preflight keeps those this machine supports).
pub fn expand(choices: &[StrategyChoice], in_all: impl Fn(Strategy) -> bool) -> Vec<Strategy> {
    let mut out: Vec<Strategy> = Vec::new();
    for c in choices {
        let named: Vec<Strategy> = match *c {
            StrategyChoice::One(s) => vec![s],
            StrategyChoice::All => SEND
                .iter()
                .map(|e| e.strategy)
                .filter(|&s| in_all(s))
                .collect(),
        };
        for s in named {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// Every strategy the choices could name, `all` as every registered one: what the
/// option combinations are checked against (no probe: that is preflight's).
pub fn every_named(choices: &[StrategyChoice]) -> Vec<Strategy> {
    expand(choices, |_| true)
}

/// `--remote`'s choices, before the key is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAsk {
    pub target: String,
    /// `--key-file`; `None`: the `NETIO_KEY` environment variable.
    pub key_file: Option<PathBuf>,
    pub reverse: bool,
}

/// The path and what its set-up takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPlan {
    pub kind: PathKind,
    /// MTU of the veth pair (`netns`).
    pub mtu: u32,
    /// tc netem spec for the sender's veth end (`netns`).
    pub netem: Option<String>,
    pub remote: Option<RemoteAsk>,
}

/// The files a run writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputPlan {
    /// `--record`: one row per finished cell (headless).
    pub record: Option<PathBuf>,
    /// `--samples`: one row per second as well.
    pub samples: Option<PathBuf>,
    pub format: Format,
    /// `--summary`: the monitor's whole end-of-session table, to a new file.
    pub summary: Option<PathBuf>,
}

/// One measuring run, as asked.
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub mode: RunMode,
    /// `--strategies` as given; `matrix.strategies` holds them once preflight has
    /// resolved `all`.
    pub strategies: Vec<StrategyChoice>,
    pub matrix: Matrix,
    /// How every cell is run (the network is filled in once the path is set up).
    pub config: CellConfig,
    pub path: PathPlan,
    pub outputs: OutputPlan,
    /// Sizes rounded up to the header's length: (used, requested), for the rows.
    pub rounded_sizes: Vec<(u64, u64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_names_every_registered_strategy_without_probing() {
        let named = every_named(&[StrategyChoice::One(Strategy::ZeroCopy), StrategyChoice::All]);
        assert_eq!(named.first(), Some(&Strategy::ZeroCopy));
        for e in &SEND {
            assert!(named.contains(&e.strategy), "{}", e.about.name);
        }
    }
}
