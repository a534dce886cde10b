//! The subcommands (without one, netio-tui measures: the monitor, or `--record`).

use std::path::PathBuf;

use clap::Subcommand;

/// Subcommands; without one, netio-tui measures.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Show what this machine can measure (perf events, kernel counting, SO_ZEROCOPY,
    /// io_uring, namespaces, iproute2) and what to do where it cannot.
    Doctor {
        /// Print the findings as JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Answer the questions a recording supports, as markdown on stdout: where one-copy
    /// and zero-copy overtake two-copy, the largest drop as threads rise, what the
    /// kernel copied, where cache misses fall.
    Report {
        /// A file written by --record.
        file: PathBuf,
        /// markdown (for people), or json (the same answers, for scripts: each
        /// section's title and text, and every cell's aggregate figures).
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
        /// Ratios within ±PCT are equivalent in the comparisons [default: 5%]
        #[arg(long, value_name = "PCT", value_parser = super::parse::parse_margin)]
        margin: Option<f64>,
    },
    /// Compare two recordings of the same matrix, before and after a change: each cell's
    /// after/before ratio with its 95 % interval and class, the options measured
    /// differently named first. Exit status 1 with --fail-on when a cell regressed.
    Compare {
        /// The recording before the change (CSV or JSON Lines).
        before: PathBuf,
        /// The recording after it.
        after: PathBuf,
        /// markdown, or json (every comparison, for scripts).
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
        /// Ratios within ±PCT are equivalent [default: 5%]
        #[arg(long, value_name = "PCT", value_parser = super::parse::parse_margin)]
        margin: Option<f64>,
        /// Exit 1 when a cell is slower after (`slower`), or slower by more than PCT
        /// (`10%`: the whole interval beyond it): a gate for CI.
        #[arg(long, value_name = "slower|PCT", value_parser = super::parse::parse_fail_on)]
        fail_on: Option<netio_data::compare::FailOn>,
    },
    /// Play a recording back in the monitor: no sockets, no root. With a samples file
    /// the sparklines play second by second (space pauses, + and - change speed).
    Replay {
        /// A file written by --record.
        file: PathBuf,
        /// Its --samples file.
        #[arg(long, value_name = "FILE")]
        samples: Option<PathBuf>,
        #[command(flatten)]
        look: super::Look,
    },
    /// Draw charts from a recording.
    Plot {
        /// A file written by --record.
        file: PathBuf,
        /// Where the charts go (created if missing).
        #[arg(long, value_name = "DIR", default_value = "plots")]
        out_dir: PathBuf,
        /// Image format.
        #[arg(long, value_enum, default_value = "png")]
        format: ImageFormat,
        /// Also write a stand-alone matplotlib script with the data copied into it.
        #[arg(long, value_name = "FILE")]
        python: Option<PathBuf>,
    },
    /// Print a shell completion script: `netio-tui completions bash >
    /// ~/.local/share/bash-completion/completions/netio-tui` (zsh, fish: see docs/development.md).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a new key for `serve` and `--remote` (32 random bytes as 64 hex digits,
    /// mode 600, never over an existing file): copy it to both hosts and give it
    /// with --key-file FILE.
    Keygen {
        /// Where the key goes (must not exist yet).
        file: PathBuf,
    },
    /// Be the far host of `--remote` runs: run the other half of each cell a controller
    /// asks for, one controller at a time, in the foreground.
    Serve {
        /// Where to listen (default: all addresses on port 5301 with a key; loopback
        /// only without one).
        #[arg(long, value_name = "ADDR[:PORT]")]
        listen: Option<String>,
        /// The key controllers must prove they hold (made by `netio-tui keygen FILE`, mode 600);
        /// without it, the NETIO_KEY environment variable.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
        /// Most thread pairs a cell may ask for.
        #[arg(long, value_name = "N", default_value = "16",
              value_parser = clap::value_parser!(u32).range(1..=1024))]
        max_threads: u32,
        /// Largest message (and reply) a cell may ask for.
        #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = super::parse::parse_size)]
        max_size: usize,
        /// Longest cell, warm-up included.
        #[arg(long, value_name = "DURATION", default_value = "5m",
              value_parser = super::parse::parse_any_duration)]
        max_duration: std::time::Duration,
        /// Do not load the copy meter for controllers.
        #[arg(long)]
        no_copy_meter: bool,
    },
    /// Print the manual page (roff), generated from this command line: `netio-tui man >
    /// ~/.local/share/man/man1/netio-tui.1`.
    Man,
}

/// `report`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}

/// How --record and --samples write rows (`record::Format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RowFormat {
    #[default]
    Csv,
    Jsonl,
}

impl From<RowFormat> for netio_data::record::Format {
    fn from(f: RowFormat) -> Self {
        match f {
            RowFormat::Csv => Self::Csv,
            RowFormat::Jsonl => Self::Jsonl,
        }
    }
}

/// Chart image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageFormat {
    Png,
    Svg,
}
