//! Fuzzing, bounded: the frame checker, the CSV reader, the command-line parsers and
//! the remote control channel's message parser each take 10⁶ random and mutated
//! inputs without a panic or a hang. `#[ignore]`d so
//! `cargo test` stays quick; `.ci/run` runs them in release mode
//! (`cargo test --release --test fuzz -- --ignored`). FUZZ_CASES sets the count.

use std::path::Path;

use clap::Parser;
use netio_core::figure::Figure;
use netio_core::row::Row;
use netio_core::strategy::Strategy;
use netio_core::wire::FrameChecker;
use netio_data::record::read_rows_from;
use netio_tui::cli::Cli;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1_000_000)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // A failure is reported with its input; no files are written.
        failure_persistence: None,
        max_shrink_iters: 1000,
        ..ProptestConfig::default()
    }
}

/// A valid two-row recording to mutate.
fn recording() -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for strategy in ["one-copy", "zero-copy"] {
        w.serialize(Row {
            run_id: "r".into(),
            strategy: strategy.into(),
            size_bytes: 65536,
            threads: 2,
            duration_s: 2.0,
            throughput_gbps: Figure::Measured(12.5),
            lat_p99_us: Figure::Measured(80.0),
            ..Row::default()
        })
        .expect("row");
    }
    w.into_inner().expect("flushed")
}

/// A stream of valid frames to mutate: what a sender puts on the wire, via the
/// checker's own format (header and stamps) built by the library.
fn frames(size: usize, count: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for seq in 0..count {
        let header = netio_core::wire::Header {
            strategy_id: Strategy::OneCopy.wire_id(),
            seq,
            msg_len: size as u64,
            sent_ns: seq,
            fixed_stamps: false,
        };
        let mut frame = vec![0u8; size];
        netio_core::wire::fill_pattern(&mut frame, 0);
        frame[..netio_core::wire::HEADER_LEN].copy_from_slice(&header.encode());
        out.extend_from_slice(&frame);
    }
    out
}

/// A valid control-channel conversation to mutate: every kind of message a peer
/// sends, framed as on the wire.
fn conversation() -> Vec<u8> {
    use netio_remote::frame::encode;
    use netio_remote::protocol::Message;
    let spec = netio_remote::spec::CellSpec::of(
        &netio_core::engine::CellPlan::new(
            netio_core::matrix::Cell::new(Strategy::ZeroCopy, 65536, 2),
            None,
            &netio_core::engine::CellConfig::default(),
        )
        .expect("a plan"),
        &netio_core::engine::CellConfig::default(),
        netio_core::engine::HalfRole::Receivers,
    );
    let reading = netio_core::engine::FarReading {
        rtt: vec![(1000, 3), (7, 1)],
        ..Default::default()
    };
    let all = [
        Message::Hello {
            version: 1,
            nonce: "ab".repeat(32),
        },
        Message::Proof {
            proof: "cd".repeat(32),
        },
        Message::Cell {
            spec: Box::new(spec),
        },
        Message::Data {
            token: "ef".repeat(32),
            index: 1,
        },
        Message::Go,
        Message::Tick {
            reading: Box::new(reading),
        },
        Message::Stop,
        Message::Done {
            end: Box::default(),
        },
        Message::Bye,
    ];
    all.iter()
        .flat_map(|m| encode(&m.to_bytes()).expect("small"))
        .collect()
}

/// `base` with `edits` applied: (position, byte) overwrites, then a cut.
fn mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(at, b) in edits {
        if !v.is_empty() {
            let i = at % v.len();
            v[i] = b;
        }
    }
    v.truncate(cut.min(v.len()).max(v.len().saturating_sub(cut % 64)));
    v
}

proptest! {
    #![proptest_config(config())]

    #[test]
    #[ignore]
    fn fuzz_the_csv_reader(
        random in proptest::collection::vec(any::<u8>(), 0..512),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let _ = read_rows_from(Path::new("f.csv"), &random);
        let _ = read_rows_from(Path::new("f.csv"), &mutate(&recording(), &edits, cut));
    }

    #[test]
    #[ignore]
    fn fuzz_the_frame_checker(
        random in proptest::collection::vec(any::<u8>(), 0..512),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in any::<usize>(),
        chunk in 1usize..97,
        verify in any::<bool>(),
    ) {
        let stream = mutate(&frames(64, 4), &edits, cut);
        for input in [&random, &stream] {
            let mut c = FrameChecker::new(Strategy::OneCopy.wire_id(), 64, verify);
            for piece in input.chunks(chunk) {
                if c.feed(piece, |_| {}).is_err() {
                    break;
                }
            }
        }
    }

    #[test]
    #[ignore]
    fn fuzz_the_control_message_parser(
        random in proptest::collection::vec(any::<u8>(), 0..512),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
    ) {
        use netio_remote::protocol::Message;
        let _ = Message::parse_stream(&random);
        let _ = Message::parse(&random);
        let mutated = mutate(&conversation(), &edits, cut);
        let _ = Message::parse_stream(&mutated);
        // A message that parses is checked against limits like any other.
        for m in Message::parse_stream(&mutated).into_iter().flatten() {
            if let Message::Cell { spec } = m {
                let _ = spec.checked(&netio_remote::spec::Limits::default());
            }
        }
    }

    #[test]
    #[ignore]
    fn fuzz_the_option_parsers(
        option in prop::sample::select(vec![
            "--sizes", "--threads", "--duration", "--warmup", "--repeat", "--pin",
            "--zc-pool", "--strategies", "--cc", "--rcvlowat", "--workload", "--rate",
            "--depth", "--response-size",
        ]),
        value in "[-0-9a-zA-Z.,:%µ ]{0,24}",
    ) {
        let _ = Cli::try_parse_from(["netio-tui", option, &value]);
    }
}
