//! The strategies beyond the assignment's three, over real loopback sockets: the
//! unsafe-reuse demonstration is caught by the receiver and labelled, and receive
//! zero-copy maps pages after a zero-copy sender and none after a copying one, with
//! every frame checked either way.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use netio_core::engine::{CellConfig, CellOutcome, CellSummary, run_cell};
use netio_core::figure::Figure;
use netio_core::matrix::{Cell, Mode};
use netio_core::receive::RxStrategy;
use netio_core::strategy::Strategy;
use netio_core::strategy::StrategyOptions;

fn config(verify: bool, unsafe_reuse: bool) -> CellConfig {
    CellConfig {
        warmup: Duration::from_millis(100),
        duration: Duration::from_millis(400),
        verify,
        strategy: StrategyOptions {
            unsafe_reuse,
            ..StrategyOptions::default()
        },
        ..CellConfig::default()
    }
}

fn run(cell: Cell, config: &CellConfig) -> CellSummary {
    match run_cell(cell, config, &AtomicBool::new(false), |_| {}) {
        Ok(CellOutcome::Finished(s)) => *s,
        Ok(CellOutcome::Cancelled) => panic!("{cell}: cancelled without being asked"),
        Err(e) => panic!("{cell}: {e}"),
    }
}

#[test]
fn unsafe_reuse_is_caught_by_the_receiver_and_labelled() {
    for strategy in [Strategy::SendFile, Strategy::Splice] {
        // Large messages queue many pages on the socket while the sender rewrites them.
        let cell = Cell::new(strategy, 1 << 20, 1);
        let s = run(cell, &config(true, true));
        assert!(
            s.integrity_errors > 0,
            "{cell}: no frame changed in flight: {:?}",
            s.connections
        );
        assert_eq!(s.row.unsafe_reuse, Some(true), "{cell}");
        // The stream stayed framed: the frames kept arriving after the first change.
        let sent: u64 = s.connections.iter().map(|c| c.sent_messages).sum();
        let received: u64 = s.connections.iter().map(|c| c.received_messages).sum();
        assert_eq!(
            received + s.integrity_errors,
            sent,
            "{cell}: every frame was either intact or counted as changed"
        );
        // The same strategy without the option: not one changed frame, not labelled.
        let safe = run(cell, &config(true, false));
        assert_eq!(safe.integrity_errors, 0, "{cell}");
        assert_eq!(safe.row.unsafe_reuse, Some(false), "{cell}");
    }
}

/// The cell under `--rx zerocopy`.
fn zerocopy_rx(strategy: Strategy, size: usize) -> Cell {
    Cell::new(strategy, size, 1).under(Mode {
        rx: RxStrategy::ZeroCopy,
        ..Mode::default()
    })
}

#[test]
fn receive_zerocopy_maps_pages_after_a_zero_copy_sender_and_checks_every_frame() {
    let s = run(
        zerocopy_rx(Strategy::ZeroCopy, 256 << 10),
        &config(true, false),
    );
    assert_eq!(s.integrity_errors, 0);
    let c = s.connections[0];
    assert_eq!(c.received_messages, c.sent_messages);
    assert_eq!(c.received_wire_bytes, c.sent_wire_bytes);
    match s.row.rx_mapped_bytes {
        Figure::Measured(b) => assert!(b > 0, "nothing mapped"),
        other => panic!("mapped bytes not measured: {other:?}"),
    }
    assert!(s.row.rx_mapped_pct.value().is_some_and(|p| p > 0.0));
    assert_eq!(s.row.rx_strategy.as_deref(), Some("zerocopy"));
}

#[test]
fn receive_zerocopy_after_a_copying_sender_maps_nothing_and_says_so() {
    // Loopback hands over a plain sender's compound pages, which the kernel will not
    // map: 0 % is the true figure, and every frame still arrives through the copy.
    let s = run(
        zerocopy_rx(Strategy::OneCopy, 64 << 10),
        &config(true, false),
    );
    assert_eq!(s.integrity_errors, 0);
    let c = s.connections[0];
    assert!(c.sent_messages > 0);
    assert_eq!(c.received_messages, c.sent_messages);
    assert_eq!(s.row.rx_mapped_bytes, Figure::Measured(0));
    assert_eq!(s.row.rx_mapped_pct, Figure::Measured(0.0));
    // Under the copy receiver the figures do not apply (never 0).
    let copy = run(
        Cell::new(Strategy::OneCopy, 64 << 10, 1),
        &config(false, false),
    );
    assert_eq!(copy.row.rx_mapped_bytes, Figure::NotApplicable);
}

#[test]
fn uring_batches_deliver_exact_intact_counts_and_name_their_depth() {
    let config = CellConfig {
        strategy: StrategyOptions {
            uring_depth: 8,
            ..StrategyOptions::default()
        },
        ..config(true, false)
    };
    for threads in [1, 4] {
        for size in [8, 4096, 1 << 20] {
            let cell = Cell::new(Strategy::Uring, size, threads);
            let s = run(cell, &config);
            assert_eq!(s.integrity_errors, 0, "{cell}");
            for c in &s.connections {
                assert!(c.sent_messages > 0, "{cell}");
                assert_eq!(c.received_messages, c.sent_messages, "{cell}");
                assert_eq!(c.received_wire_bytes, c.sent_wire_bytes, "{cell}");
            }
            // One enter per batch of 8: fewer calls than messages.
            let calls: u64 = s.connections.iter().map(|c| c.send_calls).sum();
            let sent: u64 = s.connections.iter().map(|c| c.sent_messages).sum();
            assert!(calls < sent, "{cell}: {calls} calls for {sent} messages");
            assert_eq!(s.row.uring_depth, Some(8), "{cell}");
        }
    }
}
