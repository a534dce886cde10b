//! Both ends of a connection are configured alike: whichever end sends (the connecting
//! one, or the accepted one as under `--remote --reverse`), under every workload, over
//! loopback and across two namespaces, both ends read back the same TCP_NODELAY,
//! congestion control, SO_ZEROCOPY and fixed SO_SNDBUF, and the row says so.

mod common;

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use netio_core::engine::Network;
use netio_core::engine::{CellConfig, CellOutcome, CellSummary, run_cell};
use netio_core::matrix::{Cell, Mode};
use netio_core::net::{CcName, NetnsPair, SocketOptions};
use netio_core::strategy::Strategy;
use netio_core::workload::{Load, Workload};

fn run(cell: Cell, config: &CellConfig) -> CellSummary {
    match run_cell(cell, config, &AtomicBool::new(false), |_| {}) {
        Ok(CellOutcome::Finished(s)) => *s,
        Ok(CellOutcome::Cancelled) => panic!("{cell}: cancelled without being asked"),
        Err(e) => panic!("{cell}: {e}"),
    }
}

fn modes() -> [Mode; 3] {
    let mode = |workload, load| Mode {
        workload,
        load,
        ..Mode::default()
    };
    [
        mode(Workload::Stream, Load::Unpaced),
        mode(Workload::Rr, Load::Unpaced),
        mode(Workload::Rate, Load::MsgsPerSec(2000)),
    ]
}

fn both_ends_alike_on(network: Network) {
    let cubic = CcName::new("cubic").expect("name");
    for accepted_sends in [false, true] {
        for strategy in [Strategy::OneCopy, Strategy::ZeroCopy] {
            for mode in modes() {
                let config = CellConfig {
                    warmup: Duration::from_millis(50),
                    duration: Duration::from_millis(200),
                    verify: true,
                    network: network.clone(),
                    socket: SocketOptions {
                        cc: Some(cubic),
                        sndbuf: Some(1 << 20),
                        accepted_sends,
                        ..SocketOptions::default()
                    },
                    ..CellConfig::default()
                };
                let cell = Cell::new(strategy, 4096, 1).under(mode);
                let s = run(cell, &config);
                let what = format!("{cell} accepted_sends={accepted_sends}");
                assert_eq!(s.integrity_errors, 0, "{what}");
                assert!(s.row.messages > 0, "{what}: nothing measured");
                assert_eq!(s.setup.ends_alike, Some(true), "{what}");
                assert_eq!(s.row.ends_alike, Some(true), "{what}");
                assert_eq!(s.setup.cc, Some(cubic), "{what}");
                // SO_SNDBUF is doubled by the kernel, on both ends alike.
                assert_eq!(s.setup.sndbuf, Some(2 << 20), "{what}");
            }
        }
    }
}

#[test]
fn both_ends_read_back_the_same_options_over_loopback() {
    both_ends_alike_on(Network::Loopback);
}

#[test]
fn both_ends_read_back_the_same_options_across_namespaces() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        common::skip("two namespaces need root");
        return;
    }
    let pair = NetnsPair::create(1500, None).expect("namespaces created");
    both_ends_alike_on(Network::Netns(pair.path.clone()));
}

#[test]
fn accepted_ends_are_born_with_the_listeners_congestion_control() {
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsFd;
    // reno is nobody's default: an accepted end that has it got it from the listener,
    // before its first segment (set afterwards, BBR's pacing would stay on).
    let reno = CcName::new("reno").expect("name");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let opts = SocketOptions {
        cc: Some(reno),
        ..SocketOptions::default()
    };
    netio_core::net::listener_options(&listener, &opts).expect("listener's cc");
    let _client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
    let (accepted, _) = listener.accept().expect("accept");
    assert_eq!(
        netio_core::net::sockopt::get_cc(accepted.as_fd()),
        Some(reno),
        "the accepted end has the listener's algorithm without being told"
    );
}
