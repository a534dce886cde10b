//! `plot --python`: a stand-alone matplotlib script with the recording's figures inside.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use super::charts::{axis, cells, footer, strategies};
use crate::matrix::format_size;
use crate::record::Row;

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
    // The script draws saturated streams (the paced charts are drawn by `plot`).
    let stream = super::charts::stream_rows(rows);
    let rows = stream.as_slice();
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
                        .and_then(|r| r.throughput_gbps.value())
                        .map_or("None".into(), |g| g.to_string())
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
