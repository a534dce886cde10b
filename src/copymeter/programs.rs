//! The meter's BPF programs, assembled. Each starts the same way: a thread of another
//! process, or one the tool did not register, returns at once; otherwise the slot the
//! tool gave the thread is in `r8`.
//!
//! - `tcp:tcp_sendmsg_locked (sk, msg, skb, size_goal)` fires before each send loop
//!   iteration copies anything: it notes, per slot, which path the kernel takes,
//!   decided as `tcp_sendmsg_locked` decides it: `MSG_ZEROCOPY` with `msg->msg_ubuf`
//!   (io_uring SEND_ZC) or with the socket's `SOCK_ZEROCOPY` flag pins pages;
//!   `MSG_SPLICE_PAGES` (sendfile, splice) takes page references; anything else is
//!   copied. (The kernel also needs scatter-gather on the route, which loopback and
//!   veth have; a device without it copies and would be counted as pinned.)
//! - `sock:sock_send_length (sk, ret, flags)` adds the call's bytes to the noted path.
//! - `sock:sock_recv_length (sk, ret, flags)` adds a receive call's bytes to
//!   `rx_copied` (data mapped by `TCP_ZEROCOPY_RECEIVE` does not pass it).

use super::asm::*;

/// Counter kinds per slot, in the counters map at `slot * KINDS + kind`.
pub const TX_COPIED: u32 = 0;
pub const TX_ZEROCOPY: u32 = 1;
pub const TX_SPLICED: u32 = 2;
pub const RX_COPIED: u32 = 3;
pub const KINDS: u32 = 4;

/// `MSG_ZEROCOPY` (UAPI) and `MSG_SPLICE_PAGES` (include/linux/socket.h).
const MSG_ZEROCOPY: i32 = 0x400_0000;
const MSG_SPLICE_PAGES: i32 = 0x800_0000;

/// What the send-path program reads from kernel structures (from BTF).
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub msg_flags: i16,
    pub msg_ubuf: i16,
    pub sk_flags: i16,
    /// `SOCK_ZEROCOPY`'s bit in `sk_flags`.
    pub sock_zerocopy: i32,
}

/// The maps the programs use, by fd.
#[derive(Debug, Clone, Copy)]
pub struct Maps {
    /// tid → slot.
    pub slots: i32,
    /// slot → the path noted by the last `tcp_sendmsg_locked`.
    pub pending: i32,
    /// `slot * KINDS + kind` → bytes.
    pub counters: i32,
}

/// Entries of the slots array, indexed by a thread id's low bits: the entry holds the
/// tid it is for and that tid's slot (an array lookup is inlined by the verifier; a
/// hash lookup on every event cost twice as much).
pub const SLOT_ENTRIES: u32 = 1 << 16;

/// Length of [`preamble`].
const PRE: usize = 17;

/// Instructions 0..PRE: this process's registered thread, its slot in `r8`, the
/// tracepoint's arguments in `r6`; otherwise jump to `out`.
fn preamble(tgid: i32, maps: Maps, out: usize) -> Vec<Insn> {
    let [lo, hi] = ld_map_fd(R1, maps.slots);
    let p = vec![
        mov64_reg(R6, R1),                        // 0: r6 = the arguments
        call(GET_CURRENT_PID_TGID),               // 1
        mov64_reg(R7, R0),                        // 2: tgid << 32 | tid
        rsh64_imm(R0, 32),                        // 3
        jne_imm(R0, tgid, jump(4, out)),          // 4: another process
        mov64_reg(R8, R7),                        // 5
        and64_imm(R8, (SLOT_ENTRIES - 1) as i32), // 6: the tid's entry
        stx_w(R10, -4, R8),                       // 7
        lo,                                       // 8
        hi,                                       // 9
        mov64_reg(R2, R10),                       // 10
        add64_imm(R2, -4),                        // 11
        call(MAP_LOOKUP_ELEM),                    // 12
        jeq_imm(R0, 0, jump(13, out)),            // 13
        ldx_w(R8, R0, 0),                         // 14: the entry's tid
        jne32_reg(R8, R7, jump(15, out)),         // 15: not a registered worker
        ldx_w(R8, R0, 4),                         // 16: r8 = slot
    ];
    debug_assert_eq!(p.len(), PRE);
    p
}

/// `counter[slot * KINDS + r9] += r7`, from instruction `at` (slot in `r8`).
fn add_to_counter(maps: Maps, at: usize, out: usize) -> Vec<Insn> {
    let [lo, hi] = ld_map_fd(R1, maps.counters);
    vec![
        lsh64_imm(R8, 2),    // KINDS is 4
        add64_reg(R8, R9),   // index
        stx_w(R10, -12, R8), // key
        lo,
        hi,
        mov64_reg(R2, R10),
        add64_imm(R2, -12),
        call(MAP_LOOKUP_ELEM),
        jeq_imm(R0, 0, jump(at + 8, out)),
        atomic_add_dw(R0, 0, R7),
    ]
}

/// `r7` = the call's positive byte count from argument 1, else jump to `out`.
fn positive_ret(at: usize, out: usize) -> Vec<Insn> {
    vec![
        ldx_dw(R7, R6, 8),
        jsle32_imm(R7, 0, jump(at + 1, out)),
        mov32_reg(R7, R7),
    ]
}

fn finish(mut body: Vec<Insn>, out: usize) -> Vec<Insn> {
    debug_assert_eq!(body.len(), out, "the exit label is where the body ends");
    body.push(mov64_imm(R0, 0));
    body.push(exit());
    body
}

/// `sock_recv_length`: bytes received into user memory, counted as `RX_COPIED`.
pub fn receive(tgid: i32, maps: Maps) -> Vec<Insn> {
    const OUT: usize = PRE + 14;
    let mut p = preamble(tgid, maps, OUT);
    p.extend(positive_ret(p.len(), OUT));
    p.push(mov64_imm(R9, RX_COPIED as i32));
    let at = p.len();
    p.extend(add_to_counter(maps, at, OUT));
    finish(p, OUT)
}

/// `sock_send_length`: a send call's bytes, counted on the path noted for the slot.
pub fn send_length(tgid: i32, maps: Maps) -> Vec<Insn> {
    const OUT: usize = PRE + 21;
    let mut p = preamble(tgid, maps, OUT);
    p.extend(positive_ret(p.len(), OUT));
    let [lo, hi] = ld_map_fd(R1, maps.pending);
    let at = p.len();
    p.extend([
        stx_w(R10, -8, R8),
        lo,
        hi,
        mov64_reg(R2, R10),
        add64_imm(R2, -8),
        call(MAP_LOOKUP_ELEM),
        jeq_imm(R0, 0, jump(at + 6, OUT)),
        ldx_w(R9, R0, 0), // the noted path
    ]);
    let at = p.len();
    p.extend(add_to_counter(maps, at, OUT));
    finish(p, OUT)
}

/// `tcp_sendmsg_locked`: notes the path the kernel takes for this slot's send (in
/// place, in the slot's array entry).
pub fn send_path(tgid: i32, maps: Maps, l: Layout) -> Vec<Insn> {
    const OUT: usize = PRE + 26;
    let mut p = preamble(tgid, maps, OUT);
    let b = PRE;
    let store = b + 17;
    let [lo, hi] = ld_map_fd(R1, maps.pending);
    p.extend([
        ldx_dw(R1, R6, 0),                                   // +0: sk
        ldx_dw(R2, R6, 8),                                   // +1: msg
        ldx_w(R3, R2, l.msg_flags),                          // +2: msg->msg_flags
        mov64_imm(R9, TX_COPIED as i32),                     // +3
        jset_imm(R3, MSG_ZEROCOPY, jump(b + 4, b + 7)),      // +4
        jset_imm(R3, MSG_SPLICE_PAGES, jump(b + 5, b + 15)), // +5
        ja(jump(b + 6, store)),                              // +6
        ldx_dw(R4, R2, l.msg_ubuf),                          // +7: msg->msg_ubuf
        jne_imm(R4, 0, jump(b + 8, b + 13)),                 // +8: io_uring SEND_ZC
        ldx_dw(R4, R1, l.sk_flags),                          // +9: sk->sk_flags
        rsh64_imm(R4, l.sock_zerocopy),                      // +10
        and64_imm(R4, 1),                                    // +11
        jeq_imm(R4, 0, jump(b + 12, store)),                 // +12: no SO_ZEROCOPY
        mov64_imm(R9, TX_ZEROCOPY as i32),                   // +13
        ja(jump(b + 14, store)),                             // +14
        mov64_imm(R9, TX_SPLICED as i32),                    // +15
        ja(jump(b + 16, store)),                             // +16
        stx_w(R10, -8, R8),                                  // +17 (store): key = slot
        lo,                                                  // +18
        hi,                                                  // +19
        mov64_reg(R2, R10),                                  // +20
        add64_imm(R2, -8),                                   // +21
        call(MAP_LOOKUP_ELEM),                               // +22: the slot's entry
        jeq_imm(R0, 0, jump(b + 23, OUT)),                   // +23
        stx_w(R0, 0, R9),                                    // +24: written in place
        ja(jump(b + 25, OUT)),                               // +25
    ]);
    finish(p, OUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: Maps = Maps {
        slots: 3,
        pending: 4,
        counters: 5,
    };

    /// Every jump lands inside the program (on an instruction, not the second half
    /// of a 64-bit immediate) and the program ends with an exit.
    fn well_formed(p: &[Insn]) {
        let wide: Vec<usize> = (0..p.len()).filter(|&i| p[i].code == 0x18).collect();
        for (i, insn) in p.iter().enumerate() {
            let class = insn.code & 0x07;
            let is_jump =
                (class == 0x05 || class == 0x06) && insn.code != 0x85 && insn.code != 0x95;
            if is_jump {
                let to = i as i64 + 1 + i64::from(insn.off);
                assert!(
                    to > i as i64 && (to as usize) < p.len(),
                    "jump at {i} to {to}"
                );
                assert!(
                    !wide.iter().any(|&w| w + 1 == to as usize),
                    "jump into ld_imm64 at {i}"
                );
            }
        }
        assert_eq!(p.last().map(|i| i.code), Some(0x95));
    }

    #[test]
    fn programs_are_well_formed() {
        let layout = Layout {
            msg_flags: 48,
            msg_ubuf: 56,
            sk_flags: 96,
            sock_zerocopy: 26,
        };
        well_formed(&receive(1, MAPS));
        well_formed(&send_length(1, MAPS));
        well_formed(&send_path(1, MAPS, layout));
    }
}
