//! What each side's threads cost: thread CPU time and context switches from the kernel's
//! per-thread clocks and `/proc` ([`proc`]), perf-event counter groups per thread
//! ([`perf`]), and whole-machine busy time from `/proc/stat`.

pub mod perf;
mod proc;

pub use proc::{ContextSwitches, MachineCpu, ThreadReading, parse_proc_stat, parse_status};
