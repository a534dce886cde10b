//! The monitor's modes, each one enum instead of booleans side by side: what is drawn
//! over the panels ([`Overlay`]), how the matrix panel reads ([`MatrixView`]) and
//! where the figures come from ([`Source`]: a live run, or a recording played back).

use super::Playback;

/// What is drawn over the panels and takes the keys first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Overlay {
    #[default]
    None,
    /// The help, scrolled down by `scroll` lines (↑/↓ while it is open).
    Help { scroll: u16 },
    /// Esc was pressed during a run: the monitor asks before quitting.
    ConfirmQuit,
    /// The selected cell's latency histogram (`l`): its current or last run's seconds.
    Latency,
}

impl Overlay {
    pub fn is_help(self) -> bool {
        matches!(self, Overlay::Help { .. })
    }

    /// Lines the help is scrolled by (0 when it is closed).
    pub fn help_scroll(self) -> u16 {
        match self {
            Overlay::Help { scroll } => scroll,
            _ => 0,
        }
    }
}

/// How the matrix panel reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MatrixView {
    /// The selected strategy's headline figure in every cell.
    #[default]
    Strategy,
    /// The winner of each cell (`v`), compared with its interval.
    Winners,
}

impl MatrixView {
    pub fn toggled(self) -> MatrixView {
        match self {
            MatrixView::Strategy => MatrixView::Winners,
            MatrixView::Winners => MatrixView::Strategy,
        }
    }
}

/// Where the figures come from.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Source {
    /// This session's engine.
    #[default]
    Live,
    /// A recording (its file name): no sockets, nothing measured. With a samples file
    /// its seconds play back at `playback`'s speed; without one, the cells only.
    Replay {
        file: String,
        playback: Option<Playback>,
    },
}

impl Source {
    /// The recording being replayed.
    pub fn replaying(&self) -> Option<&str> {
        match self {
            Source::Replay { file, .. } => Some(file),
            Source::Live => None,
        }
    }

    pub fn playback(&self) -> Option<Playback> {
        match self {
            Source::Replay { playback, .. } => *playback,
            Source::Live => None,
        }
    }

    pub fn playback_mut(&mut self) -> Option<&mut Playback> {
        match self {
            Source::Replay { playback, .. } => playback.as_mut(),
            Source::Live => None,
        }
    }
}
