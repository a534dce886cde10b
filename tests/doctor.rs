//! `netio-tui doctor`: exits 0, reports every event, and agrees with a probe of its own.

use std::process::Command;

use netio_core::counters::perf::{Event, Scope, probe};

fn doctor(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_netio-tui"))
        .arg("doctor")
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn doctor_reports_every_event_and_matches_a_direct_probe() {
    let o = doctor(&["--json"]);
    assert!(o.status.success());
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let events = report["events"].as_array().expect("events");
    assert_eq!(events.len(), Event::ALL.len());
    let cycles_open = probe(Event::Cycles, Scope::KernelAndUser).is_ok()
        || probe(Event::Cycles, Scope::UserOnly).is_ok();
    let reported = events
        .iter()
        .find(|e| e["event"] == "cycles")
        .expect("cycles listed");
    assert_eq!(reported["opens"].as_bool(), Some(cycles_open));
    assert_eq!(
        report["hardware_counters"]["ok"].as_bool(),
        Some(cycles_open)
    );
    if !cycles_open {
        assert!(
            reported["errno"].as_i64().is_some(),
            "the errno is given: {reported}"
        );
        assert!(
            report["hardware_counters"]["fix"]
                .as_str()
                .is_some_and(|f| !f.is_empty())
        );
    }
}

#[test]
fn doctor_text_says_what_to_do_where_something_is_missing() {
    let o = doctor(&[]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for label in [
        "machine",
        "perf",
        "hardware",
        "kernel",
        "zero-copy",
        "io_uring",
        "copy meter",
        "netns",
        "iproute2",
        "tc",
    ] {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
    // Check lines start at column 0 ("netem      no   ..."), registry lines too
    // ("path       netns      no   ..."); event lines are indented.
    let missing = text
        .lines()
        .filter(|l| {
            !l.starts_with(' ') && (l.get(11..14) == Some("no ") || l.get(22..25) == Some("no "))
        })
        .count();
    let fixes = text
        .lines()
        .filter(|l| l.trim_start().starts_with("fix:"))
        .count();
    assert!(
        fixes >= missing,
        "every missing capability has a fix:\n{text}"
    );
    // It fits a classroom's 80-column terminal.
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line}");
    }
    // Each pair is two busy threads: the default matrix's 8 pairs need 16 cores.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(
        text.contains("busy threads"),
        2 * 8 > cores,
        "the busy-threads warning matches {cores} cores:\n{text}"
    );
}
