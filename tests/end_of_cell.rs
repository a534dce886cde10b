//! The end of a zero-copy cell is accounted for: when the kernel still holds a
//! sender's pages as the end-of-cell wait runs out (its receiver stopped reading), the
//! row counts the ids outstanding and is flagged, the pool is unmapped (never freed to
//! the allocator), the data the kernel still held arrives intact, and the next cell is
//! untouched.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use netio_core::engine::{CellConfig, CellOutcome, CellSummary, Fault, run_cell};
use netio_core::figure::Figure;
use netio_core::matrix::Cell;
use netio_core::strategy::Strategy;

fn run(cell: Cell, config: &CellConfig) -> CellSummary {
    match run_cell(cell, config, &AtomicBool::new(false), |_| {}) {
        Ok(CellOutcome::Finished(s)) => *s,
        Ok(CellOutcome::Cancelled) => panic!("{cell}: cancelled without being asked"),
        Err(e) => panic!("{cell}: {e}"),
    }
}

/// The row's reasons not to trust it ("" when none).
fn flagged(row: &netio_core::row::Row) -> &str {
    row.flagged.as_deref().unwrap_or("")
}

fn config(fault: Fault) -> CellConfig {
    CellConfig {
        warmup: Duration::from_millis(50),
        duration: Duration::from_millis(300),
        verify: true,
        fault,
        ..CellConfig::default()
    }
}

#[test]
fn completions_that_cannot_arrive_are_counted_flagged_and_harmless() {
    for strategy in [Strategy::ZeroCopy, Strategy::UringZc, Strategy::Splice] {
        if !(strategy.entry().about.available)().ok {
            continue;
        }
        let cell = Cell::new(strategy, 64 << 10, 1);
        let stalled = run(cell, &config(Fault::ReceiversStallAtEnd));
        let row = &stalled.row;
        // Every frame, the ones read after the sender's pages were unmapped included,
        // arrived whole and intact.
        assert_eq!(stalled.integrity_errors, 0, "{cell}");
        assert_eq!(row.truncated_frames, Figure::Measured(0), "{cell}");
        for c in &stalled.connections {
            assert_eq!(c.received_messages, c.sent_messages, "{cell}");
        }
        if strategy.is_zero_copy() {
            let outstanding = row.zc_outstanding_at_end.value().expect("counted");
            assert!(outstanding > 0, "{cell}: the queue held pinned pages");
            assert_eq!(row.zc_outstanding_at_end, row.zc_lost);
            let why = row.flagged.as_deref().expect("flagged");
            assert!(why.contains("outstanding at the end"), "{cell}: {why}");
        } else {
            // splice has no completions to wait for: nothing to flag.
            assert_eq!(row.zc_outstanding_at_end, Figure::NotApplicable);
            assert!(!flagged(row).contains("outstanding"), "{cell}");
        }
        // The next cell, in the same process, is whole, with nothing outstanding (a busy
        // host may still flag it: tests run side by side).
        let next = run(cell, &config(Fault::None));
        assert_eq!(next.integrity_errors, 0, "{cell} after the stall");
        assert!(
            !flagged(&next.row).contains("outstanding"),
            "{cell} after the stall"
        );
        if strategy.is_zero_copy() {
            assert_eq!(next.row.zc_outstanding_at_end, Figure::Measured(0));
        }
    }
}
