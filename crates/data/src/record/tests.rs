use super::*;
use netio_core::figure::Figure;
use std::path::Path;
use writer::header_line;

#[test]
fn csv_round_trip_keeps_values_and_empty_cells() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("r.csv");
    let rows = vec![
        Row {
            run_id: "r1".into(),
            cpu_model: "Some CPU, with a comma".into(),
            strategy: "zero-copy".into(),
            size_bytes: 65536,
            threads: 4,
            throughput_gbps: Figure::Measured(12.3457),
            lat_p99_us: Figure::Measured(812.5),
            tx_cpu_ns_per_byte: Figure::Measured(0.000_123_457),
            zc_sends: Figure::Measured(10),
            zc_copied_pct: Figure::Measured(100.0),
            mtu: Some(65536),
            flagged: Some("busy host: other processes used 49 % of the machine's CPU".into()),
            ends_alike: Some(true),
            other_cpu_pct: Figure::Measured(49.2),
            zc_outstanding_at_end: Figure::Measured(3),
            truncated_frames: Figure::Measured(0),
            ..Row::default()
        },
        Row {
            strategy: "two-copy".into(),
            size_bytes: 1024,
            threads: 1,
            integrity_errors: 3,
            throughput_gbps: Figure::Measured(0.0),
            msgs_per_s: Figure::Measured(0.0),
            ..Row::default()
        },
    ];
    let mut w = RowWriter::open(&path, &Row::default()).expect("opens");
    for r in &rows {
        w.write(r).expect("writes");
    }
    // Read back, the absences the rows explain are named (the ledger does not apply
    // to two-copy); the rest read as "not in the recording".
    let mut expected = rows.clone();
    expected.iter_mut().for_each(Row::explain_absences);
    assert_eq!(expected[1].zc_sends, Figure::NotApplicable);
    assert_eq!(read_rows(&path).expect("reads"), expected);
    // Absent stays empty on disk: no 0 stands in for a figure not measured.
    let text = std::fs::read_to_string(&path).expect("read");
    let second_row = text.lines().nth(2).expect("row");
    assert!(
        second_row.contains(",two-copy,1024,1,0.0,0,0,0.0,0.0,,,,,,,,,"),
        "{second_row}"
    );
}

/// The same rows written as JSON Lines read back as they do from CSV: `compare`,
/// `report` and `plot` take either.
#[test]
fn json_lines_read_back_as_csv_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (csv_path, jsonl_path) = (dir.path().join("r.csv"), dir.path().join("r.jsonl"));
    let row = Row {
        run_id: "r1".into(),
        cpu_model: "CPU, \"quoted\"".into(),
        strategy: "one-copy".into(),
        size_bytes: 4096,
        threads: 2,
        throughput_gbps: Figure::Measured(3.25),
        saturated: Some(false),
        nodelay: Some(true),
        ..Row::default()
    };
    for (path, format) in [(&csv_path, Format::Csv), (&jsonl_path, Format::Jsonl)] {
        let mut w = RowWriter::check_as(path, &Row::default(), format)
            .and_then(|c| c.create())
            .expect("opens");
        w.write(&row).expect("writes");
        w.write(&Row {
            threads: 4,
            ..row.clone()
        })
        .expect("writes");
    }
    let from_csv = read_rows(&csv_path).expect("csv reads");
    assert_eq!(from_csv.len(), 2);
    assert_eq!(read_rows(&jsonl_path).expect("jsonl reads"), from_csv);
    // A value no measurement can have is named with its JSON line.
    std::fs::write(&jsonl_path, "{\"run_id\":\"x\"}\n").expect("writes");
    let err = read_rows(&jsonl_path)
        .expect_err("columns missing")
        .to_string();
    assert!(err.ends_with("not a netio-tui recording (its first line lacks most of run_id, strategy, size_bytes, throughput_gbps, ...)"), "{err}");
    // Another tool's CSV is named as such; ours with a column lost names the column.
    std::fs::write(&jsonl_path, "time,rtt_ms\n1,0.2\n").expect("writes");
    let err = read_rows(&jsonl_path).expect_err("not ours").to_string();
    assert!(err.contains("not a netio-tui recording"), "{err}");
    let text = std::fs::read_to_string(&csv_path).expect("reads");
    std::fs::write(&jsonl_path, text.replacen("started_at", "begun_at", 1)).expect("writes");
    let err = read_rows(&jsonl_path)
        .expect_err("a column lost")
        .to_string();
    assert!(
        err.contains(":1: column started_at: missing column"),
        "{err}"
    );
}

#[test]
fn bad_files_name_the_row_and_column() {
    let path = Path::new("r.csv");
    let mut good = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut good);
        w.serialize(Row {
            strategy: "one-copy".into(),
            ..Row::default()
        })
        .expect("row");
    }
    let text = String::from_utf8(good).expect("utf-8");
    let broken = text.replacen(",one-copy,0,0,", ",one-copy,lots,0,", 1);
    let err = read_rows_from(path, broken.as_bytes()).expect_err("unparsable size");
    assert_eq!(
        err.to_string(),
        "r.csv:2: column size_bytes: \"lots\" is not a number"
    );
    let err = read_rows_from(path, "strategy,threads\none-copy,1\n".as_bytes())
        .expect_err("columns missing");
    assert!(
        err.to_string()
            .starts_with("r.csv: not a netio-tui recording"),
        "{err}"
    );
    assert!(read_rows_from(path, "".as_bytes()).is_err());
}

proptest::proptest! {
    #[test]
    fn the_reader_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..4096)) {
        let _ = read_rows_from(Path::new("x.csv"), bytes.as_slice());
    }
}

#[test]
fn samples_header_adds_second_and_phase() {
    let cells = header_line(&Row::default()).expect("header");
    let samples = header_line(&Row {
        second: Some(1),
        phase: Some("measure".into()),
        ..Row::default()
    })
    .expect("header");
    assert!(cells.starts_with(
        "run_id,started_at,net_mode,mtu,kernel,cpu_model,hw_counters,kernel_counting,strategy,"
    ));
    assert!(cells.contains(",zc_enobufs,integrity_errors,"));
    assert!(!cells.split(',').any(|c| c == "second" || c == "phase"));
    assert_eq!(samples, format!("{cells},second,phase"));
}

#[test]
fn outputs_that_cannot_hold_a_recording_are_refused_before_anything_is_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = RowWriter::check(dir.path(), &Row::default()).expect_err("a folder");
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let err = RowWriter::check(&fifo, &Row::default()).expect_err("a FIFO");
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let err = RowWriter::check(Path::new("/dev/full"), &Row::default()).expect_err("a device");
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let nowhere = dir.path().join("no-such-folder").join("r.csv");
    assert!(RowWriter::check(&nowhere, &Row::default()).is_err());
    // Checking creates nothing.
    let fresh = dir.path().join("fresh.csv");
    RowWriter::check(&fresh, &Row::default()).expect("a new file is fine");
    assert!(!fresh.exists());
}

#[test]
fn a_long_first_line_is_an_error_not_an_allocation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.csv");
    std::fs::write(&path, vec![b'x'; (MAX_HEADER + 10) as usize]).expect("write");
    let err = RowWriter::check(&path, &Row::default()).expect_err("too long");
    assert!(err.to_string().contains("longer than 64 KiB"), "{err}");
    let err = read_rows(&path).expect_err("too long to read");
    assert!(err.to_string().contains("longer than 64 KiB"), "{err}");
}

#[test]
fn a_partial_last_row_is_refused_for_appending_and_skipped_for_reading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cut.csv");
    let row = Row {
        strategy: "one-copy".into(),
        size_bytes: 65536,
        threads: 1,
        ..Row::default()
    };
    let mut w = RowWriter::open(&path, &Row::default()).expect("opens");
    w.write(&row).expect("writes");
    w.write(&row).expect("writes");
    drop(w);
    let whole = std::fs::read(&path).expect("read");
    std::fs::write(&path, &whole[..whole.len() - 20]).expect("cut the last row");
    let err = RowWriter::check(&path, &Row::default()).expect_err("partial row");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: line 3 is an incomplete row (a run was cut short?); complete or remove it before appending",
            path.display()
        )
    );
    let rec = read_recording(&path).expect("reads the whole rows");
    assert_eq!(rec.rows.len(), 1);
    let last_line = whole
        .split(|&b| b == b'\n')
        .rev()
        .nth(1)
        .expect("a row")
        .len();
    assert_eq!(rec.ignored_tail_bytes, last_line + 1 - 20);
}

#[test]
fn values_no_measurement_can_have_are_refused_with_file_line_and_column() {
    let mut good = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut good);
        for _ in 0..2 {
            w.serialize(Row {
                strategy: "one-copy".into(),
                size_bytes: 1024,
                threads: 1,
                throughput_gbps: Figure::Measured(1.5),
                ..Row::default()
            })
            .expect("row");
        }
    }
    let text = String::from_utf8(good).expect("utf-8");
    let path = Path::new("r.csv");
    assert_eq!(
        read_rows_from(path, text.as_bytes()).expect("reads").len(),
        2
    );
    for (from, to, says) in [
        (
            ",1.5,",
            ",NaN,",
            "r.csv:3: column throughput_gbps: \"NaN\" is not a finite number",
        ),
        (
            ",1.5,",
            ",inf,",
            "r.csv:3: column throughput_gbps: \"inf\" is not a finite number",
        ),
        (
            ",1.5,",
            ",-1.5,",
            "r.csv:3: column throughput_gbps: \"-1.5\" is not a figure a measurement can have (it is negative)",
        ),
        (
            ",one-copy,",
            ",four-copy,",
            "r.csv:3: column strategy: \"four-copy\" is not a strategy this version knows",
        ),
        (
            ",1024,1,",
            ",0,1,",
            "r.csv:3: column size_bytes: \"0\" is not a message size (8 to 67108864 bytes)",
        ),
        (
            ",1024,1,",
            ",1024,0,",
            "r.csv:3: column threads: \"0\" is not a thread count (1 to 64)",
        ),
    ] {
        // Spoil the second row only.
        let (head, tail) = text.split_at(text.rfind("\n,").map_or(0, |i| i + 1));
        let spoiled = format!("{head}{}", tail.replacen(from, to, 1));
        let err = read_rows_from(path, spoiled.as_bytes()).expect_err(to);
        assert_eq!(err.to_string(), says);
    }
}

#[test]
fn lines_are_counted_in_crlf_files_too() {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for size in [1024, 0] {
        w.serialize(Row {
            strategy: "one-copy".into(),
            size_bytes: size,
            threads: 1,
            ..Row::default()
        })
        .expect("row");
    }
    let bytes = w.into_inner().expect("flushed");
    let err = read_rows_from(Path::new("r.csv"), &bytes).expect_err("size 0");
    assert!(
        err.to_string().starts_with("r.csv:3: column size_bytes:"),
        "{err}"
    );
}
