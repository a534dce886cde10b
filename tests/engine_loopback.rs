//! The engine over real loopback sockets: exact counts, integrity, partial sends, the
//! zero-copy ledger, slot reuse, and the kernel's TCP_INFO as an independent witness.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use netio_core::engine::{
    CellConfig, CellOutcome, CellSummary, EngineEvent, Lowat, Pin, run_cell, run_matrix,
};
use netio_core::matrix::Cell;
use netio_core::net::{CcName, SocketOptions};
use netio_core::strategy::Strategy;
use netio_core::strategy::StrategyOptions;

fn quick(verify: bool) -> CellConfig {
    CellConfig {
        warmup: Duration::from_millis(100),
        duration: Duration::from_millis(300),
        verify,
        ..CellConfig::default()
    }
}

fn run(strategy: Strategy, size: usize, threads: usize, config: &CellConfig) -> CellSummary {
    let cell = Cell::new(strategy, size, threads);
    match run_cell(cell, config, &AtomicBool::new(false), |_| {}) {
        Ok(CellOutcome::Finished(s)) => *s,
        Ok(CellOutcome::Cancelled) => panic!("{cell}: cancelled without being asked"),
        Err(e) => panic!("{cell}: {e}"),
    }
}

/// Every connection delivered exactly what was sent, every frame intact.
fn assert_exact(s: &CellSummary) {
    // The header lives inside the message: the frame is exactly the message.
    let wire = s.cell.size.get() as u64;
    assert_eq!(s.integrity_errors, 0, "{}", s.cell);
    assert_eq!(
        s.truncated_frames, 0,
        "{}: a stream ended inside a frame",
        s.cell
    );
    // Nothing the cell itself did is flagged (a busy host may be: the tests run side
    // by side, and this asserts nothing about how busy the machine was).
    let flagged = s.row.flagged.as_deref().unwrap_or("");
    assert!(
        !flagged.contains("outstanding") && !flagged.contains("inside a frame"),
        "{}: {flagged}",
        s.cell
    );
    assert_eq!(s.setup.ends_alike, Some(true), "{}", s.cell);
    assert_eq!(s.connections.len(), s.cell.threads);
    for c in &s.connections {
        assert!(c.sent_messages > 0, "{}: nothing sent", s.cell);
        assert_eq!(c.received_messages, c.sent_messages, "{}", s.cell);
        assert_eq!(c.received_wire_bytes, c.sent_messages * wire, "{}", s.cell);
        assert_eq!(c.sent_wire_bytes, c.received_wire_bytes, "{}", s.cell);
    }
    assert_eq!(s.row.bytes, s.row.messages * s.cell.size.get() as u64);
}

/// The measuring window saw traffic.
fn assert_window_measured(s: &CellSummary) {
    assert!(
        s.row.bytes > 0 && s.row.throughput_gbps.value().is_some_and(|g| g > 0.0),
        "{}",
        s.cell
    );
}

/// The ledger balances: every zero-copy call completed, none twice, none unsent.
fn assert_ledger_balances(s: &CellSummary) {
    let z = s.zero_copy.expect("zero-copy cell has a ledger");
    assert!(z.sends >= s.connections.iter().map(|c| c.sent_messages).sum::<u64>());
    assert_eq!(z.completions, z.sends, "{}: {z:?}", s.cell);
    assert_eq!(z.bogus, 0, "{}", s.cell);
    assert_eq!(s.zc_lost(), Some(0));
}

#[test]
fn every_strategy_delivers_exact_intact_counts() {
    for strategy in Strategy::ALL {
        for threads in [1, 4] {
            for size in [8, 4096, 1 << 20] {
                let s = run(strategy, size, threads, &quick(true));
                assert_exact(&s);
                assert_window_measured(&s);
                assert_eq!(s.zero_copy.is_some(), strategy.is_zero_copy());
                if strategy.is_zero_copy() {
                    assert_ledger_balances(&s);
                }
            }
        }
    }
}

#[test]
fn partial_sends_keep_frames_intact() {
    // SO_SNDBUF at its minimum (the kernel raises 1 to its floor) and a 1 ms send
    // timeout: a blocking send that times out returns what it queued, so a large
    // message takes many calls, most of them partial.
    let config = CellConfig {
        socket: SocketOptions {
            sndbuf: Some(1),
            send_timeout: Some(Duration::from_millis(1)),
            ..SocketOptions::default()
        },
        ..quick(true)
    };
    for strategy in Strategy::ALL {
        for size in [(1 << 20) + 3, 256 << 10] {
            let s = run(strategy, size, 2, &config);
            assert_exact(&s);
            let calls: u64 = s.connections.iter().map(|c| c.send_calls).sum();
            let messages: u64 = s.connections.iter().map(|c| c.sent_messages).sum();
            assert!(
                calls > messages,
                "{}: {calls} calls for {messages} messages, no partial sends",
                s.cell
            );
            if let Some(z) = s.zero_copy {
                assert_ledger_balances(&s);
                let messages: u64 = s.connections.iter().map(|c| c.sent_messages).sum();
                assert!(
                    z.sends > messages,
                    "each partial zero-copy call takes an id: {z:?}"
                );
            }
        }
    }
}

#[test]
fn zero_copy_completions_match_sends_and_loopback_is_copied() {
    // MSG_ZEROCOPY's error-queue completions and io_uring SEND_ZC's notifications.
    for strategy in [Strategy::ZeroCopy, Strategy::UringZc] {
        let s = run(strategy, 64 << 10, 2, &quick(false));
        assert_exact(&s);
        assert_ledger_balances(&s);
        let z = s.zero_copy.expect("ledger");
        // Loopback delivers to a local socket, so the kernel copies: every completion
        // is flagged (kernel Documentation/networking/msg_zerocopy.rst; io_uring's
        // IORING_NOTIF_USAGE_ZC_COPIED).
        assert_eq!(z.copied, z.completions, "{strategy}");
        assert_eq!(z.copied_pct(), Some(100.0), "{strategy}");
    }
}

#[test]
fn one_slot_pool_waits_for_completions_and_stays_intact() {
    let config = CellConfig {
        strategy: StrategyOptions {
            zc_slots: Some(1),
            ..StrategyOptions::default()
        },
        ..quick(true)
    };
    let s = run(Strategy::ZeroCopy, 256 << 10, 1, &config);
    assert_exact(&s);
    assert_ledger_balances(&s);
    let z = s.zero_copy.expect("ledger");
    assert!(
        z.pool_waits > 0,
        "one slot must wait for its completion: {z:?}"
    );
}

#[test]
fn receiver_catches_a_slot_reused_before_its_completion() {
    // Bug injection: stamp the single slot for the next message without waiting for
    // the completion of the last one. Stamps still in the kernel's queues change under
    // it, and the receiver must notice.
    let config = CellConfig {
        strategy: StrategyOptions {
            zc_slots: Some(1),
            unsafe_reuse: true,
            ..StrategyOptions::default()
        },
        ..quick(true)
    };
    let s = run(Strategy::ZeroCopy, 1 << 20, 1, &config);
    assert!(
        s.integrity_errors > 0,
        "early reuse went unnoticed: {:?}",
        s.connections
    );
}

#[test]
fn receiver_byte_count_equals_kernel_tcp_info() {
    for strategy in Strategy::ALL {
        let s = run(strategy, 4096, 1, &quick(false));
        let c = s.connections[0];
        // The kernel counts sequence space, in which the sender's FIN takes one byte.
        assert_eq!(
            c.tcpi_bytes_received,
            Some(c.received_wire_bytes + 1),
            "{strategy}: our count (+1 for FIN) vs tcpi_bytes_received"
        );
    }
}

#[test]
fn samples_arrive_each_second_and_cover_the_window() {
    let config = CellConfig {
        warmup: Duration::from_millis(500),
        duration: Duration::from_millis(2500),
        ..CellConfig::default()
    };
    let cell = Cell::new(Strategy::OneCopy, 16 << 10, 1);
    let mut samples = Vec::new();
    let outcome =
        run_cell(cell, &config, &AtomicBool::new(false), |s| samples.push(s)).expect("cell runs");
    let CellOutcome::Finished(summary) = outcome else {
        panic!("not finished")
    };
    // 0.5 s warm-up, then 1 s, 1 s, 0.5 s of window.
    assert_eq!(samples.len(), 4);
    let window: Vec<_> = samples
        .iter()
        .filter(|s| s.phase == netio_core::engine::Phase::Measure)
        .collect();
    assert_eq!(window.len(), 3);
    let summed: u64 = window.iter().map(|s| s.row.bytes).sum();
    assert_eq!(summed, summary.row.bytes, "seconds add up to the row");
    assert_eq!(summary.seconds_gbps.len(), 3, "one throughput per interval");
    assert!(summary.row.lat_p50_us.is_measured());
    assert!(
        summary
            .row
            .tx_cpu_ns_per_byte
            .value()
            .is_some_and(|v| v > 0.0)
    );
    assert!(
        summary
            .row
            .rx_cpu_ns_per_byte
            .value()
            .is_some_and(|v| v > 0.0)
    );
}

#[test]
fn cancelling_drops_the_cell_and_joins_its_threads() {
    let cancel = AtomicBool::new(false);
    let cell = Cell::new(Strategy::TwoCopy, 4096, 2);
    let config = CellConfig {
        warmup: Duration::ZERO,
        duration: Duration::from_secs(30),
        ..CellConfig::default()
    };
    let outcome = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        run_cell(cell, &config, &cancel, |_| {})
    })
    .expect("cell runs");
    assert_eq!(outcome, CellOutcome::Cancelled);
}

#[test]
fn every_choice_delivers_exactly_and_is_recorded() {
    let reno = CcName::new("reno").expect("name");
    for (lowat, coalesce, nagle) in [
        (Lowat::Frame, true, false),
        (Lowat::Missing, false, false),
        (Lowat::Off, false, true),
    ] {
        for strategy in Strategy::ALL {
            let config = CellConfig {
                lowat,
                socket: SocketOptions {
                    cc: Some(reno),
                    nagle,
                    ..SocketOptions::default()
                },
                strategy: StrategyOptions {
                    coalesce,
                    ..StrategyOptions::default()
                },
                ..quick(true)
            };
            let s = run(strategy, 3000, 2, &config);
            assert_exact(&s);
            let st = &s.setup;
            assert_eq!(st.cc, Some(reno), "{strategy}");
            assert_eq!(st.nodelay, Some(!nagle));
            // Zero-copy never coalesces, whatever was asked.
            assert_eq!(st.coalesce, coalesce && !strategy.is_zero_copy());
            assert_eq!(st.lowat, lowat.name());
            let expected_lowat = if lowat == Lowat::Off { 1 } else { 3000 };
            assert_eq!(st.rcvlowat, Some(expected_lowat), "{strategy} {lowat:?}");
            assert!(st.sndbuf.is_some_and(|b| b > 0) && st.rcvbuf.is_some_and(|b| b > 0));
            assert!(s.row.tcpi_rtt_us.is_measured(), "TCP_INFO read");
            assert!(s.row.tcpi_rttvar_us.is_measured() && s.row.tcpi_bytes_retrans.is_measured());
            // Data was delivered, so the kernel has taken delivery-rate samples.
            assert!(
                s.row
                    .tcpi_delivery_rate_gbps
                    .value()
                    .is_some_and(|g| g > 0.0),
                "{strategy}: {:?}",
                s.row.tcpi_delivery_rate_gbps
            );
        }
    }
}

#[test]
fn small_sizes_become_whole_header_frames() {
    for strategy in Strategy::ALL {
        let s = run(strategy, 8, 1, &quick(true));
        assert_eq!(s.cell.size.get(), 32, "rounded up to the header");
        assert_exact(&s);
    }
}

#[test]
fn pinned_workers_are_seen_where_they_were_pinned() {
    let config = CellConfig {
        pin: Pin::Split,
        ..quick(false)
    };
    let s = run(Strategy::OneCopy, 16 << 10, 1, &config);
    assert_eq!(s.setup.pin, "split");
    if std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2 {
        assert_eq!(
            (s.tx_cpus.as_slice(), s.rx_cpus.as_slice()),
            (&[0][..], &[1][..])
        );
    }
    let same = run(
        Strategy::OneCopy,
        16 << 10,
        1,
        &CellConfig {
            pin: Pin::Same,
            ..quick(false)
        },
    );
    assert_eq!(
        (same.tx_cpus.as_slice(), same.rx_cpus.as_slice()),
        (&[0][..], &[0][..])
    );
    let free = run(Strategy::OneCopy, 16 << 10, 1, &quick(false));
    assert!(
        !free.tx_cpus.is_empty() && !free.rx_cpus.is_empty(),
        "recorded unpinned too"
    );
}

#[test]
fn repeats_are_interleaved_round_robin_and_numbered() {
    let cells: Vec<Cell> = [Strategy::TwoCopy, Strategy::OneCopy]
        .into_iter()
        .map(|strategy| Cell::new(strategy, 4096, 1))
        .collect();
    let config = CellConfig {
        repeats: 3,
        warmup: Duration::ZERO,
        duration: Duration::from_millis(200),
        ..CellConfig::default()
    };
    let mut finished = Vec::new();
    run_matrix(&cells, &config, &AtomicBool::new(false), |e| {
        if let EngineEvent::CellFinished { summary, .. } = e {
            assert!(summary.host.is_some(), "host probe taken before the cell");
            finished.push((summary.cell.strategy, summary.repeat));
        }
        true
    });
    use Strategy::{OneCopy, TwoCopy};
    assert_eq!(
        finished,
        [
            (TwoCopy, 1),
            (OneCopy, 1),
            (TwoCopy, 2),
            (OneCopy, 2),
            (TwoCopy, 3),
            (OneCopy, 3)
        ]
    );
}
