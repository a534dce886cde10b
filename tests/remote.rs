//! `--remote` between two real processes in two network namespaces: a small matrix
//! both ways with every figure from both hosts, and keys: wrong, none, another
//! protocol version, each refused with a clear message while the server keeps serving.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::two_hosts::{SERVER, TwoHosts};
use netio_core::row::Row;
use netio_data::record::read_rows;
use netio_remote::frame;
use netio_remote::protocol::Message;

/// Namespace names derive from the pid: one test at a time in this process.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Records the small matrix through `hosts` (`--reverse` when asked); its rows.
fn matrix(hosts: &TwoHosts, reverse: bool) -> Vec<Row> {
    let out = hosts
        .dir
        .path()
        .join(if reverse { "rev.csv" } else { "fwd.csv" });
    let mut c = hosts.client();
    if reverse {
        c.arg("--reverse");
    }
    let run = c
        .args(["--record"])
        .arg(&out)
        .args(["--strategies", "one-copy,zero-copy", "--sizes", "4K,64K"])
        .args(["--threads", "1,2", "--verify", "--duration", "500ms"])
        .args(["--warmup", "200ms", "--repeat", "1"])
        .output()
        .expect("the controller ran");
    assert!(
        run.status.success(),
        "the controller failed: {}\nserver log:\n{}",
        String::from_utf8_lossy(&run.stderr),
        hosts.log_text()
    );
    read_rows(&out).expect("the recording reads back")
}

#[test]
fn a_small_matrix_runs_both_ways_with_figures_from_both_hosts() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    for reverse in [false, true] {
        let rows = matrix(&hosts, reverse);
        assert_eq!(rows.len(), 8, "2 strategies x 2 sizes x 2 thread counts");
        for r in &rows {
            let what = format!(
                "{} {} x{} reverse={reverse}",
                r.strategy, r.size_bytes, r.threads
            );
            assert_eq!(r.net_mode, "remote", "{what}");
            assert_eq!(r.integrity_errors, 0, "{what}");
            assert!(r.bytes > 0 && r.throughput_gbps.is_measured(), "{what}");
            assert_eq!(r.peer.as_deref(), Some(SERVER), "{what}");
            assert_eq!(r.peer_nic_driver.as_deref(), Some("veth"), "{what}");
            let far = if reverse { "senders" } else { "receivers" };
            assert_eq!(r.peer_runs.as_deref(), Some(far), "{what}");
            // Each host set its own end; the far end's readback came back to compare.
            assert_eq!(r.ends_alike, Some(true), "{what}");
            assert!(
                r.peer_kernel.as_deref().is_some_and(|k| !k.is_empty()),
                "{what}"
            );
            // Both hosts' CPU and both sides' TCP_INFO: the far side's came over the
            // control channel.
            assert!(r.tx_cpu_ns_per_byte.is_measured(), "{what}: sender CPU");
            assert!(r.rx_cpu_ns_per_byte.is_measured(), "{what}: receiver CPU");
            assert!(
                r.tcpi_rtt_us.is_measured() && r.tcpi_cwnd.is_measured(),
                "{what}"
            );
            assert!(
                r.rx_tcpi_rtt_us.is_measured() && r.rx_tcpi_retrans.is_measured(),
                "{what}"
            );
            assert!(r.tx_voluntary_switches.is_measured(), "{what}");
            assert!(r.rx_voluntary_switches.is_measured(), "{what}");
            // Two clocks: no one-way figure, and it says why.
            assert!(
                !r.lat_p99_us.is_measured(),
                "{what}: one-way latency across hosts"
            );
        }
        let zc: Vec<&Row> = rows.iter().filter(|r| r.strategy == "zero-copy").collect();
        assert!(
            zc.iter().all(|r| r.zc_completions.is_measured()),
            "the ledger travels"
        );
    }
    assert!(
        hosts.log_text().matches("said bye").count() >= 2,
        "{}",
        hosts.log_text()
    );
}

/// A handshake by hand: `hello` sent, the server's first answer read.
fn first_answer(hosts: &TwoHosts, hello: &Message) -> Message {
    let mut s = hosts
        .in_client_ns(|| TcpStream::connect(SERVER))
        .expect("connected");
    frame::write_frame(&mut s, &hello.to_bytes()).expect("sent");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let bytes = frame::read_frame(&mut s, frame::MAX_FRAME, deadline).expect("an answer");
    Message::parse(&bytes).expect("a message")
}

#[test]
fn wrong_no_and_other_version_keys_are_refused_and_the_server_keeps_serving() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let wrong = hosts.dir.path().join("wrong.key");
    netio_remote::auth::Key::write_new(&wrong).expect("another key");
    use std::os::unix::fs::PermissionsExt;
    let mut c = hosts.bare_client();
    c.arg("--key-file").arg(&wrong);
    let (ok, err) = hosts.one_cell(c, "a.csv", "300ms");
    assert!(
        !ok && err.contains("does not hold this key"),
        "wrong key: {err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error")).count(),
        1,
        "{err}"
    );
    let (ok, err) = hosts.one_cell(hosts.bare_client(), "b.csv", "300ms");
    assert!(
        !ok && err.contains("no key given (--key-file FILE or NETIO_KEY"),
        "no key: {err}"
    );
    assert!(
        !hosts.dir.path().join("b.csv").exists(),
        "a refused run leaves no file"
    );
    let answer = first_answer(
        &hosts,
        &Message::Hello {
            version: 999,
            nonce: "00".repeat(32),
        },
    );
    match answer {
        Message::Refused { reason } => {
            assert!(
                reason.contains("protocol 2") && reason.contains("999"),
                "{reason}"
            )
        }
        other => panic!("a version mismatch must be refused, got {other:?}"),
    }
    // A group-readable key never leaves this host.
    let loose = hosts.dir.path().join("loose.key");
    std::fs::write(&loose, "a-test-key-of-32-bytes-0123456789\n").expect("written");
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut c = hosts.bare_client();
    c.arg("--key-file").arg(&loose);
    let run = c
        .args(["--record", "/nonexistent/x.csv"])
        .output()
        .expect("ran");
    assert_eq!(run.status.code(), Some(2), "bad input exits 2");
    assert!(String::from_utf8_lossy(&run.stderr).contains("chmod 600"));
    // ...and the server still serves the right key.
    let (ok, err) = hosts.one_cell(hosts.client(), "c.csv", "300ms");
    assert!(ok, "after the refusals: {err}\n{}", hosts.log_text());
    let log = hosts.log_text();
    assert!(
        log.contains("wrong key") && log.contains("version mismatch"),
        "{log}"
    );
}

#[test]
fn a_second_controller_is_told_busy() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let key = netio_remote::auth::Key::from_file(&hosts.key).expect("key");
    let first = hosts
        .in_client_ns(|| netio_remote::client::Controller::connect(SERVER, key.clone(), false));
    let first = first.expect("the first controller is served");
    let second =
        hosts.in_client_ns(|| netio_remote::client::Controller::connect(SERVER, key, false));
    let e = second.err().expect("busy").to_string();
    assert!(e.contains("busy"), "{e}");
    drop(first);
    let mut s = hosts
        .in_client_ns(|| TcpStream::connect(SERVER))
        .expect("connected");
    let _ = s.write_all(b"x");
    let mut buf = [0u8; 1];
    let _ = s.read(&mut buf);
}
