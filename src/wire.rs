//! What travels on a connection: each frame is exactly one message, its 8 fields back
//! to back, and its first 32 bytes are the frame header (they live in the first field,
//! or spill over into the next ones when fields are shorter than 32 bytes). So the bytes
//! on the wire per message equal the message size; sizes below 32 bytes are rounded up
//! ([`effective_size`]). Also the streaming checker the receiver runs over the stream.
//!
//! Header (little-endian, message bytes 0..32):
//!
//! ```text
//!  0..4   magic "NIO1"        4  version (1)      5  strategy id    6..8 reserved (0)
//!  8..16  sequence number     16..24 message length (bytes of the 8 fields)
//! 24..32  send stamp, ns of CLOCK_MONOTONIC taken when the send operation began
//! ```
//!
//! After the header: field `i` starts with the sequence number (8 bytes, little-endian)
//! when the field starts after the header and is at least 8 bytes long; every other
//! byte at message offset `o` is [`pattern_byte`]`(o)`. The checker always checks headers and stamps (cheap), and with
//! `verify` every pattern byte too. Pure code: no sockets, no clocks.

use std::sync::OnceLock;

use crate::matrix::Strategy;

/// Bytes in a frame header.
pub const HEADER_LEN: usize = 32;
/// "NIO1" read as a little-endian u32.
pub const MAGIC: u32 = u32::from_le_bytes(*b"NIO1");
/// Header layout version.
pub const VERSION: u8 = 1;
/// Fields in a message, as the course assignment prescribes.
pub const FIELDS: usize = 8;
/// Bytes of the per-field sequence stamp.
pub const STAMP_LEN: usize = 8;
/// Smallest message: the header must fit in it.
pub const MIN_MESSAGE: usize = HEADER_LEN;
/// Smallest size the CLI accepts (one byte per field); below [`MIN_MESSAGE`] it is
/// rounded up.
pub const MIN_REQUEST: usize = FIELDS;

/// The message size actually used for a requested size: never below the header.
pub fn effective_size(requested: usize) -> usize {
    requested.max(MIN_MESSAGE)
}
/// Largest message: 64 MiB.
pub const MAX_MESSAGE: usize = 64 << 20;

/// The pattern repeats every 251 bytes: a prime, so a shifted or misplaced block of a
/// power-of-two length never matches by accident.
const PATTERN_PERIOD: usize = 251;

/// The fixed payload byte at payload offset `offset`.
pub fn pattern_byte(offset: u64) -> u8 {
    pattern_slab()[(offset % PATTERN_PERIOD as u64) as usize]
}

/// A run of the pattern long enough to compare or copy large blocks with one `memcmp`
/// or `memcpy` per 250 KiB instead of one computation per byte.
fn pattern_slab() -> &'static [u8] {
    static SLAB: OnceLock<Vec<u8>> = OnceLock::new();
    SLAB.get_or_init(|| {
        (0..PATTERN_PERIOD * 1024)
            .map(|i| ((i % PATTERN_PERIOD) as u32 * 151 + 17) as u8)
            .collect()
    })
}

/// Calls `f(pattern_run, dst_range_start)` over `len` bytes starting at payload offset
/// `offset`, in slab-sized pieces.
fn for_pattern_runs(offset: u64, len: usize, mut f: impl FnMut(&[u8], usize) -> bool) -> bool {
    let slab = pattern_slab();
    let usable = slab.len() - PATTERN_PERIOD;
    let mut done = 0;
    while done < len {
        let phase = ((offset + done as u64) % PATTERN_PERIOD as u64) as usize;
        let n = (len - done).min(usable);
        if !f(&slab[phase..phase + n], done) {
            return false;
        }
        done += n;
    }
    true
}

/// Fills `dst` with the pattern as if it started at payload offset `offset`.
pub fn fill_pattern(dst: &mut [u8], offset: u64) {
    let len = dst.len();
    for_pattern_runs(offset, len, |run, at| {
        dst[at..at + run.len()].copy_from_slice(run);
        true
    });
}

/// True when `src` holds the pattern as it stands at payload offset `offset`.
pub fn matches_pattern(src: &[u8], offset: u64) -> bool {
    for_pattern_runs(offset, src.len(), |run, at| &src[at..at + run.len()] == run)
}

/// Lengths of the 8 fields of a `size`-byte message: equal shares, the remainder
/// spread one byte each over the first fields.
pub fn field_lens(size: usize) -> [usize; FIELDS] {
    let base = size / FIELDS;
    let extra = size % FIELDS;
    std::array::from_fn(|i| base + usize::from(i < extra))
}

/// The decoded form of a frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub strategy_id: u8,
    pub seq: u64,
    pub msg_len: u64,
    pub sent_ns: u64,
}

impl Header {
    /// The 32 header bytes.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        b[4] = VERSION;
        b[5] = self.strategy_id;
        b[8..16].copy_from_slice(&self.seq.to_le_bytes());
        b[16..24].copy_from_slice(&self.msg_len.to_le_bytes());
        b[24..32].copy_from_slice(&self.sent_ns.to_le_bytes());
        b
    }

    /// Decodes and checks the fixed parts (magic, version, reserved bytes).
    pub fn decode(b: &[u8; HEADER_LEN]) -> Result<Header, WireError> {
        let u64_at = |at: usize| {
            let mut v = [0u8; 8];
            v.copy_from_slice(&b[at..at + 8]);
            u64::from_le_bytes(v)
        };
        let magic = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if magic != MAGIC {
            return Err(WireError::BadMagic(magic));
        }
        if b[4] != VERSION {
            return Err(WireError::BadVersion(b[4]));
        }
        if b[6] != 0 || b[7] != 0 {
            return Err(WireError::BadReserved);
        }
        Ok(Header {
            strategy_id: b[5],
            seq: u64_at(8),
            msg_len: u64_at(16),
            sent_ns: u64_at(24),
        })
    }
}

/// A header the checker could not accept. After one, the stream cannot be framed again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("bad magic {0:#010x}")]
    BadMagic(u32),
    #[error("unknown header version {0}")]
    BadVersion(u8),
    #[error("reserved header bytes are not zero")]
    BadReserved,
    #[error("strategy id {got}, expected {expected}")]
    WrongStrategy { expected: u8, got: u8 },
    #[error("message length {got}, expected {expected}")]
    WrongLength { expected: u64, got: u64 },
    #[error("sequence number {got}, expected {expected}")]
    OutOfSequence { expected: u64, got: u64 },
}

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
    next_seq: u64,
    state: State,
}

impl FrameChecker {
    /// A checker for a connection carrying `msg_len`-byte messages of `strategy`,
    /// sequence numbers from 0. `msg_len` is raised to [`MIN_MESSAGE`] if below it.
    pub fn new(strategy: Strategy, msg_len: usize, verify: bool) -> Self {
        let msg_len = effective_size(msg_len);
        let lens = field_lens(msg_len);
        let mut bounds = [0u64; FIELDS + 1];
        for i in 0..FIELDS {
            bounds[i + 1] = bounds[i] + lens[i] as u64;
        }
        FrameChecker {
            strategy_id: strategy.wire_id(),
            msg_len: msg_len as u64,
            bounds,
            verify,
            next_seq: 0,
            state: State::Header {
                buf: [0; HEADER_LEN],
                have: 0,
            },
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
                            Ok(header) => {
                                self.state = State::Payload {
                                    header,
                                    offset: HEADER_LEN as u64,
                                    intact: true,
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
                        *intact =
                            check_chunk(&self.bounds, header.seq, *offset, chunk, self.verify);
                    }
                    *offset += n as u64;
                    data = rest;
                    self.finish_if_complete(&mut on_frame);
                }
            }
        }
        Ok(())
    }

    fn accept_header(&mut self, buf: &[u8; HEADER_LEN]) -> Result<Header, WireError> {
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
        if header.seq != self.next_seq {
            return Err(WireError::OutOfSequence {
                expected: self.next_seq,
                got: header.seq,
            });
        }
        self.next_seq += 1;
        Ok(header)
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

/// Checks the bytes `chunk` found at message offset `offset` (past the header) of
/// frame `seq`.
fn check_chunk(
    bounds: &[u64; FIELDS + 1],
    seq: u64,
    offset: u64,
    chunk: &[u8],
    verify: bool,
) -> bool {
    let stamp = seq.to_le_bytes();
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

#[cfg(test)]
mod tests;
