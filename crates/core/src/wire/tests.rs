use super::*;
use crate::strategy::Strategy;

/// A whole frame as a sender would put it on the wire.
fn frame(strategy: Strategy, size: usize, seq: u64) -> Vec<u8> {
    let size = crate::wire::MessageSize::new(size).get();
    let header = Header {
        strategy_id: strategy.wire_id(),
        seq,
        msg_len: size as u64,
        sent_ns: 1000 + seq,
        fixed_stamps: false,
    };
    let mut out = Vec::with_capacity(size);
    let mut off = 0u64;
    for len in field_lens(size) {
        let mut field = vec![0u8; len];
        fill_pattern(&mut field, off);
        if off >= HEADER_LEN as u64 && len >= STAMP_LEN {
            field[..STAMP_LEN].copy_from_slice(&seq.to_le_bytes());
        }
        out.extend_from_slice(&field);
        off += len as u64;
    }
    out[..HEADER_LEN].copy_from_slice(&header.encode());
    assert_eq!(out.len(), size, "the frame is exactly the message");
    out
}

fn run(checker: &mut FrameChecker, bytes: &[u8], chunk: usize) -> (Vec<Frame>, Option<WireError>) {
    let mut frames = Vec::new();
    let mut err = None;
    for piece in bytes.chunks(chunk.max(1)) {
        if let Err(e) = checker.feed(piece, |f| frames.push(f)) {
            err = Some(e);
        }
    }
    (frames, err)
}

#[test]
fn field_lens_add_up() {
    for size in [8, 9, 15, 64, 1000, 4096, 65537] {
        let lens = field_lens(size);
        assert_eq!(lens.iter().sum::<usize>(), size);
        assert!(lens.iter().all(|&l| l >= size / 8));
    }
}

#[test]
fn header_round_trips() {
    let h = Header {
        strategy_id: 3,
        seq: u64::MAX - 1,
        msg_len: 1 << 20,
        sent_ns: 123_456_789,
        fixed_stamps: true,
    };
    assert_eq!(Header::decode(&h.encode()), Ok(h));
}

#[test]
fn good_stream_parses_in_any_chunking() {
    for size in [8, 32, 33, 63, 64, 300, 4096] {
        let stream: Vec<u8> = (0..5)
            .flat_map(|s| frame(Strategy::OneCopy, size, s))
            .collect();
        for chunk in [1, 7, 32, 33, 1000, stream.len()] {
            let mut c = FrameChecker::new(Strategy::OneCopy.wire_id(), size, true);
            let (frames, err) = run(&mut c, &stream, chunk);
            assert_eq!(err, None, "size {size} chunk {chunk}");
            assert_eq!(frames.len(), 5);
            assert!(frames.iter().all(|f| f.intact));
            assert_eq!(frames[4].seq, 4);
            assert_eq!(frames[4].sent_ns, 1004);
        }
    }
}

#[test]
fn corrupted_headers_are_rejected() {
    let good = frame(Strategy::TwoCopy, 64, 0);
    type Case = (usize, u8, fn(&WireError) -> bool);
    let cases: [Case; 6] = [
        (0, b'X', |e| matches!(e, WireError::BadMagic(_))),
        (4, 9, |e| matches!(e, WireError::BadVersion(9))),
        (5, 3, |e| {
            matches!(
                e,
                WireError::WrongStrategy {
                    expected: 1,
                    got: 3
                }
            )
        }),
        (6, 2, |e| matches!(e, WireError::BadReserved)),
        (7, 1, |e| matches!(e, WireError::BadReserved)),
        (16, 65, |e| {
            matches!(e, WireError::WrongLength { got: 65, .. })
        }),
    ];
    for (at, value, is_expected) in cases {
        let mut bad = good.clone();
        bad[at] = value;
        let mut c = FrameChecker::new(Strategy::TwoCopy.wire_id(), 64, false);
        let (frames, err) = run(&mut c, &bad, 5);
        let err = err.expect("corruption must be reported");
        assert!(is_expected(&err), "byte {at}: {err:?}");
        assert!(frames.is_empty());
        assert!(c.is_desynced());
    }
}

#[test]
fn skipped_sequence_number_is_rejected() {
    let mut stream = frame(Strategy::ZeroCopy, 16, 0);
    stream.extend(frame(Strategy::ZeroCopy, 16, 2));
    let mut c = FrameChecker::new(Strategy::ZeroCopy.wire_id(), 16, false);
    let (frames, err) = run(&mut c, &stream, 100);
    assert_eq!(frames.len(), 1);
    assert_eq!(
        err,
        Some(WireError::OutOfSequence {
            expected: 1,
            got: 2
        })
    );
}

#[test]
fn wrong_stamp_marks_frame_even_without_verify() {
    let mut bad = frame(Strategy::OneCopy, 320, 0);
    // First byte of field 5's stamp (fields are 40 bytes each; fields 0 holds the
    // header, 1.. start with the stamp).
    bad[5 * 40] ^= 0xFF;
    let mut c = FrameChecker::new(Strategy::OneCopy.wire_id(), 320, false);
    let (frames, err) = run(&mut c, &bad, 3);
    assert_eq!(err, None);
    assert_eq!(frames.len(), 1);
    assert!(!frames[0].intact);
}

#[test]
fn pattern_byte_is_checked_only_with_verify() {
    let mut bad = frame(Strategy::OneCopy, 4096, 0);
    bad[HEADER_LEN + 100] ^= 0x01;
    for (verify, intact) in [(false, true), (true, false)] {
        let mut c = FrameChecker::new(Strategy::OneCopy.wire_id(), 4096, verify);
        let (frames, _) = run(&mut c, &bad, 1000);
        assert_eq!(frames[0].intact, intact, "verify {verify}");
    }
}

#[test]
fn pattern_helpers_agree_with_pattern_byte() {
    let mut buf = vec![0u8; 600_000];
    fill_pattern(&mut buf, 77);
    assert!(
        buf.iter()
            .enumerate()
            .all(|(i, &b)| b == pattern_byte(77 + i as u64))
    );
    assert!(matches_pattern(&buf[1000..], 1077));
    assert!(!matches_pattern(&buf[1000..], 1078));
}

proptest::proptest! {
    #[test]
    fn checker_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048),
        chunk in 1usize..300,
        size in 8usize..512,
    ) {
        let mut c = FrameChecker::new(Strategy::TwoCopy.wire_id(), size, true);
        let _ = run(&mut c, &bytes, chunk);
    }

    #[test]
    fn valid_prefix_then_garbage_never_panics(
        garbage in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
        chunk in 1usize..100,
    ) {
        let mut stream = frame(Strategy::ZeroCopy, 40, 0);
        proptest::prop_assert_eq!(stream.len(), 40);
        stream.extend(garbage);
        let mut c = FrameChecker::new(Strategy::ZeroCopy.wire_id(), 40, true);
        let (frames, _) = run(&mut c, &stream, chunk);
        proptest::prop_assert!(!frames.is_empty());
    }
}

#[test]
fn fixed_stamps_are_checked_against_the_header_flag() {
    // A frame as sendfile and splice send it: the header flags fixed stamps and every
    // stamped field carries FIXED_STAMP.
    let size = 4096;
    let fixed = |seq: u64, stamp: u64| {
        let mut m = crate::message::Message::new(size);
        m.stamp(Strategy::TwoCopy.wire_id(), seq, 7);
        m.stamp_fields(stamp);
        let mut out: Vec<u8> = m.fields().iter().flat_map(|f| f.iter().copied()).collect();
        out[6] = 1;
        out
    };
    let mut stream = fixed(0, super::FIXED_STAMP);
    stream.extend(fixed(1, super::FIXED_STAMP));
    // The third frame's fields changed after they were written (a later message's
    // stamps): what an unsafe reuse of a sendfile buffer looks like.
    stream.extend(fixed(2, 3));
    let mut c = FrameChecker::new(Strategy::TwoCopy.wire_id(), size, true);
    let (frames, err) = run(&mut c, &stream, 1000);
    assert_eq!(err, None);
    let intact: Vec<bool> = frames.iter().map(|f| f.intact).collect();
    assert_eq!(intact, vec![true, true, false]);
    assert_eq!(
        super::stamp_offsets(size).iter().flatten().count(),
        7,
        "field 0 holds the header"
    );
}

#[test]
fn a_rewritten_header_marks_its_frame_changed_when_rewrites_are_tolerated() {
    // Frame 1's header was overwritten with frame 2's before it was read (its
    // sequence number says 2): strictly a desync, under --unsafe-reuse a changed frame.
    let mut stream = frame(Strategy::TwoCopy, 64, 0);
    stream.extend(frame(Strategy::TwoCopy, 64, 2));
    stream.extend(frame(Strategy::TwoCopy, 64, 2));
    let mut strict = FrameChecker::new(Strategy::TwoCopy.wire_id(), 64, true);
    let (_, err) = run(&mut strict, &stream, 7);
    assert!(matches!(err, Some(WireError::OutOfSequence { .. })));
    let mut tolerant =
        FrameChecker::new(Strategy::TwoCopy.wire_id(), 64, true).tolerating_rewrites(true);
    let (frames, err) = run(&mut tolerant, &stream, 7);
    assert_eq!(err, None);
    let intact: Vec<bool> = frames.iter().map(|f| f.intact).collect();
    assert_eq!(intact, vec![true, false, true]);
}

#[test]
fn a_stream_that_stops_inside_a_frame_is_mid_frame() {
    let size = 4096;
    let mut m = crate::message::Message::new(size);
    m.stamp(Strategy::OneCopy.wire_id(), 0, 1);
    let mut bytes = Vec::new();
    m.linearize_into(&mut bytes);
    let mut c = FrameChecker::new(Strategy::OneCopy.wire_id(), size, true);
    assert!(!c.mid_frame(), "nothing yet");
    c.feed(&bytes[..10], |_| {}).expect("part of a header");
    assert!(c.mid_frame(), "inside the header");
    c.feed(&bytes[10..100], |_| {}).expect("into the payload");
    assert!(c.mid_frame(), "inside the payload");
    let mut frames = 0;
    c.feed(&bytes[100..], |_| frames += 1).expect("the rest");
    assert_eq!(frames, 1);
    assert!(!c.mid_frame(), "a whole frame is not truncated");
}

#[test]
fn a_message_size_is_never_below_the_header() {
    assert_eq!(MessageSize::new(8).get(), HEADER_LEN);
    assert_eq!(MessageSize::new(HEADER_LEN - 1).get(), HEADER_LEN);
    assert_eq!(MessageSize::new(HEADER_LEN).get(), HEADER_LEN);
    assert_eq!(MessageSize::new(65536).get(), 65536);
    assert_eq!(MessageSize::from(4096).bits(), 32768.0);
    // A cell made with a smaller size carries the rounded one.
    let cell = crate::matrix::Cell::new(crate::strategy::Strategy::OneCopy, 8, 1);
    assert_eq!(cell.size.get(), HEADER_LEN);
}
