//! The copy meter against an exact count: a registered thread that receives N bytes
//! over loopback is counted N, a thread the meter was not told about is not counted,
//! and dropping the meter detaches it. Needs CAP_BPF + CAP_PERFMON (root).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use netio_tui::copymeter::Meter;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Sends `n` bytes over a fresh loopback connection; the receiving side reads them
/// all in the calling thread.
fn receive_here(n: usize) -> usize {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let sender = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).expect("connect");
        let chunk = vec![7u8; 64 << 10];
        let mut left = n;
        while left > 0 {
            let k = left.min(chunk.len());
            s.write_all(&chunk[..k]).expect("write");
            left -= k;
        }
    });
    let (mut r, _) = listener.accept().expect("accept");
    let mut buf = vec![0u8; 100_000];
    let mut got = 0;
    loop {
        let k = r.read(&mut buf).expect("read");
        if k == 0 {
            break;
        }
        got += k;
    }
    sender.join().expect("sender thread");
    got
}

#[test]
fn receive_copies_are_counted_exactly_for_registered_threads_only() {
    if !is_root() {
        common::skip("the copy meter needs CAP_BPF and CAP_PERFMON (run as root)");
        return;
    }
    let meter = Meter::load(4).expect("the meter loads and attaches");
    let tid = netio_tui::clock::gettid();
    meter.watch(tid, 2).expect("register this thread");
    let n = 10 * (1 << 20) + 12_345;
    assert_eq!(receive_here(n), n);
    assert_eq!(meter.rx_copied(2).expect("read slot 2"), n as u64);
    // Slots nobody was registered in stay at 0; another thread of this process
    // receiving is not counted anywhere.
    assert_eq!(meter.rx_copied(0).expect("read slot 0"), 0);
    let other = std::thread::spawn(|| receive_here(1 << 20));
    assert_eq!(other.join().expect("other thread"), 1 << 20);
    assert_eq!(meter.rx_copied(2).expect("read slot 2"), n as u64);
    assert!(meter.watch(tid, 4).is_err(), "slot beyond capacity refused");
    drop(meter);
    // Detached and freed: a fresh meter starts from 0.
    let again = Meter::load(4).expect("loads again");
    assert_eq!(again.rx_copied(2).expect("read"), 0);
}
