//! Where a side's CPU goes, by kernel and user function: the pure parts of per-side
//! sampling (`sampler`: a side's threads on the software clock, not yet wired to the
//! engine). `kallsyms` turns kernel addresses into
//! function names from `/proc/kallsyms`, refusing where `kptr_restrict` hides them (no
//! wrong names); `bucketing` maps a sampled call chain to the kind of work a student
//! recognizes (user copy, copy to kernel, page pinning, deferred copy, TCP/IP, ...),
//! from one table checked on a named kernel.

pub mod bucketing;
pub mod kallsyms;
pub mod sampler;
