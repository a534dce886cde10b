//! Hand-made states for unit and snapshot tests: fixed machine facts and figures, so
//! nothing depends on the machine the tests run on.

use crate::app::{App, Machine};
use crate::engine::{CellSummary, Counting, EngineEvent, Latency, Metrics, Phase, Sample};
use crate::matrix::{Cell, Strategy};
use crate::strategy::ZeroCopyCounts;

pub fn machine() -> Machine {
    Machine {
        net_mode: "loopback".into(),
        mtu: Some(65536),
        netem: None,
        kernel: "6.18.0-test".into(),
        cpu: "Test CPU @ 2.0GHz".into(),
    }
}

pub fn app() -> App {
    App::new(
        machine(),
        Strategy::ALL.to_vec(),
        vec![1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20],
        vec![1, 2, 4, 8],
    )
}

/// One second of figures at `gbps`, software counters only (no hardware PMU).
pub fn metrics(gbps: f64, zero_copy: bool) -> Metrics {
    let bytes = (gbps * 1e9 / 8.0) as u64;
    let mut tx_perf = [None; 8];
    let mut rx_perf = [None; 8];
    // context-switches, cpu-migrations, page-faults, task-clock
    for (i, v) in [(4, 120u64), (5, 1), (6, 0), (7, 990_000_000)] {
        tx_perf[i] = Some(v);
        rx_perf[i] = Some(v * 3);
    }
    Metrics {
        seconds: 1.0,
        bytes,
        sent_wire_bytes: Some(bytes + bytes / 2048),
        messages: bytes / 65536,
        throughput_gbps: gbps,
        msgs_per_s: (bytes / 65536) as f64,
        latency: Some(Latency {
            p50_us: 65.0,
            p99_us: 812.5,
            p999_us: 1500.0,
            max_us: 2100.0,
        }),
        send_call_us: Some(38.2),
        send_calls_per_msg: Some(1.0),
        tx_cpu_ns_per_byte: Some(0.61),
        rx_cpu_ns_per_byte: Some(0.19),
        sys_cpu_util_pct: Some(70.0),
        tx_switches: None,
        rx_switches: None,
        integrity_errors: 0,
        zc: if zero_copy {
            ZeroCopyCounts {
                sends: 100,
                completions: 100,
                copied: 100,
                ..ZeroCopyCounts::default()
            }
        } else {
            ZeroCopyCounts::default()
        },
        tx_perf,
        rx_perf,
        tcp: None,
    }
}

pub fn counting() -> Counting {
    Counting {
        hardware: false,
        mode: Some("kernel+user"),
    }
}

pub fn sample(cell: Cell, second: u32, gbps: f64) -> EngineEvent {
    EngineEvent::Sample(Box::new(Sample {
        cell,
        repeat: 1,
        second,
        phase: Phase::Measure,
        metrics: metrics(gbps, cell.strategy == Strategy::ZeroCopy),
        counting: counting(),
    }))
}

pub fn finished(cell: Cell, gbps: f64) -> EngineEvent {
    EngineEvent::CellFinished {
        index: 0,
        summary: Box::new(CellSummary {
            cell,
            repeat: 1,
            window: metrics(gbps, cell.strategy == Strategy::ZeroCopy),
            zero_copy: None,
            integrity_errors: 0,
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
