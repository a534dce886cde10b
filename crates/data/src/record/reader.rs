//! Reading a recording back: only regular files, the header line bounded, every whole
//! row checked (values a measurement cannot have are refused with the file, line and
//! column), a trailing incomplete row (a run cut short) ignored and counted, and the
//! absences the row's own columns explain named.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::writer::first_line;
use super::{RecordError, Row, validate};

/// Columns a recording must have (the rest may be missing: they read as absent).
pub const REQUIRED_COLUMNS: [&str; 14] = [
    "run_id",
    "started_at",
    "net_mode",
    "kernel",
    "cpu_model",
    "strategy",
    "size_bytes",
    "threads",
    "duration_s",
    "bytes",
    "messages",
    "throughput_gbps",
    "msgs_per_s",
    "integrity_errors",
];

/// A recording as read: its whole rows, and how many bytes of an incomplete last row
/// were left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub rows: Vec<Row>,
    pub ignored_tail_bytes: usize,
}

/// Reads a recording (cells or samples file).
pub fn read_recording(path: &Path) -> Result<Recording, RecordError> {
    let io_err = |source| RecordError::Io {
        path: path.to_path_buf(),
        error: source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if !meta.is_file() {
        return Err(RecordError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    let mut file = File::open(path).map_err(io_err)?;
    first_line(&mut file, path)?;
    let mut file = File::open(path).map_err(io_err)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes).map_err(io_err)?;
    // A run cut short may leave half a row: read the whole ones, count the rest.
    let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let ignored_tail_bytes = bytes.len() - whole;
    let rows = read_rows_from(path, &bytes[..whole])?;
    Ok(Recording {
        rows,
        ignored_tail_bytes,
    })
}

/// Reads every whole row of a recording (see [`read_recording`]).
pub fn read_rows(path: &Path) -> Result<Vec<Row>, RecordError> {
    read_recording(path).map(|r| r.rows)
}

/// Reads rows from `input`, naming `path` in errors: the line and column of the first
/// value that does not parse or that no measurement can have, or the missing column.
pub fn read_rows_from(path: &Path, input: &[u8]) -> Result<Vec<Row>, RecordError> {
    let bad = |line: u64, column: &str, reason: String| RecordError::Bad {
        path: path.to_path_buf(),
        line: line as usize,
        column: column.to_string(),
        reason,
    };
    let csv_err = |source| RecordError::Csv {
        path: path.to_path_buf(),
        error: source,
    };
    let mut reader = csv::Reader::from_reader(input);
    let headers = reader.headers().map_err(csv_err)?.clone();
    if let Some(missing) = REQUIRED_COLUMNS
        .iter()
        .find(|c| !headers.iter().any(|h| h == **c))
    {
        return Err(bad(1, missing, "missing column".into()));
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_err)? {
        // Counted here: csv's own line count lags on CRLF files (Python's csv module).
        // (On CRLF it points at the previous line's '\n'.)
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        if input.get(start) == Some(&b'\n') {
            start += 1;
        }
        let line = 1 + input[..start.min(input.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        if let Some((column, reason)) = validate::record(&headers, &record) {
            return Err(bad(line, column, reason));
        }
        match record.deserialize::<Row>(Some(&headers)) {
            Ok(mut row) => {
                row.explain_absences();
                rows.push(row);
            }
            Err(e) => {
                let csv::ErrorKind::Deserialize { err, .. } = e.kind() else {
                    return Err(csv_err(e));
                };
                let field = err.field().map(|f| f as usize);
                let column = field.and_then(|f| headers.get(f)).unwrap_or("?");
                let value = field.and_then(|f| record.get(f)).unwrap_or("");
                return Err(bad(line, column, format!("{value:?}: {}", err.kind())));
            }
        }
    }
    Ok(rows)
}
