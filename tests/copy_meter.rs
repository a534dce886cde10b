//! The copy meter against an exact count: a registered socket that receives N bytes
//! over loopback is counted N, a socket the meter was not told about is not counted,
//! each send path lands where the kernel took it, the late copy of zero-copy pages
//! is counted at local delivery, and dropping the meter detaches it. Needs CAP_BPF +
//! CAP_PERFMON (root).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd};

use netio_core::copymeter::{Counts, Meter};
use netio_core::net::sockopt;
use netio_core::net::sockopt::set_zerocopy;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn cookie(s: &TcpStream) -> u64 {
    sockopt::cookie(s.as_fd()).expect("SO_COOKIE")
}

/// Sends `n` bytes over a fresh loopback connection; the receiving side, handed to
/// `register` first, reads them all in the calling thread.
fn receive_here(n: usize, register: impl FnOnce(&TcpStream)) -> usize {
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
    register(&r);
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
fn receive_copies_are_counted_exactly_for_registered_sockets_only() {
    if !is_root() {
        common::skip("the copy meter needs CAP_BPF and CAP_PERFMON (run as root)");
        return;
    }
    let meter = Meter::load(4).expect("the meter loads and attaches");
    let n = 10 * (1 << 20) + 12_345;
    let got = receive_here(n, |r| {
        meter
            .watch(cookie(r), 2)
            .expect("register the receiving socket");
        assert!(
            meter.watch(cookie(r), 4).is_err(),
            "slot beyond capacity refused"
        );
    });
    assert_eq!(got, n);
    assert_eq!(meter.counts(2).expect("read slot 2").rx_copied, n as u64);
    // Slots nobody was registered in stay at 0; another socket of this process
    // receiving is not counted anywhere, nor is its (unregistered) sender.
    assert_eq!(meter.counts(0).expect("read slot 0"), Counts::default());
    assert_eq!(receive_here(1 << 20, |_| {}), 1 << 20);
    assert_eq!(meter.counts(2).expect("read slot 2").rx_copied, n as u64);
    assert_eq!(meter.counts(2).expect("read slot 2").tx_copied, 0);
    drop(meter);
    // Detached and freed: a fresh meter starts from 0.
    let again = Meter::load(4).expect("loads again");
    assert_eq!(again.counts(2).expect("read"), Counts::default());
}

/// A connected loopback pair, both ends registered (sender in slot 0, receiver in
/// slot 1), the receiving end drained to EOF by its own thread.
fn pair_with_drain(meter: &Meter) -> (TcpStream, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let tx = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
    let (mut rx, _) = listener.accept().expect("accept");
    meter.watch(cookie(&tx), 0).expect("register the sender");
    meter.watch(cookie(&rx), 1).expect("register the receiver");
    let drain = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 20];
        let mut got = 0;
        while let Ok(k) = rx.read(&mut buf) {
            if k == 0 {
                break;
            }
            got += k;
        }
        got
    });
    (tx, drain)
}

/// What slots 0 and 1 and the late copy grew by while `f` ran, and what `f` returned.
fn growth<T>(meter: &Meter, f: impl FnOnce() -> T) -> (Counts, Counts, u64, T) {
    let read = || {
        (
            meter.counts(0).expect("slot 0"),
            meter.counts(1).expect("slot 1"),
            meter.late().expect("late"),
        )
    };
    let (t0, r0, l0) = read();
    let out = f();
    let (t1, r1, l1) = read();
    let minus = |a: Counts, b: Counts| Counts {
        tx_copied: a.tx_copied - b.tx_copied,
        tx_zerocopy: a.tx_zerocopy - b.tx_zerocopy,
        tx_spliced: a.tx_spliced - b.tx_spliced,
        late_copied: 0,
        rx_copied: a.rx_copied - b.rx_copied,
    };
    (minus(t1, t0), minus(r1, r0), l1 - l0, out)
}

#[test]
fn each_send_path_is_counted_where_the_kernel_took_it() {
    if !is_root() {
        common::skip("the copy meter needs CAP_BPF and CAP_PERFMON (run as root)");
        return;
    }
    let meter = Meter::load(4).expect("the meter loads and attaches");
    let n: usize = 8 << 20;
    let block = vec![3u8; 64 << 10];

    // Plain send(): every byte copied on the send path and again to the receiver,
    // nothing late.
    let (tx, rx, late, ()) = growth(&meter, || {
        let (mut tx, drain) = pair_with_drain(&meter);
        for _ in 0..n / block.len() {
            tx.write_all(&block).expect("write");
        }
        drop(tx);
        assert_eq!(drain.join().expect("drain"), n);
    });
    let n64 = n as u64;
    assert_eq!((tx.tx_copied, tx.tx_zerocopy, tx.tx_spliced), (n64, 0, 0));
    assert_eq!((rx.rx_copied, rx.tx_copied, tx.rx_copied), (n64, 0, 0));
    assert_eq!(late, 0, "copied sends leave nothing to copy late");

    // MSG_ZEROCOPY on a socket with SO_ZEROCOPY: pinned, not copied on the send path;
    // loopback copies the pages late, at delivery, and again for a segment sent again
    // after it was delivered (a busy machine's receiver may drop it: at most the
    // connection's retransmitted bytes, from its own TCP_INFO).
    let (tx, rx, late, again) = growth(&meter, || {
        let (tx, drain) = pair_with_drain(&meter);
        set_zerocopy(tx.as_fd()).expect("SO_ZEROCOPY");
        let mut sent = 0;
        while sent < n {
            // SAFETY: `block` outlives the call; its pages are not written again.
            let k = unsafe {
                libc::send(
                    tx.as_raw_fd(),
                    block.as_ptr().cast(),
                    block.len(),
                    libc::MSG_ZEROCOPY,
                )
            };
            assert!(
                k > 0,
                "send(MSG_ZEROCOPY): {}",
                std::io::Error::last_os_error()
            );
            sent += k as usize;
        }
        // Every byte acknowledged (so nothing is sent again after this reading).
        let again = loop {
            let info = sockopt::tcp_info(tx.as_fd()).expect("TCP_INFO");
            let mut unacked = 0i32;
            // SAFETY: SIOCOUTQ writes one int.
            unsafe { libc::ioctl(tx.as_raw_fd(), libc::TIOCOUTQ, &mut unacked) };
            if unacked == 0 {
                break info.bytes_retrans;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        drop(tx);
        assert_eq!(drain.join().expect("drain"), n);
        again
    });
    assert_eq!((tx.tx_copied, tx.tx_zerocopy, tx.tx_spliced), (0, n64, 0));
    assert_eq!(rx.rx_copied, n64);
    assert!(
        (n64..=n64 + again).contains(&late),
        "late copy {late} of {n64} zero-copy bytes, {again} sent again"
    );

    // sendfile from a memfd: page references, spliced; nothing late (the pages are
    // the file's, not a user's).
    let (tx, rx, late, ()) = growth(&meter, || {
        let (tx, drain) = pair_with_drain(&meter);
        // SAFETY: a NUL-terminated name.
        let fd = unsafe { libc::memfd_create(c"meter-test".as_ptr(), 0) };
        assert!(fd >= 0);
        // SAFETY: `block` is readable for its length; `fd` is ours.
        assert_eq!(
            unsafe { libc::write(fd, block.as_ptr().cast(), block.len()) },
            block.len() as isize
        );
        let mut sent = 0;
        while sent < n {
            let mut off: libc::off_t = 0;
            // SAFETY: open descriptors; the kernel advances `off`.
            let k = unsafe { libc::sendfile(tx.as_raw_fd(), fd, &mut off, block.len()) };
            assert!(k > 0, "sendfile: {}", std::io::Error::last_os_error());
            sent += k as usize;
        }
        // SAFETY: ours, closed once.
        unsafe { libc::close(fd) };
        drop(tx);
        assert_eq!(drain.join().expect("drain"), n);
    });
    assert_eq!((tx.tx_copied, tx.tx_zerocopy, tx.tx_spliced), (0, 0, n64));
    assert_eq!((rx.rx_copied, late), (n64, 0));
}

/// A cell through the engine with a meter the test keeps, so the whole cell's counts
/// can be read after it against the engine's own byte counts.
fn engine_cell(
    strategy: netio_core::strategy::Strategy,
    meter: &netio_core::copymeter::MeterChoice,
) -> netio_core::engine::CellSummary {
    use netio_core::engine::{CellConfig, CellOutcome, run_cell};
    let config = CellConfig {
        warmup: std::time::Duration::from_millis(100),
        duration: std::time::Duration::from_millis(300),
        copy_meter: meter.clone(),
        ..CellConfig::default()
    };
    let cell = netio_core::matrix::Cell::new(strategy, 64 << 10, 1);
    match run_cell(
        cell,
        &config,
        &std::sync::atomic::AtomicBool::new(false),
        |_| {},
    ) {
        Ok(CellOutcome::Finished(s)) => *s,
        other => panic!("{cell}: {other:?}"),
    }
}

#[test]
fn the_engine_counts_each_workers_copies_exactly() {
    use netio_core::copymeter::MeterChoice;
    use netio_core::figure::Figure;
    use netio_core::strategy::Strategy;
    if !is_root() {
        common::skip("the copy meter needs CAP_BPF and CAP_PERFMON (run as root)");
        return;
    }
    for strategy in [Strategy::OneCopy, Strategy::SendFile] {
        // A fresh meter per cell: slot 0 is the sender, slot 1 the receiver.
        let meter = MeterChoice::Wanted.resolve();
        let m = meter.meter().expect("the meter loads as root");
        let s = engine_cell(strategy, &meter);
        let c = s.connections[0];
        let (tx, rx) = (m.counts(0).expect("slot 0"), m.counts(1).expect("slot 1"));
        assert_eq!(rx.rx_copied, c.received_wire_bytes, "{strategy}");
        assert_eq!(tx.rx_copied, 0, "{strategy}: the sender received nothing");
        match strategy {
            Strategy::OneCopy => {
                assert_eq!(tx.tx_copied, c.sent_wire_bytes);
                assert_eq!((tx.tx_zerocopy, tx.tx_spliced), (0, 0));
            }
            _ => {
                // Only the 32-byte headers are copied; the fields go as page references.
                assert_eq!(tx.tx_copied, c.sent_messages * 32);
                assert_eq!(tx.tx_spliced, c.sent_messages * ((64 << 10) - 32));
                assert_eq!(tx.tx_zerocopy, 0);
            }
        }
        // The rows carry the window's figures.
        assert!(matches!(s.row.rx_copied_bytes, Figure::Measured(b) if b > 0));
    }
    // Without the meter the figures are absent with the reason, never 0.
    let s = engine_cell(Strategy::OneCopy, &MeterChoice::Off);
    assert_eq!(
        s.row.tx_copied_bytes,
        Figure::Unavailable(netio_core::copymeter::OFF)
    );
}
