//! Styles, from the 16 ANSI colours only, or none at all (`--theme mono`,
//! `--no-color`, `NO_COLOR`). Colour means one thing: a strategy (its registry
//! entry's ANSI colour). Everything else is the terminal's own foreground with bold,
//! dim or reverse video, so values and labels read on dark and light backgrounds
//! alike (never bright white or gray text, which vanish on a light one). `dark` and
//! `light` differ only in the accents that need a background: the title and the
//! highlight.

use ratatui::style::{Color, Modifier, Style};

/// Which terminal the styles are for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeKind {
    /// A dark background (the default; readable on a light one too).
    #[default]
    Dark,
    /// A light background.
    Light,
    /// No colour at all (the same as NO_COLOR): bold, dim and reverse video only.
    Mono,
}

/// The monitor's styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub kind: ThemeKind,
}

impl Theme {
    pub const DARK: Theme = Theme {
        kind: ThemeKind::Dark,
    };
    pub const LIGHT: Theme = Theme {
        kind: ThemeKind::Light,
    };
    pub const MONO: Theme = Theme {
        kind: ThemeKind::Mono,
    };

    fn color(self) -> bool {
        self.kind != ThemeKind::Mono
    }

    pub fn title(self) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        match self.kind {
            ThemeKind::Dark => s.fg(Color::Cyan),
            ThemeKind::Light => s.fg(Color::Blue),
            ThemeKind::Mono => s,
        }
    }

    /// Labels: the terminal's foreground.
    pub fn label(self) -> Style {
        Style::new()
    }

    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Values: the terminal's foreground (bright white vanished on light terminals).
    pub fn value(self) -> Style {
        Style::new()
    }

    /// Something to notice (a copy on the copy path): bold, no colour of its own.
    pub fn warn(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// A problem: bold and underlined (red is splice's colour).
    pub fn error(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The running row, the cursor cell.
    pub fn highlight(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// A strategy's own colour (its registry entry's ANSI number).
    pub fn strategy(self, s: netio_core::strategy::Strategy) -> Style {
        if self.color() {
            Style::new().fg(ansi(s.entry().ansi))
        } else {
            Style::new()
        }
    }

    /// A measured value on a scale from worst (0) to best (1): bold in the best
    /// third, dim in the worst, without a colour (colours are the strategies').
    pub fn scale(self, fraction: f64) -> Style {
        if fraction >= 2.0 / 3.0 {
            Style::new().add_modifier(Modifier::BOLD)
        } else if fraction >= 1.0 / 3.0 {
            Style::new()
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
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
    NAMED.get(usize::from(n)).copied().unwrap_or(Color::Reset)
}
