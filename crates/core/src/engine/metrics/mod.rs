//! The figures computed between two snapshots ([`super::snapshot`]). Per-second
//! samples and the cell summary are both [`row_between`] two snapshots: one function
//! for both, so a row and its seconds always agree.

pub use super::latencies::Latencies;
use super::latencies::quantile_us;
pub use super::snapshot::{Counters, Counting, SideSnapshot, Snapshot};
use super::tcp_window::{TcpFigures, rx_tcp_columns};
use crate::counters::ContextSwitches;
use crate::counters::perf::{self, Event, PerfValues};
use crate::figure::{Figure, why};
use crate::matrix::Cell;
use crate::row::{Row, formula};

/// The figures of one interval (a second, or a cell's measuring window) between
/// snapshots `a` and `b`, with the interval's latencies `lat`, as the cell's [`Row`]
/// (the sink adds the run's context). Every formula is in [`formula`].
pub fn row_between(
    a: &Snapshot,
    b: &Snapshot,
    lat: &Latencies,
    cell: Cell,
    counting: &Counting,
) -> Row {
    let seconds = b.at.duration_since(a.at).as_secs_f64();
    let bytes = b.rx.payload_bytes.saturating_sub(a.rx.payload_bytes);
    let messages = b.rx.messages.saturating_sub(a.rx.messages);
    let sent = b.tx.messages.saturating_sub(a.tx.messages);
    let grew = |x: Option<u64>, y: Option<u64>| match (x, y) {
        (Some(x), Some(y)) => Figure::Measured(y.saturating_sub(x)),
        _ => Figure::Unavailable(why::UNREADABLE),
    };
    let tx_perf = perf::since(&b.tx.perf, &a.tx.perf);
    let rx_perf = perf::since(&b.rx.perf, &a.rx.perf);
    let tx = |e| perf_figure(&tx_perf, e, counting);
    let rx = |e| perf_figure(&rx_perf, e, counting);
    let quantile = |q: f64| quantile_us(&lat.one_way, q);
    let rr = cell.workload.has_round_trips();
    let mapped = match (a.rx.mapped_bytes, b.rx.mapped_bytes) {
        (Some(x), Some(y)) => Figure::Measured(y.saturating_sub(x)),
        _ => Figure::NotApplicable,
    };
    let rtt = |q: f64| {
        if rr {
            quantile_us(&lat.rtt, q)
        } else {
            Figure::NotApplicable
        }
    };
    let pace = |q: f64| {
        if cell.is_paced() {
            quantile_us(&lat.pace, q)
        } else {
            Figure::NotApplicable
        }
    };
    let tcp = TcpFigures::between(a.tx.tcp, b.tx.tcp);
    let rx_tcp = TcpFigures::between(a.rx.tcp, b.rx.tcp);
    let tcp_fig = |f: fn(&TcpFigures) -> Option<f64>| TcpFigures::figure(tcp, f);
    let switches = |x: Option<ContextSwitches>, y: Option<ContextSwitches>| {
        let d = switches_between(x, y);
        (
            Figure::or_unavailable(d.map(|s| s.voluntary), why::UNREADABLE),
            Figure::or_unavailable(d.map(|s| s.involuntary), why::UNREADABLE),
        )
    };
    let (tx_vol, tx_invol) = switches(a.tx.switches, b.tx.switches);
    let (rx_vol, rx_invol) = switches(a.rx.switches, b.rx.switches);
    let mut row = Row {
        hw_counters: Some(counting.recorded()),
        kernel_counting: counting.mode.map(str::to_string),
        strategy: cell.strategy.name().to_string(),
        size_bytes: cell.size.get() as u64,
        threads: cell.threads as u32,
        duration_s: formula::sig6(seconds),
        bytes,
        messages,
        throughput_gbps: formula::gbps(bytes, seconds),
        msgs_per_s: formula::per_second(Figure::Measured(messages), seconds),
        lat_p50_us: quantile(0.50),
        lat_p99_us: quantile(0.99),
        lat_p999_us: quantile(0.999),
        lat_max_us: quantile(1.0),
        send_call_us: formula::per_message(b.tx.send_ns.saturating_sub(a.tx.send_ns), sent, 1e-3),
        send_calls_per_msg: formula::per_message(
            b.tx.send_calls.saturating_sub(a.tx.send_calls),
            sent,
            1.0,
        ),
        tx_cpu_ns_per_byte: formula::per_byte(grew(a.tx.cpu_ns, b.tx.cpu_ns), bytes),
        rx_cpu_ns_per_byte: formula::per_byte(grew(a.rx.cpu_ns, b.rx.cpu_ns), bytes),
        other_cpu_pct: match (a.machine, b.machine) {
            (Some(x), Some(y)) => y
                .others_pct_since(&x)
                .map_or(Figure::Unavailable(why::UNREADABLE), |p| {
                    Figure::Measured(formula::sig6(p))
                }),
            _ => Figure::Unavailable(why::UNREADABLE),
        },
        sys_cpu_util_pct: match (a.machine, b.machine) {
            (Some(x), Some(y)) => y
                .busy_pct_since(&x)
                .map_or(Figure::Undefined, |p| Figure::Measured(formula::sig6(p))),
            _ => Figure::Unavailable(why::UNREADABLE),
        },
        cycles_per_byte: formula::per_byte(tx(Event::Cycles), bytes),
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
        tx_task_clock_ms: formula::ms(tx(Event::TaskClock)),
        rx_task_clock_ms: formula::ms(rx(Event::TaskClock)),
        integrity_errors: b.rx.integrity_errors.saturating_sub(a.rx.integrity_errors),
        tx_voluntary_switches: tx_vol,
        tx_involuntary_switches: tx_invol,
        rx_voluntary_switches: rx_vol,
        rx_involuntary_switches: rx_invol,
        tcpi_rtt_us: tcp_fig(|t| Some(t.rtt_us)),
        tcpi_rttvar_us: tcp_fig(|t| Some(t.rttvar_us)),
        tcpi_retrans: Figure::or_unavailable(tcp.map(|t| t.retrans), why::UNREADABLE),
        tcpi_bytes_retrans: Figure::or_unavailable(tcp.map(|t| t.bytes_retrans), why::UNREADABLE),
        tcpi_cwnd: tcp_fig(|t| Some(t.cwnd)),
        tcpi_delivery_rate_gbps: tcp_fig(|t| Some(t.delivery_rate_gbps)),
        rwnd_limited_pct: tcp_fig(|t| t.rwnd_limited_pct),
        sndbuf_limited_pct: tcp_fig(|t| t.sndbuf_limited_pct),
        sent_wire_bytes: Figure::Measured(b.tx.wire_bytes.saturating_sub(a.tx.wire_bytes)),
        user_copied_bytes: Figure::Measured(b.tx.user_copied.saturating_sub(a.tx.user_copied)),
        tx_copied_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.tx_copied),
        tx_zerocopy_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.tx_zerocopy),
        tx_spliced_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.tx_spliced),
        late_copied_bytes: crate::copymeter::grown(a.tx.copies, b.tx.copies, |c| c.late_copied),
        rx_copied_bytes: crate::copymeter::grown(a.rx.copies, b.rx.copies, |c| c.rx_copied),
        rx_mapped_bytes: mapped,
        rx_zerocopy_bytes: mapped,
        // The share of every byte received that was mapped (none under rx copy).
        rx_mapped_pct: mapped
            .and_then(|m| formula::percent(m, b.rx.wire_bytes.saturating_sub(a.rx.wire_bytes))),
        transactions_per_s: if rr {
            let done = b.tx.transactions.saturating_sub(a.tx.transactions);
            formula::per_second(Figure::Measured(done), seconds)
        } else {
            Figure::NotApplicable
        },
        rtt_p50_us: rtt(0.50),
        rtt_p99_us: rtt(0.99),
        rtt_p999_us: rtt(0.999),
        rtt_max_us: rtt(1.0),
        pace_err_p50_us: pace(0.50),
        pace_err_p99_us: pace(0.99),
        offered_gbps: Figure::NotApplicable,
        ..Row::default()
    };
    rx_tcp_columns(&mut row, rx_tcp);
    let ledger = cell.strategy.is_zero_copy().then(|| b.tx.zc.since(a.tx.zc));
    row.set_zero_copy(ledger);
    // Set per cell by the engine (the probe, the spread of its seconds): not figures of
    // an interval.
    row.host_memcpy_gbps = Figure::NotApplicable;
    row.host_noise_cv = Figure::NotApplicable;
    row.seconds_n = Figure::NotApplicable;
    row.seconds_sd_gbps = Figure::NotApplicable;
    row
}

/// A perf count, or why there is none: hardware events on a machine without hardware
/// counting have no PMU to count them; anything else was not readable.
fn perf_figure(values: &PerfValues, event: Event, counting: &Counting) -> Figure<u64> {
    match perf::value(values, event) {
        Some(v) => Figure::Measured(v),
        None if counting.skipped => Figure::Unavailable(why::NOT_COUNTED),
        None if Event::HARDWARE.contains(&event) && !counting.hardware => {
            Figure::Unavailable(why::NO_PMU)
        }
        None => Figure::Unavailable(why::UNREADABLE),
    }
}

fn switches_between(
    a: Option<ContextSwitches>,
    b: Option<ContextSwitches>,
) -> Option<ContextSwitches> {
    let (a, b) = (a?, b?);
    Some(ContextSwitches {
        voluntary: b.voluntary.checked_sub(a.voluntary)?,
        involuntary: b.involuntary.checked_sub(a.involuntary)?,
    })
}

#[cfg(test)]
mod tests;
