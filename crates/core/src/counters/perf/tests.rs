use super::*;

#[test]
fn scaling_estimates_multiplexed_counts() {
    assert_eq!(scale(1000, 100, 100), Some(1000));
    assert_eq!(scale(1000, 200, 50), Some(4000));
    assert_eq!(
        scale(1000, 100, 0),
        None,
        "enabled but never on a counter is not zero"
    );
    assert_eq!(
        scale(0, 0, 0),
        Some(0),
        "a thread that has not run yet counted nothing"
    );
    assert_eq!(
        scale(0, 100, 100),
        Some(0),
        "scheduled and nothing happened is zero"
    );
    assert_eq!(scale(u64::MAX / 2, 4, 2), Some(u64::MAX - 1));
}

#[test]
fn group_reads_scale_every_member() {
    assert_eq!(scale_group(&[10, 20], 100, 50), vec![Some(20), Some(40)]);
    assert_eq!(scale_group(&[10, 20], 100, 0), vec![None, None]);
    assert_eq!(scale_group(&[], 100, 100), Vec::<Option<u64>>::new());
}

#[test]
fn errnos_are_classified() {
    for e in [libc::ENOENT, libc::EOPNOTSUPP, libc::ENODEV, libc::EINVAL] {
        assert_eq!(OpenFailure::classify(e), OpenFailure::Unsupported(e));
    }
    for e in [libc::EACCES, libc::EPERM] {
        assert_eq!(OpenFailure::classify(e), OpenFailure::NotPermitted(e));
    }
    assert_eq!(
        OpenFailure::classify(libc::EMFILE),
        OpenFailure::Other(libc::EMFILE)
    );
}

#[test]
fn a_side_sum_is_absent_unless_every_thread_counted() {
    let mut a: PerfValues = [None; 8];
    let mut b: PerfValues = [None; 8];
    a[Event::PageFaults.index()] = Some(3);
    b[Event::PageFaults.index()] = Some(4);
    a[Event::Cycles.index()] = Some(100);
    let sum = sum_threads(&[a, b]);
    assert_eq!(value(&sum, Event::PageFaults), Some(7));
    assert_eq!(value(&sum, Event::Cycles), None);
    assert_eq!(value(&sum, Event::Instructions), None);
    let grown = since(&sum, &sum_threads(&[b, b]));
    assert_eq!(value(&grown, Event::PageFaults), Some(0));
    assert_eq!(value(&grown, Event::Cycles), None);
    assert_eq!(
        value(&sum_threads(&[]), Event::PageFaults),
        None,
        "no thread counted: absent, not 0"
    );
}

#[test]
fn own_thread_software_counters_open_and_count() {
    let mut c = ThreadCounters::open(crate::clock::gettid());
    // Software events open everywhere perf exists; skip where perf itself is off.
    if !c.software.is_open() {
        eprintln!(
            "skipped: perf software events unavailable: {:?}",
            c.software.failures
        );
        return;
    }
    let before = c.read();
    let v: Vec<u8> = vec![1; 4 << 20];
    std::hint::black_box(&v);
    let after = c.read();
    let grown = since(&after, &before);
    assert!(value(&grown, Event::TaskClock).is_some_and(|t| t > 0));
    assert!(value(&grown, Event::PageFaults).is_some_and(|f| f > 0));
    // Hardware: either counted or listed as a failure, never silently 0-filled.
    for e in Event::HARDWARE {
        let counted = value(&after, e).is_some();
        let failed = c.hardware.failures.iter().any(|(f, _)| *f == e);
        assert!(
            counted != failed,
            "{e:?}: counted {counted}, failed {failed}"
        );
    }
}

#[test]
fn another_threads_counters_are_readable() {
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let worker = std::thread::spawn(move || {
        let _ = tid_tx.send(crate::clock::gettid());
        let _ = go_rx.recv();
        let v: Vec<u8> = vec![1; 4 << 20];
        std::hint::black_box(&v);
    });
    let tid = tid_rx.recv().expect("worker tid");
    let mut c = ThreadCounters::open(tid);
    if !c.software.is_open() {
        eprintln!(
            "skipped: perf software events unavailable: {:?}",
            c.software.failures
        );
        let _ = go_tx.send(());
        let _ = worker.join();
        return;
    }
    let before = c.read();
    let _ = go_tx.send(());
    worker.join().expect("worker ran");
    let grown = since(&c.read(), &before);
    assert!(
        value(&grown, Event::PageFaults).is_some_and(|f| f > 0),
        "{grown:?}"
    );
    assert!(
        value(&grown, Event::TaskClock).is_some_and(|t| t > 0),
        "{grown:?}"
    );
}
