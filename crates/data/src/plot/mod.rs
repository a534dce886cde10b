//! `netio-tui plot FILE`: charts drawn from a recording, never from anything else.
//!
//! plotters draws each chart as SVG (text stays text, no font library needed); PNG is
//! that SVG rendered by resvg with the bundled DejaVu Sans, so a bare machine draws the
//! same labels. A metric the file lacks is skipped with a note, never drawn as zeros.
//! `--python` writes a stand-alone matplotlib script whose arrays are copied from the
//! file.

mod charts;
mod draw;
mod latency_load;
mod points;
mod python;

use std::path::{Path, PathBuf};

use anyhow::Context;

use netio_core::row::Row;

pub use python::write_python;

/// The font every chart uses, bundled so a bare machine can render PNG text.
const FONT: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";
const WIDTH: u32 = 900;
const HEIGHT: u32 = 560;

/// The charts' image format (the CLI's `--format` maps onto it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG, the SVG rendered by resvg.
    Png,
    /// SVG as plotters draws it.
    Svg,
}

/// What a plot run produced.
#[derive(Debug, Default)]
pub struct Plotted {
    pub written: Vec<PathBuf>,
    /// Charts left out, and why.
    pub skipped: Vec<String>,
}

/// Draws every chart the rows support into `dir`.
pub fn plot_all(rows: &[Row], dir: &Path, format: ImageFormat) -> anyhow::Result<Plotted> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let (all, skipped) = charts::charts(rows);
    let foot = charts::footer(rows);
    let mut plotted = Plotted {
        skipped,
        ..Plotted::default()
    };
    for chart in &all {
        let text = draw::svg(chart, &foot)?;
        let path = match format {
            ImageFormat::Svg => {
                let p = dir.join(format!("{}.svg", chart.stem));
                std::fs::write(&p, &text).with_context(|| format!("writing {}", p.display()))?;
                p
            }
            ImageFormat::Png => {
                let p = dir.join(format!("{}.png", chart.stem));
                draw::png(&text, &p)?;
                p
            }
        };
        plotted.written.push(path);
    }
    Ok(plotted)
}

#[cfg(test)]
mod tests;
