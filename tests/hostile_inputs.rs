//! The real binary against hostile input: devices, FIFOs and folders as files, files
//! cut short, a full filesystem, values no measurement can have, a refused command.
//! Every case must end in bounded time with one clear line and the right status, and
//! leave nothing behind.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use netio_data::record::read_rows;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netio-tui"))
}

/// Runs `cmd` with a watchdog: killed (and the test failed) after `limit`.
fn bounded(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait().expect("waits").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "still running after {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small measured recording to spoil.
fn recording(dir: &Path) -> std::path::PathBuf {
    let csv = dir.join("good.csv");
    let o = bounded(
        {
            let mut c = bin();
            c.arg("--record").arg(&csv).args([
                "--strategies",
                "one-copy",
                "--sizes",
                "4K",
                "--threads",
                "1",
                "--duration",
                "300ms",
                "--warmup",
                "0s",
                "--repeat",
                "2",
            ]);
            c
        },
        Duration::from_secs(60),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    csv
}

#[test]
fn devices_fifos_and_folders_are_refused_as_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let folder = dir.path().to_str().expect("utf-8").to_string();
    let fifo = fifo.to_str().expect("utf-8").to_string();
    for target in ["/dev/full", "/dev/zero", fifo.as_str(), folder.as_str()] {
        for args in [
            vec!["--record", target],
            vec!["report", target],
            vec!["plot", target],
            vec!["replay", target],
        ] {
            let mut c = bin();
            c.args(&args);
            let o = bounded(c, Duration::from_secs(10));
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains("not a regular file"), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "one line: {err}");
        }
    }
}

#[test]
fn a_refused_command_leaves_no_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cells = dir.path().join("new.csv");
    let mut c = bin();
    c.arg("--record")
        .arg(&cells)
        .args(["--samples", "/dev/full"]);
    let o = bounded(c, Duration::from_secs(10));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("error: --samples /dev/full: "));
    assert!(!cells.exists(), "the --record file was not created");
    // A monitor without a terminal, and an existing --summary file: refused too.
    let existing = dir.path().join("summary.txt");
    std::fs::write(&existing, "mine").expect("write");
    let mut c = bin();
    c.arg("--summary").arg(&existing);
    let o = bounded(c, Duration::from_secs(10));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&existing).expect("read"), "mine");
}

#[test]
fn a_file_cut_short_is_read_whole_and_not_appended_to() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = recording(dir.path());
    let bytes = std::fs::read(&csv).expect("read");
    std::fs::write(&csv, &bytes[..bytes.len() - 30]).expect("cut");
    let mut c = bin();
    c.arg("report").arg(&csv);
    let o = bounded(c, Duration::from_secs(10));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ignored the last") && stderr(&o).contains("read 1 whole rows"),
        "{}",
        stderr(&o)
    );
    let mut c = bin();
    c.arg("--record").arg(&csv).args(["--sizes", "4K"]);
    let o = bounded(c, Duration::from_secs(10));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("line 3 is an incomplete row"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&csv).expect("read").len(),
        bytes.len() - 30,
        "untouched"
    );
}

#[test]
fn values_no_measurement_can_have_are_refused_by_report_plot_and_replay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = recording(dir.path());
    let text = std::fs::read_to_string(&csv).expect("read");
    // Read and rewritten with a CSV parser: some fields (CPU lists) hold commas.
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    for (name, value) in [
        ("throughput_gbps", "inf"),
        ("throughput_gbps", "NaN"),
        ("lat_p99_us", "-3"),
        ("size_bytes", "0"),
        ("threads", "0"),
        ("strategy", "nine-copy"),
        ("workload", "ping"),
        ("rate", "fast"),
        ("rtt_p50_us", "-1"),
    ] {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(&header).expect("header");
        for (i, r) in records.iter().enumerate() {
            let mut fields: Vec<&str> = r.iter().collect();
            if i == 1 {
                fields[column(name)] = value;
            }
            out.write_record(&fields).expect("row");
        }
        let bytes = out.into_inner().expect("flushed");
        let spoiled = dir.path().join("spoiled.csv");
        std::fs::write(&spoiled, bytes).expect("write");
        for cmd in ["report", "plot", "replay"] {
            let mut c = bin();
            c.arg(cmd).arg(&spoiled);
            if cmd == "plot" {
                c.arg("--out-dir").arg(dir.path().join("charts"));
            }
            let o = bounded(c, Duration::from_secs(10));
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {name}={value}: {err}");
            assert!(
                err.contains(&format!(":3: column {name}: \"{value}\" is not")),
                "{cmd} {name}={value}: {err}"
            );
            assert!(!err.contains("Error {"), "no Debug text: {err}");
        }
    }
    // Finite but absurd: plot finishes (refusing) within its watchdog.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut fields: Vec<String> = lines[2].split(',').map(String::from).collect();
    fields[column("throughput_gbps")] = "1.7e308".into();
    lines[2] = fields.join(",");
    // A second size, so a chart has a line to draw (one x value draws none).
    let mut other: Vec<String> = lines[1].split(',').map(String::from).collect();
    other[column("size_bytes")] = "65536".into();
    lines.push(other.join(","));
    let huge = dir.path().join("huge.csv");
    std::fs::write(&huge, lines.join("\n") + "\n").expect("write");
    let mut c = bin();
    c.arg("plot")
        .arg(&huge)
        .arg("--out-dir")
        .arg(dir.path().join("charts"));
    let o = bounded(c, Duration::from_secs(10));
    assert!(!o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("out of range for a chart"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_full_filesystem_keeps_every_whole_row_and_says_so_once() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        common::skip("mounting a small tmpfs needs root");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).expect("mkdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8k", "tmpfs"])
        .arg(&mnt)
        .status()
        .expect("mount runs");
    assert!(mounted.success(), "mount tmpfs");
    let cells = mnt.join("r.csv");
    let samples = mnt.join("s.csv");
    let mut c = bin();
    c.arg("--record")
        .arg(&cells)
        .arg("--samples")
        .arg(&samples)
        .args(["--sizes", "4K,16K", "--threads", "1", "--duration", "1s"])
        .args(["--warmup", "0s", "--repeat", "4"]);
    let o = bounded(c, Duration::from_secs(60));
    let err = stderr(&o);
    let whole = |p: &Path| {
        let bytes = std::fs::read(p).expect("read");
        let ends_whole = bytes.last().is_none_or(|&b| b == b'\n');
        (ends_whole, read_rows(p).map(|r| r.len()))
    };
    let (cells_whole, cell_rows) = whole(&cells);
    let (samples_whole, sample_rows) = whole(&samples);
    let _ = Command::new("umount").arg(&mnt).status();
    assert!(cells_whole && samples_whole, "no half row left behind");
    assert!(cell_rows.is_ok() && sample_rows.is_ok(), "both files read");
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches("No space left on device").count(),
        1,
        "said once: {err}"
    );
    assert!(err.contains("every whole row is kept"), "{err}");
}
