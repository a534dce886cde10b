//! What the meter reads from the running kernel's BTF (`/sys/kernel/btf/vmlinux`,
//! parsed with `btf-rs`): the id of each tracepoint's `btf_trace_<name>` typedef,
//! which a tp_btf program names to attach. No kernel layout is hard-coded.

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
}
