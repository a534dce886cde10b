//! Styles, from the 16 ANSI colours only, or none at all (`--no-color`, `NO_COLOR`):
//! without colour, emphasis falls back to bold and reverse video.

use ratatui::style::{Color, Modifier, Style};

/// The monitor's styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn label(self) -> Style {
        self.fg(Color::Gray)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn value(self) -> Style {
        self.fg(Color::White)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    /// The running row, the cursor cell.
    pub fn highlight(self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// A strategy's own colour (its registry entry's ANSI number).
    pub fn strategy(self, s: crate::matrix::Strategy) -> Style {
        self.fg(ansi(s.entry().ansi))
    }

    /// A measured value on a scale from worst (0) to best (1).
    pub fn scale(self, fraction: f64) -> Style {
        self.fg(if fraction >= 2.0 / 3.0 {
            Color::Green
        } else if fraction >= 1.0 / 3.0 {
            Color::Yellow
        } else {
            Color::Red
        })
    }
}

/// ANSI colour `n` (0–15) by its name, so terminals with 16 colours draw it.
fn ansi(n: u8) -> Color {
    const NAMED: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    NAMED.get(usize::from(n)).copied().unwrap_or(Color::White)
}
