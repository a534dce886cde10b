//! `plot --python`: a stand-alone matplotlib script that redraws every chart `plot`
//! draws, from the same points (copied into the script as data), into the folder given
//! as its argument.

use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use super::charts::{Chart, XAxis, charts, footer};
use netio_core::row::Row;

/// One chart as the script's data: x and y as the figures themselves (sizes in bytes,
/// latencies in µs), so the script's axes carry the units.
fn chart_data(c: &Chart) -> Value {
    let x = |v: f64| match c.x_axis {
        XAxis::Size | XAxis::Count => 2f64.powf(v).round(),
        XAxis::Linear => v,
    };
    let y = |v: f64| if c.y_log { 10f64.powf(v) } else { v };
    json!({
        "stem": c.stem,
        "title": c.title,
        "x_label": c.x_label,
        "x_axis": match c.x_axis { XAxis::Size => "size", XAxis::Count => "count", XAxis::Linear => "linear" },
        "y_label": c.y_label,
        "y_log": c.y_log,
        "series": c.series.iter().filter(|s| !s.points.is_empty()).map(|s| json!({
            "label": s.label,
            "color": format!("#{:02x}{:02x}{:02x}", s.color.0, s.color.1, s.color.2),
            "width": s.width,
            "dashed": s.dashed,
            "points": s.points.iter().map(|&(a, b)| [x(a), y(b)]).collect::<Vec<_>>(),
            "bars": s.bars.iter().map(|&(a, lo, hi)| [x(a), y(lo), y(hi)]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The script's drawing loop (Python), after its data.
const DRAW: &str = r#"
def size_label(n):
    for unit, div in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return str(n)


def draw(chart, out_dir):
    fig, ax = plt.subplots(figsize=(9, 5.6))
    for s in chart["series"]:
        xs = [p[0] for p in s["points"]]
        ys = [p[1] for p in s["points"]]
        ax.plot(xs, ys, marker="o", color=s["color"], linewidth=s["width"],
                linestyle="--" if s["dashed"] else "-", label=s["label"])
        for x, lo, hi in s["bars"]:
            ax.errorbar([x], [(lo + hi) / 2], yerr=[[(hi - lo) / 2]], color=s["color"], capsize=4)
    if chart["x_axis"] in ("size", "count"):
        ax.set_xscale("log", base=2)
        ticks = sorted({p[0] for s in chart["series"] for p in s["points"]})
        labels = [size_label(int(t)) if chart["x_axis"] == "size" else str(int(t)) for t in ticks]
        ax.set_xticks(ticks, labels)
    if chart["y_log"]:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel(chart["x_label"])
    ax.set_ylabel(chart["y_label"])
    ax.set_title(chart["title"], fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.text(0.01, 0.01, FOOTER, fontsize=8, color="gray")
    out = os.path.join(out_dir, "py-" + chart["stem"] + ".png")
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


if __name__ == "__main__":
    out_dir = sys.argv[1] if len(sys.argv) > 1 else OUT_DIR
    os.makedirs(out_dir, exist_ok=True)
    for chart in CHARTS:
        print(draw(chart, out_dir))
"#;

/// Writes the script: every chart's points as data, then a loop that draws each one
/// (`python3 SCRIPT [OUT_DIR]`; `out_dir` is the default folder).
pub fn write_python(rows: &[Row], path: &Path, out_dir: &Path) -> anyhow::Result<()> {
    let (all, _) = charts(rows);
    let data: Vec<Value> = all.iter().map(chart_data).collect();
    let script = format!(
        "#!/usr/bin/env python3\n\
         \"\"\"Every chart `netio-tui plot` draws from a recording, redrawn with matplotlib.\n\
         The data below was copied from the file. Run: python3 {} [OUT_DIR]\"\"\"\n\
         import json\nimport os\nimport sys\n\n\
         import matplotlib\nmatplotlib.use(\"Agg\")\nimport matplotlib.pyplot as plt\n\n\
         FOOTER = {}\nOUT_DIR = {}\nCHARTS = json.loads(r'''{}''')\n{DRAW}",
        path.display(),
        serde_json::to_string(&footer(rows))?,
        serde_json::to_string(&out_dir.display().to_string())?,
        serde_json::to_string(&data)?,
    );
    std::fs::write(path, script).with_context(|| format!("writing {}", path.display()))
}
