//! What goes into the monitor's one inbox (keys, engine events, resizes) and what
//! comes out of an update for the event loop to carry out.

use netio_core::engine::{CellSummary, EngineEvent};
use netio_core::matrix::Cell;

/// The keys the monitor knows, decoupled from the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Left,
    Right,
    Up,
    Down,
    Tab,
    Enter,
    Esc,
    CtrlC,
    Char(char),
    /// A left click at (column, row) of the terminal; the loop turns a click on a
    /// matrix cell into [`Key::Select`].
    Click(u16, u16),
    /// The cursor put on (size index, threads index): a click on a matrix cell.
    Select(usize, usize),
    /// The mouse wheel.
    ScrollUp,
    ScrollDown,
}

/// Everything that reaches the event loop's one inbox.
#[derive(Debug, Clone)]
pub enum Inbox {
    Key(Key),
    /// An engine event of run `generation` (events of replaced runs are ignored).
    Engine {
        generation: u64,
        event: EngineEvent,
    },
    /// The terminal was resized.
    Resize,
}

/// What the loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Replace whatever runs with these cells (numbered `generation`).
    Run {
        generation: u64,
        cells: Vec<Cell>,
    },
    /// Open a recording file; the loop reports back with [`App::recording_started`].
    StartRecording,
    StopRecording,
    /// Write this finished cell to the recording.
    Record(Box<CellSummary>),
    /// Replay only: play at this speed, or pause.
    SetPlayback(Playback),
    Quit,
    /// The Ctrl-C key: stop as SIGINT does (exit status 130).
    Interrupt,
}

/// Playing a recording back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    /// Recorded seconds per real second.
    pub speed: f64,
    pub paused: bool,
}

/// What the engine is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Idle,
    /// Every strategy at the selected cell, in turn, round and round.
    Compare,
    /// The selected cell once.
    Single,
    /// The whole matrix once.
    Sweep,
}
