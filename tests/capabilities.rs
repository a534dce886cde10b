//! Without sudo: an unprivileged user runs loopback cells as is, and with the copy
//! meter once the binary holds CAP_BPF and CAP_PERFMON as file capabilities (`setcap`,
//! as trippy documents). Skipped only where the filesystem refuses file capabilities.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// The binary copied where `nobody` can run it, in `dir`.
fn copy_into(dir: &Path, name: &str) -> std::path::PathBuf {
    let copy = dir.join(name);
    std::fs::copy(env!("CARGO_BIN_EXE_netio-tui"), &copy).expect("copy");
    copy
}

/// One 4K two-copy cell as `nobody`, rows as JSON on stdout: the first row.
fn one_cell_as_nobody(bin: &Path) -> serde_json::Value {
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(bin)
        .args(common::JSONL_TO_STDOUT)
        .args(["--strategies", "a1", "--sizes", "4K"])
        .args(common::one_brief_round("200ms"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).expect("utf-8");
    serde_json::from_str(text.lines().next().expect("a row")).expect("JSON")
}

#[test]
fn an_unprivileged_user_measures_loopback_and_with_capabilities_the_copy_meter() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        common::skip("setting file capabilities and switching user need root");
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        common::skip("setpriv (util-linux) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let plain = copy_into(dir.path(), "plain");
    let capable = copy_into(dir.path(), "capable");
    let set = Command::new("setcap")
        .args(["cap_bpf,cap_perfmon+ep"])
        .arg(&capable)
        .output();
    match set {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return common::skip_allowed(&format!(
                "the filesystem refuses file capabilities: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Err(e) => {
            common::skip(&format!("setcap (libcap2-bin) is not installed: {e}"));
            return;
        }
    }
    // Loopback needs nothing: measured, the copy columns absent with the reason.
    let row = one_cell_as_nobody(&plain);
    assert!(
        row["throughput_gbps"].as_f64().is_some_and(|g| g > 0.0),
        "{row}"
    );
    assert!(
        row["tx_copied_bytes"].is_null(),
        "no meter without the capabilities: {row}"
    );
    // With CAP_BPF and CAP_PERFMON the meter counts what the sender copied.
    let row = one_cell_as_nobody(&capable);
    let copied = row["tx_copied_bytes"].as_u64().expect("the meter counted");
    let sent = row["bytes"].as_u64().expect("bytes");
    // Two-copy copies each byte once into the kernel: about one copy per byte (the
    // window's edges can split a message between the two counts).
    let per_byte = copied as f64 / sent as f64;
    assert!(
        (0.99..=1.01).contains(&per_byte),
        "copied {copied} of {sent}: {row}"
    );
}
