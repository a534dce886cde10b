//! `netio-tui plot FILE`: charts drawn from a recording, never from anything else.
//!
//! plotters draws each chart as SVG (text stays text, no font library needed); PNG is
//! that SVG rendered by resvg with the bundled DejaVu Sans, so a bare machine draws the
//! same labels. A metric the file lacks is skipped with a note, never drawn as zeros.
//! `--python` writes a stand-alone matplotlib script whose arrays are copied from the
//! file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use plotters::prelude::*;

use crate::cli::ImageFormat;
use crate::matrix::{Strategy, format_size};
use crate::record::Row;

/// The font every chart uses, bundled so a bare machine can render PNG text.
const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";
const WIDTH: u32 = 900;
const HEIGHT: u32 = 560;

/// What a plot run produced.
#[derive(Debug, Default)]
pub struct Plotted {
    pub written: Vec<PathBuf>,
    /// Charts left out, and why.
    pub skipped: Vec<String>,
}

/// One line of a chart.
#[derive(Debug, Clone)]
struct Series {
    label: String,
    color: RGBColor,
    width: u32,
    points: Vec<(f64, f64)>,
}

/// One chart: x is log2 of a size or a thread count.
#[derive(Debug, Clone)]
struct Chart {
    stem: String,
    title: String,
    x_label: &'static str,
    x_is_size: bool,
    y_label: String,
    series: Vec<Series>,
}

fn color(s: &str) -> RGBColor {
    match s {
        "two-copy" => RGBColor(214, 120, 0),
        "one-copy" => RGBColor(0, 140, 70),
        "zero-copy" => RGBColor(160, 40, 170),
        _ => RGBColor(40, 90, 200),
    }
}

/// Distinct values of `f` over the rows, sorted.
fn axis<T: Ord + Copy>(rows: &[Row], f: impl Fn(&Row) -> T) -> Vec<T> {
    let mut v: Vec<T> = rows.iter().map(f).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn strategies(rows: &[Row]) -> Vec<&'static str> {
    Strategy::ALL
        .iter()
        .map(|s| s.name())
        .filter(|n| rows.iter().any(|r| r.strategy == *n))
        .collect()
}

/// The latest row of each (strategy, size, threads).
fn cells(rows: &[Row]) -> BTreeMap<(String, u64, u32), &Row> {
    rows.iter()
        .map(|r| ((r.strategy.clone(), r.size_bytes, r.threads), r))
        .collect()
}

/// Points of `metric` against size (x = log2 size) for one strategy at one thread count.
fn vs_size(
    rows: &[Row],
    strategy: &str,
    threads: u32,
    metric: impl Fn(&Row) -> Option<f64>,
) -> Vec<(f64, f64)> {
    cells(rows)
        .into_iter()
        .filter(|((s, _, t), _)| s == strategy && *t == threads)
        .filter_map(|((_, size, _), r)| metric(r).map(|y| ((size as f64).log2(), y)))
        .collect()
}

/// Points of `metric` against threads (x = log2 threads) for one strategy at one size.
fn vs_threads(
    rows: &[Row],
    strategy: &str,
    size: u64,
    metric: impl Fn(&Row) -> Option<f64>,
) -> Vec<(f64, f64)> {
    cells(rows)
        .into_iter()
        .filter(|((s, z, _), _)| s == strategy && *z == size)
        .filter_map(|((_, _, t), r)| metric(r).map(|y| ((t as f64).log2(), y)))
        .collect()
}

fn per_kib(misses: Option<u64>, other: Option<u64>, bytes: u64) -> Option<f64> {
    (bytes > 0).then_some(())?;
    Some((misses? + other?) as f64 / (bytes as f64 / 1024.0))
}

/// Every chart the file supports, and notes for those it does not.
fn charts(rows: &[Row]) -> (Vec<Chart>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let threads = axis(rows, |r| r.threads);
    let sizes = axis(rows, |r| r.size_bytes);
    let strats = strategies(rows);
    let line = |s: &str, label: String, width: u32, points: Vec<(f64, f64)>| Series {
        label,
        color: color(s),
        width,
        points,
    };
    let mut push = |chart: Chart, what: &str| {
        if chart.series.iter().any(|s| !s.points.is_empty()) {
            out.push(chart);
        } else {
            skipped.push(format!("{}: the file has no {what}", chart.stem));
        }
    };
    for &t in &threads {
        push(
            Chart {
                stem: format!("throughput-vs-size-{t}threads"),
                title: format!("Throughput vs message size, {t} thread pair(s)"),
                x_label: "message size (bytes, log scale)",
                x_is_size: true,
                y_label: "throughput (Gbit/s)".into(),
                series: strats
                    .iter()
                    .map(|s| {
                        line(
                            s,
                            s.to_string(),
                            3,
                            vs_size(rows, s, t, |r| Some(r.throughput_gbps)),
                        )
                    })
                    .collect(),
            },
            "throughput",
        );
        let cycles = rows.iter().any(|r| r.cycles_per_byte.is_some());
        push(
            Chart {
                stem: format!("cost-vs-size-{t}threads"),
                title: if cycles {
                    format!("Sender cycles per byte vs message size, {t} thread pair(s)")
                } else {
                    format!(
                        "CPU ns per byte vs message size, {t} thread pair(s) (no cycle counter)"
                    )
                },
                x_label: "message size (bytes, log scale)",
                x_is_size: true,
                y_label: if cycles {
                    "sender cycles per byte".into()
                } else {
                    "CPU time per byte, sender + receiver (ns)".into()
                },
                series: strats
                    .iter()
                    .map(|s| {
                        let metric = |r: &Row| {
                            if cycles {
                                r.cycles_per_byte
                            } else {
                                Some(r.tx_cpu_ns_per_byte? + r.rx_cpu_ns_per_byte?)
                            }
                        };
                        line(s, s.to_string(), 3, vs_size(rows, s, t, metric))
                    })
                    .collect(),
            },
            "cycles or CPU time per byte",
        );
        let mut miss_series = Vec::new();
        for s in &strats {
            miss_series.push(line(
                s,
                format!("{s} L1d"),
                3,
                vs_size(rows, s, t, |r| {
                    per_kib(r.tx_l1d_load_misses, r.rx_l1d_load_misses, r.bytes)
                }),
            ));
            miss_series.push(line(
                s,
                format!("{s} LLC"),
                1,
                vs_size(rows, s, t, |r| {
                    per_kib(r.tx_llc_load_misses, r.rx_llc_load_misses, r.bytes)
                }),
            ));
        }
        push(
            Chart {
                stem: format!("cache-misses-vs-size-{t}threads"),
                title: format!("Cache load misses per KiB vs message size, {t} thread pair(s)"),
                x_label: "message size (bytes, log scale)",
                x_is_size: true,
                y_label: "load misses per KiB moved (both sides)".into(),
                series: miss_series,
            },
            "L1 or LLC miss counts (hardware counters were not available when it was recorded)",
        );
    }
    for &size in &sizes {
        let mut lat = Vec::new();
        for s in &strats {
            lat.push(line(
                s,
                format!("{s} p99"),
                3,
                vs_threads(rows, s, size, |r| r.lat_p99_us),
            ));
            lat.push(line(
                s,
                format!("{s} p50"),
                1,
                vs_threads(rows, s, size, |r| r.lat_p50_us),
            ));
        }
        let z = format_size(size as usize);
        push(
            Chart {
                stem: format!("latency-vs-threads-{z}"),
                title: format!("One-way latency vs thread pairs, {z} messages"),
                x_label: "thread pairs (log scale)",
                x_is_size: false,
                y_label: "latency (µs): p99 thick, p50 thin".into(),
                series: lat,
            },
            "latency percentiles",
        );
        push(
            Chart {
                stem: format!("context-switches-vs-threads-{z}"),
                title: format!("Context switches per second vs thread pairs, {z} messages"),
                x_label: "thread pairs (log scale)",
                x_is_size: false,
                y_label: "context switches per second (both sides)".into(),
                series: strats
                    .iter()
                    .map(|s| {
                        // perf's count, or else the same kernel counters from /proc
                        // (voluntary + involuntary), which older recordings hold.
                        let metric = |r: &Row| {
                            let n = match (r.tx_context_switches, r.rx_context_switches) {
                                (Some(t), Some(x)) => t + x,
                                _ => {
                                    r.tx_voluntary_switches?
                                        + r.tx_involuntary_switches?
                                        + r.rx_voluntary_switches?
                                        + r.rx_involuntary_switches?
                                }
                            };
                            (r.duration_s > 0.0).then(|| n as f64 / r.duration_s)
                        };
                        line(s, s.to_string(), 3, vs_threads(rows, s, size, metric))
                    })
                    .collect(),
            },
            "context-switch counts",
        );
    }
    let palette = [
        RGBColor(160, 40, 170),
        RGBColor(40, 90, 200),
        RGBColor(0, 140, 70),
        RGBColor(214, 120, 0),
    ];
    push(
        Chart {
            stem: "zero-copy-copied-vs-size".into(),
            title: "Zero-copy completions the kernel copied anyway".into(),
            x_label: "message size (bytes, log scale)",
            x_is_size: true,
            y_label: "completions flagged COPIED (%)".into(),
            series: threads
                .iter()
                .enumerate()
                .map(|(i, &t)| Series {
                    label: format!("{t} thread pair(s)"),
                    color: palette[i % palette.len()],
                    width: 3,
                    points: vs_size(rows, "zero-copy", t, |r| r.zc_copied_pct),
                })
                .collect(),
        },
        "zero-copy rows with completions",
    );
    (out, skipped)
}

fn footer(rows: &[Row]) -> String {
    let r = &rows[0];
    let net = match (r.mtu, &r.netem) {
        (Some(m), Some(n)) => format!("{} (MTU {m}, netem {n})", r.net_mode),
        (Some(m), None) => format!("{} (MTU {m})", r.net_mode),
        (None, _) => r.net_mode.clone(),
    };
    format!(
        "netio-tui · {} · kernel {} · {net} · recorded {}",
        r.cpu_model, r.kernel, r.started_at
    )
}

/// One chart as SVG text.
fn svg(chart: &Chart, footer: &str) -> anyhow::Result<String> {
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
        let points = chart.series.iter().flat_map(|s| s.points.iter());
        let (mut x0, mut x1, mut y1) = (f64::MAX, f64::MIN, 0.0f64);
        for &(x, y) in points {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        if x1 <= x0 {
            (x0, x1) = (x0 - 1.0, x0 + 1.0);
        }
        let y1 = if y1 > 0.0 { y1 * 1.1 } else { 1.0 };
        let ticks = ((x1 - x0).round() as usize + 1).max(2);
        let mut ctx = ChartBuilder::on(&plot_area)
            .caption(&chart.title, (FONT_FAMILY, 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(84)
            .build_cartesian_2d(x0..x1, 0.0..y1)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let is_size = chart.x_is_size;
        ctx.configure_mesh()
            .x_labels(ticks)
            .x_label_formatter(&|v| {
                let n = 2f64.powf(*v).round() as usize;
                if (v - v.round()).abs() > 1e-6 {
                    String::new()
                } else if is_size {
                    format_size(n)
                } else {
                    n.to_string()
                }
            })
            .x_desc(chart.x_label)
            .y_desc(chart.y_label.as_str())
            .label_style((FONT_FAMILY, 14))
            .axis_desc_style((FONT_FAMILY, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for s in chart.series.iter().filter(|s| !s.points.is_empty()) {
            let style = ShapeStyle::from(&s.color).stroke_width(s.width);
            let color = s.color;
            let width = s.width;
            ctx.draw_series(LineSeries::new(s.points.clone(), style).point_size(3))
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .label(s.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(
                        [(x, y), (x + 20, y)],
                        ShapeStyle::from(&color).stroke_width(width),
                    )
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

/// Renders SVG text to a PNG file with the bundled font.
fn png(svg_text: &str, path: &Path) -> anyhow::Result<()> {
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

/// Draws every chart the rows support into `dir`.
pub fn plot_all(rows: &[Row], dir: &Path, format: ImageFormat) -> anyhow::Result<Plotted> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let (all, skipped) = charts(rows);
    let foot = footer(rows);
    let mut plotted = Plotted {
        skipped,
        ..Plotted::default()
    };
    for chart in &all {
        let text = svg(chart, &foot)?;
        let path = match format {
            ImageFormat::Svg => {
                let p = dir.join(format!("{}.svg", chart.stem));
                std::fs::write(&p, &text).with_context(|| format!("writing {}", p.display()))?;
                p
            }
            ImageFormat::Png => {
                let p = dir.join(format!("{}.png", chart.stem));
                png(&text, &p)?;
                p
            }
        };
        plotted.written.push(path);
    }
    Ok(plotted)
}

/// Writes a stand-alone matplotlib script: the recording's figures as arrays inside the
/// script, plotting throughput vs size per thread count into `out_dir`.
pub fn write_python(rows: &[Row], path: &Path, out_dir: &Path) -> anyhow::Result<()> {
    let mut s = String::new();
    let _ = writeln!(s, "#!/usr/bin/env python3");
    let _ = writeln!(
        s,
        "\"\"\"Charts from a netio-tui recording. The data below was copied from the file;"
    );
    let _ = writeln!(
        s,
        "run with: python3 {} (needs matplotlib).\"\"\"",
        path.display()
    );
    let _ = writeln!(
        s,
        "import os\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
    );
    let _ = writeln!(s, "FOOTER = {:?}", footer(rows));
    let _ = writeln!(s, "OUT_DIR = {:?}", out_dir.display().to_string());
    let sizes = axis(rows, |r| r.size_bytes);
    let _ = writeln!(s, "SIZES = {sizes:?}  # message bytes");
    let _ = writeln!(
        s,
        "SIZE_LABELS = {:?}",
        sizes
            .iter()
            .map(|&z| format_size(z as usize))
            .collect::<Vec<_>>()
    );
    let _ = writeln!(
        s,
        "# throughput in Gbit/s, [strategy][threads] -> one value per size (None: not measured)"
    );
    let _ = writeln!(s, "THROUGHPUT = {{");
    let by = cells(rows);
    for st in strategies(rows) {
        let _ = writeln!(s, "    {st:?}: {{");
        for t in axis(rows, |r| r.threads) {
            let values: Vec<String> = sizes
                .iter()
                .map(|&z| {
                    by.get(&(st.to_string(), z, t))
                        .map_or("None".into(), |r| format!("{}", r.throughput_gbps))
                })
                .collect();
            let _ = writeln!(s, "        {t}: [{}],", values.join(", "));
        }
        let _ = writeln!(s, "    }},");
    }
    let _ = writeln!(s, "}}\n");
    let _ = writeln!(
        s,
        r#"os.makedirs(OUT_DIR, exist_ok=True)
threads = sorted({{t for per in THROUGHPUT.values() for t in per}})
for t in threads:
    fig, ax = plt.subplots(figsize=(9, 5.6))
    for strategy, per in THROUGHPUT.items():
        ys = per.get(t)
        if ys is None:
            continue
        xs = [z for z, y in zip(SIZES, ys) if y is not None]
        ax.plot(xs, [y for y in ys if y is not None], marker="o", label=strategy)
    ax.set_xscale("log", base=2)
    ax.set_xticks(SIZES, SIZE_LABELS)
    ax.set_xlabel("message size (bytes, log scale)")
    ax.set_ylabel("throughput (Gbit/s)")
    ax.set_title(f"Throughput vs message size, {{t}} thread pair(s)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.text(0.01, 0.01, FOOTER, fontsize=8, color="gray")
    out = os.path.join(OUT_DIR, f"py-throughput-vs-size-{{t}}threads.png")
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print(out)"#
    );
    std::fs::write(path, s).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(strategy: &str, size: u64, threads: u32, gbps: f64) -> Row {
        Row {
            strategy: strategy.into(),
            size_bytes: size,
            threads,
            throughput_gbps: gbps,
            net_mode: "loopback".into(),
            kernel: "6.0-test".into(),
            cpu_model: "Test CPU".into(),
            lat_p50_us: Some(10.0),
            lat_p99_us: Some(100.0),
            tx_cpu_ns_per_byte: Some(0.5),
            rx_cpu_ns_per_byte: Some(0.2),
            duration_s: 1.0,
            ..Row::default()
        }
    }

    fn fixture() -> Vec<Row> {
        let mut rows = Vec::new();
        for (i, s) in ["two-copy", "one-copy", "zero-copy"].iter().enumerate() {
            for (j, size) in [1024u64, 4096, 65536].iter().enumerate() {
                for t in [1u32, 2] {
                    let mut r = row(s, *size, t, 1.0 + i as f64 + j as f64 * 2.0 + f64::from(t));
                    if *s == "zero-copy" {
                        r.zc_copied_pct = Some(100.0);
                    }
                    rows.push(r);
                }
            }
        }
        rows
    }

    #[test]
    fn absent_metrics_are_skipped_not_drawn_as_zeros() {
        let (charts, skipped) = charts(&fixture());
        let stems: Vec<&str> = charts.iter().map(|c| c.stem.as_str()).collect();
        assert!(stems.contains(&"throughput-vs-size-1threads"));
        assert!(stems.contains(&"zero-copy-copied-vs-size"));
        assert!(stems.contains(&"cost-vs-size-2threads"));
        assert!(
            !stems.iter().any(|s| s.starts_with("cache-misses")),
            "{stems:?}"
        );
        assert!(
            !stems.iter().any(|s| s.starts_with("context-switches")),
            "{stems:?}"
        );
        assert!(
            skipped
                .iter()
                .any(|n| n.starts_with("cache-misses-vs-size-1threads")),
            "{skipped:?}"
        );
        let cost = charts
            .iter()
            .find(|c| c.stem == "cost-vs-size-1threads")
            .expect("cost chart");
        assert!(
            cost.title.contains("CPU ns per byte"),
            "labelled as CPU time without cycles"
        );
        let tp = charts
            .iter()
            .find(|c| c.stem == "throughput-vs-size-1threads")
            .expect("chart");
        let two = &tp.series[0];
        assert_eq!(
            two.points,
            vec![(10.0, 2.0), (12.0, 4.0), (16.0, 6.0)],
            "values from the rows, x = log2 size"
        );
    }

    #[test]
    fn writes_valid_png_and_svg() {
        let dir = tempfile::tempdir().expect("temp dir");
        let rows = fixture();
        let png_out =
            plot_all(&rows, &dir.path().join("png"), ImageFormat::Png).expect("png charts");
        assert!(!png_out.written.is_empty());
        for p in &png_out.written {
            let bytes = std::fs::read(p).expect("read");
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", p.display());
        }
        let svg_out =
            plot_all(&rows, &dir.path().join("svg"), ImageFormat::Svg).expect("svg charts");
        for p in &svg_out.written {
            let text = std::fs::read_to_string(p).expect("read");
            assert!(text.starts_with("<svg"), "{}", p.display());
            assert!(
                text.contains("Throughput")
                    || text.contains("latency")
                    || text.contains("ns")
                    || text.contains("copied")
            );
            assert!(text.contains("Test CPU"), "footer names the machine");
        }
        assert_eq!(png_out.written.len(), svg_out.written.len());
    }
}
