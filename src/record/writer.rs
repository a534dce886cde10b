//! Appending rows to a CSV file: a header for a new file, the same header or a refusal
//! for an existing one (nothing recorded is ever overwritten), a flush after every row.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::{RecordError, Row};

/// A CSV file rows are appended to, flushed after every row.
pub struct RowWriter {
    path: PathBuf,
    writer: csv::Writer<File>,
}

impl RowWriter {
    /// Opens `path` for rows shaped like `example` (its `second` decides whether this
    /// is a samples file). A new or empty file gets a header; an existing file is
    /// appended to only if its header is the same, so nothing recorded is overwritten.
    pub fn open(path: &Path, example: &Row) -> Result<RowWriter, RecordError> {
        let io_err = |source| RecordError::Io {
            path: path.to_path_buf(),
            source,
        };
        let header = header_line(example).map_err(|source| RecordError::Csv {
            path: path.to_path_buf(),
            source,
        })?;
        let existing = match File::open(path) {
            Ok(f) => {
                let mut first = String::new();
                BufReader::new(f).read_line(&mut first).map_err(io_err)?;
                Some(first)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(e)),
        };
        let needs_header = match existing.as_deref() {
            None | Some("") => true,
            Some(first) if first.trim_end() == header => false,
            Some(_) => {
                return Err(RecordError::OtherColumns {
                    path: path.to_path_buf(),
                });
            }
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io_err)?;
        let mut file = file;
        if needs_header {
            writeln!(file, "{header}").map_err(io_err)?;
        }
        Ok(RowWriter {
            path: path.to_path_buf(),
            writer: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(file),
        })
    }

    /// Writes and flushes one row.
    pub fn write(&mut self, row: &Row) -> Result<(), RecordError> {
        let csv_err = |source| RecordError::Csv {
            path: self.path.clone(),
            source,
        };
        self.writer.serialize(row).map_err(csv_err)?;
        self.writer.flush().map_err(|source| RecordError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

/// The header line rows like `example` get.
pub(super) fn header_line(example: &Row) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(example)?;
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.lines().next().unwrap_or_default().to_string())
}
