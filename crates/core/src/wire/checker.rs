//! The receiver's streaming frame checker: bytes in, in chunks of any size, completed
//! frames out, each header, stamp and (with `verify`) pattern byte checked on the way.
//! Pure code: no sockets, no clocks.

use super::{FIELDS, HEADER_LEN, Header, STAMP_LEN, WireError, field_lens, matches_pattern};

/// A frame whose last byte has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub seq: u64,
    /// The sender's stamp, ns of CLOCK_MONOTONIC.
    pub sent_ns: u64,
    /// False when a stamp or (with verify) a pattern byte was wrong.
    pub intact: bool,
}

#[derive(Debug)]
enum State {
    Header {
        buf: [u8; HEADER_LEN],
        have: usize,
    },
    Payload {
        header: Header,
        offset: u64,
        intact: bool,
    },
    Desynced,
}

/// The receiver's streaming parser: feed it the bytes `recv()` returned, in order, in
/// chunks of any size; it reports each completed frame and checks it on the way.
#[derive(Debug)]
pub struct FrameChecker {
    strategy_id: u8,
    msg_len: u64,
    /// Field start offsets within the payload, plus the end.
    bounds: [u64; FIELDS + 1],
    verify: bool,
    /// `--unsafe-reuse`: a header whose sequence number was rewritten in flight marks
    /// its frame changed instead of ending the framing (lengths never change, so the
    /// stream stays framed).
    tolerate_rewrites: bool,
    next_seq: u64,
    state: State,
}

impl FrameChecker {
    /// A checker for a connection carrying `msg_len`-byte messages stamped with
    /// `strategy_id` (the sending strategy's wire id), sequence numbers from 0.
    /// `msg_len` is raised to [`MIN_MESSAGE`] if below it.
    pub fn new(strategy_id: u8, msg_len: usize, verify: bool) -> Self {
        let msg_len = crate::wire::MessageSize::new(msg_len).get();
        let lens = field_lens(msg_len);
        let mut bounds = [0u64; FIELDS + 1];
        for i in 0..FIELDS {
            bounds[i + 1] = bounds[i] + lens[i] as u64;
        }
        FrameChecker {
            strategy_id,
            msg_len: msg_len as u64,
            bounds,
            verify,
            tolerate_rewrites: false,
            next_seq: 0,
            state: State::Header {
                buf: [0; HEADER_LEN],
                have: 0,
            },
        }
    }

    /// This checker, counting a frame whose sequence number changed in flight as
    /// changed (not intact) instead of losing the framing: for the unsafe-reuse
    /// demonstration, where the sender rewrites headers the kernel still holds.
    pub fn tolerating_rewrites(mut self, tolerate: bool) -> Self {
        self.tolerate_rewrites = tolerate;
        self
    }

    /// True when some bytes of a frame have arrived but not all of them: a stream
    /// that ends now ends inside a frame (a truncated frame).
    pub fn mid_frame(&self) -> bool {
        match self.state {
            State::Header { have, .. } => have > 0,
            State::Payload { .. } => true,
            State::Desynced => false,
        }
    }

    /// True after a bad header: the rest of the stream is ignored.
    pub fn is_desynced(&self) -> bool {
        matches!(self.state, State::Desynced)
    }

    /// Parses `data`, calling `on_frame` for every frame it completes. A bad header is
    /// returned once as an error; the checker then ignores the rest of the stream.
    pub fn feed(
        &mut self,
        mut data: &[u8],
        mut on_frame: impl FnMut(Frame),
    ) -> Result<(), WireError> {
        while !data.is_empty() {
            match &mut self.state {
                State::Desynced => return Ok(()),
                State::Header { buf, have } => {
                    let n = (HEADER_LEN - *have).min(data.len());
                    buf[*have..*have + n].copy_from_slice(&data[..n]);
                    *have += n;
                    data = &data[n..];
                    if *have == HEADER_LEN {
                        let buf = *buf;
                        match self.accept_header(&buf) {
                            Ok((header, in_order)) => {
                                self.state = State::Payload {
                                    header,
                                    offset: HEADER_LEN as u64,
                                    intact: in_order,
                                };
                                // A message of exactly the header's length is complete
                                // with its header.
                                self.finish_if_complete(&mut on_frame);
                            }
                            Err(e) => {
                                self.state = State::Desynced;
                                return Err(e);
                            }
                        }
                    }
                }
                State::Payload {
                    header,
                    offset,
                    intact,
                } => {
                    let n = ((self.msg_len - *offset) as usize).min(data.len());
                    let (chunk, rest) = data.split_at(n);
                    if *intact {
                        *intact = check_chunk(
                            &self.bounds,
                            header.field_stamp(),
                            *offset,
                            chunk,
                            self.verify,
                        );
                    }
                    *offset += n as u64;
                    data = rest;
                    self.finish_if_complete(&mut on_frame);
                }
            }
        }
        Ok(())
    }

    /// The header, and whether its sequence number is the expected one.
    fn accept_header(&mut self, buf: &[u8; HEADER_LEN]) -> Result<(Header, bool), WireError> {
        let header = Header::decode(buf)?;
        if header.strategy_id != self.strategy_id {
            return Err(WireError::WrongStrategy {
                expected: self.strategy_id,
                got: header.strategy_id,
            });
        }
        if header.msg_len != self.msg_len {
            return Err(WireError::WrongLength {
                expected: self.msg_len,
                got: header.msg_len,
            });
        }
        let in_order = header.seq == self.next_seq;
        if !in_order && !self.tolerate_rewrites {
            return Err(WireError::OutOfSequence {
                expected: self.next_seq,
                got: header.seq,
            });
        }
        self.next_seq += 1;
        Ok((header, in_order))
    }

    fn finish_if_complete(&mut self, on_frame: &mut impl FnMut(Frame)) {
        if let State::Payload {
            header,
            offset,
            intact,
        } = self.state
            && offset == self.msg_len
        {
            on_frame(Frame {
                seq: header.seq,
                sent_ns: header.sent_ns,
                intact,
            });
            self.state = State::Header {
                buf: [0; HEADER_LEN],
                have: 0,
            };
        }
    }
}

/// Checks the bytes `chunk` found at message offset `offset` (past the header) of a
/// frame whose fields carry `stamp`.
fn check_chunk(
    bounds: &[u64; FIELDS + 1],
    stamp: u64,
    offset: u64,
    chunk: &[u8],
    verify: bool,
) -> bool {
    let stamp = stamp.to_le_bytes();
    let end = offset + chunk.len() as u64;
    for f in 0..FIELDS {
        let (fs, fe) = (bounds[f], bounds[f + 1]);
        if fe <= offset || fs >= end {
            continue;
        }
        let stamped = if fs >= HEADER_LEN as u64 && fe - fs >= STAMP_LEN as u64 {
            STAMP_LEN as u64
        } else {
            0
        };
        // Stamp bytes of this field that fall in the chunk.
        let (ss, se) = (fs.max(offset), (fs + stamped).min(end));
        for pos in ss..se {
            if chunk[(pos - offset) as usize] != stamp[(pos - fs) as usize] {
                return false;
            }
        }
        if verify {
            let (ps, pe) = ((fs + stamped).max(offset), fe.min(end));
            if ps < pe {
                let run = &chunk[(ps - offset) as usize..(pe - offset) as usize];
                if !matches_pattern(run, ps) {
                    return false;
                }
            }
        }
    }
    true
}
