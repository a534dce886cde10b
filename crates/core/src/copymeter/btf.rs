//! What the meter reads from the running kernel's BTF (`/sys/kernel/btf/vmlinux`,
//! parsed with `btf-rs`): the id of each tracepoint's `btf_trace_<name>` typedef,
//! which a tp_btf program names to attach, struct member offsets and enum values the
//! programs read. No kernel layout is hard-coded.

use std::io;

/// The kernel's BTF.
pub struct KernelBtf(btf_rs::Btf);

/// Where the running kernel describes its types.
pub const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

impl KernelBtf {
    pub fn open() -> io::Result<KernelBtf> {
        let bytes = std::fs::read(VMLINUX)
            .map_err(|e| io::Error::new(e.kind(), format!("reading {VMLINUX}: {e}")))?;
        Self::from_bytes(&bytes).map_err(|e| io::Error::other(format!("{VMLINUX}: {e}")))
    }

    /// Parses BTF from `bytes`. Malformed input is an error; a parser panic on input
    /// it did not expect is caught and made one too (the file is the kernel's, but a
    /// run must never abort over it).
    pub fn from_bytes(bytes: &[u8]) -> io::Result<KernelBtf> {
        match std::panic::catch_unwind(|| btf_rs::Btf::from_bytes(bytes)) {
            Ok(Ok(btf)) => Ok(KernelBtf(btf)),
            Ok(Err(e)) => Err(io::Error::other(format!("malformed BTF: {e}"))),
            Err(_) => Err(io::Error::other("malformed BTF (the parser gave up)")),
        }
    }

    /// The BTF id of tracepoint `name`'s typedef (`btf_trace_<name>`).
    pub fn tracepoint(&self, name: &str) -> io::Result<u32> {
        let typedef = format!("btf_trace_{name}");
        let ids = self
            .0
            .resolve_ids_by_name(&typedef)
            .map_err(|e| io::Error::other(format!("{typedef}: {e}")))?;
        ids.into_iter()
            .find(|&id| matches!(self.0.resolve_type_by_id(id), Ok(btf_rs::Type::Typedef(_))))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("the kernel's BTF has no {typedef}"),
                )
            })
    }

    /// Byte offset of `path` (`member` or `member.member`, looking through anonymous
    /// unions and structs as C does) in `struct name`.
    pub fn member_offset(&self, name: &str, path: &str) -> io::Result<i16> {
        let missing = || {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("the kernel's BTF has no struct {name} with a member {path}"),
            )
        };
        let types = self
            .0
            .resolve_types_by_name(name)
            .map_err(|e| io::Error::other(format!("struct {name}: {e}")))?;
        let start = types
            .into_iter()
            .find_map(|t| match t {
                btf_rs::Type::Struct(s) => Some(s),
                _ => None,
            })
            .ok_or_else(missing)?;
        let mut current = start;
        let mut bits = 0u32;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            let (at, member) = self.find(&current, part, 0).ok_or_else(missing)?;
            bits += at;
            if parts.peek().is_some() {
                current = self.aggregate_of(&member).ok_or_else(missing)?;
            }
        }
        i16::try_from(bits / 8)
            .map_err(|_| io::Error::other(format!("{name}.{path} is too far in")))
    }

    /// The struct or union a member's type resolves to (through typedefs and
    /// qualifiers).
    fn aggregate_of(&self, member: &btf_rs::Member) -> Option<btf_rs::Struct> {
        let mut t = self.0.resolve_chained_type(member).ok()?;
        for _ in 0..8 {
            match t {
                btf_rs::Type::Struct(s) | btf_rs::Type::Union(s) => return Some(s),
                btf_rs::Type::Typedef(ref d) => t = self.0.resolve_chained_type(d).ok()?,
                btf_rs::Type::Const(ref c) => t = self.0.resolve_chained_type(c).ok()?,
                btf_rs::Type::Volatile(ref v) => t = self.0.resolve_chained_type(v).ok()?,
                _ => return None,
            }
        }
        None
    }

    /// `name` in `s` (bit offset from `s`'s start, and the member), searching
    /// anonymous members too.
    fn find(&self, s: &btf_rs::Struct, name: &str, depth: u32) -> Option<(u32, btf_rs::Member)> {
        for m in &s.members {
            let own = self.0.resolve_name(m).unwrap_or_default();
            if own == name {
                return Some((m.bit_offset(), m.clone()));
            }
            if own.is_empty()
                && depth < 4
                && let Some(inner) = self.aggregate_of(m)
                && let Some((at, found)) = self.find(&inner, name, depth + 1)
            {
                return Some((m.bit_offset() + at, found));
            }
        }
        None
    }

    /// The value of `constant` in `enum name`.
    pub fn enum_value(&self, name: &str, constant: &str) -> io::Result<u32> {
        let types = self
            .0
            .resolve_types_by_name(name)
            .map_err(|e| io::Error::other(format!("enum {name}: {e}")))?;
        types
            .into_iter()
            .find_map(|t| self.value_in(&t, constant))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("the kernel's BTF has no {constant} in enum {name}"),
                )
            })
    }

    /// The value of enumerator `constant` in whichever enum defines it (many kernel
    /// constants live in anonymous enums, such as `SKBFL_ZEROCOPY_ENABLE`).
    pub fn enumerator(&self, constant: &str) -> io::Result<u32> {
        // Type ids run from 1 to the last; the first id that does not resolve ends them.
        (1..)
            .map_while(|id| self.0.resolve_type_by_id(id).ok())
            .find_map(|t| self.value_in(&t, constant))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("the kernel's BTF has no enumerator {constant}"),
                )
            })
    }

    /// `constant`'s value if `t` is an enum that has it.
    fn value_in(&self, t: &btf_rs::Type, constant: &str) -> Option<u32> {
        let btf_rs::Type::Enum(e) = t else {
            return None;
        };
        e.members
            .iter()
            .find(|m| self.0.resolve_name(*m).is_ok_and(|n| n == constant))
            .map(|m| m.val())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_kernel_has_every_id_offset_and_value_the_programs_read() {
        let k = KernelBtf::open().expect("this kernel has BTF");
        for tp in [
            "tcp_sendmsg_locked",
            "sock_send_length",
            "sock_recv_length",
            "netif_receive_skb",
        ] {
            assert!(k.tracepoint(tp).expect(tp) > 0);
        }
        for (s, m) in [
            ("msghdr", "msg_flags"),
            ("msghdr", "msg_ubuf"),
            ("sock", "__sk_common.skc_flags"),
            ("sock", "__sk_common.skc_cookie"),
            ("sk_buff", "head"),
            ("sk_buff", "end"),
            ("sk_buff", "data_len"),
            ("skb_shared_info", "flags"),
        ] {
            k.member_offset(s, m).expect(m);
        }
        // `sk_buff.len` and `data_len` are neighbours (two u32s), as in every kernel.
        let len = k.member_offset("sk_buff", "len").expect("len");
        assert_eq!(
            k.member_offset("sk_buff", "data_len").expect("data_len"),
            len + 4
        );
        assert!(k.enum_value("sock_flags", "SOCK_ZEROCOPY").is_ok());
        assert_eq!(k.enumerator("SKBFL_ZEROCOPY_ENABLE").expect("SKBFL"), 1);
        assert!(k.tracepoint("no_such_tracepoint").is_err());
        assert!(k.member_offset("sock", "no_such_member").is_err());
        assert!(k.enumerator("NO_SUCH_ENUMERATOR").is_err());
    }

    #[test]
    fn malformed_btf_is_an_error_never_a_panic() {
        let real = std::fs::read(VMLINUX).expect("this kernel has BTF");
        let mut cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![0x9f, 0xeb],
            vec![0u8; 24],
            real[..24].to_vec(),
            real[..real.len() / 2].to_vec(),
        ];
        // The header's section offsets and lengths pointing anywhere.
        for field in (8..24).step_by(4) {
            for value in [u32::MAX, 0x7fff_ffff, real.len() as u32] {
                let mut bad = real[..4096.min(real.len())].to_vec();
                bad[field..field + 4].copy_from_slice(&value.to_le_bytes());
                cases.push(bad);
            }
        }
        // Deterministic noise after a valid magic.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..64 {
            let mut noise: Vec<u8> = (0..512)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            noise[..4].copy_from_slice(&real[..4]);
            cases.push(noise);
        }
        for (i, case) in cases.iter().enumerate() {
            assert!(KernelBtf::from_bytes(case).is_err(), "case {i} parsed");
        }
    }
}
