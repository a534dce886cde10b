//! The copy meter against an exact count: a registered thread that receives N bytes
//! over loopback is counted N, a thread the meter was not told about is not counted,
//! and dropping the meter detaches it. Needs CAP_BPF + CAP_PERFMON (root).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use netio_tui::copymeter::{Counts, Meter};
use netio_tui::strategy::enable_zerocopy;

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
    assert_eq!(meter.counts(2).expect("read slot 2").rx_copied, n as u64);
    // Slots nobody was registered in stay at 0; another thread of this process
    // receiving is not counted anywhere.
    assert_eq!(meter.counts(0).expect("read slot 0"), Counts::default());
    let other = std::thread::spawn(|| receive_here(1 << 20));
    assert_eq!(other.join().expect("other thread"), 1 << 20);
    assert_eq!(meter.counts(2).expect("read slot 2").rx_copied, n as u64);
    assert!(meter.watch(tid, 4).is_err(), "slot beyond capacity refused");
    drop(meter);
    // Detached and freed: a fresh meter starts from 0.
    let again = Meter::load(4).expect("loads again");
    assert_eq!(again.counts(2).expect("read"), Counts::default());
}

/// A connected loopback pair, the receiving end drained to EOF by its own thread.
fn pair_with_drain() -> (TcpStream, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let tx = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
    let (mut rx, _) = listener.accept().expect("accept");
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

#[test]
fn each_send_path_is_counted_where_the_kernel_took_it() {
    use std::os::fd::AsFd;
    if !is_root() {
        common::skip("the copy meter needs CAP_BPF and CAP_PERFMON (run as root)");
        return;
    }
    let meter = Meter::load(4).expect("the meter loads and attaches");
    meter
        .watch(netio_tui::clock::gettid(), 1)
        .expect("register this thread");
    let n: usize = 8 << 20;
    let block = vec![3u8; 64 << 10];

    // Plain send(): every byte copied on the send path.
    let (mut tx, drain) = pair_with_drain();
    for _ in 0..n / block.len() {
        tx.write_all(&block).expect("write");
    }
    drop(tx);
    assert_eq!(drain.join().expect("drain"), n);
    let c = meter.counts(1).expect("read");
    assert_eq!((c.tx_copied, c.tx_zerocopy, c.tx_spliced), (n as u64, 0, 0));

    // MSG_ZEROCOPY on a socket with SO_ZEROCOPY: pinned, not copied on the send path.
    let (tx, drain) = pair_with_drain();
    enable_zerocopy(tx.as_fd()).expect("SO_ZEROCOPY");
    use std::os::fd::AsRawFd;
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
    drop(tx);
    assert_eq!(drain.join().expect("drain"), n);
    let z = meter.counts(1).expect("read");
    assert_eq!(
        z.tx_copied, c.tx_copied,
        "MSG_ZEROCOPY sends copied nothing"
    );
    assert_eq!(z.tx_zerocopy, n as u64);

    // sendfile from a memfd: page references, spliced.
    let (tx, drain) = pair_with_drain();
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
    let s = meter.counts(1).expect("read");
    assert_eq!(
        s.tx_copied, c.tx_copied,
        "sendfile copied nothing on the send path"
    );
    assert_eq!(s.tx_zerocopy, n as u64);
    assert_eq!(s.tx_spliced, n as u64);
    // The draining threads were never registered: nothing received was counted.
    assert_eq!(s.rx_copied, 0);
}

/// A cell through the engine with a meter the test keeps, so the whole cell's counts
/// can be read after it against the engine's own byte counts.
fn engine_cell(
    strategy: netio_tui::matrix::Strategy,
    meter: &netio_tui::copymeter::MeterChoice,
) -> netio_tui::engine::CellSummary {
    use netio_tui::engine::{CellConfig, CellOutcome, run_cell};
    let config = CellConfig {
        warmup: std::time::Duration::from_millis(100),
        duration: std::time::Duration::from_millis(300),
        copy_meter: meter.clone(),
        ..CellConfig::default()
    };
    let cell = netio_tui::matrix::Cell::new(strategy, 64 << 10, 1);
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
    use netio_tui::copymeter::MeterChoice;
    use netio_tui::figure::Figure;
    use netio_tui::matrix::Strategy;
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
        Figure::Unavailable(netio_tui::copymeter::OFF)
    );
}
