//! The copy meter: the kernel's own count of the bytes it copied, per worker thread.
//! Small BPF programs are assembled here (`asm.rs`), loaded with raw `bpf(2)`
//! (`bpf.rs`) and attached to BTF-typed tracepoints whose ids come from the running
//! kernel's BTF (`btf.rs`): no clang, no ELF, no build-time toolchain.
//!
//! What it counts, per registered worker thread (see `programs.rs` for how): bytes
//! the send path copied (`tx_copied`), pinned (`tx_zerocopy`: MSG_ZEROCOPY, io_uring
//! SEND_ZC) or took page references to (`tx_spliced`: sendfile, splice), and bytes
//! copied to the receiver (`rx_copied`). Only this process's threads count (the tgid
//! is checked first), and only threads the tool registered, each in the slot it
//! assigned (an array entry indexed by the tid's low bits holds the tid and its slot,
//! then an atomic add into an array of counters): other
//! threads of the process never count. Still to come (the rest of its issue): the
//! late copy at local delivery, and wiring the meter into the engine and the rows.

mod asm;
pub mod bpf;
mod btf;
mod choice;
mod programs;

pub use choice::{MeterChoice, NO_PRIVILEGE, OFF, REFUSED, UNREGISTERED};

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

use crate::doctor::Check;

/// The tracepoints the programs attach to.
const SEND_PATH: &str = "tcp_sendmsg_locked";
const SEND_LENGTH: &str = "sock_send_length";
const RECV_LENGTH: &str = "sock_recv_length";

/// One slot's counts: bytes since the meter was loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tx_copied: u64,
    pub tx_zerocopy: u64,
    pub tx_spliced: u64,
    pub rx_copied: u64,
}

/// A loaded, attached meter: its maps, programs and links; dropping it detaches and
/// frees everything.
pub struct Meter {
    /// tid (u32) → slot (u32).
    slots: OwnedFd,
    /// `slot * KINDS + kind` → bytes (u64).
    counters: OwnedFd,
    capacity: u32,
    /// The pending-path map, the programs and their links, held until drop.
    _held: Vec<OwnedFd>,
}

impl Counts {
    /// Field-wise sum.
    pub fn plus(self, o: Counts) -> Counts {
        Counts {
            tx_copied: self.tx_copied + o.tx_copied,
            tx_zerocopy: self.tx_zerocopy + o.tx_zerocopy,
            tx_spliced: self.tx_spliced + o.tx_spliced,
            rx_copied: self.rx_copied + o.rx_copied,
        }
    }
}

/// What the meter counted between two readings; `Unavailable` when the cell's workers
/// could not be counted (a run without a meter gets its own reason from the engine).
pub fn grown(
    a: Option<Counts>,
    b: Option<Counts>,
    kind: impl Fn(&Counts) -> u64,
) -> crate::figure::Figure<u64> {
    match (a, b) {
        (Some(a), Some(b)) => crate::figure::Figure::Measured(kind(&b).saturating_sub(kind(&a))),
        _ => crate::figure::Figure::Unavailable(UNREGISTERED),
    }
}

impl Meter {
    /// Loads and attaches the meter with room for `capacity` worker slots.
    pub fn load(capacity: u32) -> io::Result<Meter> {
        let capacity = capacity.max(1);
        let kernel = btf::KernelBtf::open()?;
        let layout = programs::Layout {
            msg_flags: kernel.member_offset("msghdr", "msg_flags")?,
            msg_ubuf: kernel.member_offset("msghdr", "msg_ubuf")?,
            // `sk_flags` is `__sk_common.skc_flags` (a macro in include/net/sock.h).
            sk_flags: kernel.member_offset("sock", "__sk_common.skc_flags")?,
            sock_zerocopy: kernel.enum_value("sock_flags", "SOCK_ZEROCOPY")? as i32,
        };
        let slots = bpf::map_create(bpf::MAP_ARRAY, 4, 8, programs::SLOT_ENTRIES)?;
        let pending = bpf::map_create(bpf::MAP_ARRAY, 4, 4, capacity)?;
        let counters = bpf::map_create(bpf::MAP_ARRAY, 4, 8, capacity * programs::KINDS)?;
        let maps = programs::Maps {
            slots: slots.as_raw_fd(),
            pending: pending.as_raw_fd(),
            counters: counters.as_raw_fd(),
        };
        let tgid = std::process::id() as i32;
        let mut held = vec![pending];
        for (tracepoint, program) in [
            (SEND_PATH, programs::send_path(tgid, maps, layout)),
            (SEND_LENGTH, programs::send_length(tgid, maps)),
            (RECV_LENGTH, programs::receive(tgid, maps)),
        ] {
            let id = kernel.tracepoint(tracepoint)?;
            let loaded = bpf::load_tp_btf(&program, id).map_err(|e| {
                io::Error::new(e.kind(), format!("loading the {tracepoint} program: {e}"))
            })?;
            let link = bpf::attach(&loaded)?;
            held.push(loaded);
            held.push(link);
        }
        Ok(Meter {
            slots,
            counters,
            capacity,
            _held: held,
        })
    }

    /// Counts thread `tid`'s copies in `slot`. Refused when another registered thread
    /// holds the same entry (their ids share their low 16 bits): that worker's
    /// figures would be lost, so the caller must treat them as absent.
    pub fn watch(&self, tid: i32, slot: u32) -> io::Result<()> {
        if slot >= self.capacity {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("slot {slot} beyond the meter's {}", self.capacity),
            ));
        }
        let (held, _) = self.entry(tid)?;
        if held != 0 && held != tid as u32 {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("thread {tid} shares its entry with thread {held}"),
            ));
        }
        let mut value = [0u8; 8];
        value[..4].copy_from_slice(&(tid as u32).to_ne_bytes());
        value[4..].copy_from_slice(&slot.to_ne_bytes());
        bpf::map_update(&self.slots, &Self::key(tid), &value)
    }

    /// Stops counting thread `tid` (its slot keeps what it counted).
    pub fn unwatch(&self, tid: i32) {
        if self.entry(tid).is_ok_and(|(held, _)| held == tid as u32) {
            // Nothing to undo if this fails: the entry names a dead thread.
            let _ = bpf::map_update(&self.slots, &Self::key(tid), &[0u8; 8]);
        }
    }

    /// The slots array's key for `tid`.
    fn key(tid: i32) -> [u8; 4] {
        ((tid as u32) & (programs::SLOT_ENTRIES - 1)).to_ne_bytes()
    }

    /// The (tid, slot) the entry for `tid` holds.
    fn entry(&self, tid: i32) -> io::Result<(u32, u32)> {
        let mut v = [0u8; 8];
        bpf::map_lookup(&self.slots, &Self::key(tid), &mut v)?;
        let word = |at: usize| u32::from_ne_bytes([v[at], v[at + 1], v[at + 2], v[at + 3]]);
        Ok((word(0), word(4)))
    }

    /// The counts of the thread in `slot`.
    pub fn counts(&self, slot: u32) -> io::Result<Counts> {
        let read = |kind: u32| -> io::Result<u64> {
            let mut v = [0u8; 8];
            let key = slot * programs::KINDS + kind;
            bpf::map_lookup(&self.counters, &key.to_ne_bytes(), &mut v)?;
            Ok(u64::from_ne_bytes(v))
        };
        Ok(Counts {
            tx_copied: read(programs::TX_COPIED)?,
            tx_zerocopy: read(programs::TX_ZEROCOPY)?,
            tx_spliced: read(programs::TX_SPLICED)?,
            rx_copied: read(programs::RX_COPIED)?,
        })
    }
}

/// Whether the meter can load here, and why not.
pub fn probe() -> Check {
    match Meter::load(1) {
        Ok(_) => Check {
            ok: true,
            detail: format!(
                "tp_btf programs on {SEND_PATH}, {SEND_LENGTH} and {RECV_LENGTH} load and \
                 attach (BTF from {})",
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
