//! The live monitor: its state (`app`: the whole screen's state and `App::update`,
//! no I/O), its panels (`ui`: each draws from `&App`, no state changes) and the
//! terminal and event loop around them (`tui`: the terminal guard, input, the engine
//! driver, the replay player).

pub mod app;
pub mod tui;
pub mod ui;
