//! The message the course assignment prescribes: 8 separately heap-allocated fields
//! whose lengths add up to the message size, the frame header written into its first
//! bytes; and the pool of message slots that zero-copy sends rotate through (in
//! mapped memory only: the kernel holds a slot's pages after the send returns).

use std::io;

use crate::mapped::{FieldMemory, MappedBuf};
use crate::wire::{self, FIELDS, HEADER_LEN, Header, STAMP_LEN};

/// One message: 8 fields, each its own allocation (that is the point: two-copy must
/// linearize them, one-copy gathers them with an iovec each), on the heap by default
/// or each in its own mapping ([`MappedBuf`]) for strategies whose pages the kernel
/// keeps after the call. The frame header is the message's first [`HEADER_LEN`]
/// bytes, so the frame on the wire is exactly the message.
pub struct Message<M: FieldMemory = Box<[u8]>> {
    fields: [M; FIELDS],
    size: usize,
}

impl Message {
    /// A `size`-byte message on the heap (raised to [`wire::MIN_MESSAGE`], up to 64
    /// MiB) filled with the payload pattern.
    pub fn new(size: usize) -> Message {
        let size = crate::wire::MessageSize::new(size).get();
        let lens = wire::field_lens(size);
        let mut offset = 0u64;
        let fields = std::array::from_fn(|i| {
            let mut field = vec![0u8; lens[i]].into_boxed_slice();
            wire::fill_pattern(&mut field, offset);
            offset += lens[i] as u64;
            field
        });
        Message { fields, size }
    }
}

impl Message<MappedBuf> {
    /// A `size`-byte message whose 8 fields are each their own mapping.
    pub fn mapped(size: usize) -> io::Result<Message<MappedBuf>> {
        let size = crate::wire::MessageSize::new(size).get();
        let lens = wire::field_lens(size);
        let mut fields = Vec::with_capacity(FIELDS);
        let mut offset = 0u64;
        for len in lens {
            let mut field = MappedBuf::zeroed(len)?;
            wire::fill_pattern(&mut field, offset);
            offset += len as u64;
            fields.push(field);
        }
        let fields = fields
            .try_into()
            .map_err(|_| io::Error::other("a message has 8 fields"))?;
        Ok(Message { fields, size })
    }
}

impl<M: FieldMemory> Message<M> {
    /// Writes the header and the per-field sequence stamps for message `seq`. These are
    /// the only bytes that change between messages.
    pub fn stamp(&mut self, strategy_id: u8, seq: u64, sent_ns: u64) {
        let header = Header {
            strategy_id,
            seq,
            msg_len: self.size as u64,
            sent_ns,
            fixed_stamps: false,
        }
        .encode();
        let mut start = 0usize;
        for field in &mut self.fields {
            if start < HEADER_LEN {
                // The header spills over into this field.
                let n = (HEADER_LEN - start).min(field.len());
                field[..n].copy_from_slice(&header[start..start + n]);
            }
            start += field.len();
        }
        self.stamp_fields(seq);
    }

    /// Writes `stamp` at the start of every field that starts after the header and is
    /// long enough to carry one ([`wire::stamp_offsets`]).
    pub fn stamp_fields(&mut self, stamp: u64) {
        let bytes = stamp.to_le_bytes();
        for (field, at) in self.fields.iter_mut().zip(wire::stamp_offsets(self.size)) {
            if at.is_some() {
                field[..STAMP_LEN].copy_from_slice(&bytes);
            }
        }
    }

    /// Bytes on the wire: exactly the message.
    pub fn wire_len(&self) -> usize {
        self.size
    }

    /// The 8 fields.
    pub fn fields(&self) -> &[M; FIELDS] {
        &self.fields
    }

    /// One iovec per field, pointing into this message. The pointers stay valid while
    /// the message is neither moved nor written.
    pub fn iovecs(&self) -> [libc::iovec; FIELDS] {
        std::array::from_fn(|i| libc::iovec {
            iov_base: self.fields[i].as_ptr() as *mut libc::c_void,
            iov_len: self.fields[i].len(),
        })
    }

    /// Copies the fields, in order, into `dst` (cleared first): the two-copy
    /// strategy's user-space linearization.
    pub fn linearize_into(&self, dst: &mut Vec<u8>) {
        dst.clear();
        for field in &self.fields {
            dst.extend_from_slice(&field[..]);
        }
    }
}

/// A message slot of the zero-copy pool and the zero-copy ids that still reference it.
/// Its fields are mappings: when the pool is dropped with ids still outstanding (the
/// end-of-cell wait ran out), `munmap` leaves the kernel's pages untouched.
pub struct Slot {
    pub message: Message<MappedBuf>,
    /// Half-open range of the (unwrapped) zero-copy ids its last send used; `None` when
    /// never sent or the send took no id.
    pub ids: Option<(u64, u64)>,
}

/// The zero-copy sender's messages, used round robin so the next slot is always the one
/// sent longest ago. A slot may be written only when every id that referenced it is
/// completed.
pub struct SlotPool {
    slots: Vec<Slot>,
    next: usize,
}

impl SlotPool {
    /// `count` slots (at least 1) of `size`-byte messages, each in mapped memory.
    pub fn new(count: usize, size: usize) -> io::Result<SlotPool> {
        let slots = (0..count.max(1))
            .map(|_| {
                Ok(Slot {
                    message: Message::mapped(size)?,
                    ids: None,
                })
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(SlotPool { slots, next: 0 })
    }

    /// Slots in the pool.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Always false: a pool has at least one slot.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// True when the kernel no longer holds the pages of the next slot in turn.
    pub fn next_is_free(&self, ledger: &CompletionLedger) -> bool {
        match self.slots[self.next].ids {
            None => true,
            Some((first, end)) => ledger.all_done(first, end),
        }
    }

    /// The next slot in turn, advancing the turn. Call it only after
    /// [`SlotPool::next_is_free`] said yes (the bug-injection test skips that).
    pub fn take_next(&mut self) -> &mut Slot {
        let i = self.next;
        self.next = (i + 1) % self.slots.len();
        &mut self.slots[i]
    }

    /// The slot [`SlotPool::take_next`] returned last (to record the ids its send used).
    pub fn last_taken(&mut self) -> &mut Slot {
        let i = (self.next + self.slots.len() - 1) % self.slots.len();
        &mut self.slots[i]
    }
}

/// Out-of-order completion ranges a ledger keeps at most (4 KiB, inline). A range is
/// kept only while an earlier id is outstanding (notifications out of order, measured
/// only around retransmissions), so this many disjoint holes means the kernel's
/// notifications are lost, not late. Past the bound a new range is not recorded: its
/// ids stay outstanding, the slot holding them is never rewritten, and the sender
/// stops with [`LedgerFull`] naming the bound (safe: never a slot freed too early).
pub const LEDGER_RANGES: usize = 256;

/// The error a sender reports when its ledger could not record a completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("more than {LEDGER_RANGES} out-of-order zero-copy completion ranges outstanding")]
pub struct LedgerFull;

/// Which zero-copy ids of one socket the kernel has completed. Ids are unwrapped from
/// the kernel's u32 to a u64 count of successful zero-copy calls. Completions normally
/// arrive in order and coalesced; out-of-order ranges (a "gap" before them) are kept
/// until the gap fills, in a fixed array: recording a completion never allocates.
#[derive(Debug)]
pub struct CompletionLedger {
    /// Every id below this is completed.
    low: u64,
    /// Completed ranges above `low`, half-open, disjoint, sorted, not touching `low`
    /// or each other: the first `ahead_len` entries.
    ahead: [(u64, u64); LEDGER_RANGES],
    ahead_len: usize,
    /// Ids completed (counted once each).
    completed: u64,
    /// Completed ids whose notification carried SO_EE_CODE_ZEROCOPY_COPIED.
    copied: u64,
    /// Notifications that arrived with an uncompleted id before them.
    gaps: u64,
    /// Ids reported complete twice or never sent (should never happen).
    bogus: u64,
    /// Ranges not recorded because [`LEDGER_RANGES`] were kept already.
    dropped: u64,
}

impl Default for CompletionLedger {
    fn default() -> Self {
        CompletionLedger {
            low: 0,
            ahead: [(0, 0); LEDGER_RANGES],
            ahead_len: 0,
            completed: 0,
            copied: 0,
            gaps: 0,
            bogus: 0,
            dropped: 0,
        }
    }
}

impl CompletionLedger {
    /// Records the kernel's inclusive range `[lo, hi]` (u32 ids as the kernel sends
    /// them). `sent` is the number of successful zero-copy calls so far, which bounds
    /// the ids and resolves wrap-around.
    pub fn complete(&mut self, lo: u32, hi: u32, copied: bool, sent: u64) {
        let span = u64::from(hi.wrapping_sub(lo)) + 1;
        let Some(end) = unwrap_id(hi, sent).map(|h| h + 1) else {
            self.bogus += span;
            return;
        };
        let Some(start) = end.checked_sub(span) else {
            self.bogus += span;
            return;
        };
        if start > self.low && !self.ranges().iter().any(|&(_, e)| e == start) {
            self.gaps += 1;
        }
        let Some(fresh) = self.insert(start, end) else {
            self.dropped += 1;
            return;
        };
        self.completed += fresh;
        self.bogus += span - fresh;
        if copied {
            self.copied += fresh;
        }
    }

    /// The out-of-order ranges kept.
    fn ranges(&self) -> &[(u64, u64)] {
        &self.ahead[..self.ahead_len]
    }

    /// Adds `[start, end)`, returning how many of its ids were not yet completed, or
    /// `None` (nothing recorded) when it would be one range too many.
    fn insert(&mut self, start: u64, end: u64) -> Option<u64> {
        let start = start.max(self.low);
        if end <= start {
            return Some(0);
        }
        let covered: u64 = self
            .ranges()
            .iter()
            .map(|&(s, e)| e.min(end).saturating_sub(s.max(start)))
            .sum();
        let fresh = end - start - covered;
        // Fold every kept range that overlaps or touches [start, end) into it, in
        // place (sorted and never touching, so one pass finds them all).
        let (mut lo, mut hi) = (start, end);
        let mut kept = 0;
        let mut at = None;
        for r in 0..self.ahead_len {
            let (s, e) = self.ahead[r];
            if s <= hi && e >= lo {
                lo = lo.min(s);
                hi = hi.max(e);
            } else {
                if s > hi && at.is_none() {
                    at = Some(kept);
                }
                self.ahead[kept] = (s, e);
                kept += 1;
            }
        }
        if lo <= self.low {
            // The range now continues the completed prefix.
            self.low = hi;
            self.ahead_len = kept;
            return Some(fresh);
        }
        if kept == LEDGER_RANGES {
            return None;
        }
        let at = at.unwrap_or(kept);
        self.ahead.copy_within(at..kept, at + 1);
        self.ahead[at] = (lo, hi);
        self.ahead_len = kept + 1;
        Some(fresh)
    }

    /// Ranges that could not be recorded (see [`LEDGER_RANGES`]); their ids stay
    /// outstanding.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// True when every id in `[first, end)` is completed.
    pub fn all_done(&self, first: u64, end: u64) -> bool {
        if end <= self.low {
            return true;
        }
        // Ranges in `ahead` never touch `low`, so one of them must hold all of
        // [max(first, low), end).
        let from = first.max(self.low);
        self.ranges().iter().any(|&(s, e)| s <= from && end <= e)
    }

    /// Ids completed so far.
    pub fn completed(&self) -> u64 {
        self.completed
    }

    /// Completed ids the kernel copied anyway.
    pub fn copied(&self) -> u64 {
        self.copied
    }

    /// Notifications that skipped over an uncompleted id.
    pub fn gaps(&self) -> u64 {
        self.gaps
    }

    /// Ids reported that were never sent or were already complete.
    pub fn bogus(&self) -> u64 {
        self.bogus
    }
}

/// The u64 id whose low 32 bits are `id`, the largest one below `sent`.
fn unwrap_id(id: u32, sent: u64) -> Option<u64> {
    if sent == 0 {
        return None;
    }
    let top = sent - 1;
    let candidate = (top & !0xFFFF_FFFF) | u64::from(id);
    if candidate <= top {
        Some(candidate)
    } else {
        candidate.checked_sub(1 << 32)
    }
}

#[cfg(test)]
mod tests;
