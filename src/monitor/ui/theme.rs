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
    /// For the back of a room: black on a white background the monitor paints itself,
    /// each strategy in its chart colour darkened until it reads at 4.5:1 or better
    /// against the white (WCAG's contrast for normal text); no yellow, cyan or gray.
    Projector,
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
    pub const PROJECTOR: Theme = Theme {
        kind: ThemeKind::Projector,
    };

    /// What every cell starts as: the terminal's own colours, or (projector) black on
    /// the white the theme's contrast is measured against.
    pub fn base(self) -> Style {
        match self.kind {
            ThemeKind::Projector => Style::new().fg(Color::Rgb(0, 0, 0)).bg(rgb(PROJECTOR_BG)),
            _ => Style::new(),
        }
    }

    fn color(self) -> bool {
        self.kind != ThemeKind::Mono
    }

    pub fn title(self) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        match self.kind {
            ThemeKind::Dark => s.fg(Color::Cyan),
            ThemeKind::Light => s.fg(Color::Blue),
            ThemeKind::Projector => s.fg(Color::Rgb(0, 0, 140)),
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
        match self.kind {
            ThemeKind::Mono => Style::new(),
            ThemeKind::Projector => Style::new().fg(rgb(readable(s.entry().rgb, PROJECTOR_BG))),
            _ if self.color() => Style::new().fg(ansi(s.entry().ansi)),
            _ => Style::new(),
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

/// The projector theme's background: white.
pub const PROJECTOR_BG: (u8, u8, u8) = (255, 255, 255);

fn rgb((r, g, b): (u8, u8, u8)) -> Color {
    Color::Rgb(r, g, b)
}

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio of two colours, 1 to 21.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `c` darkened (its hue kept) until it reads at 4.5:1 against `bg`.
pub fn readable(c: (u8, u8, u8), bg: (u8, u8, u8)) -> (u8, u8, u8) {
    let mut c = c;
    for _ in 0..64 {
        if contrast(c, bg) >= 4.5 {
            break;
        }
        let dark = |v: u8| (f64::from(v) * 0.9) as u8;
        c = (dark(c.0), dark(c.1), dark(c.2));
    }
    c
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
