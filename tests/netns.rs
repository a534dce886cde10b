//! --netns: cells across two namespaces joined by veth, and clean-up on every way out.
//! Needs root and iproute2 (CI runs as root); elsewhere each test says why it skips.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use netio_core::engine::Network;
use netio_core::engine::{CellConfig, CellOutcome, run_cell};
use netio_core::matrix::Cell;
use netio_core::net::NetnsPair;
use netio_core::net::netns::names_for;
use netio_core::strategy::Strategy;
use netio_data::record::read_rows;

/// Namespace names derive from the pid: one test at a time in this process.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn can_run() -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        common::skip("--netns needs root");
        return false;
    }
    if Command::new("ip").arg("-V").output().is_err() {
        common::skip("iproute2's ip is not installed");
        return false;
    }
    true
}

fn ours_exist(pid: u32) -> bool {
    let p = names_for(pid);
    Path::new("/run/netns").join(&p.sender_ns).exists()
        || Path::new("/run/netns").join(&p.receiver_ns).exists()
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netio-tui"))
}

#[test]
fn a_cell_crosses_the_veth_intact_and_the_pair_is_removed() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !can_run() {
        return;
    }
    let pid = std::process::id();
    {
        let pair = NetnsPair::create(1500, None).expect("namespaces created");
        assert_eq!(pair.measured_mtu(), Some(1500));
        let before = pair.receiver_rx_bytes().expect("veth counters readable");
        let config = CellConfig {
            warmup: Duration::from_millis(100),
            duration: Duration::from_millis(500),
            verify: true,
            network: Network::Netns(pair.path.clone()),
            ..CellConfig::default()
        };
        for strategy in Strategy::ALL {
            let cell = Cell::new(strategy, 64 << 10, 2);
            let s = match run_cell(cell, &config, &AtomicBool::new(false), |_| {}) {
                Ok(CellOutcome::Finished(s)) => s,
                other => panic!("{cell}: {other:?}"),
            };
            assert_eq!(s.integrity_errors, 0, "{cell}");
            // Over the whole cell (a loaded machine may stall a short window).
            let received: u64 = s.connections.iter().map(|c| c.received_messages).sum();
            assert!(received > 0, "{cell}: nothing crossed the veth");
            for c in &s.connections {
                assert_eq!(c.received_messages, c.sent_messages);
            }
            let crossed = pair.receiver_rx_bytes().expect("veth counters") - before;
            let payload: u64 = s.connections.iter().map(|c| c.received_wire_bytes).sum();
            assert!(
                crossed >= payload,
                "{cell}: veth saw {crossed} bytes, receivers read {payload}"
            );
        }
        assert!(ours_exist(pid));
    }
    assert!(!ours_exist(pid), "namespaces left behind after drop");
    let links = String::from_utf8_lossy(
        &Command::new("ip")
            .args(["-o", "link"])
            .output()
            .expect("ip")
            .stdout,
    )
    .into_owned();
    assert!(
        !links.contains(&format!("nio{pid}")),
        "a veth end left in the root namespace:\n{links}"
    );
}

/// `ip netns list`, as text.
fn netns_list() -> String {
    let out = Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Namespaces and links of run `pid` still on the machine.
fn leftovers(pid: u32) -> Vec<String> {
    let p = names_for(pid);
    let mut left: Vec<String> = [&p.sender_ns, &p.receiver_ns]
        .into_iter()
        .filter(|ns| Path::new("/run/netns").join(ns).exists())
        .cloned()
        .collect();
    let links = Command::new("ip")
        .args(["-o", "link"])
        .output()
        .expect("ip link");
    for dev in [&p.sender_dev, &p.receiver_dev] {
        if String::from_utf8_lossy(&links.stdout).contains(&format!(" {dev}")) {
            left.push(dev.clone());
        }
    }
    left
}

/// A `--netns --record` run of a few cells, started in the background.
fn netns_run(csv: &Path) -> std::process::Child {
    bin()
        .arg("--netns")
        .arg("--record")
        .arg(csv)
        .args(["--sizes", "16K,64K", "--threads", "1", "--duration", "1s"])
        .args(["--repeat", "1", "--warmup", "0s"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

#[test]
fn every_stop_signal_mid_run_removes_everything_and_keeps_finished_rows() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !can_run() {
        return;
    }
    for (sig, status) in common::STOP_SIGNALS {
        let dir = tempfile::tempdir().expect("temp dir");
        let csv = dir.path().join("n.csv");
        let mut child = netns_run(&csv);
        let deadline = Instant::now() + Duration::from_secs(20);
        while read_rows(&csv).map(|r| r.len()).unwrap_or(0) < 1 {
            assert!(Instant::now() < deadline, "no row within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            ours_exist(child.id()),
            "the run's namespaces exist while it runs"
        );
        std::thread::sleep(Duration::from_millis(300));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, sig) };
        let exit = child.wait().expect("waits");
        assert_eq!(exit.code(), Some(status), "signal {sig}");
        assert_eq!(leftovers(child.id()), Vec::<String>::new(), "signal {sig}");
        let rows = read_rows(&csv).expect("rows kept");
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r.net_mode == "netns" && r.mtu == Some(1500) && r.integrity_errors == 0)
        );
    }
}

#[test]
fn a_double_ctrl_c_cleans_up_every_time() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !can_run() {
        return;
    }
    for round in 0..10 {
        let dir = tempfile::tempdir().expect("temp dir");
        let child = netns_run(&dir.path().join("n.csv"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !ours_exist(child.id()) {
            assert!(Instant::now() < deadline, "round {round}: no namespaces");
            std::thread::sleep(Duration::from_millis(20));
        }
        // Mid-setup or mid-cell: two signals 20 ms apart.
        std::thread::sleep(Duration::from_millis(100 * (round % 4)));
        for _ in 0..2 {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid = child.id();
        let out = child.wait_with_output().expect("waits");
        // The second signal either finds the cleanup running ("cleaning up, please
        // wait") or the process gone: either way the status and the machine are right.
        assert_eq!(out.status.code(), Some(130), "round {round}");
        assert_eq!(leftovers(pid), Vec::<String>::new(), "round {round}");
    }
    let list = netns_list();
    assert!(!list.contains("nio-"), "left after double Ctrl-C: {list}");
}

#[test]
fn a_pair_left_by_a_killed_run_is_removed_by_the_next_start() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !can_run() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut victim = bin()
        .arg("--netns")
        .arg("--record")
        .arg(dir.path().join("v.csv"))
        .args(["--sizes", "4K", "--duration", "30s", "--repeat", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ours_exist(victim.id()) {
        assert!(
            Instant::now() < deadline,
            "the victim never made its namespaces"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    victim.kill().expect("SIGKILL");
    victim.wait().expect("reaped");
    assert!(ours_exist(victim.id()), "SIGKILL leaves the pair behind");
    let next = bin()
        .arg("--netns")
        .arg("--record")
        .arg(dir.path().join("n.csv"))
        .args(["--strategies", "a2", "--sizes", "4K"])
        .args(common::one_brief_round("200ms"))
        .output()
        .expect("runs");
    assert!(
        next.status.success(),
        "{}",
        String::from_utf8_lossy(&next.stderr)
    );
    let err = String::from_utf8_lossy(&next.stderr);
    assert!(
        err.contains(&format!("nio-{}-tx", victim.id())) && err.contains("killed"),
        "the next start says what it removed: {err}"
    );
    assert!(!ours_exist(victim.id()));
}

#[test]
fn without_root_netns_exits_2_with_the_fix() {
    if Command::new("setpriv").arg("--version").output().is_err() {
        common::skip("setpriv (util-linux) is not installed");
        return;
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        // Already unprivileged: run directly.
        let o = bin()
            .args(["--netns", "--record", "/tmp/never.csv"])
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2));
        return;
    }
    // The test binary may sit in a directory nobody cannot read: copy it out.
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("netio-tui");
    std::fs::copy(env!("CARGO_BIN_EXE_netio-tui"), &copy).expect("copy");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = dir.path().join("n.csv");
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&copy)
        .arg("--netns")
        .arg("--record")
        .arg(&out)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(
        err.trim(),
        "error: --netns needs root (try: sudo netio-tui --netns)"
    );
    assert!(!out.exists(), "nothing created");
}

#[test]
fn bad_netem_exits_2_with_tcs_reason_and_leaves_nothing() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !can_run() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let o = bin()
        .arg("--netns")
        .arg("--record")
        .arg(dir.path().join("n.csv"))
        .args(["--netem", "delay banana"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: --netem: tc refused \"delay banana\": "),
        "{err}"
    );
    assert!(
        !dir.path().join("n.csv").exists(),
        "a refused command creates no file"
    );
    let list = netns_list();
    assert!(!list.contains("nio-"), "{list}");
}
