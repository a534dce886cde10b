//! Recordings on disk: rows appended to a CSV file (one per finished cell with
//! `--record`, one per second with `--samples`), flushed as they are written (a crash
//! loses at most the cell in progress), and read back with errors that name the file,
//! row and column. The row itself is [`crate::row::Row`]: the engine's result type.

use std::path::PathBuf;

use crate::engine::{CellSummary, Sample};
pub use crate::row::{Row, RunContext};

impl Row {
    /// The row of a finished cell in run `ctx`.
    pub fn from_summary(ctx: &RunContext, s: &CellSummary) -> Row {
        s.row.clone().in_run(ctx)
    }

    /// The row of one second of a cell in run `ctx`.
    pub fn from_sample(ctx: &RunContext, s: &Sample) -> Row {
        s.row.clone().in_run(ctx)
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

pub use reader::{REQUIRED_COLUMNS, read_rows, read_rows_from};
pub use writer::RowWriter;

#[cfg(test)]
mod tests;
