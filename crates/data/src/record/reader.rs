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

/// Reads rows from `input` (CSV, or JSON Lines as `--format jsonl` writes them), naming
/// `path` in errors: the line and column of the first value that does not parse or
/// that no measurement can have, or the missing column.
pub fn read_rows_from(path: &Path, input: &[u8]) -> Result<Vec<Row>, RecordError> {
    if input.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        // Each object becomes a CSV line under the first object's keys, so both
        // formats pass the same checks; the header line shifts lines by one.
        let csv = jsonl_as_csv(path, input)?;
        return read_csv_rows(path, &csv).map_err(|e| match e {
            RecordError::Bad {
                path,
                line,
                column,
                reason,
            } => RecordError::Bad {
                path,
                line: line.saturating_sub(1).max(1),
                column,
                reason,
            },
            other => other,
        });
    }
    read_csv_rows(path, input)
}

/// JSON Lines as CSV text: a header of the first object's keys, then one line per
/// object (absent figures, `null`, as empty cells).
fn jsonl_as_csv(path: &Path, input: &[u8]) -> Result<Vec<u8>, RecordError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut keys: Option<Vec<String>> = None;
    let csv_err = |error| RecordError::Csv {
        path: path.to_path_buf(),
        error,
    };
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bad = |reason: String| RecordError::Bad {
            path: path.to_path_buf(),
            line: i + 1,
            column: "?".into(),
            reason,
        };
        let object = match serde_json::from_slice::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => return Err(bad("not a JSON object".into())),
            Err(e) => return Err(bad(format!("not JSON: {e}"))),
        };
        let keys = match &mut keys {
            Some(k) => k,
            None => {
                let k: Vec<String> = object.keys().cloned().collect();
                out.write_record(k.iter()).map_err(csv_err)?;
                keys.insert(k)
            }
        };
        let cells = keys.iter().map(|k| match object.get(k) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        });
        out.write_record(cells).map_err(csv_err)?;
    }
    out.into_inner().map_err(|e| csv_err(e.into_error().into()))
}

/// Reads the rows of CSV text (see [`read_rows_from`]).
fn read_csv_rows(path: &Path, input: &[u8]) -> Result<Vec<Row>, RecordError> {
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
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .collect();
    // Most of ours missing: another tool's file, not a damaged recording.
    if missing.len() * 2 > REQUIRED_COLUMNS.len() {
        return Err(RecordError::NotOurs {
            path: path.to_path_buf(),
        });
    }
    if let Some(first) = missing.first() {
        return Err(bad(1, first, "missing column".into()));
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
