//! netio-tui: measures, side by side, what each Linux socket send strategy costs:
//! two-copy (`memcpy` + `send`), one-copy (`sendmsg` scatter-gather) and zero-copy
//! (`MSG_ZEROCOPY`), and the ways added since (io_uring, sendfile, splice, receive-side
//! zero-copy). ARCHITECTURE.md is the map of this code; README.md says what each figure
//! means and how it is measured.

pub mod aggregate;
pub mod aligned;
pub mod app;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod copymeter;
pub mod counters;
pub mod doctor;
pub mod engine;
pub mod figure;
#[cfg(test)]
mod fixtures;
pub mod headless;
pub mod machine;
pub mod mapped;
pub mod matrix;
pub mod message;
pub mod net;
pub mod paths;
pub mod plot;
pub mod preflight;
pub mod probe;
pub mod progress;
pub mod receive;
pub mod record;
pub mod registry;
pub mod remote;
pub mod report;
pub mod row;
pub mod signals;
pub mod stats;
pub mod strategy;
pub mod summary;
pub mod tui;
pub mod ui;
pub mod wire;
pub mod workload;
