//! Reading a recording back: every row, with errors that name the file, row and
//! column, and with the absences the row's own columns explain named.

use std::fs::File;
use std::path::Path;

use super::{RecordError, Row};

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

/// Reads every row of a recording (cells or samples file).
pub fn read_rows(path: &Path) -> Result<Vec<Row>, RecordError> {
    let file = File::open(path).map_err(|source| RecordError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_rows_from(path, file)
}

/// Reads rows from `input`, naming `path` in errors: the row (1 = first data row) and
/// the column of the first value that does not parse, or the missing column.
pub fn read_rows_from(path: &Path, input: impl std::io::Read) -> Result<Vec<Row>, RecordError> {
    let bad = |row: usize, column: Option<String>, reason: String| RecordError::Bad {
        path: path.to_path_buf(),
        row,
        column: column.unwrap_or_else(|| "?".into()),
        reason,
    };
    let mut reader = csv::Reader::from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| bad(0, None, e.to_string()))?
        .clone();
    if let Some(missing) = REQUIRED_COLUMNS
        .iter()
        .find(|c| !headers.iter().any(|h| h == **c))
    {
        return Err(bad(
            0,
            Some((*missing).to_string()),
            "missing column".into(),
        ));
    }
    let mut rows = Vec::new();
    for (i, result) in reader.deserialize::<Row>().enumerate() {
        match result {
            Ok(mut row) => {
                row.explain_absences();
                rows.push(row);
            }
            Err(e) => {
                let (column, reason) = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => (
                        err.field()
                            .and_then(|f| headers.get(f as usize))
                            .map(str::to_string),
                        err.kind().to_string(),
                    ),
                    other => (None, format!("{other:?}")),
                };
                return Err(bad(i + 1, column, reason));
            }
        }
    }
    Ok(rows)
}
