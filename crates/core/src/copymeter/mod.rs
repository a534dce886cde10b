//! The copy meter: the kernel's own count of the bytes it copied, per worker thread.
//! Small BPF programs are assembled here (`asm.rs`), loaded with raw `bpf(2)`
//! (`bpf.rs`) and attached to BTF-typed tracepoints whose ids come from the running
//! kernel's BTF (`btf.rs`): no clang, no ELF, no build-time toolchain.
//!
//! What it counts, per registered worker socket (see `programs.rs` for how): bytes
//! the send path copied (`tx_copied`), pinned (`tx_zerocopy`: MSG_ZEROCOPY, io_uring
//! SEND_ZC) or took page references to (`tx_spliced`: sendfile, splice), and bytes
//! copied to the receiver (`rx_copied`); and for the whole machine, the late copy of
//! zero-copy pages at local delivery (`late_copied`), charged to the cell running.
//! Only sockets the tool registered count, each in the slot it assigned (an array
//! entry indexed by the socket cookie's low bits holds the cookie and its slot, then
//! an atomic add into an array of counters).

mod asm;
pub mod bpf;
mod btf;
mod choice;
mod programs;
mod selfcheck;

pub use choice::{MeterChoice, NO_PRIVILEGE, OFF, REFUSED, SELF_CHECK, UNREGISTERED};

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

use crate::probe::Check;

/// The tracepoints the programs attach to.
const SEND_PATH: &str = "tcp_sendmsg_locked";
const SEND_LENGTH: &str = "sock_send_length";
const RECV_LENGTH: &str = "sock_recv_length";
const LOCAL_DELIVERY: &str = "netif_receive_skb";

/// One slot's counts: bytes since the meter was loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub tx_copied: u64,
    pub tx_zerocopy: u64,
    pub tx_spliced: u64,
    /// Machine-wide (the softirq's thread is not the worker's): see [`Meter::late`].
    pub late_copied: u64,
    pub rx_copied: u64,
}

/// A loaded, attached meter: its maps, programs and links; dropping it detaches and
/// frees everything.
pub struct Meter {
    /// cookie (u64) → slot (u32) and noted path (u32).
    slots: OwnedFd,
    /// `slot * KINDS + kind` → bytes (u64).
    counters: OwnedFd,
    /// One u64: late-copied bytes.
    late: OwnedFd,
    capacity: u32,
    /// The programs and their links, held until drop.
    _held: Vec<OwnedFd>,
}

impl Counts {
    /// Field-wise sum.
    pub fn plus(self, o: Counts) -> Counts {
        Counts {
            tx_copied: self.tx_copied + o.tx_copied,
            tx_zerocopy: self.tx_zerocopy + o.tx_zerocopy,
            tx_spliced: self.tx_spliced + o.tx_spliced,
            late_copied: self.late_copied + o.late_copied,
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
    /// Loads and attaches the meter with room for `capacity` worker slots, and checks
    /// it against a known count (`selfcheck.rs`, in two more slots of its own); a
    /// failed check is an `InvalidData` error.
    pub fn load(capacity: u32) -> io::Result<Meter> {
        let meter = Self::attach(capacity.max(1))?;
        selfcheck::check(&meter, meter.capacity)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        Ok(meter)
    }

    fn attach(capacity: u32) -> io::Result<Meter> {
        let kernel = btf::KernelBtf::open()?;
        let layout = programs::Layout {
            msg_flags: kernel.member_offset("msghdr", "msg_flags")?,
            msg_ubuf: kernel.member_offset("msghdr", "msg_ubuf")?,
            // `sk_flags` and `sk_cookie` are `__sk_common.skc_*` (macros in
            // include/net/sock.h); the cookie is an atomic64_t, its counter first.
            sk_flags: kernel.member_offset("sock", "__sk_common.skc_flags")?,
            sk_cookie: kernel.member_offset("sock", "__sk_common.skc_cookie")?,
            sock_zerocopy: kernel.enum_value("sock_flags", "SOCK_ZEROCOPY")? as i32,
            skb_head: kernel.member_offset("sk_buff", "head")?,
            skb_end: kernel.member_offset("sk_buff", "end")?,
            skb_data_len: kernel.member_offset("sk_buff", "data_len")?,
            shinfo_flags: kernel.member_offset("skb_shared_info", "flags")?,
            zerocopy_enable: kernel.enumerator("SKBFL_ZEROCOPY_ENABLE")? as i32,
        };
        let slots = bpf::map_create(
            bpf::MAP_ARRAY,
            4,
            programs::ENTRY_SIZE,
            programs::SLOT_ENTRIES,
        )?;
        // The self-check's two slots follow the workers'.
        let counters = bpf::map_create(bpf::MAP_ARRAY, 4, 8, (capacity + 2) * programs::KINDS)?;
        let late = bpf::map_create(bpf::MAP_ARRAY, 4, 8, 1)?;
        let maps = programs::Maps {
            slots: slots.as_raw_fd(),
            counters: counters.as_raw_fd(),
            late: late.as_raw_fd(),
        };
        let mut held = Vec::new();
        for (tracepoint, program) in [
            (SEND_PATH, programs::send_path(layout, maps)),
            (SEND_LENGTH, programs::send_length(layout, maps)),
            (RECV_LENGTH, programs::receive(layout, maps)),
            (LOCAL_DELIVERY, programs::late_copy(layout, maps)),
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
            late,
            capacity,
            _held: held,
        })
    }

    /// Counts the calls on the socket with `cookie` (`SO_COOKIE`) in `slot`. Refused
    /// when another registered socket holds the same entry (their cookies share their
    /// low 16 bits): that worker's figures would be lost, so the caller must treat
    /// them as absent.
    pub fn watch(&self, cookie: u64, slot: u32) -> io::Result<()> {
        if slot >= self.capacity {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("slot {slot} beyond the meter's {}", self.capacity),
            ));
        }
        self.watch_in(cookie, slot)
    }

    /// [`Meter::watch`] in any slot the counters hold (the self-check's too).
    fn watch_in(&self, cookie: u64, slot: u32) -> io::Result<()> {
        if cookie == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the socket has no cookie",
            ));
        }
        let held = self.entry(cookie)?;
        if held != 0 && held != cookie {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("socket {cookie} shares its entry with socket {held}"),
            ));
        }
        let mut value = [0u8; programs::ENTRY_SIZE as usize];
        value[..8].copy_from_slice(&cookie.to_ne_bytes());
        value[8..12].copy_from_slice(&slot.to_ne_bytes());
        bpf::map_update(&self.slots, &Self::key(cookie), &value)
    }

    /// Stops counting the socket with `cookie` (its slot keeps what it counted).
    pub fn unwatch(&self, cookie: u64) {
        if cookie != 0 && self.entry(cookie).is_ok_and(|held| held == cookie) {
            // Nothing to undo if this fails: the entry names a closed socket.
            let _ = bpf::map_update(
                &self.slots,
                &Self::key(cookie),
                &[0u8; programs::ENTRY_SIZE as usize],
            );
        }
    }

    /// The slots array's key for `cookie`.
    fn key(cookie: u64) -> [u8; 4] {
        ((cookie as u32) & (programs::SLOT_ENTRIES - 1)).to_ne_bytes()
    }

    /// The cookie the entry for `cookie` holds.
    fn entry(&self, cookie: u64) -> io::Result<u64> {
        let mut v = [0u8; programs::ENTRY_SIZE as usize];
        bpf::map_lookup(&self.slots, &Self::key(cookie), &mut v)?;
        let mut c = [0u8; 8];
        c.copy_from_slice(&v[..8]);
        Ok(u64::from_ne_bytes(c))
    }

    /// Bytes the kernel copied late, at local delivery, out of zero-copy pages, on
    /// the whole machine since the meter was loaded: the softirq that copies runs on
    /// whatever thread it interrupts, and the skb no longer names its socket.
    pub fn late(&self) -> io::Result<u64> {
        let mut v = [0u8; 8];
        bpf::map_lookup(&self.late, &0u32.to_ne_bytes(), &mut v)?;
        Ok(u64::from_ne_bytes(v))
    }

    /// The counts of the socket in `slot` (beyond the capacity: the self-check's) (`late_copied` is the machine's: [`Meter::late`]).
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
            late_copied: 0,
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
                "tp_btf programs on {SEND_PATH}, {SEND_LENGTH}, {RECV_LENGTH} and \
                 {LOCAL_DELIVERY} load and attach (BTF from {}), and count a \
                 copying pair's bytes exactly",
                btf::VMLINUX
            ),
            fix: None,
        },
        Err(e) => Check {
            ok: false,
            detail: format!("the copy meter cannot load: {e}"),
            fix: Some(match e.raw_os_error() {
                Some(libc::EPERM) | Some(libc::EACCES) => {
                    "needs CAP_BPF and CAP_PERFMON: run with sudo, or give the binary them: sudo setcap cap_bpf,cap_perfmon+ep \"$(command -v netio-tui)\"".into()
                }
                _ if e.kind() == io::ErrorKind::InvalidData => {
                    "the kernel's send or receive path differs from what the meter expects: \
                     run with --no-copy-meter, and report this kernel"
                        .into()
                }
                _ if e.kind() == io::ErrorKind::NotFound => {
                    "the kernel has no BTF (CONFIG_DEBUG_INFO_BTF) or lacks the tracepoint".into()
                }
                _ => "the kernel refuses tp_btf programs".into(),
            }),
        },
    }
}
