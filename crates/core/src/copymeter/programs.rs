//! The meter's BPF programs, assembled. The three on socket calls start the same way:
//! a call on a socket the tool did not register returns at once; otherwise the slot
//! the tool gave the socket is in `r8` and its entry in `r0`. A socket is known by its
//! cookie (`SO_COOKIE`, read by the program from `sk->sk_cookie`): one load, no helper
//! call, and exact whichever thread makes the call (io_uring may send from its own
//! workers). Each worker has its own socket, so a socket's counts are its worker's.
//!
//! - `tcp:tcp_sendmsg_locked (sk, msg, skb, size_goal)` fires before each send loop
//!   iteration copies anything: it notes, in the socket's entry, which path the
//!   kernel takes, decided as `tcp_sendmsg_locked` decides it: `MSG_ZEROCOPY` with
//!   `msg->msg_ubuf` (io_uring SEND_ZC) or with the socket's `SOCK_ZEROCOPY` flag pins
//!   pages; `MSG_SPLICE_PAGES` (sendfile, splice) takes page references; anything
//!   else is copied. (The kernel also needs scatter-gather on the route, which
//!   loopback and veth have; a device without it copies and would be counted as
//!   pinned.)
//! - `sock:sock_send_length (sk, ret, flags)` adds the call's bytes to the noted path.
//! - `sock:sock_recv_length (sk, ret, flags)` adds a receive call's bytes to
//!   `rx_copied` (data mapped by `TCP_ZEROCOPY_RECEIVE` does not pass it).
//! - `net:netif_receive_skb (skb)`: an skb that still carries zero-copy user pages at
//!   local delivery (`skb_shinfo(skb)->flags & SKBFL_ZEROCOPY_ENABLE`) has them copied
//!   now (`skb_orphan_frags_rx`): the late copy, `skb->data_len` bytes. It runs in
//!   softirq on whatever thread it interrupts and the skb no longer names its socket,
//!   so it is counted for the whole machine, and charged to the cell running.

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

/// What the programs read from kernel structures (from BTF).
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub msg_flags: i16,
    pub msg_ubuf: i16,
    pub sk_flags: i16,
    pub sk_cookie: i16,
    /// `SOCK_ZEROCOPY`'s bit in `sk_flags`.
    pub sock_zerocopy: i32,
    pub skb_head: i16,
    /// `skb->end`: an offset from `head` (`sk_buff_data_t` on 64-bit kernels).
    pub skb_end: i16,
    pub skb_data_len: i16,
    /// `flags` in `struct skb_shared_info`, and `SKBFL_ZEROCOPY_ENABLE`.
    pub shinfo_flags: i16,
    pub zerocopy_enable: i32,
}

/// The maps the programs use, by fd.
#[derive(Debug, Clone, Copy)]
pub struct Maps {
    /// cookie → slot, and the path noted by the last `tcp_sendmsg_locked`.
    pub slots: i32,
    /// `slot * KINDS + kind` → bytes; the late copy at index [`Maps::late`].
    pub counters: i32,
    pub late: i32,
}

/// Entries of the slots array, indexed by a socket cookie's low bits: the entry holds
/// the cookie it is for (u64), its slot (u32) and the noted path (u32). An array
/// lookup is inlined by the verifier; a hash lookup on every event cost twice as much.
pub const SLOT_ENTRIES: u32 = 1 << 16;
pub const ENTRY_SIZE: u32 = 16;
const ENTRY_PATH: i16 = 12;

/// Length of [`preamble`].
const PRE: usize = 16;

/// Instructions 0..PRE: a registered socket's call, its slot in `r8`, its entry in
/// `r0`, the tracepoint's arguments in `r6`; otherwise jump to `out`.
fn preamble(l: Layout, maps: Maps, out: usize) -> Vec<Insn> {
    let [lo, hi] = ld_map_fd(R1, maps.slots);
    let p = vec![
        mov64_reg(R6, R1),                        // 0: r6 = the arguments
        ldx_dw(R1, R6, 0),                        // 1: sk
        ldx_dw(R7, R1, l.sk_cookie),              // 2: its cookie (0: never asked for)
        jeq_imm(R7, 0, jump(3, out)),             // 3
        mov64_reg(R8, R7),                        // 4
        and64_imm(R8, (SLOT_ENTRIES - 1) as i32), // 5: the cookie's entry
        stx_w(R10, -4, R8),                       // 6
        lo,                                       // 7
        hi,                                       // 8
        mov64_reg(R2, R10),                       // 9
        add64_imm(R2, -4),                        // 10
        call(MAP_LOOKUP_ELEM),                    // 11: inlined (an array)
        jeq_imm(R0, 0, jump(12, out)),            // 12
        ldx_dw(R8, R0, 0),                        // 13: the entry's cookie
        jne_reg(R8, R7, jump(14, out)),           // 14: not a registered socket
        ldx_w(R8, R0, 8),                         // 15: r8 = slot
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
pub fn receive(l: Layout, maps: Maps) -> Vec<Insn> {
    const OUT: usize = PRE + 14;
    let mut p = preamble(l, maps, OUT);
    p.extend(positive_ret(p.len(), OUT));
    p.push(mov64_imm(R9, RX_COPIED as i32));
    let at = p.len();
    p.extend(add_to_counter(maps, at, OUT));
    finish(p, OUT)
}

/// `sock_send_length`: a send call's bytes, counted on the path noted in its entry.
pub fn send_length(l: Layout, maps: Maps) -> Vec<Insn> {
    const OUT: usize = PRE + 14;
    let mut p = preamble(l, maps, OUT);
    p.push(ldx_w(R9, R0, ENTRY_PATH)); // the noted path
    p.extend(positive_ret(p.len(), OUT));
    let at = p.len();
    p.extend(add_to_counter(maps, at, OUT));
    finish(p, OUT)
}

/// `tcp_sendmsg_locked`: notes the path the kernel takes for this socket's send, in
/// its entry.
pub fn send_path(l: Layout, maps: Maps) -> Vec<Insn> {
    const OUT: usize = PRE + 19;
    let mut p = preamble(l, maps, OUT);
    let b = PRE;
    let store = b + 17;
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
        stx_w(R0, ENTRY_PATH, R9),                           // +17 (store): in place
        ja(jump(b + 18, OUT)),                               // +18
    ]);
    finish(p, OUT)
}

/// `netif_receive_skb`: the late copy's bytes, for every skb that reaches local
/// delivery still holding zero-copy user pages.
pub fn late_copy(l: Layout, maps: Maps) -> Vec<Insn> {
    const OUT: usize = 26;
    let [lo, hi] = ld_map_fd(R1, maps.late);
    let p = vec![
        ldx_dw(R6, R1, 0),                             // 0: skb
        ldx_w(R7, R6, l.skb_data_len),                 // 1: bytes in pages
        jeq_imm(R7, 0, jump(2, OUT)),                  // 2
        ldx_dw(R3, R6, l.skb_head),                    // 3
        ldx_w(R4, R6, l.skb_end),                      // 4
        add64_reg(R3, R4),                             // 5: skb_shinfo(skb)
        add64_imm(R3, i32::from(l.shinfo_flags)),      // 6: &shinfo->flags
        mov64_reg(R1, R10),                            // 7
        add64_imm(R1, -8),                             // 8
        mov64_imm(R2, 1),                              // 9
        call(PROBE_READ_KERNEL),                       // 10
        jne_imm(R0, 0, jump(11, OUT)),                 // 11
        ldx_b(R1, R10, -8),                            // 12: the flags
        jset_imm(R1, l.zerocopy_enable, jump(13, 15)), // 13: user pages still
        ja(jump(14, OUT)),                             // 14
        mov64_imm(R1, 0),                              // 15
        stx_w(R10, -12, R1),                           // 16: key 0
        lo,                                            // 17
        hi,                                            // 18
        mov64_reg(R2, R10),                            // 19
        add64_imm(R2, -12),                            // 20
        call(MAP_LOOKUP_ELEM),                         // 21
        jeq_imm(R0, 0, jump(22, OUT)),                 // 22
        mov32_reg(R7, R7),                             // 23
        atomic_add_dw(R0, 0, R7),                      // 24
        ja(jump(25, OUT)),                             // 25
    ];
    finish(p, OUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: Maps = Maps {
        slots: 3,
        counters: 4,
        late: 5,
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
            sk_cookie: 104,
            sock_zerocopy: 26,
            skb_head: 192,
            skb_end: 188,
            skb_data_len: 116,
            shinfo_flags: 1,
            zerocopy_enable: 1,
        };
        well_formed(&receive(layout, MAPS));
        well_formed(&send_length(layout, MAPS));
        well_formed(&send_path(layout, MAPS));
        well_formed(&late_copy(layout, MAPS));
    }
}
