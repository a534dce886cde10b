//! The table of finished cells printed at the end of a run: pure formatting of rows.

use std::fmt::Write;

use crate::matrix::format_size;
use crate::record::Row;

const HEADERS: [&str; 12] = [
    "strategy",
    "size",
    "thr",
    "Gbps",
    "msg/s",
    "p50 µs",
    "p99 µs",
    "send µs",
    "tx ns/B",
    "rx ns/B",
    "zc copied",
    "errors",
];

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{x:.digits$}"))
}

/// The rows as an aligned text table; `n/a` where a figure was not measured.
pub fn table(rows: &[Row]) -> String {
    let cells: Vec<[String; 12]> = rows
        .iter()
        .map(|r| {
            [
                r.strategy.clone(),
                format_size(r.size_bytes as usize),
                r.threads.to_string(),
                format!("{:.3}", r.throughput_gbps),
                format!("{:.0}", r.msgs_per_s),
                opt(r.lat_p50_us, 1),
                opt(r.lat_p99_us, 1),
                opt(r.send_call_us, 2),
                opt(r.tx_cpu_ns_per_byte, 3),
                opt(r.rx_cpu_ns_per_byte, 3),
                r.zc_copied_pct.map_or_else(
                    || {
                        if r.zc_sends.is_some() {
                            "n/a".into()
                        } else {
                            "-".into()
                        }
                    },
                    |p| format!("{p:.0}%"),
                ),
                r.integrity_errors.to_string(),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |items: &[String]| {
        let mut l = String::new();
        for (i, (item, w)) in items.iter().zip(widths).enumerate() {
            let pad = w - item.chars().count();
            // Text columns left-aligned, figures right-aligned.
            if i == 0 {
                let _ = write!(l, "{item}{}", " ".repeat(pad));
            } else {
                let _ = write!(l, "  {}{item}", " ".repeat(pad));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&HEADERS.map(String::from));
    for row in &cells {
        line(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_figures_show_as_na_and_columns_align() {
        let rows = vec![
            Row {
                strategy: "zero-copy".into(),
                size_bytes: 65536,
                threads: 2,
                throughput_gbps: 12.3456,
                msgs_per_s: 23_000.4,
                lat_p50_us: Some(40.0),
                lat_p99_us: None,
                zc_sends: Some(10),
                zc_copied_pct: Some(100.0),
                ..Row::default()
            },
            Row {
                strategy: "one-copy".into(),
                size_bytes: 8,
                threads: 1,
                ..Row::default()
            },
        ];
        let t = table(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with("zero-copy   64K    2  12.346  23000    40.0     n/a"),
            "{t}"
        );
        assert!(lines[1].ends_with("100%       0"), "{t}");
        assert!(lines[2].starts_with("one-copy     8B    1   0.000"), "{t}");
        assert!(lines[2].ends_with("-       0"), "{t}");
    }
}
