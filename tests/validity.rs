//! Rows say when not to trust them: a cell measured while other processes took the
//! machine's CPU is flagged (and `other_cpu_pct` says how much), and kept out of
//! comparisons; a quiet one is not flagged for it.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use netio_core::engine::{CellConfig, CellOutcome, CellSummary, run_cell};
use netio_core::matrix::Cell;
use netio_core::strategy::Strategy;

fn run(config: &CellConfig) -> CellSummary {
    let cell = Cell::new(Strategy::OneCopy, 64 << 10, 1);
    match run_cell(cell, config, &AtomicBool::new(false), |_| {}) {
        Ok(CellOutcome::Finished(s)) => *s,
        other => panic!("{cell}: {:?}", other.err()),
    }
}

/// A busy loop in its own process (so it is "another process" to the tool).
struct Busy(Child);

impl Busy {
    fn start() -> Busy {
        Busy(
            Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .stdout(Stdio::null())
                .spawn()
                .expect("a busy loop"),
        )
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_cell_on_a_busy_host_is_flagged_with_the_share_others_took() {
    let config = CellConfig {
        warmup: Duration::from_millis(100),
        duration: Duration::from_millis(600),
        ..CellConfig::default()
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let busy: Vec<Busy> = (0..cpus).map(|_| Busy::start()).collect();
    let s = run(&config);
    drop(busy);
    let other = s.row.other_cpu_pct.value().expect("measured");
    // One busy loop per CPU against the cell's two threads: the loops get a large
    // share of the machine whatever the scheduler does.
    assert!(other > netio_core::row::formula::BUSY_HOST_PCT, "{other}");
    let why = s.row.flagged.as_deref().expect("flagged");
    assert!(why.contains("busy host"), "{why}");
    let warning = netio_data::summary::flagged(std::slice::from_ref(&s.row)).expect("said");
    assert!(warning.contains("this machine was busy"), "{warning}");
}

#[test]
fn a_late_copy_that_is_not_the_cells_own_is_flagged_and_absent() {
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsFd;
    use std::sync::Arc;
    use std::sync::atomic::Ordering::Relaxed;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        common::skip("the copy meter needs CAP_BPF and CAP_PERFMON (run as root)");
        return;
    }
    // Someone else's MSG_ZEROCOPY traffic over loopback while a copying cell runs: the
    // kernel copies it late, at delivery, where the meter sees the whole machine.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let tx = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
    let (mut rx, _) = listener.accept().expect("accept");
    netio_core::net::sockopt::set_zerocopy(tx.as_fd()).expect("SO_ZEROCOPY");
    let stop = Arc::new(AtomicBool::new(false));
    let drain = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 20];
        while rx.read(&mut buf).is_ok_and(|n| n > 0) {}
    });
    let sender = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            use std::os::fd::AsRawFd;
            let buf = vec![7u8; 64 << 10];
            let mut control = [0u64; 16];
            while !stop.load(Relaxed) {
                // SAFETY: a live buffer of that length.
                unsafe {
                    libc::send(
                        tx.as_raw_fd(),
                        buf.as_ptr().cast(),
                        buf.len(),
                        libc::MSG_ZEROCOPY,
                    );
                    // Drain completions so optmem never fills (their content is not needed).
                    let mut msg: libc::msghdr = std::mem::zeroed();
                    msg.msg_control = control.as_mut_ptr().cast();
                    msg.msg_controllen = std::mem::size_of_val(&control) as _;
                    while libc::recvmsg(
                        tx.as_raw_fd(),
                        &mut msg,
                        libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
                    ) > 0
                    {
                        msg.msg_controllen = std::mem::size_of_val(&control) as _;
                    }
                }
            }
        })
    };
    let config = CellConfig {
        warmup: Duration::from_millis(100),
        duration: Duration::from_millis(500),
        copy_meter: netio_core::copymeter::MeterChoice::Wanted,
        ..CellConfig::default()
    };
    let s = run(&config);
    stop.store(true, Relaxed);
    sender.join().expect("sender");
    drain.join().expect("drain");
    assert_eq!(
        s.row.late_copied_bytes,
        netio_core::figure::Figure::Unavailable(netio_core::figure::why::FOREIGN_LATE_COPY),
        "absent from the copy figures"
    );
    let why = s.row.flagged.as_deref().expect("flagged");
    assert!(why.contains("other zero-copy traffic"), "{why}");
    assert!(s.foreign_late_copy.is_some_and(|b| b > 0));
}
