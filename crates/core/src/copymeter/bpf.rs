//! The `bpf(2)` calls the copy meter needs, raw: create an array or hash map, update
//! and read an element, load a BTF-typed tracepoint program (with the verifier's log
//! on failure), and attach it. Every descriptor is an `OwnedFd`: closing the link
//! detaches the program, closing the program and maps frees them, so nothing outlives
//! the meter.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::asm::{Insn, encode};

const BPF_MAP_CREATE: libc::c_long = 0;
const BPF_MAP_LOOKUP_ELEM: libc::c_long = 1;
const BPF_MAP_UPDATE_ELEM: libc::c_long = 2;
const BPF_MAP_DELETE_ELEM: libc::c_long = 3;
const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_RAW_TRACEPOINT_OPEN: libc::c_long = 17;

pub const MAP_HASH: u32 = 1;
pub const MAP_ARRAY: u32 = 2;
/// `BPF_PROG_TYPE_TRACING` with `BPF_TRACE_RAW_TP`: a BTF-typed tracepoint (tp_btf).
const PROG_TRACING: u32 = 26;
const TRACE_RAW_TP: u32 = 23;

/// `union bpf_attr`, large enough for every command used here (zeroed: unused
/// fields must be 0).
#[repr(C, align(8))]
struct Attr([u8; 128]);

impl Attr {
    fn new() -> Attr {
        Attr([0; 128])
    }
    fn u32_at(&mut self, at: usize, v: u32) -> &mut Attr {
        self.0[at..at + 4].copy_from_slice(&v.to_ne_bytes());
        self
    }
    fn u64_at(&mut self, at: usize, v: u64) -> &mut Attr {
        self.0[at..at + 8].copy_from_slice(&v.to_ne_bytes());
        self
    }
}

fn bpf(cmd: libc::c_long, attr: &mut Attr) -> io::Result<i64> {
    // SAFETY: `attr` is a live, zero-initialised bpf_attr of the stated size whose
    // pointers (if any) point into buffers the caller keeps alive for the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr.0.as_mut_ptr(),
            std::mem::size_of::<Attr>() as libc::c_uint,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn fd_of(rc: i64) -> OwnedFd {
    // SAFETY: the kernel just returned this descriptor to us.
    unsafe { OwnedFd::from_raw_fd(rc as i32) }
}

/// A map of `entries` elements, `key` and `value` bytes each.
pub fn map_create(kind: u32, key: u32, value: u32, entries: u32) -> io::Result<OwnedFd> {
    let mut a = Attr::new();
    a.u32_at(0, kind)
        .u32_at(4, key)
        .u32_at(8, value)
        .u32_at(12, entries);
    bpf(BPF_MAP_CREATE, &mut a).map(fd_of)
}

/// Sets `key` to `value` (both exactly the map's sizes).
pub fn map_update(map: &OwnedFd, key: &[u8], value: &[u8]) -> io::Result<()> {
    let mut a = Attr::new();
    a.u32_at(0, map.as_raw_fd() as u32)
        .u64_at(8, key.as_ptr() as u64)
        .u64_at(16, value.as_ptr() as u64);
    bpf(BPF_MAP_UPDATE_ELEM, &mut a).map(|_| ())
}

/// Removes `key`.
pub fn map_delete(map: &OwnedFd, key: &[u8]) -> io::Result<()> {
    let mut a = Attr::new();
    a.u32_at(0, map.as_raw_fd() as u32)
        .u64_at(8, key.as_ptr() as u64);
    bpf(BPF_MAP_DELETE_ELEM, &mut a).map(|_| ())
}

/// Reads `key` into `value`.
pub fn map_lookup(map: &OwnedFd, key: &[u8], value: &mut [u8]) -> io::Result<()> {
    let mut a = Attr::new();
    a.u32_at(0, map.as_raw_fd() as u32)
        .u64_at(8, key.as_ptr() as u64)
        .u64_at(16, value.as_mut_ptr() as u64);
    bpf(BPF_MAP_LOOKUP_ELEM, &mut a).map(|_| ())
}

/// Loads `program` as a tp_btf program for the tracepoint whose `btf_trace_*` typedef
/// has BTF id `attach_btf_id`. A refusal carries the verifier's last lines.
pub fn load_tp_btf(program: &[Insn], attach_btf_id: u32) -> io::Result<OwnedFd> {
    let insns = encode(program);
    let license = c"GPL";
    let mut log = vec![0u8; 64 << 10];
    let mut a = Attr::new();
    a.u32_at(0, PROG_TRACING)
        .u32_at(4, insns.len() as u32)
        .u64_at(8, insns.as_ptr() as u64)
        .u64_at(16, license.as_ptr() as u64)
        .u32_at(24, 1)
        .u32_at(28, log.len() as u32)
        .u64_at(32, log.as_mut_ptr() as u64)
        .u32_at(68, TRACE_RAW_TP)
        .u32_at(108, attach_btf_id);
    bpf(BPF_PROG_LOAD, &mut a).map(fd_of).map_err(|e| {
        let text = String::from_utf8_lossy(&log);
        let text = text.trim_end_matches('\0').trim();
        let tail: Vec<&str> = text.lines().rev().take(3).collect();
        if tail.is_empty() {
            e
        } else {
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            io::Error::new(e.kind(), format!("{e}: verifier: {}", tail.join(" | ")))
        }
    })
}

/// Attaches a loaded tp_btf program; the returned link detaches it when closed.
pub fn attach(program: &OwnedFd) -> io::Result<OwnedFd> {
    let mut a = Attr::new();
    a.u64_at(0, 0).u32_at(8, program.as_raw_fd() as u32);
    bpf(BPF_RAW_TRACEPOINT_OPEN, &mut a).map(fd_of)
}
