//! `serve` against hostile and failing controllers, as real processes in two network
//! namespaces: garbage, an oversized length, a slow and a silent connection, a stray
//! data connection are each dropped while a good controller is served; 100 sessions
//! leave its fds and threads as they were; a controller SIGKILLed mid-cell leaves it
//! ready for the next; a server killed mid-cell gives the controller one error and the
//! rows finished so far; a link that stops answering is caught by the timeouts.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::two_hosts::{SERVER, TwoHosts};
use netio_remote::auth::Key;
use netio_remote::client::Controller;
use netio_remote::frame;
use netio_remote::protocol::Message;

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Generous: every server deadline is 5-10 s; a drop later than this is a hang.
const DROPPED_BY: Duration = Duration::from_secs(30);

/// Whether the server closes `s` (EOF or reset) before `DROPPED_BY`.
fn closed_by_server(mut s: TcpStream) -> bool {
    let _ = s.set_read_timeout(Some(DROPPED_BY));
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

fn connect(hosts: &TwoHosts) -> TcpStream {
    hosts
        .in_client_ns(|| TcpStream::connect(SERVER))
        .expect("connected")
}

fn good_session(hosts: &TwoHosts) -> Controller {
    let key = Key::from_file(&hosts.key).expect("key");
    hosts
        .in_client_ns(|| Controller::connect(SERVER, key, false))
        .unwrap_or_else(|e| panic!("a good controller is served: {e}\n{}", hosts.log_text()))
}

/// One recorded cell through the binary; (exit ok, stderr).
fn one_cell(hosts: &TwoHosts, name: &str, duration: &str) -> (bool, String) {
    hosts.one_cell(hosts.client(), name, duration)
}

#[test]
fn hostile_connections_are_dropped_and_a_good_controller_is_served_meanwhile() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(mut hosts) = TwoHosts::start(&[]) else {
        return;
    };
    // First (at most 4 connections from one address wait at once, and this one is
    // dropped as soon as its first frame is read).
    let mut stray = connect(&hosts);
    let bogus = Message::Data {
        token: "ab".repeat(32),
        index: 0,
    };
    frame::write_frame(&mut stray, &bogus.to_bytes()).expect("sent");
    stray
        .write_all(&[0x55; 4096])
        .expect("bytes a measurement must never see");
    let stray_dropped = closed_by_server(stray);
    let mut garbage = connect(&hosts);
    garbage
        .write_all(b"\x00\x00\x00\x10GET / HTTP/1.1\r\n")
        .expect("sent");
    let mut oversized = connect(&hosts);
    oversized
        .write_all(&[0x7f, 0xff, 0xff, 0xff, b'{'])
        .expect("sent");
    let silent = connect(&hosts);
    let slow = connect(&hosts);
    // One byte a second, for longer than the handshake allows.
    let drip = slow.try_clone().expect("dup");
    let dripper = std::thread::spawn(move || {
        let mut drip = drip;
        for b in b"\x00\x00\x00\x40{\"type\":\"hello\"" {
            if drip.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    // Meanwhile, a good controller runs a cell.
    let (ok, err) = one_cell(&hosts, "good.csv", "500ms");
    assert!(ok, "{err}\n{}", hosts.log_text());
    for (what, s) in [
        ("garbage", garbage),
        ("an oversized length", oversized),
        ("a silent connection", silent),
        ("a slow connection", slow),
    ] {
        assert!(
            closed_by_server(s),
            "{what} was not dropped\n{}",
            hosts.log_text()
        );
    }
    assert!(stray_dropped, "a stray data connection was not dropped");
    let _ = dripper.join();
    let log = hosts.log_text();
    for says in [
        "more than the",
        "no complete message",
        "no proof of the waiting cell",
    ] {
        assert!(log.contains(says), "the log should say {says:?}:\n{log}");
    }
    assert!(hosts.server_alive());
    let rows = netio_data::record::read_rows(&hosts.dir.path().join("good.csv")).expect("rows");
    assert_eq!(
        rows[0].integrity_errors, 0,
        "no stray byte reached a receiver"
    );
    let (ok, err) = one_cell(&hosts, "after.csv", "300ms");
    assert!(ok, "served after the hostile ones: {err}");
}

#[test]
fn a_hundred_sessions_leave_the_servers_fds_and_threads_as_they_were() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let before = hosts.fds_and_threads();
    for i in 0..100 {
        let c = good_session(&hosts);
        drop(c);
        if i % 20 == 0 {
            // Some sessions run a cell: its threads, sockets and buffers must go too.
            let (ok, err) = one_cell(&hosts, &format!("s{i}.csv"), "200ms");
            assert!(ok, "session {i}: {err}");
        }
    }
    let after = hosts.settle_to(before, Duration::from_secs(10));
    assert_eq!(
        after,
        before,
        "fds and threads after 100 sessions\n{}",
        hosts.log_text()
    );
}

#[test]
fn a_controller_killed_mid_cell_leaves_the_server_ready_within_seconds() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let before = hosts.fds_and_threads();
    for reverse in [false, true] {
        let mut c = hosts.client();
        if reverse {
            c.arg("--reverse");
        }
        let file = format!("killed-{reverse}.csv");
        let mut victim = hosts
            .cells(&mut c, &file, "zero-copy", "64K", "2", "30s")
            .stderr(Stdio::null())
            .spawn()
            .expect("started");
        let sessions = hosts.log_text().matches("session with").count();
        hosts.wait_log("session with", Duration::from_secs(20));
        while hosts.log_text().matches("session with").count() <= sessions {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_secs(2));
        // `ip netns exec` is the controller itself (it execs): SIGKILL reaches it.
        // SAFETY: kill on a child we spawned.
        unsafe { libc::kill(victim.id() as i32, libc::SIGKILL) };
        let _ = victim.wait();
        let killed = Instant::now();
        let key = Key::from_file(&hosts.key).expect("key");
        let served = loop {
            let k = key.clone();
            match hosts.in_client_ns(|| Controller::connect(SERVER, k, false)) {
                Ok(c) => break c,
                Err(e) if killed.elapsed() < Duration::from_secs(5) => {
                    assert!(e.to_string().contains("busy"), "{e}");
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("not ready 5 s after the kill: {e}\n{}", hosts.log_text()),
            }
        };
        drop(served);
    }
    let after = hosts.settle_to(before, Duration::from_secs(10));
    assert_eq!(
        after,
        before,
        "nothing left of the killed cells\n{}",
        hosts.log_text()
    );
}

#[test]
fn a_server_killed_mid_run_gives_one_error_and_the_rows_so_far() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(mut hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let out = hosts.dir.path().join("partial.csv");
    let mut c = hosts.client();
    let run = hosts
        .cells(
            &mut c,
            "partial.csv",
            "one-copy",
            "4K,64K,256K,1M",
            "1",
            "1s",
        )
        .stderr(Stdio::piped())
        .spawn()
        .expect("started");
    let start = Instant::now();
    while netio_data::record::read_rows(&out).map_or(0, |r| r.len()) < 2 {
        assert!(start.elapsed() < Duration::from_secs(60), "no rows");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = hosts.server.kill();
    let _ = hosts.server.wait();
    let end = run.wait_with_output().expect("ended");
    let err = String::from_utf8_lossy(&end.stderr);
    assert_eq!(end.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches("lost the far host").count(),
        1,
        "one clear error:\n{err}"
    );
    let rows = netio_data::record::read_rows(&out).expect("the finished rows are whole");
    assert!((2..4).contains(&rows.len()), "{} rows", rows.len());
}

#[test]
fn a_link_that_stops_answering_is_caught_by_the_timeouts() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let mut c = hosts.client();
    let run = hosts
        .cells(&mut c, "dark.csv", "one-copy", "64K", "1", "60s")
        .stderr(Stdio::piped())
        .spawn()
        .expect("started");
    hosts.wait_log("session with", Duration::from_secs(20));
    std::thread::sleep(Duration::from_secs(2));
    // Every packet the server's namespace sends is dropped from now on.
    let p = &hosts.pair.path;
    let down = std::process::Command::new("ip")
        .args([
            "-n",
            &p.receiver_ns,
            "link",
            "set",
            "dev",
            &p.receiver_dev,
            "down",
        ])
        .status()
        .expect("ip ran");
    assert!(down.success());
    let end = run.wait_with_output().expect("ended");
    let err = String::from_utf8_lossy(&end.stderr);
    assert_eq!(end.status.code(), Some(1), "{err}");
    assert!(err.contains("no answer within"), "{err}");
}
