//! report, plot and replay on recordings: answers from the file, charts from the file,
//! and one clear line (exit 2) for a file that is missing or malformed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netio-tui"))
}

/// A small recording made by the real binary (loopback, one size, two thread counts).
fn recording(dir: &Path) -> PathBuf {
    let csv = dir.join("r.csv");
    let o = bin()
        .arg("--record")
        .arg(&csv)
        .args(["--sizes", "4K,64K"])
        .args(common::one_brief_round("300ms"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    csv
}

#[test]
fn report_answers_from_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = recording(dir.path());
    let o = bin().arg("report").arg(&csv).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    for heading in [
        "## Summary",
        "## Where one-copy beats two-copy",
        "## Where zero-copy beats the copying strategies",
        "## The largest throughput drop as threads rise",
        "## What the kernel copied for zero-copy",
        "## Where cache misses per byte fall most",
    ] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    // Six data rows, each cell cited by its row number; one run each, so the spread
    // comes from the per-second samples and says so.
    assert!(
        text.contains("| zero-copy | stream | 64K | 1 | 1 |"),
        "{text}"
    );
    // (The flags column may say "receiver behind" on a loaded machine: not asserted.)
    let row6 = text
        .lines()
        .find(|l| l.starts_with("| zero-copy | stream | 64K | 1 |"))
        .expect("zero-copy 64K line");
    assert!(
        row6.contains("| within one run |") && row6.ends_with("| row 6 |"),
        "{row6}"
    );
    assert!(!text.contains("which is why"), "{text}");
}

#[test]
fn bad_recordings_get_one_line_naming_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.csv");
    let columns = dir.path().join("columns.csv");
    std::fs::write(&columns, "strategy,threads\none-copy,1\n").expect("write");
    let good = recording(dir.path());
    let text = std::fs::read_to_string(&good).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Row 2's throughput becomes unparsable.
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "throughput_gbps")
        .expect("column");
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    cells[col] = "fast".into();
    lines[2] = cells.join(",");
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, lines.join("\n") + "\n").expect("write");

    for sub in ["report", "replay", "plot"] {
        for (file, expected) in [
            (&missing, format!("error: {}: ", missing.display())),
            (
                &columns,
                format!("error: {}: not a netio-tui recording", columns.display()),
            ),
            (
                &broken,
                format!(
                    "error: {}:3: column throughput_gbps: \"fast\" is not a number",
                    broken.display()
                ),
            ),
        ] {
            let o = bin().arg(sub).arg(file).output().expect("runs");
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{sub} {}: {err}", file.display());
            assert_eq!(err.trim_end().lines().count(), 1, "{sub}: {err}");
            assert!(
                err.starts_with(&expected),
                "{sub}: expected {expected:?}, got {err}"
            );
        }
    }
}

#[test]
fn plot_writes_charts_and_a_python_script_that_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = recording(dir.path());
    let out = dir.path().join("charts");
    let py = dir.path().join("charts.py");
    let o = bin()
        .arg("plot")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .arg("--python")
        .arg(&py)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let written: Vec<&str> = std::str::from_utf8(&o.stdout)
        .expect("utf-8")
        .lines()
        .collect();
    assert!(
        written
            .iter()
            .any(|p| p.ends_with("throughput-vs-size-1threads.png")),
        "{written:?}"
    );
    for p in &written {
        let bytes = std::fs::read(p).expect("chart written");
        assert_eq!(&bytes[..4], b"\x89PNG");
    }
    // No hardware counters here: the cache-miss charts are skipped, and said so.
    if !std::fs::read_to_string(&csv)
        .expect("read")
        .contains(",yes,")
    {
        assert!(
            err.contains("skipped: cache-misses-vs-size-1threads"),
            "{err}"
        );
    }
    let has_matplotlib = Command::new("python3")
        .args(["-c", "import matplotlib"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_matplotlib {
        common::skip("the python part: python3 with matplotlib is not installed");
        return;
    }
    // The script redraws every chart plot drew, into the folder given as its argument.
    let py_out = dir.path().join("py-charts");
    let run = Command::new("python3")
        .arg(&py)
        .arg(&py_out)
        .output()
        .expect("python runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for p in &written {
        let name = std::path::Path::new(p)
            .file_name()
            .expect("a file")
            .to_string_lossy();
        let png = py_out.join(format!("py-{name}"));
        assert!(
            std::fs::read(&png).is_ok_and(|b| b.starts_with(b"\x89PNG")),
            "{}",
            png.display()
        );
    }
    let script = std::fs::read_to_string(&py).expect("script");
    let rows = netio_data::record::read_rows(&csv).expect("reads");
    let first = rows
        .iter()
        .find(|r| r.strategy == "two-copy")
        .expect("two-copy row");
    assert!(
        script.contains(&format!(
            "{}",
            first.throughput_gbps.value().expect("measured")
        )),
        "the arrays hold the file's values"
    );
}

#[test]
fn svg_charts_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = recording(dir.path());
    let out = dir.path().join("svg");
    let o = bin()
        .arg("plot")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .args(["--format", "svg"])
        .output()
        .expect("runs");
    assert!(o.status.success());
    let svg =
        std::fs::read_to_string(out.join("throughput-vs-size-1threads.svg")).expect("svg written");
    assert!(svg.starts_with("<svg") && svg.contains("Throughput vs message size"));
}

/// `compare` on a bundled recording against itself and against a copy with two-copy
/// halved: nothing regressed, then a regression that `--fail-on` turns into exit 1.
#[test]
fn compare_finds_a_planted_regression_and_gates_on_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/loopback-default-20261207.csv");
    let mut reader = csv::Reader::from_path(&before).expect("bundled recording");
    let headers = reader.headers().expect("header").clone();
    let at = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (strategy, gbps) = (at("strategy"), at("throughput_gbps"));
    let slower = dir.path().join("slower.csv");
    let mut writer = csv::Writer::from_path(&slower).expect("writes");
    writer.write_record(&headers).expect("header");
    for record in reader.records() {
        let record = record.expect("row");
        let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
        if cells[strategy] == "two-copy" {
            let g: f64 = cells[gbps].parse().expect("a figure");
            cells[gbps] = format!("{}", g / 2.0);
        }
        writer.write_record(&cells).expect("row");
    }
    writer.flush().expect("flushed");
    let run = |after: &Path, extra: &[&str]| {
        bin()
            .arg("compare")
            .arg(&before)
            .arg(after)
            .args(extra)
            .output()
            .expect("runs")
    };
    let same = run(&before, &["--fail-on", "slower", "--format", "json"]);
    assert!(
        same.status.success(),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&same.stdout).expect("JSON");
    let comparisons = json["comparisons"].as_array().expect("comparisons");
    assert_eq!(comparisons.len(), 72, "every cell of the default matrix");
    assert!(comparisons.iter().all(|c| c["class"] != "slower"));
    let halved = run(&slower, &["--fail-on", "10%"]);
    assert_eq!(halved.status.code(), Some(1), "a regression fails the gate");
    let text = String::from_utf8_lossy(&halved.stdout);
    assert!(text.contains("| two-copy stream 64K ×1 | Gbps |"), "{text}");
    assert!(text.contains("0.500× | 0.500–0.500 | slower |"), "{text}");
    assert!(String::from_utf8_lossy(&halved.stderr).contains("24 cells regressed (--fail-on)"));
}
