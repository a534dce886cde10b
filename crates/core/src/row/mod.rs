//! The one result type: a [`Row`] is what the engine reports for a second or a finished
//! cell, what the monitor shows, what the CSV holds (one column per field, in field
//! order) and what `report`, `plot` and replay read back. The run's context is filled
//! in by the sink ([`Row::in_run`]); the engine fills everything else. Measured
//! figures are [`Figure`]s: absent is never 0, and says why.

use serde::{Deserialize, Serialize};

use crate::figure::Figure;

mod absences;
pub mod derived;
pub mod formula;
mod setup;
pub use setup::{Setup, by_setup, setups};
mod ledger;
pub mod words;

/// Facts shared by every row of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunContext {
    pub run_id: String,
    pub started_at: String,
    pub net_mode: String,
    pub mtu: Option<u32>,
    pub kernel: String,
    pub cpu_model: String,
    /// The tc netem spec on the sender's veth end, if any.
    pub netem: Option<String>,
    /// Sizes the CLI rounded up to hold the frame header: (used, requested).
    pub rounded_sizes: Vec<(u64, u64)>,
    /// `--remote`: the far host's address, kernel, CPU model and NIC driver.
    pub peer: Option<String>,
    pub peer_kernel: Option<String>,
    pub peer_cpu_model: Option<String>,
    pub peer_nic_driver: Option<String>,
    /// `--remote`: the half the far host ran, `receivers` (the default) or `senders`
    /// (`--reverse`).
    pub peer_runs: Option<String>,
}

impl RunContext {
    /// The context of a loopback run starting now.
    pub fn loopback_now() -> RunContext {
        RunContext::now("loopback", crate::machine::mtu("lo"), None)
    }

    /// The context of a run starting now over `net_mode`.
    pub fn now(net_mode: &str, mtu: Option<u32>, netem: Option<String>) -> RunContext {
        let now = std::time::SystemTime::now();
        let secs = now
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        RunContext {
            run_id: format!("{secs:x}-{}", std::process::id()),
            started_at: humantime::format_rfc3339_seconds(now).to_string(),
            net_mode: net_mode.into(),
            mtu,
            netem,
            kernel: crate::machine::kernel_release(),
            cpu_model: crate::machine::cpu_model(),
            rounded_sizes: Vec::new(),
            peer: None,
            peer_kernel: None,
            peer_cpu_model: None,
            peer_nic_driver: None,
            peer_runs: None,
        }
    }
}

/// One second or one finished cell. Field order is the CSV's column order: the first
/// release's columns, then those added since, each appended (docs/csv-columns.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub run_id: String,
    pub started_at: String,
    pub net_mode: String,
    pub mtu: Option<u32>,
    pub kernel: String,
    pub cpu_model: String,
    pub hw_counters: Option<words::HwCounters>,
    pub kernel_counting: Option<String>,
    pub strategy: String,
    pub size_bytes: u64,
    pub threads: u32,
    pub duration_s: f64,
    pub bytes: u64,
    pub messages: u64,
    pub throughput_gbps: Figure<f64>,
    pub msgs_per_s: Figure<f64>,
    pub lat_p50_us: Figure<f64>,
    pub lat_p99_us: Figure<f64>,
    pub lat_p999_us: Figure<f64>,
    pub lat_max_us: Figure<f64>,
    pub send_call_us: Figure<f64>,
    pub tx_cpu_ns_per_byte: Figure<f64>,
    pub rx_cpu_ns_per_byte: Figure<f64>,
    pub sys_cpu_util_pct: Figure<f64>,
    pub cycles_per_byte: Figure<f64>,
    pub tx_cycles: Figure<u64>,
    pub tx_instructions: Figure<u64>,
    pub tx_l1d_load_misses: Figure<u64>,
    pub tx_llc_load_misses: Figure<u64>,
    pub rx_cycles: Figure<u64>,
    pub rx_instructions: Figure<u64>,
    pub rx_l1d_load_misses: Figure<u64>,
    pub rx_llc_load_misses: Figure<u64>,
    pub tx_context_switches: Figure<u64>,
    pub rx_context_switches: Figure<u64>,
    pub tx_cpu_migrations: Figure<u64>,
    pub rx_cpu_migrations: Figure<u64>,
    pub tx_page_faults: Figure<u64>,
    pub rx_page_faults: Figure<u64>,
    pub zc_sends: Figure<u64>,
    pub zc_completions: Figure<u64>,
    pub zc_copied_pct: Figure<f64>,
    pub zc_enobufs: Figure<u64>,
    pub integrity_errors: u64,
    // Added after the first contract.
    pub send_calls_per_msg: Figure<f64>,
    pub tx_voluntary_switches: Figure<u64>,
    pub tx_involuntary_switches: Figure<u64>,
    pub rx_voluntary_switches: Figure<u64>,
    pub rx_involuntary_switches: Figure<u64>,
    pub zc_gaps: Figure<u64>,
    pub zc_lost: Figure<u64>,
    pub tx_task_clock_ms: Figure<f64>,
    pub rx_task_clock_ms: Figure<f64>,
    pub netem: Option<String>,
    // repeats, socket choices, placement, host noise, TCP_INFO.
    /// Which repeat of the cell this row is (from 1).
    pub repeat: Option<u32>,
    /// The size asked for, when it was below the header and rounded up to size_bytes.
    pub size_requested_bytes: Option<u64>,
    /// The resolved --pin choice, and the CPUs each side was seen on.
    pub pin: Option<String>,
    pub tx_cpus: Option<String>,
    pub rx_cpus: Option<String>,
    pub cc: Option<String>,
    #[serde(default, with = "words::on_off")]
    pub nodelay: Option<bool>,
    #[serde(default, with = "words::on_off")]
    pub coalesce: Option<bool>,
    pub sndbuf_bytes: Option<u64>,
    pub rcvbuf_bytes: Option<u64>,
    pub rcvlowat_mode: Option<String>,
    pub rcvlowat_bytes: Option<u64>,
    /// The host-noise probe before the cell: in-cache memcpy GB/s and its CV (%).
    pub host_memcpy_gbps: Figure<f64>,
    pub host_noise_cv: Figure<f64>,
    /// Per-second throughputs in the window: how many, and their standard deviation.
    pub seconds_n: Figure<u32>,
    pub seconds_sd_gbps: Figure<f64>,
    pub tcpi_rtt_us: Figure<f64>,
    pub tcpi_retrans: Figure<u64>,
    pub tcpi_cwnd: Figure<f64>,
    pub rwnd_limited_pct: Figure<f64>,
    pub sndbuf_limited_pct: Figure<f64>,
    pub zc_pool_waits: Figure<u64>,
    pub zc_bogus: Figure<u64>,
    // the registries' axes a row was measured on.
    /// The workload (`stream`) and the receive strategy (`copy`).
    pub workload: Option<String>,
    pub rx_strategy: Option<String>,
    /// Bytes of message buffers in the zero-copy pool (its waits are inside zero-copy's
    /// latency).
    pub zc_pool_bytes: Figure<u64>,
    // workloads.
    /// `rate`: the load as given (`50%`, `2Gbit/s`, `50k/s`, `max`), and for a share of
    /// saturation the percentage alone.
    pub rate: Option<String>,
    pub load_pct: Option<u32>,
    /// `rate`: what the senders offered, Gbps in total (message bytes, as throughput).
    pub offered_gbps: Figure<f64>,
    /// `rate`: `yes` when throughput fell below 95 % of what was offered.
    #[serde(default, with = "words::yes_no")]
    pub saturated: Option<bool>,
    /// `rr`: transactions (request + reply) completed per second, all pairs.
    pub transactions_per_s: Figure<f64>,
    /// `rr`: round trips from the request's first send call to the reply's last byte.
    pub rtt_p50_us: Figure<f64>,
    pub rtt_p99_us: Figure<f64>,
    pub rtt_p999_us: Figure<f64>,
    pub rtt_max_us: Figure<f64>,
    /// `rr`: requests in flight per pair, and the reply's length.
    pub depth: Option<u32>,
    pub response_size_bytes: Option<u64>,
    /// `rate`: how late messages left against their due times (the pacing's error).
    pub pace_err_p50_us: Figure<f64>,
    pub pace_err_p99_us: Figure<f64>,
    // more strategies.
    /// `yes` when the sender rewrote buffers the kernel could still hold
    /// (`--unsafe-reuse`): a demonstration of the hazard, never a result.
    #[serde(default, with = "words::yes_no")]
    pub unsafe_reuse: Option<bool>,
    /// `--rx zerocopy`: bytes the kernel mapped into the receiver instead of copying,
    /// and their share of every byte received (the rest was copied by `recv`).
    pub rx_mapped_bytes: Figure<u64>,
    pub rx_mapped_pct: Figure<f64>,
    /// `uring`: messages submitted together (`--uring-depth`; 1 under rr and rate).
    pub uring_depth: Option<u32>,
    // the copy meter (the kernel's own counts, this row's interval).
    /// Bytes the senders' send calls copied from user memory into the kernel.
    pub tx_copied_bytes: Figure<u64>,
    /// Bytes the senders' send calls pinned instead (MSG_ZEROCOPY, io_uring SEND_ZC).
    pub tx_zerocopy_bytes: Figure<u64>,
    /// Bytes the senders' send calls handed over as page references (sendfile, splice).
    pub tx_spliced_bytes: Figure<u64>,
    /// Bytes of zero-copy pages the kernel copied late, at local delivery (loopback,
    /// veth): counted for the whole machine while the cell ran (a softirq's copy
    /// cannot be told apart by thread or socket).
    pub late_copied_bytes: Figure<u64>,
    /// Bytes the receivers' receive calls copied into user memory.
    pub rx_copied_bytes: Figure<u64>,
    /// `--rx zerocopy`: bytes mapped instead of copied, from the receive call's own
    /// result (the same figure as `rx_mapped_bytes`, under the meter's column name).
    pub rx_zerocopy_bytes: Figure<u64>,
    /// Bytes the senders copied in user space (two-copy's linearization), counted by
    /// the tool: the copy the kernel cannot see.
    pub user_copied_bytes: Figure<u64>,
    // more of TCP_INFO (the senders' connections).
    /// RTT variance at the interval's end, mean over connections, µs.
    pub tcpi_rttvar_us: Figure<f64>,
    /// Bytes retransmitted in the interval.
    pub tcpi_bytes_retrans: Figure<u64>,
    /// The kernel's delivery-rate samples at the interval's end, summed, Gbps.
    pub tcpi_delivery_rate_gbps: Figure<f64>,
    /// The receivers' connections' TCP_INFO (their direction carries ACKs, and
    /// replies under `rr`): RTT and variance µs, retransmitted segments and bytes,
    /// congestion window, delivery rate Gbps.
    pub rx_tcpi_rtt_us: Figure<f64>,
    pub rx_tcpi_rttvar_us: Figure<f64>,
    pub rx_tcpi_retrans: Figure<u64>,
    pub rx_tcpi_bytes_retrans: Figure<u64>,
    pub rx_tcpi_cwnd: Figure<f64>,
    pub rx_tcpi_delivery_rate_gbps: Figure<f64>,
    /// `--remote`: the far host's address, kernel release, CPU model and the driver of
    /// the interface the control connection reached it on (empty on other paths).
    pub peer: Option<String>,
    pub peer_kernel: Option<String>,
    pub peer_cpu_model: Option<String>,
    pub peer_nic_driver: Option<String>,
    /// `--remote`: the half the far host ran (`receivers`, or `senders` with `--reverse`).
    pub peer_runs: Option<String>,
    /// Zero-copy ids the kernel had not completed when the end-of-cell wait ran out
    /// (the pool is then unmapped, never reused or freed to the allocator): 0 normally.
    pub zc_outstanding_at_end: Figure<u64>,
    /// Connections whose stream ended inside a frame (counted at the receiver): 0
    /// normally.
    pub truncated_frames: Figure<u64>,
    /// Why the row should not be trusted as a result (reasons joined by `; `), empty
    /// when nothing was found. Flagged rows are kept and shown with the reason, and left
    /// out of comparisons.
    pub flagged: Option<String>,
    /// Both ends of the cell's first connection read back the same options
    /// (TCP_NODELAY, congestion control, SO_ZEROCOPY, a fixed SO_SNDBUF); under
    /// `--remote` the far end's readback comes back in `FarEnd`.
    pub ends_alike: Option<bool>,
    /// Share of the machine's CPU (all CPUs) that processes other than this one used
    /// during the interval, %: `/proc/stat` busy minus this process's own ticks. Above
    /// [`formula::BUSY_HOST_PCT`] the row is flagged.
    pub other_cpu_pct: Figure<f64>,
    /// `--repeat auto`: whether every comparison at this row's point (its strategy
    /// against each other at the same workload, size and threads) was decided with
    /// this round's figure; empty under a fixed `--repeat N`.
    pub decided: Option<bool>,
    /// Samples file only: the interval's 1-based index within its cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second: Option<u32>,
    /// Samples file only: `warmup` or `measure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Bytes the senders handed to the kernel (headers included): the copy-path panel's
    /// figure, not a CSV column (so "not in the recording" in replay).
    #[serde(skip)]
    pub sent_wire_bytes: Figure<u64>,
}

impl Row {
    /// This row with the run's context filled in (what the sink adds to the engine's row).
    pub fn in_run(mut self, ctx: &RunContext) -> Row {
        self.run_id = ctx.run_id.clone();
        self.started_at = ctx.started_at.clone();
        self.net_mode = ctx.net_mode.clone();
        self.mtu = ctx.mtu;
        self.kernel = ctx.kernel.clone();
        self.cpu_model = ctx.cpu_model.clone();
        self.netem = ctx.netem.clone();
        self.peer = ctx.peer.clone();
        self.peer_kernel = ctx.peer_kernel.clone();
        self.peer_cpu_model = ctx.peer_cpu_model.clone();
        self.peer_nic_driver = ctx.peer_nic_driver.clone();
        self.peer_runs = ctx.peer_runs.clone();
        self.size_requested_bytes = ctx
            .rounded_sizes
            .iter()
            .find(|(used, _)| *used == self.size_bytes)
            .map(|&(_, requested)| requested);
        self
    }

    /// The workload the row was measured under (`stream` for recordings from before
    /// the column).
    pub fn workload(&self) -> crate::workload::Workload {
        self.workload
            .as_deref()
            .and_then(|w| w.parse().ok())
            .unwrap_or_default()
    }
}
