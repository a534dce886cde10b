//! Figures between snapshots: rates, costs, absences, and each workload's latencies.
use super::*;
use std::time::Duration;
use std::time::Instant;

fn snap(at: Instant, rx_bytes: u64, tx_cpu: Option<u64>) -> Snapshot {
    Snapshot {
        at,
        tx: SideSnapshot {
            messages: rx_bytes / 100,
            send_ns: rx_bytes * 10,
            cpu_ns: tx_cpu,
            ..SideSnapshot::default()
        },
        rx: SideSnapshot {
            payload_bytes: rx_bytes,
            messages: rx_bytes / 100,
            cpu_ns: Some(rx_bytes * 2),
            ..SideSnapshot::default()
        },
        machine: None,
    }
}

fn cell() -> Cell {
    Cell::new(crate::strategy::Strategy::OneCopy, 100, 1)
}

const SOFTWARE_ONLY: Counting = Counting {
    hardware: false,
    mode: Some("kernel+user"),
    skipped: false,
};

#[test]
fn rates_and_costs_between_snapshots() {
    let t = Instant::now();
    let a = snap(t, 1_000, Some(0));
    let b = snap(t + Duration::from_secs(2), 250_001_000, Some(500_000_000));
    let mut lat = Latencies::default();
    lat.one_way.record(10_000).expect("in range");
    let m = row_between(&a, &b, &lat, cell(), &SOFTWARE_ONLY);
    assert_eq!(m.bytes, 250_000_000);
    assert_eq!(m.throughput_gbps, Figure::Measured(1.0));
    assert_eq!(m.msgs_per_s, Figure::Measured(1_250_000.0));
    assert_eq!(m.tx_cpu_ns_per_byte, Figure::Measured(2.0));
    assert_eq!(m.rx_cpu_ns_per_byte, Figure::Measured(2.0));
    assert_eq!(m.send_call_us, Figure::Measured(1.0));
    assert_eq!(m.sys_cpu_util_pct, Figure::Unavailable(why::UNREADABLE));
    assert_eq!(m.tx_cycles, Figure::Unavailable(why::NO_PMU));
    assert_eq!(m.zc_copied_pct, Figure::NotApplicable);
    let p50 = m.lat_p50_us.value().expect("one latency");
    assert!((p50 - 10.0).abs() < 0.1);
}

#[test]
fn unreadable_counters_are_absent_not_zero() {
    let t = Instant::now();
    let a = snap(t, 0, None);
    let b = snap(t + Duration::from_secs(1), 1000, Some(5));
    let m = row_between(&a, &b, &Latencies::default(), cell(), &SOFTWARE_ONLY);
    assert_eq!(m.tx_cpu_ns_per_byte, Figure::Unavailable(why::UNREADABLE));
    assert_eq!(m.lat_p50_us, Figure::Undefined, "no message: no latency");
    let idle = row_between(&a, &a, &Latencies::default(), cell(), &SOFTWARE_ONLY);
    assert_eq!(idle.send_call_us, Figure::Undefined);
    assert_eq!(
        idle.rx_cpu_ns_per_byte,
        Figure::Undefined,
        "no bytes: no per-byte cost"
    );
    assert_eq!(idle.throughput_gbps, Figure::Undefined, "no time: no rate");
    assert_eq!(
        m.rtt_p50_us,
        Figure::NotApplicable,
        "stream has no round trips"
    );
    assert_eq!(m.transactions_per_s, Figure::NotApplicable);
    assert_eq!(
        m.pace_err_p99_us,
        Figure::NotApplicable,
        "stream is not paced"
    );
}

#[test]
fn round_trips_and_pacing_error_belong_to_their_workloads() {
    let t = Instant::now();
    let a = snap(t, 0, Some(0));
    let mut b = snap(t + Duration::from_secs(2), 1000, Some(5));
    b.tx.transactions = 10;
    let mut lat = Latencies::default();
    for us in [20u64, 30, 40] {
        lat.rtt.record(us * 1000).expect("in range");
        lat.pace.record(us).expect("in range");
    }
    let rr = Cell::new(crate::strategy::Strategy::OneCopy, 100, 1).under(crate::matrix::Mode {
        workload: crate::workload::Workload::Rr,
        load: crate::workload::Load::Unpaced,
        ..Default::default()
    });
    let m = row_between(&a, &b, &lat, rr, &SOFTWARE_ONLY);
    assert_eq!(m.transactions_per_s, Figure::Measured(5.0));
    assert_eq!(m.rtt_max_us.value().map(f64::round), Some(40.0));
    assert_eq!(m.pace_err_p50_us, Figure::NotApplicable);
    let empty = row_between(&a, &a, &Latencies::default(), rr, &SOFTWARE_ONLY);
    assert_eq!(
        empty.rtt_p50_us,
        Figure::Undefined,
        "no transaction: no round trip"
    );
    let rate = rr.under(crate::matrix::Mode {
        workload: crate::workload::Workload::Rate,
        load: crate::workload::Load::MsgsPerSec(5),
        ..Default::default()
    });
    let m = row_between(&a, &b, &lat, rate, &SOFTWARE_ONLY);
    assert_eq!(m.rtt_p50_us, Figure::NotApplicable);
    assert_eq!(
        m.pace_err_p99_us.value().map(|v| (v * 1000.0).round()),
        Some(40.0)
    );
}
