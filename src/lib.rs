//! netio-tui: measures, side by side, what each Linux socket send strategy costs:
//! two-copy (`memcpy` + `send`), one-copy (`sendmsg` scatter-gather) and zero-copy
//! (`MSG_ZEROCOPY`). See DESIGN.md for the data flow and the measurement contract.

pub mod cli;
pub mod clock;
pub mod counters;
pub mod doctor;
pub mod engine;
pub mod headless;
pub mod machine;
pub mod matrix;
pub mod message;
pub mod net;
pub mod progress;
pub mod record;
pub mod strategy;
pub mod summary;
pub mod wire;
