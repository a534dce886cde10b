//! netio-tui, the application: the command line, the commands, the monitor, `doctor`
//! and the checks made before a run. It turns the command line into a run plan at the
//! edge and drives the measuring core (`netio_core`), the data crate (`netio_data`)
//! and the two-host protocol (`netio_remote`). ARCHITECTURE.md is the map of this
//! code; README.md and docs/ say what each figure means and how it is measured.

pub mod cli;
pub mod commands;
pub mod doctor;
#[cfg(test)]
mod fixtures;
pub mod headless;
pub mod monitor;
pub mod paths;
pub mod plan;
pub mod preflight;
pub mod signals;
