use super::*;
use crate::figure::Figure;
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
            ..Row::default()
        },
        Row {
            strategy: "two-copy".into(),
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
        second_row.contains(",two-copy,0,0,0.0,0,0,0.0,0.0,,,,,,,,,"),
        "{second_row}"
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
    assert!(
        err.to_string()
            .starts_with("r.csv: row 1, column size_bytes: "),
        "{err}"
    );
    let err = read_rows_from(path, "strategy,threads\none-copy,1\n".as_bytes())
        .expect_err("columns missing");
    assert_eq!(
        err.to_string(),
        "r.csv: row 0, column run_id: missing column"
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
