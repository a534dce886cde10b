//! What travels on a connection: each frame is exactly one message, its 8 fields back
//! to back, and its first 32 bytes are the frame header (they live in the first field,
//! or spill over into the next ones when fields are shorter than 32 bytes). So the bytes
//! on the wire per message equal the message size; sizes below 32 bytes are rounded up
//! ([`MessageSize`]). The streaming checker the receiver runs over the stream is in
//! `checker.rs`.
//!
//! Header (little-endian, message bytes 0..32):
//!
//! ```text
//!  0..4   magic "NIO1"        4  version (1)      5  strategy id
//!  6      flags: bit 0 = the fields carry the fixed stamp, not the sequence number
//!  7      reserved (0)
//!  8..16  sequence number     16..24 message length (bytes of the 8 fields)
//! 24..32  send stamp, ns of CLOCK_MONOTONIC taken when the send operation began
//! ```
//!
//! After the header: field `i` starts with its stamp (8 bytes, little-endian) when the
//! field starts after the header and is at least 8 bytes long. The stamp is the
//! sequence number, or [`FIXED_STAMP`] for strategies whose fields must never change
//! after they are written (sendfile and splice have no signal that the kernel is done
//! with the pages, so each message's fields are the same bytes); every other
//! byte at message offset `o` is [`pattern_byte`]`(o)`. The checker always checks headers and stamps (cheap), and with
//! `verify` every pattern byte too. Pure code: no sockets, no clocks.

use std::sync::OnceLock;

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
/// The stamp of fields that never change ("NIOfixed" read as a little-endian u64).
pub const FIXED_STAMP: u64 = u64::from_le_bytes(*b"NIOfixed");
/// Header flag: the fields carry [`FIXED_STAMP`].
const FLAG_FIXED: u8 = 1;
/// Smallest message: the header must fit in it.
pub const MIN_MESSAGE: usize = HEADER_LEN;
/// Smallest size the CLI accepts (one byte per field); below [`MIN_MESSAGE`] it is
/// rounded up.
pub const MIN_REQUEST: usize = FIELDS;

/// A message size the tool sends: never below the header ([`MIN_MESSAGE`]), the rule
/// applied once, where the size is made. Every cell holds one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageSize(usize);

impl MessageSize {
    /// `requested` bytes, rounded up to the header's length.
    pub fn new(requested: usize) -> MessageSize {
        MessageSize(requested.max(MIN_MESSAGE))
    }

    pub fn get(self) -> usize {
        self.0
    }

    /// Bits on the wire per message (the payload as throughput counts it).
    pub fn bits(self) -> f64 {
        self.0 as f64 * 8.0
    }
}

impl From<usize> for MessageSize {
    fn from(requested: usize) -> Self {
        MessageSize::new(requested)
    }
}

impl std::fmt::Display for MessageSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
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

/// For each field of a `size`-byte message, the message offset of its stamp, if it
/// carries one (it starts after the header and holds at least [`STAMP_LEN`] bytes).
pub fn stamp_offsets(size: usize) -> [Option<usize>; FIELDS] {
    let lens = field_lens(size);
    let mut start = 0;
    std::array::from_fn(|i| {
        let at = start;
        start += lens[i];
        (at >= HEADER_LEN && lens[i] >= STAMP_LEN).then_some(at)
    })
}

/// The decoded form of a frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub strategy_id: u8,
    pub seq: u64,
    pub msg_len: u64,
    pub sent_ns: u64,
    /// The fields carry [`FIXED_STAMP`] instead of `seq`.
    pub fixed_stamps: bool,
}

impl Header {
    /// The stamp this frame's fields carry.
    pub fn field_stamp(&self) -> u64 {
        if self.fixed_stamps {
            FIXED_STAMP
        } else {
            self.seq
        }
    }

    /// The 32 header bytes.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        b[4] = VERSION;
        b[5] = self.strategy_id;
        b[6] = if self.fixed_stamps { FLAG_FIXED } else { 0 };
        b[8..16].copy_from_slice(&self.seq.to_le_bytes());
        b[16..24].copy_from_slice(&self.msg_len.to_le_bytes());
        b[24..32].copy_from_slice(&self.sent_ns.to_le_bytes());
        b
    }

    /// Decodes and checks the fixed parts (magic, version, flags, reserved byte).
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
        if b[6] & !FLAG_FIXED != 0 || b[7] != 0 {
            return Err(WireError::BadReserved);
        }
        Ok(Header {
            strategy_id: b[5],
            seq: u64_at(8),
            msg_len: u64_at(16),
            sent_ns: u64_at(24),
            fixed_stamps: b[6] & FLAG_FIXED != 0,
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
    #[error("unknown header flags or reserved byte not zero")]
    BadReserved,
    #[error("strategy id {got}, expected {expected}")]
    WrongStrategy { expected: u8, got: u8 },
    #[error("message length {got}, expected {expected}")]
    WrongLength { expected: u64, got: u64 },
    #[error("sequence number {got}, expected {expected}")]
    OutOfSequence { expected: u64, got: u64 },
}

mod checker;
pub use checker::{Frame, FrameChecker};

#[cfg(test)]
mod tests;
