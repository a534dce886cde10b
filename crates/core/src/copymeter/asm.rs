//! BPF instructions, assembled in Rust: the few encodings the copy meter's programs
//! use, each a `bpf_insn` of 8 bytes (opcode, dst and src registers, a 16-bit offset,
//! a 32-bit immediate). Pure: the kernel's verifier is the test of the programs; the
//! encodings are tested here against the kernel's UAPI values.

/// One `struct bpf_insn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

/// BPF registers used by name.
pub const R0: u8 = 0;
pub const R1: u8 = 1;
pub const R2: u8 = 2;
pub const R3: u8 = 3;
pub const R4: u8 = 4;
pub const R6: u8 = 6;
pub const R7: u8 = 7;
pub const R8: u8 = 8;
pub const R9: u8 = 9;
/// The read-only frame pointer.
pub const R10: u8 = 10;

/// Helper ids (`enum bpf_func_id`).
pub const MAP_LOOKUP_ELEM: i32 = 1;
pub const PROBE_READ_KERNEL: i32 = 113;

/// `BPF_PSEUDO_MAP_FD`: a 64-bit immediate load whose immediate is a map's fd.
const PSEUDO_MAP_FD: u8 = 1;

const fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn {
        code,
        dst,
        src,
        off,
        imm,
    }
}

/// `dst = src` (64-bit).
pub const fn mov64_reg(dst: u8, src: u8) -> Insn {
    insn(0xbf, dst, src, 0, 0)
}
/// `dst = imm` (64-bit, sign-extended).
pub const fn mov64_imm(dst: u8, imm: i32) -> Insn {
    insn(0xb7, dst, 0, 0, imm)
}
/// `dst = (u32) src`: the upper half cleared.
pub const fn mov32_reg(dst: u8, src: u8) -> Insn {
    insn(0xbc, dst, src, 0, 0)
}
/// `dst += imm` (64-bit).
pub const fn add64_imm(dst: u8, imm: i32) -> Insn {
    insn(0x07, dst, 0, 0, imm)
}
/// `dst += src` (64-bit).
pub const fn add64_reg(dst: u8, src: u8) -> Insn {
    insn(0x0f, dst, src, 0, 0)
}
/// `dst &= imm` (64-bit).
pub const fn and64_imm(dst: u8, imm: i32) -> Insn {
    insn(0x57, dst, 0, 0, imm)
}
/// `dst <<= imm` (64-bit).
pub const fn lsh64_imm(dst: u8, imm: i32) -> Insn {
    insn(0x67, dst, 0, 0, imm)
}
/// `goto +off`.
pub const fn ja(off: i16) -> Insn {
    insn(0x05, 0, 0, off, 0)
}
/// `if dst & imm goto +off`.
pub const fn jset_imm(dst: u8, imm: i32, off: i16) -> Insn {
    insn(0x45, dst, 0, off, imm)
}
/// `dst >>= imm` (64-bit, logical).
pub const fn rsh64_imm(dst: u8, imm: i32) -> Insn {
    insn(0x77, dst, 0, 0, imm)
}
/// `dst = *(u64 *)(src + off)`.
pub const fn ldx_dw(dst: u8, src: u8, off: i16) -> Insn {
    insn(0x79, dst, src, off, 0)
}
/// `dst = *(u32 *)(src + off)`.
pub const fn ldx_w(dst: u8, src: u8, off: i16) -> Insn {
    insn(0x61, dst, src, off, 0)
}
/// `dst = *(u8 *)(src + off)`.
pub const fn ldx_b(dst: u8, src: u8, off: i16) -> Insn {
    insn(0x71, dst, src, off, 0)
}
/// `*(u32 *)(dst + off) = src`.
pub const fn stx_w(dst: u8, off: i16, src: u8) -> Insn {
    insn(0x63, dst, src, off, 0)
}
/// `lock *(u64 *)(dst + off) += src` (`BPF_ATOMIC | BPF_ADD`).
pub const fn atomic_add_dw(dst: u8, off: i16, src: u8) -> Insn {
    insn(0xdb, dst, src, off, 0)
}
/// `if dst != imm goto +off` (64-bit).
pub const fn jne_imm(dst: u8, imm: i32, off: i16) -> Insn {
    insn(0x55, dst, 0, off, imm)
}
/// `if dst == imm goto +off` (64-bit).
pub const fn jeq_imm(dst: u8, imm: i32, off: i16) -> Insn {
    insn(0x15, dst, 0, off, imm)
}
/// `if dst != src goto +off` (64-bit compare).
pub const fn jne_reg(dst: u8, src: u8, off: i16) -> Insn {
    insn(0x5d, dst, src, off, 0)
}
/// `if (s32) dst <= imm goto +off` (32-bit compare).
pub const fn jsle32_imm(dst: u8, imm: i32, off: i16) -> Insn {
    insn(0xd6, dst, 0, off, imm)
}
/// Calls helper `id`.
pub const fn call(id: i32) -> Insn {
    insn(0x85, 0, 0, 0, id)
}
/// Returns `r0`.
pub const fn exit() -> Insn {
    insn(0x95, 0, 0, 0, 0)
}
/// `dst = map` (two instructions: a 64-bit immediate holding the map's fd).
pub const fn ld_map_fd(dst: u8, fd: i32) -> [Insn; 2] {
    [insn(0x18, dst, PSEUDO_MAP_FD, 0, fd), insn(0, 0, 0, 0, 0)]
}

/// The program's bytes as the kernel reads them (little-endian hosts).
pub fn encode(program: &[Insn]) -> Vec<u64> {
    program
        .iter()
        .map(|i| {
            u64::from(i.code)
                | u64::from((i.src & 0xf) << 4 | (i.dst & 0xf)) << 8
                | u64::from(i.off as u16) << 16
                | u64::from(i.imm as u32) << 32
        })
        .collect()
}

/// The jump offset from the instruction at `from` to the one at `to` (a jump's
/// offset counts from the instruction after it).
pub fn jump(from: usize, to: usize) -> i16 {
    (to as i64 - from as i64 - 1) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_match_the_kernel_layout() {
        // `r1 = r6`: code 0xbf, dst 1, src 6.
        assert_eq!(encode(&[mov64_reg(R1, R6)]), vec![0x61bf]);
        // `if r0 != 5 goto +3`: imm in the high half, offset in bits 16..32.
        assert_eq!(
            encode(&[jne_imm(R0, 5, 3)]),
            vec![(5u64 << 32) | (3 << 16) | 0x55]
        );
        // Negative offsets and immediates are two's complement.
        assert_eq!(
            encode(&[stx_w(R10, -4, R7)]),
            vec![(0xfffcu64 << 16) | (0x7a << 8) | 0x63]
        );
        let [lo, hi] = ld_map_fd(R1, 9);
        assert_eq!(
            encode(&[lo, hi]),
            vec![(9u64 << 32) | (0x11 << 8) | 0x18, 0]
        );
        assert_eq!(jump(4, 24), 19);
    }
}
