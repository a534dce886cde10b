//! Reading a recording back: every row, with errors that name the file, row and
//! column; and the figures of a row as the monitor shows them in replay.

use std::fs::File;
use std::path::Path;

use super::{RecordError, Row};
use crate::engine::Metrics;

/// The figures of a row, for replay: what the monitor shows of a recorded cell or
/// second. Zero-copy counts are rebuilt from the recorded completions and copied %.
pub fn metrics_of(row: &Row) -> Metrics {
    use crate::counters::perf::PerfValues;
    let perf = |v: [Option<u64>; 7]| -> PerfValues {
        // cycles, instructions, L1d, LLC, context-switches, migrations, page-faults
        [v[0], v[1], v[2], v[3], v[4], v[5], v[6], None]
    };
    let latency = match (
        row.lat_p50_us,
        row.lat_p99_us,
        row.lat_p999_us,
        row.lat_max_us,
    ) {
        (Some(p50_us), Some(p99_us), Some(p999_us), Some(max_us)) => Some(crate::engine::Latency {
            p50_us,
            p99_us,
            p999_us,
            max_us,
        }),
        _ => None,
    };
    let completions = row.zc_completions.unwrap_or(0);
    Metrics {
        seconds: row.duration_s,
        bytes: row.bytes,
        // Not in the CSV: the copy path shows `—` for it in replay.
        sent_wire_bytes: None,
        messages: row.messages,
        throughput_gbps: row.throughput_gbps,
        msgs_per_s: row.msgs_per_s,
        latency,
        send_call_us: row.send_call_us,
        send_calls_per_msg: row.send_calls_per_msg,
        tx_cpu_ns_per_byte: row.tx_cpu_ns_per_byte,
        rx_cpu_ns_per_byte: row.rx_cpu_ns_per_byte,
        sys_cpu_util_pct: row.sys_cpu_util_pct,
        tx_switches: None,
        rx_switches: None,
        integrity_errors: row.integrity_errors,
        zc: crate::strategy::ZeroCopyCounts {
            sends: row.zc_sends.unwrap_or(0),
            completions,
            copied: row
                .zc_copied_pct
                .map_or(0, |p| (p / 100.0 * completions as f64).round() as u64),
            enobufs: row.zc_enobufs.unwrap_or(0),
            gaps: row.zc_gaps.unwrap_or(0),
            ..Default::default()
        },
        tcp: None,
        tx_perf: perf([
            row.tx_cycles,
            row.tx_instructions,
            row.tx_l1d_load_misses,
            row.tx_llc_load_misses,
            row.tx_context_switches,
            row.tx_cpu_migrations,
            row.tx_page_faults,
        ]),
        rx_perf: perf([
            row.rx_cycles,
            row.rx_instructions,
            row.rx_l1d_load_misses,
            row.rx_llc_load_misses,
            row.rx_context_switches,
            row.rx_cpu_migrations,
            row.rx_page_faults,
        ]),
    }
}

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
            Ok(row) => rows.push(row),
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
