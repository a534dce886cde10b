//! `serve` under attack, as a real process in two network namespaces (the attackers
//! from a second address of the controller's namespace, so the server tells them
//! apart by source): floods of idle and hello-then-silent connections while a
//! controller completes a matrix, an `rr` cell whose replies would not fit, more
//! data connections than a cell asked for, and a relay that alters a tick. Nothing
//! leaves the namespaces the test makes.

mod common;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

use common::two_hosts::{SERVER, TwoHosts};
use netio_core::engine::{CellConfig, CellPlan, HalfRole};
use netio_core::matrix::Cell;
use netio_core::strategy::Strategy;
use netio_remote::auth::{self, Key};
use netio_remote::channel::Channel;
use netio_remote::frame;
use netio_remote::protocol::{Message, VERSION};
use netio_remote::sealed::{End, Sealed};
use netio_remote::spec::CellSpec;

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The attackers' address, added to the controller's namespace.
const ATTACKER: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 3);

/// The most threads and fds `serve` may hold during the floods: 64 waiting
/// connections, the served controller's room (2 × 16 + 8), the session and a cell's
/// workers, and the process's own.
const THREAD_BOUND: usize = 64 + 40 + 40 + 8;
const FD_BOUND: usize = 64 + 40 + 80 + 16;

fn add_attacker_address(hosts: &TwoHosts) {
    // Another subnet than the pair's /30, routed back by the server's side.
    let p = &hosts.pair.path;
    for args in [
        [
            "-n",
            &p.sender_ns,
            "addr",
            "add",
            "198.18.1.3/24",
            "dev",
            &p.sender_dev,
        ],
        [
            "-n",
            &p.receiver_ns,
            "route",
            "add",
            "198.18.1.0/24",
            "dev",
            &p.receiver_dev,
        ],
    ] {
        let ok = Command::new("ip")
            .args(args)
            .status()
            .expect("ip ran")
            .success();
        assert!(ok, "ip {args:?}");
    }
}

/// A connection to the server from `src`.
fn connect_from(src: Ipv4Addr) -> std::io::Result<TcpStream> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    s.bind(&SockAddr::from(SocketAddr::from((src, 0))))?;
    let to: SocketAddr = SERVER.parse().map_err(std::io::Error::other)?;
    s.connect_timeout(&SockAddr::from(to), Duration::from_secs(2))?;
    Ok(s.into())
}

fn hello() -> Message {
    Message::Hello {
        version: VERSION,
        nonce: "ab".repeat(32),
    }
}

#[test]
fn floods_of_idle_and_silent_connections_do_not_keep_a_controller_out() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    add_attacker_address(&hosts);
    let before = hosts.fds_and_threads();
    let probe = hosts
        .in_client_ns(|| connect_from(ATTACKER))
        .expect("the attackers' address connects");
    assert_eq!(probe.local_addr().expect("bound").ip(), ATTACKER);
    drop(probe);
    hosts.settle_to(before, Duration::from_secs(10));
    let stop = Arc::new(AtomicBool::new(false));
    // 64 idle connections, each reopened as the server closes it; and 500 a second
    // that say hello and then nothing.
    let floods = hosts.in_client_ns(|| {
        let idle_stop = Arc::clone(&stop);
        let idle = std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            while !idle_stop.load(Relaxed) {
                held.retain(|s| s.peer_addr().is_ok() && !closed(s));
                while held.len() < 64 {
                    match connect_from(ATTACKER) {
                        Ok(s) => held.push(s),
                        Err(_) => break,
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let hello_stop = Arc::clone(&stop);
        let hellos = std::thread::spawn(move || {
            let mut held: std::collections::VecDeque<TcpStream> = Default::default();
            let mut sent = 0u64;
            let start = Instant::now();
            while !hello_stop.load(Relaxed) {
                // 500 a second: one every 2 ms on average.
                let due = start + Duration::from_millis(2 * sent);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                sent += 1;
                if let Ok(mut s) = connect_from(ATTACKER) {
                    let _ = frame::write_frame(&mut s, &hello().to_bytes());
                    held.push_back(s);
                    if held.len() > 500 {
                        held.pop_front();
                    }
                }
            }
            sent
        });
        (idle, hellos)
    });
    // Meanwhile the server's threads and fds are watched.
    let watch_stop = Arc::clone(&stop);
    let pid = hosts.server.id();
    let watcher = std::thread::spawn(move || {
        let mut most = (0, 0);
        while !watch_stop.load(Relaxed) {
            let count = |what: &str| {
                std::fs::read_dir(format!("/proc/{pid}/{what}")).map_or(0, |d| d.count())
            };
            most = (most.0.max(count("fd")), most.1.max(count("task")));
            std::thread::sleep(Duration::from_millis(20));
        }
        most
    });
    std::thread::sleep(Duration::from_secs(2));
    let mut c = hosts.client();
    let run = hosts
        .cells(
            &mut c,
            "flooded.csv",
            "two-copy,one-copy",
            "4K,64K",
            "1,2",
            "300ms",
        )
        .output()
        .expect("ran");
    stop.store(true, Relaxed);
    let sent = floods.1.join().expect("hello flood");
    floods.0.join().expect("idle flood");
    let (fds, threads) = watcher.join().expect("watcher");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}\n{}", hosts.log_text());
    let rows = netio_data::record::read_rows(&hosts.dir.path().join("flooded.csv")).expect("rows");
    assert_eq!(rows.len(), 8, "every cell");
    assert!(sent > 500, "the flood ran: {sent} hellos");
    eprintln!("serve held at most {fds} fds and {threads} threads under the floods");
    assert!(threads <= THREAD_BOUND, "{threads} threads");
    assert!(fds <= FD_BOUND, "{fds} fds");
    let log = hosts.log_text();
    assert!(log.contains("waiting already"), "{log}");
    assert!(
        log.lines().count() < 200,
        "the log is rate-limited: {} lines",
        log.lines().count()
    );
    let after = hosts.settle_to(before, Duration::from_secs(20));
    assert_eq!(after, before, "fds and threads back to their start");
}

/// Whether the server has closed `s` (readable with nothing to read).
fn closed(s: &TcpStream) -> bool {
    let mut b = [0u8; 1];
    let _ = s.set_nonblocking(true);
    let gone = matches!(s.peek(&mut b), Ok(0) | Err(_)) && !would_block(s);
    let _ = s.set_nonblocking(false);
    gone
}

fn would_block(s: &TcpStream) -> bool {
    let mut b = [0u8; 1];
    matches!(s.peek(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

#[test]
fn an_rr_cell_whose_replies_would_not_fit_is_refused_before_anything_is_allocated() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(mut hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let mut c = hosts.client();
    // 16 receivers × 1024 replies × 1 MiB: 16 GiB of replies on the far host.
    c.args([
        "--workload",
        "rr",
        "--depth",
        "1024",
        "--response-size",
        "1M",
    ]);
    let run = hosts
        .cells(&mut c, "rr.csv", "one-copy", "1K", "16", "300ms")
        .output()
        .expect("ran");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        err.contains("buffers need") || hosts.log_text().contains("buffers need"),
        "refused by the memory check: {err}\n{}",
        hosts.log_text()
    );
    assert!(hosts.server_alive(), "not killed");
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", hosts.server.id())).expect("status");
    let hwm_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmHWM");
    assert!(
        hwm_kib < 512 * 1024,
        "peak {hwm_kib} KiB: nothing was allocated"
    );
}

/// The controller's handshake, by hand: the sealed channel of a session.
fn session(key: &Key) -> Channel {
    let mut s = TcpStream::connect(SERVER).expect("connected");
    let ours = auth::random_bytes().expect("nonce");
    let hello = Message::Hello {
        version: VERSION,
        nonce: auth::hex(&ours),
    };
    frame::write_frame(&mut s, &hello.to_bytes()).expect("hello");
    let deadline = Instant::now() + Duration::from_secs(10);
    let bytes = frame::read_frame(&mut s, frame::MAX_FRAME, deadline).expect("challenge");
    let Ok(Message::Challenge { nonce, .. }) = Message::parse(&bytes) else {
        panic!("a challenge");
    };
    let theirs = auth::unhex(&nonce, 32).expect("hex");
    let proof = Message::Proof {
        proof: auth::hex(&key.proof("client", &theirs, &ours)),
    };
    frame::write_frame(&mut s, &proof.to_bytes()).expect("proof");
    let mut ch = Channel::new(s, Sealed::new(key, &ours, &theirs, End::Controller));
    match ch.read(Duration::from_secs(10)) {
        Ok(Message::Welcome { .. }) => ch,
        other => panic!("welcomed: {other:?}"),
    }
}

#[test]
fn more_data_connections_than_a_cell_asked_for_leave_the_server_ready() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let before = hosts.fds_and_threads();
    let key = Key::from_file(&hosts.key).expect("key");
    hosts.in_client_ns(|| {
        let mut ch = session(&key);
        let config = CellConfig::default();
        let plan =
            CellPlan::new(Cell::new(Strategy::OneCopy, 65536, 2), None, &config).expect("a plan");
        let spec = CellSpec::of(&plan, &config, HalfRole::Receivers);
        ch.send(&Message::Cell {
            spec: Box::new(spec),
        })
        .expect("cell");
        let Ok(Message::Token { token }) = ch.read(Duration::from_secs(10)) else {
            panic!("a token");
        };
        let nonce = auth::unhex(&token, 32).expect("hex");
        // Its two, and eight more with proofs as good.
        let mut extra = Vec::new();
        for i in 0..10u32 {
            let mut s = TcpStream::connect(SERVER).expect("data connection");
            let data = Message::Data {
                token: auth::hex(&ch.seal().data_proof(&nonce, i % 2)),
                index: i % 2,
            };
            frame::write_frame(&mut s, &data.to_bytes()).expect("sent");
            extra.push(s);
        }
        // The far half says ready; the controller goes away instead of saying go.
        let _ = ch.read(Duration::from_secs(20));
        drop(ch);
        drop(extra);
    });
    let (ok, err) = hosts.one_cell(hosts.client(), "next.csv", "300ms");
    assert!(
        ok,
        "the next controller is served: {err}\n{}",
        hosts.log_text()
    );
    let after = hosts.settle_to(before, Duration::from_secs(20));
    assert_eq!(after, before, "fds and threads back to their start");
    // Two of the ten served the cell; each of the other eight is dropped and said
    // (whether it came while the cell waited or after).
    let log = hosts.log_text();
    assert_eq!(log.matches("dropped a data connection").count(), 8, "{log}");
}

/// A relay between the controller and the server that passes everything through
/// and changes one digit of the first tick: the controller must notice.
#[test]
fn a_tick_altered_in_transit_ends_the_session() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some(hosts) = TwoHosts::start(&[]) else {
        return;
    };
    let (relay_at, altered) = hosts.in_client_ns(|| {
        let listener = TcpListener::bind("198.18.0.1:0").expect("relay listens");
        let at = listener.local_addr().expect("address");
        let altered = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&altered);
        std::thread::spawn(move || {
            let mut first = true;
            for conn in listener.incoming() {
                let Ok(down) = conn else { break };
                let Ok(up) = TcpStream::connect(SERVER) else {
                    break;
                };
                let (d2, u2) = (down.try_clone().expect("dup"), up.try_clone().expect("dup"));
                std::thread::spawn(move || copy(d2, up));
                // The first connection is the control connection: its frames from
                // the server are read one by one; the data connections are bytes.
                if first {
                    let alter = Arc::clone(&flag);
                    std::thread::spawn(move || pump(u2, down, alter));
                } else {
                    std::thread::spawn(move || copy(u2, down));
                }
                first = false;
            }
        });
        (at, altered)
    });
    let mut c = Command::new("ip");
    c.args([
        "netns",
        "exec",
        &hosts.pair.path.sender_ns,
        common::two_hosts::bin(),
    ])
    .args(["--remote", &relay_at.to_string(), "--key-file"])
    .arg(&hosts.key)
    .env_remove("NETIO_KEY");
    let run = hosts
        .cells(&mut c, "relayed.csv", "one-copy", "64K", "1", "2s")
        .output()
        .expect("ran");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(altered.load(Relaxed), "the relay changed a tick");
    assert!(
        !run.status.success(),
        "an altered tick is not a result: {err}"
    );
    assert!(err.contains("integrity check"), "{err}");
}

/// Copies bytes from `from` to `to` until either closes.
fn copy(mut from: TcpStream, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(std::net::Shutdown::Both);
}

/// Copies frames from `from` to `to`, changing one digit in the first frame that
/// carries a tick.
fn pump(mut from: TcpStream, mut to: TcpStream, flag: Arc<AtomicBool>) {
    let far = Instant::now() + Duration::from_secs(3600);
    while let Ok(mut payload) = frame::read_frame(&mut from, frame::MAX_FRAME, far) {
        if !flag.load(Relaxed)
            && payload.windows(6).any(|w| w == b"\"tick\"")
            && let Some(i) = payload.iter().position(|b| (b'1'..=b'8').contains(b))
        {
            payload[i] += 1;
            flag.store(true, Relaxed);
        }
        let mut out = (payload.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&payload);
        if to.write_all(&out).is_err() {
            break;
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Both);
}
