//! Recordings on disk: rows appended to a CSV file (one per finished cell with
//! `--record`, one per second with `--samples`), flushed as they are written (a crash
//! loses at most the cell in progress), and read back with errors that name the file,
//! row and column. The row itself is [`netio_core::row::Row`]: the engine's result type.

use std::path::PathBuf;

use netio_core::row::Row;

/// Problems with a CSV file, each naming the file.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    // The cause is in the message, not a `source` too: printed as a chain it would
    // say the same thing twice.
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}: already exists with other columns; choose another file")]
    OtherColumns { path: PathBuf },
    #[error("{path}: not a regular file (a device, FIFO or folder cannot hold a recording)")]
    NotRegular { path: PathBuf },
    #[error(
        "{path}: not a netio-tui recording (its first line lacks most of run_id, strategy, size_bytes, throughput_gbps, ...)"
    )]
    NotOurs { path: PathBuf },
    #[error("{path}: the first line is longer than 64 KiB: not a netio-tui recording")]
    HeaderTooLong { path: PathBuf },
    #[error(
        "{path}: line {line} is an incomplete row (a run was cut short?); complete or remove it before appending"
    )]
    PartialRow { path: PathBuf, line: usize },
    /// `line` is the file's line (the header is line 1).
    #[error("{path}:{line}: column {column}: {reason}")]
    Bad {
        path: PathBuf,
        line: usize,
        column: String,
        reason: String,
    },
    #[error("{path}: {}", csv_words(error))]
    Csv { path: PathBuf, error: csv::Error },
}

/// A CSV error in words a user reads (never Rust's Debug text).
fn csv_words(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { pos, err } => format!(
            "line {}: not UTF-8 text ({err})",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {}: {len} fields where the header has {expected_len}",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Deserialize { pos, err } => format!(
            "line {}: {}",
            pos.as_ref().map_or(0, |p| p.line()),
            err.kind()
        ),
        csv::ErrorKind::Serialize(msg) => msg.clone(),
        _ => e.to_string(),
    }
}

mod reader;
mod validate;
mod writer;

pub use reader::{REQUIRED_COLUMNS, Recording, read_recording, read_rows, read_rows_from};
pub use writer::{Checked, Format, MAX_HEADER, RowWriter, is_stdout};

#[cfg(test)]
mod tests;
