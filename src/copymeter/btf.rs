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
        btf_rs::Btf::from_file(VMLINUX)
            .map(KernelBtf)
            .map_err(|e| io::Error::other(format!("reading {VMLINUX}: {e}")))
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
        for t in types {
            let btf_rs::Type::Enum(e) = t else { continue };
            for m in &e.members {
                if self.0.resolve_name(m).is_ok_and(|n| n == constant) {
                    return Ok(m.val());
                }
            }
        }
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the kernel's BTF has no {constant} in enum {name}"),
        ))
    }
}
