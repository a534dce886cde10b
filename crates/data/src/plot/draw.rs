//! Drawing a chart: plotters to SVG text, and SVG to PNG with resvg and the bundled font.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use plotters::prelude::*;

use super::charts::{Chart, Series, XAxis};
use super::{FONT, FONT_FAMILY, HEIGHT, WIDTH};
use netio_core::matrix::format_size;

/// Largest value a chart draws: nothing measured comes near it.
const MAX_Y: f64 = 1e15;

/// One chart as SVG text.
pub(super) fn svg(chart: &Chart, footer: &str) -> anyhow::Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
        let (plot_area, foot) = root.split_vertically(HEIGHT - 28);
        foot.draw(&Text::new(
            footer,
            (12, 6),
            (FONT_FAMILY, 13).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let points = chart.series.iter().flat_map(|s| {
            s.points
                .iter()
                .copied()
                .chain(s.bars.iter().map(|&(x, _, hi)| (x, hi)))
        });
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y) in points {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if x1 <= x0 {
            (x0, x1) = (x0 - 1.0, x0 + 1.0);
        }
        if chart.x_axis == XAxis::Linear {
            // Throughput from 0, with a margin on the right.
            (x0, x1) = (0.0, x1 * 1.05);
        } else if chart.series.iter().any(|s| !s.bars.is_empty()) {
            // Room for the outermost dodged interval bars at both ends.
            (x0, x1) = (x0 - 0.3, x1 + 0.3);
        }
        let span = if chart.x_axis == XAxis::Linear {
            1e6
        } else {
            64.0
        };
        let top = if chart.y_log { MAX_Y.log10() } else { MAX_Y };
        // The chart library's tick search does not end on absurd ranges: refuse them.
        if !(x0.is_finite() && x1.is_finite() && y1.is_finite()) || y1 > top || x1 - x0 > span {
            anyhow::bail!(
                "{}: values out of range for a chart (largest {y1:e}): not a measurement",
                chart.title
            );
        }
        let (y0, y1) = if chart.y_log {
            // Whole decades around the data.
            (y0.floor(), y1.ceil().max(y0.floor() + 1.0))
        } else {
            (0.0, if y1 > 0.0 { y1 * 1.1 } else { 1.0 })
        };
        let ticks = match chart.x_axis {
            XAxis::Linear => 10,
            _ => ((x1 - x0).round() as usize + 1).max(2),
        };
        let mut ctx = ChartBuilder::on(&plot_area)
            .caption(&chart.title, (FONT_FAMILY, 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(84)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let x_axis = chart.x_axis;
        let y_log = chart.y_log;
        ctx.configure_mesh()
            .x_labels(ticks)
            .x_label_formatter(&|v| {
                let n = 2f64.powf(*v).round() as usize;
                match x_axis {
                    XAxis::Linear => trim_zeros(*v),
                    // Whole powers of two only, and none below 1 (a lone value's
                    // margin).
                    _ if (v - v.round()).abs() > 1e-6 || *v < -1e-6 => String::new(),
                    XAxis::Size => format_size(n),
                    XAxis::Count => n.to_string(),
                }
            })
            .y_labels(if y_log {
                ((y1 - y0) as usize * 3).max(4)
            } else {
                10
            })
            .y_label_formatter(&|v| {
                if !y_log {
                    return trim_zeros(*v);
                }
                // Decades and their 2× and 5× steps: 10, 20, 50, 100...
                let decade = 10f64.powf(v.floor());
                let mantissa = 10f64.powf(*v) / decade;
                match [1.0, 2.0, 5.0, 10.0]
                    .iter()
                    .find(|m| (mantissa - **m).abs() < 0.05)
                {
                    Some(m) => trim_zeros(m * decade),
                    None => String::new(),
                }
            })
            .x_desc(chart.x_label)
            .y_desc(chart.y_label.as_str())
            .label_style((FONT_FAMILY, 14))
            .axis_desc_style((FONT_FAMILY, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        // Each strategy's interval bars a little beside the others' (dodged around the
        // point's x), so bars at one x do not hide each other; narrow caps.
        let with_bars: Vec<&Series> = chart.series.iter().filter(|s| !s.bars.is_empty()).collect();
        let cap = 0.03;
        let step = 0.07;
        let middle = (with_bars.len() as f64 - 1.0) / 2.0;
        for (j, s) in with_bars.into_iter().enumerate() {
            let style = ShapeStyle::from(&s.color).stroke_width(2);
            let dx = (j as f64 - middle) * step;
            let bars = s
                .bars
                .iter()
                .map(move |&(x, lo, hi)| (x + dx, lo, hi))
                .flat_map(|(x, lo, hi)| {
                    [
                        PathElement::new([(x, lo), (x, hi)], style),
                        PathElement::new([(x - cap, lo), (x + cap, lo)], style),
                        PathElement::new([(x - cap, hi), (x + cap, hi)], style),
                    ]
                });
            ctx.draw_series(bars).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        // Solid lines first: a dashed line on the same values stays visible on top.
        let solid_first = chart
            .series
            .iter()
            .filter(|s| !s.dashed)
            .chain(chart.series.iter().filter(|s| s.dashed));
        for s in solid_first.filter(|s| !s.points.is_empty()) {
            let style = ShapeStyle::from(&s.color).stroke_width(s.width);
            let color = s.color;
            let width = s.width;
            let dashed = s.dashed;
            let drawn = if dashed {
                // The line dashed, its points still marked.
                ctx.draw_series(s.points.iter().map(|&p| Circle::new(p, 3, style.filled())))
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                ctx.draw_series(DashedLineSeries::new(s.points.clone(), 9, 5, style))
            } else {
                ctx.draw_series(LineSeries::new(s.points.clone(), style).point_size(3))
            };
            drawn
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .label(s.label.clone())
                .legend(move |(x, y)| {
                    // A dashed line's key is two dashes; a solid one's, one line
                    // (drawn twice, so both are the same kind of element).
                    let style = ShapeStyle::from(&color).stroke_width(width);
                    let [(a, b), (c, d)] = if dashed {
                        [(0, 8), (12, 20)]
                    } else {
                        [(0, 20), (0, 20)]
                    };
                    EmptyElement::at((x, y))
                        + PathElement::new([(a, 0), (b, 0)], style)
                        + PathElement::new([(c, 0), (d, 0)], style)
                });
        }
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FONT_FAMILY, 14))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(text)
}

/// A tick value without a useless `.0`: `12`, `2.5`, `0.25`.
fn trim_zeros(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Renders SVG text to a PNG file with the bundled font.
pub(super) fn png(svg_text: &str, path: &Path) -> anyhow::Result<()> {
    use resvg::{tiny_skia, usvg};
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(FONT.to_vec());
    let options = usvg::Options {
        font_family: FONT_FAMILY.into(),
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg_text, &options).context("parsing the chart")?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).context("allocating the image")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .save_png(path)
        .with_context(|| format!("writing {}", path.display()))
}
