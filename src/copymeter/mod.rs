//! The copy meter: the kernel's own count of the bytes it copied, per worker thread.
//! Small BPF programs are assembled here (`asm.rs`), loaded with raw `bpf(2)`
//! (`bpf.rs`) and attached to BTF-typed tracepoints whose ids come from the running
//! kernel's BTF (`btf.rs`): no clang, no ELF, no build-time toolchain.
//!
//! This first part counts the bytes copied to the receiver (`sock:sock_recv_length`:
//! the bytes each receive call returned, in the receiving thread). Only this
//! process's threads count (the tgid is checked first), and only threads the tool
//! registered, each in the slot it assigned (a hash lookup tid → slot, then an
//! atomic add into an array of counters): other threads of the process never count.
//! The send-side programs and the late copy are the rest of the meter's issue.

mod asm;
pub mod bpf;
mod btf;

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

use asm::*;

use crate::doctor::Check;

/// The tracepoint the receive count is taken from.
const RECV_TRACEPOINT: &str = "sock_recv_length";

/// A loaded, attached meter: its maps and its program; dropping it detaches and frees
/// everything.
pub struct Meter {
    /// tid (u32) → slot (u32).
    slots: OwnedFd,
    /// slot (u32) → bytes (u64).
    counters: OwnedFd,
    capacity: u32,
    _program: OwnedFd,
    _link: OwnedFd,
}

impl Meter {
    /// Loads and attaches the meter with room for `capacity` worker slots.
    pub fn load(capacity: u32) -> io::Result<Meter> {
        let kernel = btf::KernelBtf::open()?;
        let tracepoint = kernel.tracepoint(RECV_TRACEPOINT)?;
        let slots = bpf::map_create(bpf::MAP_HASH, 4, 4, capacity.max(1))?;
        let counters = bpf::map_create(bpf::MAP_ARRAY, 4, 8, capacity.max(1))?;
        let program = receive_program(
            std::process::id() as i32,
            slots.as_raw_fd(),
            counters.as_raw_fd(),
        );
        let loaded = bpf::load_tp_btf(&program, tracepoint)?;
        let link = bpf::attach(&loaded)?;
        Ok(Meter {
            slots,
            counters,
            capacity: capacity.max(1),
            _program: loaded,
            _link: link,
        })
    }

    /// Counts thread `tid`'s receive copies in `slot`.
    pub fn watch(&self, tid: i32, slot: u32) -> io::Result<()> {
        if slot >= self.capacity {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("slot {slot} beyond the meter's {}", self.capacity),
            ));
        }
        bpf::map_update(
            &self.slots,
            &(tid as u32).to_ne_bytes(),
            &slot.to_ne_bytes(),
        )
    }

    /// Bytes copied to user space by the receive calls of the thread in `slot`.
    pub fn rx_copied(&self, slot: u32) -> io::Result<u64> {
        let mut v = [0u8; 8];
        bpf::map_lookup(&self.counters, &slot.to_ne_bytes(), &mut v)?;
        Ok(u64::from_ne_bytes(v))
    }
}

/// The receive program: for this process's registered threads, adds each receive
/// call's positive return to the thread's slot.
fn receive_program(tgid: i32, slots: i32, counters: i32) -> Vec<Insn> {
    const OUT: usize = 24;
    let [slots_lo, slots_hi] = ld_map_fd(R1, slots);
    let [counters_lo, counters_hi] = ld_map_fd(R1, counters);
    let program = vec![
        mov64_reg(R6, R1),                // 0: r6 = ctx (the tracepoint's arguments)
        call(GET_CURRENT_PID_TGID),       // 1
        mov64_reg(R7, R0),                // 2: r7 = tgid << 32 | tid
        rsh64_imm(R0, 32),                // 3
        jne_imm(R0, tgid, jump(4, OUT)),  // 4: another process: not ours
        stx_w(R10, -4, R7),               // 5: key = tid
        slots_lo,                         // 6
        slots_hi,                         // 7
        mov64_reg(R2, R10),               // 8
        add64_imm(R2, -4),                // 9
        call(MAP_LOOKUP_ELEM),            // 10
        jeq_imm(R0, 0, jump(11, OUT)),    // 11: not a worker the tool registered
        ldx_w(R8, R0, 0),                 // 12: r8 = slot
        ldx_dw(R7, R6, 8),                // 13: r7 = ret (the call's bytes, or -errno)
        jsle32_imm(R7, 0, jump(14, OUT)), // 14: nothing received
        mov32_reg(R7, R7),                // 15: as an unsigned 64-bit count
        stx_w(R10, -8, R8),               // 16: key = slot
        counters_lo,                      // 17
        counters_hi,                      // 18
        mov64_reg(R2, R10),               // 19
        add64_imm(R2, -8),                // 20
        call(MAP_LOOKUP_ELEM),            // 21
        jeq_imm(R0, 0, jump(22, OUT)),    // 22
        atomic_add_dw(R0, 0, R7),         // 23: counter += bytes
        mov64_imm(R0, 0),                 // 24 (OUT)
        exit(),                           // 25
    ];
    debug_assert_eq!(program.len(), OUT + 2);
    program
}

/// Whether the meter can load here, and why not.
pub fn probe() -> Check {
    match Meter::load(1) {
        Ok(_) => Check {
            ok: true,
            detail: format!(
                "a tp_btf program on {RECV_TRACEPOINT} loads and attaches (BTF from {})",
                btf::VMLINUX
            ),
            fix: None,
        },
        Err(e) => Check {
            ok: false,
            detail: format!("the copy meter cannot load: {e}"),
            fix: Some(match e.raw_os_error() {
                Some(libc::EPERM) | Some(libc::EACCES) => {
                    "needs CAP_BPF and CAP_PERFMON: run with sudo".into()
                }
                _ if e.kind() == io::ErrorKind::NotFound => {
                    "the kernel has no BTF (CONFIG_DEBUG_INFO_BTF) or lacks the tracepoint".into()
                }
                _ => "the kernel refuses tp_btf programs".into(),
            }),
        },
    }
}
