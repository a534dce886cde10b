//! The command line: options, and the parsers for sizes (`64K`, `1M`), thread counts
//! and durations (`500ms`, `5s`). Every bad value is refused here, before any socket
//! exists, with a message that names the option.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::plan::StrategyChoice;
use netio_core::engine::{Lowat, Pin};
use netio_core::net::CcName;
use netio_core::receive::RxStrategy;
use netio_core::workload::{Load, Workload};

use netio_core::matrix::MAX_THREADS;
/// Longest warm-up or duration accepted.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

const ABOUT: &str = "Measure what each Linux socket send strategy costs, side by side";

/// The long help: the strategies, workloads, receive strategies and paths from their
/// registries, then how a cell runs.
fn long_about() -> String {
    use netio_core::registry::help_lines;
    format!(
        "Measure what each Linux socket send strategy costs, side by side.\n\n\
         Send strategies (--strategies; the course assignment's names in brackets):\n{}\n\n\
         Receive strategies (--rx):\n{}\n\n\
         Workloads (--workload):\n{}\n\n\
         Paths:\n{}\n\n\
         Each cell (strategy x message size x threads) runs N sender threads, each with its\n\
         own TCP connection to one of N receiver threads, for a warm-up and then a\n\
         measuring window. Every frame is checked on arrival.",
        help_lines(netio_core::strategy::SEND.iter().map(|e| &e.about)),
        help_lines(netio_core::receive::RECEIVE.iter().map(|e| &e.about)),
        help_lines(netio_core::workload::WORKLOADS.iter().map(|e| &e.about)),
        help_lines(crate::paths::PATHS.iter().map(|e| &e.about)),
    )
}

/// The `--strategies` default: the entries marked for it (the assignment's three).
static DEFAULT_STRATEGIES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    netio_core::registry::names(
        netio_core::strategy::SEND
            .iter()
            .filter(|e| e.in_default)
            .map(|e| &e.about),
    )
});

/// The `--strategies` help: every registered name and alias.
fn strategies_help() -> String {
    let names: Vec<String> = netio_core::strategy::SEND
        .iter()
        .map(|e| e.about.label())
        .collect();
    format!(
        "Send strategies to run, comma-separated: {}; or all (every one this machine supports)",
        names.join(", ")
    )
}

const AFTER_HELP: &str = "\
With no arguments, netio-tui opens the live monitor on loopback (run it with sudo for
perf counters, namespaces and the copy meter). Monitor keys: Enter run the selected
cell, c compare the strategies at the selected size and threads, s sweep the matrix,
arrows move (left/right size, up/down threads), Tab or 1-7 strategy, w workload, space
freeze, r start/stop recording, ? help, q quit.

Examples:
  sudo netio-tui                      the monitor (as above)
  netio-tui --record results.csv      the whole matrix headless, one CSV row per cell
  netio-tui --record r.csv --sizes 4K,64K --threads 1,2 --duration 1s --warmup 200ms --verify
  netio-tui --record r.csv --strategies all --repeat 5 --samples r-seconds.csv
  sudo netio-tui --netns --record n.csv --sizes 64K --threads 1,4
  netio-tui report results.csv        the answers a recording supports (--format json)
  netio-tui plot results.csv --out-dir plots
  netio-tui replay results.csv --samples r-seconds.csv
  netio-tui doctor                    what this machine can measure, and why not
  netio-tui completions bash          a completion script (bash, zsh, fish, elvish, powershell)
  netio-tui man                       the manual page

Sizes take K and M suffixes (powers of 1024): 8 (bytes) up to 64M.
Ctrl-C or SIGTERM stops a run: finished rows stay in the file, exit status 128 + the
signal's number (130 for Ctrl-C, 143 for SIGTERM).";

/// netio-tui's command line.
#[derive(Debug, Clone, Parser)]
#[command(name = "netio-tui", version, about = ABOUT, long_about = long_about(), after_help = AFTER_HELP,
          args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run the whole matrix headless and write one CSV row per finished cell to FILE
    /// (appended to if FILE already has the same columns).
    /// FILE `-` streams the rows to stdout (progress and the end stay on stderr).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_strategy,
          default_value = DEFAULT_STRATEGIES.as_str(), help = strategies_help())]
    pub strategies: Vec<StrategyChoice>,

    /// How the receivers read, comma-separated (see the list above): copy, zerocopy.
    /// Each is its own cell, shown as `strategy / rx NAME`.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_rx,
          default_value = "copy")]
    pub rx: Vec<RxStrategy>,

    /// What the senders do, comma-separated (see the list above): stream, rr, rate.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_workload,
          default_value = "stream")]
    pub workload: Vec<Workload>,

    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_load,
          allow_hyphen_values = true, help = with_default(
            "What `rate` cells offer in total, comma-separated: a share of the same cell's \
             saturation (10%,50%,90%: `rate max` is measured first), bits per second (2G, \
             500M), messages per second (50k/s), or max (unpaced)",
            crate::plan::DEFAULT_LOAD))]
    pub rate: Vec<Load>,

    /// `rr`: requests each pair keeps in flight, 1 to 1024.
    #[arg(long, value_name = "D", value_parser = parse_depth, allow_hyphen_values = true)]
    pub depth: Option<usize>,

    #[arg(long, value_name = "SIZE", value_parser = parse_response_size, allow_hyphen_values = true,
          help = with_default("`rr`: the length of the receiver's reply, 1 byte to 1M",
            netio_core::workload::rr::DEFAULT_RESPONSE))]
    pub response_size: Option<usize>,

    /// Message sizes (the 8 fields together, frame header included), comma-separated,
    /// 8 to 64M; sizes below 32 bytes (the header) are rounded up to 32.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_size, allow_hyphen_values = true,
          default_value = "1K,4K,16K,64K,256K,1M")]
    pub sizes: Vec<usize>,

    /// Sender/receiver thread pairs (one TCP connection each), comma-separated, 1 to 64.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_threads, allow_hyphen_values = true,
          default_value = "1,2,4,8")]
    pub threads: Vec<usize>,

    #[arg(long, value_name = "TIME", value_parser = parse_duration, allow_hyphen_values = true,
          help = with_default("Measuring window of each cell, e.g. 500ms, 5s, 1m",
            humantime::format_duration(crate::plan::DEFAULT_DURATION)))]
    pub duration: Option<Duration>,

    #[arg(long, value_name = "TIME", value_parser = parse_warmup, allow_hyphen_values = true,
          help = with_default("Warm-up before each window, measured and thrown away (0s for none)",
            humantime::format_duration(crate::plan::DEFAULT_WARMUP)))]
    pub warmup: Option<Duration>,

    /// Measure each cell in rounds interleaved across the matrix (round robin) so
    /// drift spreads over every cell: auto (from round 3 on, until every comparison at
    /// a point is decided: faster, slower or equivalent within --margin; at most
    /// --max-repeat rounds) or N rounds exactly [default: auto headless, 1 in the
    /// monitor]
    #[arg(long, value_name = "auto|N", value_parser = parse_repeat)]
    pub repeat: Option<RepeatChoice>,

    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(3..=100),
          help = with_default("The most rounds --repeat auto takes", DEFAULT_MAX_REPEAT))]
    pub max_repeat: Option<u32>,

    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(3..=100),
          help = with_default("--repeat auto's budget: at most N × the cells runs in all, the open \
            points sharing what the decided ones leave (as many runs as --repeat N)",
            netio_core::engine::DEFAULT_BUDGET_ROUNDS))]
    pub budget_rounds: Option<u32>,

    #[arg(long, value_name = "PCT", value_parser = parse_margin,
          help = with_default("Ratios within ±PCT are equivalent (the comparisons' margin)",
            format!("{}%", netio_core::stats::DEFAULT_MARGIN_PCT)))]
    pub margin: Option<f64>,

    /// Where workers run: auto (the measured default: the scheduler, recorded), same
    /// (sender and receiver on one core), split (on different cores), none, or a CPU
    /// list such as 0,1 or 0-3 given out sender, receiver, sender, ...
    #[arg(long, value_name = "CHOICE", value_parser = Pin::parse, default_value = "auto")]
    pub pin: Pin,

    /// TCP congestion control for every connection, e.g. cubic, bbr, reno [default:
    /// the system's, net.ipv4.tcp_congestion_control]. It changes results: BBR paces
    /// in software and roughly halves loopback throughput against cubic.
    #[arg(long, value_name = "NAME", value_parser = CcName::new)]
    pub cc: Option<CcName>,

    /// TCP_NODELAY on both ends (off: Nagle's algorithm batches small writes).
    #[arg(long, value_name = "on|off", value_parser = parse_on_off, default_value = "on",
          action = clap::ArgAction::Set)]
    pub nodelay: bool,

    /// Sender-side coalescing for the copying strategies: MSG_MORE, so small messages
    /// share full segments (never used with zero-copy, where it was measured to hurt).
    #[arg(long, value_name = "on|off", value_parser = parse_on_off, default_value = "on",
          action = clap::ArgAction::Set)]
    pub coalesce: bool,

    /// Run without the copy meter (the kernel's own count of the bytes each worker
    /// copied, pinned or spliced; it loads when the process has CAP_BPF and
    /// CAP_PERFMON, and its cost is in docs/methodology.md).
    #[arg(long)]
    pub no_copy_meter: bool,

    /// The meter is on by default; accepted for the runs that asked for it by name.
    #[arg(long, hide = true, conflicts_with = "no_copy_meter")]
    pub copy_meter: bool,

    /// A demonstration, not a measurement: rewrite each message into buffers the
    /// kernel may still hold, without waiting for any signal (zero-copy, uring-zc,
    /// sendfile, splice). With --verify the receiver counts the frames whose bytes
    /// changed in flight; the rows say "unsafe reuse".
    #[arg(long)]
    pub unsafe_reuse: bool,

    /// uring's submission depth: messages stamped, then submitted together as one
    /// linked chain (1 to 64; stream cells only, rr and rate send each at once).
    #[arg(long, value_name = "N", value_parser = parse_uring_depth, default_value = "1")]
    pub uring_depth: usize,

    /// Bytes of message buffers the zero-copy sender keeps in flight (2 to 64 messages),
    /// e.g. 1M, 8M, 64M. A message waits for a free buffer (zc_pool_waits), and that
    /// wait is part of zero-copy's latency.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "8M")]
    pub zc_pool: usize,

    /// When a blocked receiver wakes: frame (SO_RCVLOWAT = frame size), missing (the
    /// bytes still missing from the current frame) or off (every segment) [default:
    /// frame for stream, off for rr and rate]
    #[arg(long, value_name = "MODE", value_parser = Lowat::parse)]
    pub rcvlowat: Option<Lowat>,

    /// Check every payload byte on arrival, not only headers and per-field stamps.
    #[arg(long)]
    pub verify: bool,

    /// The whole end-of-run table, every figure of every cell, to a new FILE (the
    /// monitor's summary on quit is cut to the terminal's height; a headless run ends
    /// with the leaders and ratios only).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Also write one row per second (warm-up included, marked by the phase column).
    #[arg(long, value_name = "FILE", requires = "record")]
    pub samples: Option<PathBuf>,

    /// How --record and --samples write rows: csv, or jsonl (one JSON object per
    /// finished cell or second, each line written whole as it happens).
    #[arg(long, value_enum, default_value = "csv", requires = "record")]
    pub format: RowFormat,

    /// Run senders and receivers in two network namespaces joined by a veth pair, as
    /// the course assignment does (needs root: sudo netio-tui --netns).
    #[arg(long)]
    pub netns: bool,

    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(68..=65535),
          help = with_default("MTU of both veth ends with --netns, 68 to 65535",
            crate::plan::DEFAULT_MTU))]
    pub mtu: Option<u32>,

    /// tc netem on the sender's veth end with --netns, e.g. "delay 1ms loss 0.1%".
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub netem: Option<String>,

    /// The path the data takes, by its name: loopback (the default), netns (as
    /// --netns) or remote (with --remote HOST); `doctor` lists them.
    #[arg(long, value_name = "PATH")]
    pub path: Option<crate::paths::PathKind>,

    /// Run every cell across two hosts: senders here, receivers on HOST, where
    /// `netio-tui serve` runs (port 5301 unless given).
    #[arg(long, value_name = "HOST[:PORT]", conflicts_with = "netns")]
    pub remote: Option<String>,

    /// With --remote: receivers here, senders on the far host.
    #[arg(long, requires = "remote")]
    pub reverse: bool,

    /// With --remote: the key shared with the server (made by `netio-tui keygen FILE`, mode 600);
    /// without it, the NETIO_KEY environment variable.
    #[arg(long, value_name = "FILE", requires = "remote")]
    pub key_file: Option<PathBuf>,

    #[command(flatten)]
    pub look: Look,
}

/// How the monitor looks: the live one's options and `replay`'s (not the other
/// commands', which draw no screen).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Look {
    /// No colours in the monitor (also when the NO_COLOR environment variable is set):
    /// the same as --theme mono.
    #[arg(long)]
    pub no_color: bool,

    /// The monitor's styles: dark (the default, readable on light backgrounds too),
    /// light (accents for a light background) or mono (no colour; bold, dim, reverse).
    #[arg(long, value_enum, default_value = "dark")]
    pub theme: crate::monitor::ui::ThemeKind,
}

mod combinations;
mod command;
mod into_plan;
pub use command::{Command, ImageFormat, ReportFormat, RowFormat};
mod parse;
use parse::*;
pub use parse::{RepeatChoice, parse_size};

/// An option's help with its default, made from the constant the code uses, so the
/// two cannot drift apart.
fn with_default(text: &str, default: impl std::fmt::Display) -> String {
    format!("{text} [default: {default}]")
}

/// `--max-repeat`'s default: the round budget of `--repeat auto`. Measured on the
/// bundled recording, 10 rounds give a ratio's interval of about ±6 %, enough to
/// decide all but the near-equal pairs.
pub const DEFAULT_MAX_REPEAT: u32 = 10;

#[cfg(test)]
mod tests;
