//! Appending rows to a CSV file (or JSON Lines: one object per line, no header). Opening is two steps, so a run can check every output
//! before it creates any: [`RowWriter::check`] (a regular file or none, a header that is
//! the same, no partial last row, nothing read without a bound) and [`Checked::create`].
//! Each row goes out as one write of a whole line; a failed write (disk full) is cut
//! back to the last whole row, so nothing recorded is ever lost or left half-written.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use super::{RecordError, Row};

/// Longest header line read from an existing file: anything longer is not ours.
pub const MAX_HEADER: u64 = 64 << 10;

/// How rows are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// A header line, then one CSV line per row.
    #[default]
    Csv,
    /// One JSON object per line (absent figures are `null`), like iperf3's
    /// `--json-stream`: each line is whole when written.
    Jsonl,
}

/// An output that passed its checks and may now be created.
#[derive(Debug)]
pub struct Checked {
    path: PathBuf,
    header: String,
    /// The file exists with our header already (CSV), or is not empty (JSON Lines).
    has_header: bool,
    format: Format,
}

/// A file rows are appended to, one whole line per write.
pub struct RowWriter {
    path: PathBuf,
    format: Format,
    file: File,
    /// Length of the file after the last whole row: where a failed write is cut back to
    /// (`None` for stdout, which is never cut: it may be the user's own file).
    len: Option<u64>,
    line: Vec<u8>,
}

impl RowWriter {
    /// Checks `path` for rows shaped like `example` (its `second` decides whether this
    /// is a samples file) without creating or changing anything: it must be a regular
    /// file (or not exist yet, in a folder that does), with our header if it has one,
    /// ending in a whole row.
    pub fn check(path: &Path, example: &Row) -> Result<Checked, RecordError> {
        Self::check_as(path, example, Format::Csv)
    }

    /// [`RowWriter::check`] for rows written as `format`. An existing JSON Lines file
    /// must start with an object of the same columns.
    pub fn check_as(path: &Path, example: &Row, format: Format) -> Result<Checked, RecordError> {
        let io_err = |source| RecordError::Io {
            path: path.to_path_buf(),
            error: source,
        };
        let header = header_line(example).map_err(|source| RecordError::Csv {
            path: path.to_path_buf(),
            error: source,
        })?;
        if is_stdout(path) {
            return Ok(Checked {
                path: path.to_path_buf(),
                header,
                has_header: false,
                format,
            });
        }
        let has_header = match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => {
                return Err(RecordError::NotRegular {
                    path: path.to_path_buf(),
                });
            }
            Ok(meta) if meta.len() == 0 => false,
            Ok(meta) => {
                let mut file = File::open(path).map_err(io_err)?;
                let first = first_line(&mut file, path)?;
                let ours = match format {
                    Format::Csv => first.trim_end() == header,
                    Format::Jsonl => json_columns(first.trim_end()) == json_columns_of(example),
                };
                if !ours {
                    return Err(RecordError::OtherColumns {
                        path: path.to_path_buf(),
                    });
                }
                if let Some(line) = partial_last_line(path, meta.len()).map_err(io_err)? {
                    return Err(RecordError::PartialRow {
                        path: path.to_path_buf(),
                        line,
                    });
                }
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                if parent.is_some_and(|p| !p.is_dir()) {
                    return Err(io_err(e));
                }
                false
            }
            Err(e) => return Err(io_err(e)),
        };
        Ok(Checked {
            path: path.to_path_buf(),
            header,
            has_header,
            format,
        })
    }

    /// [`RowWriter::check`], then [`Checked::create`].
    pub fn open(path: &Path, example: &Row) -> Result<RowWriter, RecordError> {
        Self::check(path, example)?.create()
    }

    /// Writes one row as one whole line. If the write fails, the file is cut back to
    /// its last whole row and the error returned.
    pub fn write(&mut self, row: &Row) -> Result<(), RecordError> {
        self.line.clear();
        if self.format == Format::Jsonl {
            serde_json::to_writer(&mut self.line, row).map_err(|e| RecordError::Io {
                path: self.path.clone(),
                error: e.into(),
            })?;
            self.line.push(b'\n');
        } else {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut self.line);
            w.serialize(row).map_err(|source| RecordError::Csv {
                path: self.path.clone(),
                error: source,
            })?;
            w.flush().map_err(|source| RecordError::Io {
                path: self.path.clone(),
                error: source,
            })?;
        }
        match self.file.write_all(&self.line) {
            Ok(()) => {
                if let Some(len) = &mut self.len {
                    *len += self.line.len() as u64;
                }
                Ok(())
            }
            Err(source) => {
                // Best effort: a half row must not stay behind the whole ones.
                if let Some(len) = self.len {
                    let _ = self.file.set_len(len);
                }
                Err(RecordError::Io {
                    path: self.path.clone(),
                    error: source,
                })
            }
        }
    }
}

impl Checked {
    /// Creates (or opens for appending) the checked file, writing the header if it has
    /// none yet.
    pub fn create(self) -> Result<RowWriter, RecordError> {
        let io_err = |source| RecordError::Io {
            path: self.path.clone(),
            error: source,
        };
        let mut file = if is_stdout(&self.path) {
            // `--record -`: rows stream to stdout (a pipe, for jq or a notebook).
            use std::os::fd::AsFd;
            File::from(
                std::io::stdout()
                    .as_fd()
                    .try_clone_to_owned()
                    .map_err(io_err)?,
            )
        } else {
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(io_err)?
        };
        let mut len = if is_stdout(&self.path) {
            None
        } else {
            Some(file.metadata().map_err(io_err)?.len())
        };
        if !self.has_header && self.format == Format::Csv {
            let line = format!("{}\n", self.header);
            if let Err(e) = file.write_all(line.as_bytes()) {
                if let Some(len) = len {
                    let _ = file.set_len(len);
                }
                return Err(io_err(e));
            }
            if let Some(len) = &mut len {
                *len += line.len() as u64;
            }
        }
        Ok(RowWriter {
            path: self.path,
            format: self.format,
            file,
            len,
            line: Vec::with_capacity(4096),
        })
    }
}

/// `-`: the rows go to stdout.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The first line of `file`, read with a bound: longer than [`MAX_HEADER`] is an error.
pub(super) fn first_line(file: &mut File, path: &Path) -> Result<String, RecordError> {
    let mut first = String::new();
    BufReader::new(file.take(MAX_HEADER + 1))
        .read_line(&mut first)
        .map_err(|source| RecordError::Io {
            path: path.to_path_buf(),
            error: source,
        })?;
    if first.len() as u64 > MAX_HEADER {
        return Err(RecordError::HeaderTooLong {
            path: path.to_path_buf(),
        });
    }
    Ok(first)
}

/// The 1-based line number of a last line without its newline, if the file (of `len`
/// bytes) ends in one.
fn partial_last_line(path: &Path, len: u64) -> std::io::Result<Option<usize>> {
    let mut file = File::open(path)?;
    let mut lines = 1usize;
    let mut last = b'\n';
    let mut buf = [0u8; 64 << 10];
    let mut left = len;
    while left > 0 {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
        last = buf[n - 1];
        left = left.saturating_sub(n as u64);
    }
    Ok((last != b'\n').then_some(lines))
}

/// The header line rows like `example` get.
pub(super) fn header_line(example: &Row) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(example)?;
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.lines().next().unwrap_or_default().to_string())
}

/// The keys of a JSON object line, in order; `None` when it is not one.
fn json_columns(line: &str) -> Option<Vec<String>> {
    match serde_json::from_str::<serde_json::Value>(line).ok()? {
        serde_json::Value::Object(map) => Some(map.keys().cloned().collect()),
        _ => None,
    }
}

/// The keys rows like `example` get as JSON objects.
fn json_columns_of(example: &Row) -> Option<Vec<String>> {
    match serde_json::to_value(example).ok()? {
        serde_json::Value::Object(map) => Some(map.keys().cloned().collect()),
        _ => None,
    }
}
