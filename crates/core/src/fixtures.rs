//! Hand-made states for unit and snapshot tests: fixed machine facts and figures, so
//! nothing depends on the machine the tests run on.

use crate::engine::{CellSummary, Counting, EngineEvent, Phase, Sample};
use crate::figure::{Figure, why};
use crate::matrix::Cell;
use crate::row::{Row, RunContext};
use crate::strategy::Strategy;
use crate::strategy::ZeroCopyCounts;

pub fn machine() -> RunContext {
    RunContext {
        net_mode: "loopback".into(),
        mtu: Some(65536),
        kernel: "6.18.0-test".into(),
        cpu_model: "Test CPU @ 2.0GHz".into(),
        ..RunContext::default()
    }
}

/// One second of figures at `gbps`, software counters only (no hardware PMU).
pub fn metrics(gbps: f64, zero_copy: bool) -> Row {
    let bytes = (gbps * 1e9 / 8.0) as u64;
    let mut row = Row {
        strategy: if zero_copy { "zero-copy" } else { "one-copy" }.into(),
        duration_s: 1.0,
        bytes,
        sent_wire_bytes: Figure::Measured(bytes + bytes / 2048),
        messages: bytes / 65536,
        throughput_gbps: Figure::Measured(gbps),
        msgs_per_s: Figure::Measured((bytes / 65536) as f64),
        lat_p50_us: Figure::Measured(65.0),
        lat_p99_us: Figure::Measured(812.5),
        lat_p999_us: Figure::Measured(1500.0),
        lat_max_us: Figure::Measured(2100.0),
        send_call_us: Figure::Measured(38.2),
        send_calls_per_msg: Figure::Measured(1.0),
        tx_cpu_ns_per_byte: Figure::Measured(0.61),
        rx_cpu_ns_per_byte: Figure::Measured(0.19),
        sys_cpu_util_pct: Figure::Measured(70.0),
        cycles_per_byte: Figure::Unavailable(why::NO_PMU),
        tx_cycles: Figure::Unavailable(why::NO_PMU),
        tx_instructions: Figure::Unavailable(why::NO_PMU),
        tx_l1d_load_misses: Figure::Unavailable(why::NO_PMU),
        tx_llc_load_misses: Figure::Unavailable(why::NO_PMU),
        rx_cycles: Figure::Unavailable(why::NO_PMU),
        rx_instructions: Figure::Unavailable(why::NO_PMU),
        rx_l1d_load_misses: Figure::Unavailable(why::NO_PMU),
        rx_llc_load_misses: Figure::Unavailable(why::NO_PMU),
        tx_context_switches: Figure::Measured(120),
        rx_context_switches: Figure::Measured(360),
        tx_cpu_migrations: Figure::Measured(1),
        rx_cpu_migrations: Figure::Measured(3),
        tx_page_faults: Figure::Measured(0),
        rx_page_faults: Figure::Measured(0),
        tx_task_clock_ms: Figure::Measured(990.0),
        rx_task_clock_ms: Figure::Measured(2970.0),
        ..Row::default()
    };
    row.set_zero_copy(zero_copy.then_some(ZeroCopyCounts {
        sends: 100,
        completions: 100,
        copied: 100,
        ..ZeroCopyCounts::default()
    }));
    row
}

/// The figures of `cell` at `gbps`, with its workload's own columns: `rr` round trips
/// and transactions, `rate` what was offered.
pub fn figures(cell: Cell, gbps: f64) -> Row {
    let mut row = metrics(gbps, cell.strategy == Strategy::ZeroCopy);
    row.strategy = cell.strategy.name().into();
    row.workload = Some(cell.workload.name().into());
    match cell.workload {
        crate::workload::Workload::Rr => {
            row.transactions_per_s = Figure::Measured(gbps * 1000.0);
            row.rtt_p50_us = Figure::Measured(1e6 / (gbps * 1000.0));
            row.rtt_p99_us = Figure::Measured(2e6 / (gbps * 1000.0));
            row.depth = Some(1);
        }
        crate::workload::Workload::Rate => {
            row.rate = Some(cell.load.to_string());
            row.offered_gbps = Figure::Measured(gbps);
            row.lat_p50_us = Figure::Measured(30.0 + gbps);
            row.lat_p99_us = Figure::Measured(90.0 + 3.0 * gbps);
            row.saturated = Some(false);
        }
        crate::workload::Workload::Stream => {}
    }
    // What the copy meter and the tool count for the strategy's path.
    let all = Figure::Measured(row.bytes);
    let none = Figure::Measured(0);
    row.user_copied_bytes = if cell.strategy == Strategy::TwoCopy {
        all
    } else {
        none
    };
    (
        row.tx_copied_bytes,
        row.tx_zerocopy_bytes,
        row.tx_spliced_bytes,
    ) = if cell.strategy.is_zero_copy() {
        (none, all, none)
    } else {
        (all, none, none)
    };
    // Over loopback every pinned byte is copied at delivery (and a little more).
    row.late_copied_bytes = if cell.strategy.is_zero_copy() {
        Figure::Measured(row.bytes + row.bytes / 500)
    } else {
        none
    };
    row.rx_copied_bytes = all;
    row.rx_mapped_bytes = Figure::NotApplicable;
    row.rx_zerocopy_bytes = Figure::NotApplicable;
    row.rx_strategy = Some(cell.rx.name().into());
    if cell.rx == crate::receive::RxStrategy::ZeroCopy {
        // What zero-copy receive reports: a share mapped after a zero-copy sender.
        let share = if cell.strategy.is_zero_copy() {
            95.0
        } else {
            0.0
        };
        row.rx_mapped_pct = Figure::Measured(share);
        let mapped = (row.bytes as f64 * share / 100.0) as u64;
        row.rx_mapped_bytes = Figure::Measured(mapped);
        row.rx_zerocopy_bytes = Figure::Measured(mapped);
        row.rx_copied_bytes = Figure::Measured(row.bytes - mapped);
    }
    row
}

pub fn counting() -> Counting {
    Counting {
        hardware: false,
        mode: Some("kernel+user"),
        skipped: false,
    }
}

/// The engine starting `cell`, the `index`-th (from 0) of `total`, first repeat.
pub fn started(cell: Cell, index: usize, total: usize) -> EngineEvent {
    EngineEvent::CellStarted {
        index,
        total,
        cell,
        repeat: 1,
    }
}

pub fn sample(cell: Cell, second: u32, gbps: f64) -> EngineEvent {
    EngineEvent::Sample(Box::new(Sample {
        cell,
        repeat: 1,
        second,
        phase: Phase::Measure,
        row: figures(cell, gbps),
        counting: counting(),
        latency: latencies(),
    }))
}

/// A second's latencies: most near 65 µs, a tail to a few ms.
pub fn latencies() -> crate::engine::buckets::LatencyBuckets {
    let mut b = crate::engine::buckets::LatencyBuckets::default();
    for (i, n) in [(6, 40), (7, 900), (8, 300), (9, 40), (12, 6), (14, 1)] {
        b.0[i] = n;
    }
    b
}

pub fn finished(cell: Cell, gbps: f64) -> EngineEvent {
    EngineEvent::CellFinished {
        index: 0,
        summary: Box::new(CellSummary {
            cell,
            repeat: 1,
            row: figures(cell, gbps),
            zero_copy: None,
            integrity_errors: 0,
            truncated_frames: 0,
            window_asked_s: 0.0,
            foreign_late_copy: None,
            connections: Vec::new(),
            counting: counting(),
            seconds_gbps: vec![gbps],
            setup: crate::engine::SocketSetup::default(),
            tx_cpus: vec![0],
            rx_cpus: vec![1],
            host: None,
        }),
    }
}
