//! Files given to `report`, `plot` and `replay` are checked for what they are (a
//! samples file is not a recording; another run's seconds are refused), `report`
//! speaks JSON, and the shell completions and the manual page come from the CLI.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_netio-tui");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run the binary")
}

/// A short cell at 64K x 1, without the copy meter.
const SHORT: [&str; 11] = [
    "--sizes",
    "64K",
    "--threads",
    "1",
    "--duration",
    "300ms",
    "--warmup",
    "100ms",
    "--repeat",
    "1",
    "--no-copy-meter",
];

/// A one-cell recording and its samples file in `dir`, named after `stem`.
fn record(dir: &Path, stem: &str) -> (String, String) {
    let rec = dir.join(format!("{stem}.csv")).display().to_string();
    let samples = dir
        .join(format!("{stem}-seconds.csv"))
        .display()
        .to_string();
    let mut args = vec![
        "--record",
        &rec,
        "--samples",
        &samples,
        "--strategies",
        "one-copy",
    ];
    args.extend(SHORT);
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (rec, samples)
}

fn refused(out: &Output, says: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(says), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn samples_files_and_other_runs_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (rec, samples) = record(dir.path(), "a");
    let (_, other_samples) = record(dir.path(), "b");
    let plots = dir.path().join("plots").display().to_string();
    refused(&run(&["report", &samples]), "per-second samples file");
    refused(
        &run(&["plot", &samples, "--out-dir", &plots]),
        "per-second samples file",
    );
    refused(&run(&["replay", &samples]), "per-second samples file");
    refused(
        &run(&["replay", &rec, "--samples", &rec]),
        "--samples needs a per-second file",
    );
    refused(
        &run(&["replay", &rec, "--samples", &other_samples]),
        "its seconds are from run",
    );
    assert!(
        !Path::new(&plots).exists(),
        "nothing written for a refused file"
    );
    // The right files are taken.
    assert!(run(&["report", &rec]).status.success());
}

#[test]
fn report_speaks_json_with_the_same_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (rec, _) = record(dir.path(), "a");
    let out = run(&["report", &rec, "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON value");
    assert_eq!(v["rows"], 1);
    let markdown = String::from_utf8(run(&["report", &rec]).stdout).expect("utf-8");
    let sections = v["sections"].as_array().expect("sections");
    assert!(!sections.is_empty());
    for s in sections {
        let title = s["title"].as_str().expect("title");
        assert!(markdown.contains(&format!("## {title}")), "{title}");
    }
    let cell = &v["cells"][0];
    assert_eq!(cell["strategy"], "one-copy");
    assert_eq!(cell["size_bytes"], 65536);
    assert!(
        cell["throughput_gbps"]["median"]
            .as_f64()
            .is_some_and(|g| g > 0.0)
    );
    // Run without the meter: absent, never 0.
    assert!(cell["copies_per_byte"]["sender"].is_null());
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        // Every subcommand and the measuring options are offered (fish: `-l record`).
        for word in [
            "doctor",
            "report",
            "replay",
            "plot",
            "record",
            "no-copy-meter",
        ] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
    }
    refused(&run(&["completions", "tcsh"]), "invalid value");
    let man = run(&["man"]);
    assert!(man.status.success());
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".TH netio-tui 1"), "{page}");
    assert!(page.contains("record"));
    // What a command line cannot say: how the tool exits and what it reads from the
    // environment.
    assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    assert!(page.contains("SIGTERM (143)"), "{page}");
    assert!(
        page.contains(".SH ENVIRONMENT")
            && page.contains("NETIO_KEY")
            && page.contains("\n.nh\n.ad l\n"),
        "{page}"
    );
    // --help says that no arguments opens the monitor, and lists its keys.
    let help = String::from_utf8_lossy(&run(&["--help"]).stdout).to_string();
    assert!(help.contains("With no arguments, netio-tui opens the live monitor"));
    assert!(help.contains("Monitor keys"));
}

#[test]
fn jsonl_records_one_whole_object_per_cell_and_per_second() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rec = dir.path().join("r.jsonl").display().to_string();
    let samples = dir.path().join("s.jsonl").display().to_string();
    let csv = dir.path().join("r.csv").display().to_string();
    let args = |record: &str, format: &str| -> Vec<String> {
        [
            "--record",
            record,
            "--format",
            format,
            "--strategies",
            "one-copy,two-copy",
        ]
        .iter()
        .chain(&SHORT)
        .map(|s| s.to_string())
        .collect()
    };
    let mut jsonl = args(&rec, "jsonl");
    jsonl.extend(["--samples".to_string(), samples.clone()]);
    let ok = |a: &[String]| {
        let out = Command::new(BIN).args(a).output().expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&jsonl);
    ok(&args(&csv, "csv"));
    let objects = |path: &str| -> Vec<serde_json::Map<String, serde_json::Value>> {
        std::fs::read_to_string(path)
            .expect("read")
            .lines()
            .map(
                |l| match serde_json::from_str(l).expect("a whole JSON line") {
                    serde_json::Value::Object(m) => m,
                    other => panic!("not an object: {other}"),
                },
            )
            .collect()
    };
    let cells = objects(&rec);
    assert_eq!(cells.len(), 2, "one object per finished cell");
    // The same columns as the CSV's header, and absent figures are null, never 0.
    let header = std::fs::read_to_string(&csv).expect("csv");
    let columns: Vec<&str> = header.lines().next().expect("header").split(',').collect();
    let keys: Vec<&str> = cells[0].keys().map(String::as_str).collect();
    let mut sorted = columns.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    assert!(cells[0]["tx_copied_bytes"].is_null());
    let seconds = objects(&samples);
    assert!(!seconds.is_empty());
    assert!(
        seconds
            .iter()
            .all(|s| s["phase"].is_string() && s["second"].is_u64())
    );
    // Appending: the same file grows; a CSV file is not taken as JSON Lines.
    ok(&args(&rec, "jsonl"));
    assert_eq!(objects(&rec).len(), 4);
    refused(
        &Command::new(BIN)
            .args(args(&csv, "jsonl"))
            .output()
            .expect("run"),
        "already exists with other columns",
    );
}

/// A typo gets clap's suggestion on the same one line, exit status 2.
#[test]
fn a_typo_gets_one_line_with_what_it_probably_meant() {
    for (args, meant) in [
        (&["--stratgies", "a1"][..], "'--strategies'"),
        (&["reprot", "r.csv"][..], "'report'"),
        (&["plot", "r.csv", "--out", "x"][..], "'--out-dir'"),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(meant), "{args:?}: {err}");
    }
}
