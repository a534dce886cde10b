//! Rounds of one cell for the data crate's tests: a strategy at 64K × 1, one row per
//! round, each `gbps` times its wobble.

use netio_core::figure::Figure;
use netio_core::row::Row;

pub fn rounds(run: &str, strategy: &str, gbps: f64, wobble: &[f64]) -> Vec<Row> {
    wobble
        .iter()
        .enumerate()
        .map(|(i, w)| Row {
            run_id: run.into(),
            strategy: strategy.into(),
            size_bytes: 65536,
            threads: 1,
            repeat: Some(i as u32 + 1),
            throughput_gbps: Figure::Measured(gbps * w),
            ..Row::default()
        })
        .collect()
}
