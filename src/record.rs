//! CSV rows: one per finished cell (`--record`), one per second (`--samples`). Every row
//! carries its context (run, machine, network) so a file stands alone. Absent figures
//! are empty cells, never 0. Rows are flushed as they are written: a crash loses at most
//! the cell in progress.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::counters::perf::{Event, PerfValues, value};
use crate::engine::{CellSummary, Counting, Metrics, Phase, Sample};
use crate::matrix::Cell;

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
        }
    }
}

/// One CSV row. Field order is the column order: DESIGN.md's contract first, then the
/// columns added since (documented there and in the README).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub run_id: String,
    pub started_at: String,
    pub net_mode: String,
    pub mtu: Option<u32>,
    pub kernel: String,
    pub cpu_model: String,
    pub hw_counters: Option<String>,
    pub kernel_counting: Option<String>,
    pub strategy: String,
    pub size_bytes: u64,
    pub threads: u32,
    pub duration_s: f64,
    pub bytes: u64,
    pub messages: u64,
    pub throughput_gbps: f64,
    pub msgs_per_s: f64,
    pub lat_p50_us: Option<f64>,
    pub lat_p99_us: Option<f64>,
    pub lat_p999_us: Option<f64>,
    pub lat_max_us: Option<f64>,
    pub send_call_us: Option<f64>,
    pub tx_cpu_ns_per_byte: Option<f64>,
    pub rx_cpu_ns_per_byte: Option<f64>,
    pub sys_cpu_util_pct: Option<f64>,
    pub cycles_per_byte: Option<f64>,
    pub tx_cycles: Option<u64>,
    pub tx_instructions: Option<u64>,
    pub tx_l1d_load_misses: Option<u64>,
    pub tx_llc_load_misses: Option<u64>,
    pub rx_cycles: Option<u64>,
    pub rx_instructions: Option<u64>,
    pub rx_l1d_load_misses: Option<u64>,
    pub rx_llc_load_misses: Option<u64>,
    pub tx_context_switches: Option<u64>,
    pub rx_context_switches: Option<u64>,
    pub tx_cpu_migrations: Option<u64>,
    pub rx_cpu_migrations: Option<u64>,
    pub tx_page_faults: Option<u64>,
    pub rx_page_faults: Option<u64>,
    pub zc_sends: Option<u64>,
    pub zc_completions: Option<u64>,
    pub zc_copied_pct: Option<f64>,
    pub zc_enobufs: Option<u64>,
    pub integrity_errors: u64,
    // Added after the first contract.
    pub send_calls_per_msg: Option<f64>,
    pub tx_voluntary_switches: Option<u64>,
    pub tx_involuntary_switches: Option<u64>,
    pub rx_voluntary_switches: Option<u64>,
    pub rx_involuntary_switches: Option<u64>,
    pub zc_gaps: Option<u64>,
    pub zc_lost: Option<u64>,
    pub tx_task_clock_ms: Option<f64>,
    pub rx_task_clock_ms: Option<f64>,
    pub netem: Option<String>,
    // Wave 2 (issue 10): repeats, socket choices, placement, host noise, TCP_INFO.
    /// Which repeat of the cell this row is (from 1).
    pub repeat: Option<u32>,
    /// The size asked for, when it was below the header and rounded up to size_bytes.
    pub size_requested_bytes: Option<u64>,
    /// The resolved --pin choice, and the CPUs each side was seen on.
    pub pin: Option<String>,
    pub tx_cpus: Option<String>,
    pub rx_cpus: Option<String>,
    pub cc: Option<String>,
    pub nodelay: Option<String>,
    pub coalesce: Option<String>,
    pub sndbuf_bytes: Option<u64>,
    pub rcvbuf_bytes: Option<u64>,
    pub rcvlowat_mode: Option<String>,
    pub rcvlowat_bytes: Option<u64>,
    /// The host-noise probe before the cell: in-cache memcpy GB/s and its CV (%).
    pub host_memcpy_gbps: Option<f64>,
    pub host_noise_cv: Option<f64>,
    /// Per-second throughputs in the window: how many, and their standard deviation.
    pub seconds_n: Option<u32>,
    pub seconds_sd_gbps: Option<f64>,
    pub tcpi_rtt_us: Option<f64>,
    pub tcpi_retrans: Option<u64>,
    pub tcpi_cwnd: Option<f64>,
    pub rwnd_limited_pct: Option<f64>,
    pub sndbuf_limited_pct: Option<f64>,
    pub zc_pool_waits: Option<u64>,
    pub zc_bogus: Option<u64>,
    /// Samples file only: the interval's 1-based index within its cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second: Option<u32>,
    /// Samples file only: `warmup` or `measure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
}

/// Six significant digits: enough for any measured figure, without float noise.
fn sig6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 6 - 1 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits.clamp(-300, 300));
    (x * scale).round() / scale
}

impl Row {
    fn base(ctx: &RunContext, cell: &Cell, m: &Metrics, counting: &Counting) -> Row {
        let sig = |v: Option<f64>| v.map(sig6);
        let zc = cell.strategy == crate::matrix::Strategy::ZeroCopy;
        let tx = |e: Event| value(&m.tx_perf, e);
        let rx = |e: Event| value(&m.rx_perf, e);
        let ms = |p: &PerfValues| value(p, Event::TaskClock).map(|ns| sig6(ns as f64 / 1e6));
        Row {
            run_id: ctx.run_id.clone(),
            started_at: ctx.started_at.clone(),
            net_mode: ctx.net_mode.clone(),
            mtu: ctx.mtu,
            kernel: ctx.kernel.clone(),
            cpu_model: ctx.cpu_model.clone(),
            hw_counters: Some(if counting.hardware { "yes" } else { "no" }.to_string()),
            kernel_counting: counting.mode.map(str::to_string),
            netem: ctx.netem.clone(),
            strategy: cell.strategy.name().to_string(),
            size_bytes: cell.size as u64,
            threads: cell.threads as u32,
            duration_s: sig6(m.seconds),
            bytes: m.bytes,
            messages: m.messages,
            throughput_gbps: sig6(m.throughput_gbps),
            msgs_per_s: sig6(m.msgs_per_s),
            lat_p50_us: sig(m.latency.map(|l| l.p50_us)),
            lat_p99_us: sig(m.latency.map(|l| l.p99_us)),
            lat_p999_us: sig(m.latency.map(|l| l.p999_us)),
            lat_max_us: sig(m.latency.map(|l| l.max_us)),
            send_call_us: sig(m.send_call_us),
            tx_cpu_ns_per_byte: sig(m.tx_cpu_ns_per_byte),
            rx_cpu_ns_per_byte: sig(m.rx_cpu_ns_per_byte),
            sys_cpu_util_pct: sig(m.sys_cpu_util_pct),
            cycles_per_byte: tx(Event::Cycles)
                .filter(|_| m.bytes > 0)
                .map(|c| sig6(c as f64 / m.bytes as f64)),
            tx_cycles: tx(Event::Cycles),
            tx_instructions: tx(Event::Instructions),
            tx_l1d_load_misses: tx(Event::L1dLoadMisses),
            tx_llc_load_misses: tx(Event::LlcLoadMisses),
            rx_cycles: rx(Event::Cycles),
            rx_instructions: rx(Event::Instructions),
            rx_l1d_load_misses: rx(Event::L1dLoadMisses),
            rx_llc_load_misses: rx(Event::LlcLoadMisses),
            tx_context_switches: tx(Event::ContextSwitches),
            rx_context_switches: rx(Event::ContextSwitches),
            tx_cpu_migrations: tx(Event::CpuMigrations),
            rx_cpu_migrations: rx(Event::CpuMigrations),
            tx_page_faults: tx(Event::PageFaults),
            rx_page_faults: rx(Event::PageFaults),
            tx_task_clock_ms: ms(&m.tx_perf),
            rx_task_clock_ms: ms(&m.rx_perf),
            integrity_errors: m.integrity_errors,
            send_calls_per_msg: sig(m.send_calls_per_msg),
            tx_voluntary_switches: m.tx_switches.map(|s| s.voluntary),
            tx_involuntary_switches: m.tx_switches.map(|s| s.involuntary),
            rx_voluntary_switches: m.rx_switches.map(|s| s.voluntary),
            rx_involuntary_switches: m.rx_switches.map(|s| s.involuntary),
            zc_sends: zc.then_some(m.zc.sends),
            zc_completions: zc.then_some(m.zc.completions),
            zc_copied_pct: if zc { sig(m.zc.copied_pct()) } else { None },
            zc_enobufs: zc.then_some(m.zc.enobufs),
            zc_gaps: zc.then_some(m.zc.gaps),
            zc_pool_waits: zc.then_some(m.zc.pool_waits),
            zc_bogus: zc.then_some(m.zc.bogus),
            size_requested_bytes: ctx
                .rounded_sizes
                .iter()
                .find(|(used, _)| *used == cell.size as u64)
                .map(|&(_, requested)| requested),
            tcpi_rtt_us: sig(m.tcp.map(|t| t.rtt_us)),
            tcpi_retrans: m.tcp.map(|t| t.retrans),
            tcpi_cwnd: sig(m.tcp.map(|t| t.cwnd)),
            rwnd_limited_pct: sig(m.tcp.and_then(|t| t.rwnd_limited_pct)),
            sndbuf_limited_pct: sig(m.tcp.and_then(|t| t.sndbuf_limited_pct)),
            ..Row::default()
        }
    }

    /// The row of a finished cell: the window's figures; the zero-copy ledger and
    /// integrity errors over the whole cell (so sends and completions balance).
    pub fn from_summary(ctx: &RunContext, s: &CellSummary) -> Row {
        let mut row = Row::base(ctx, &s.cell, &s.window, &s.counting);
        row.integrity_errors = s.integrity_errors;
        row.repeat = Some(s.repeat);
        let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
        let st = &s.setup;
        row.pin = Some(st.pin.clone());
        row.cc = st.cc.map(|c| c.to_string());
        row.nodelay = st.nodelay.map(on_off);
        row.coalesce = Some(on_off(st.coalesce));
        row.sndbuf_bytes = st.sndbuf;
        row.rcvbuf_bytes = st.rcvbuf;
        row.rcvlowat_mode = Some(st.lowat.to_string());
        row.rcvlowat_bytes = st.rcvlowat;
        let cpus = |c: &[usize]| {
            (!c.is_empty()).then(|| crate::engine::placement::format_cpus(c.iter().copied()))
        };
        row.tx_cpus = cpus(&s.tx_cpus);
        row.rx_cpus = cpus(&s.rx_cpus);
        row.host_memcpy_gbps = s.host.map(|h| sig6(h.memcpy_gbps));
        row.host_noise_cv = s.host.map(|h| sig6(h.cv_pct));
        let spread = crate::stats::Summary::of(&s.seconds_gbps);
        row.seconds_n = spread.map(|x| x.n as u32);
        row.seconds_sd_gbps = spread.and_then(|x| x.sd).map(sig6);
        if let Some(z) = s.zero_copy {
            row.zc_sends = Some(z.sends);
            row.zc_completions = Some(z.completions);
            row.zc_copied_pct = z.copied_pct().map(sig6);
            row.zc_enobufs = Some(z.enobufs);
            row.zc_gaps = Some(z.gaps);
            row.zc_lost = s.zc_lost();
            row.zc_pool_waits = Some(z.pool_waits);
            row.zc_bogus = Some(z.bogus);
        }
        row
    }

    /// The row of one second of a cell.
    pub fn from_sample(ctx: &RunContext, s: &Sample) -> Row {
        let mut row = Row::base(ctx, &s.cell, &s.metrics, &s.counting);
        row.repeat = Some(s.repeat);
        row.second = Some(s.second);
        row.phase = Some(
            match s.phase {
                Phase::Warmup => "warmup",
                Phase::Measure => "measure",
            }
            .to_string(),
        );
        row
    }
}

/// Problems with a CSV file, each naming the file.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: already exists with other columns; choose another file")]
    OtherColumns { path: PathBuf },
    #[error("{path}: row {row}, column {column}: {reason}")]
    Bad {
        path: PathBuf,
        row: usize,
        column: String,
        reason: String,
    },
    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

mod reader;
mod writer;

pub use reader::{REQUIRED_COLUMNS, metrics_of, read_rows, read_rows_from};
pub use writer::RowWriter;

#[cfg(test)]
mod tests;
