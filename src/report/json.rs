//! `report --format json`: the same answers as the Markdown report, for scripts. Each
//! section is its title and text (the Markdown's own words, so the two never differ),
//! and every cell carries its aggregate figures: throughput's median, 95 % interval,
//! CV and n over the repeats, and the copy meter's copies per byte (null where a
//! figure was not measured, never 0).

use serde_json::{Value, json};

use crate::aggregate::{self, CellStats, median_of};
use crate::record::Row;

/// The report of `rows` as one JSON value.
pub fn report_json(file: &str, rows: &[Row]) -> Value {
    let markdown = super::report(file, rows);
    let cells = aggregate::cells(rows);
    json!({
        "file": file,
        "rows": rows.len(),
        "sections": sections(&markdown),
        "cells": cells.iter().map(cell).collect::<Vec<_>>(),
    })
}

/// `## Title` sections of the Markdown, each with the text under it.
fn sections(markdown: &str) -> Vec<Value> {
    markdown
        .split("\n## ")
        .skip(1)
        .map(|part| {
            let (title, text) = part.split_once('\n').unwrap_or((part, ""));
            json!({ "title": title.trim(), "text": text.trim() })
        })
        .collect()
}

fn cell(c: &CellStats) -> Value {
    let g = c.gbps.as_ref();
    let per_byte = |f: fn(&Row) -> crate::figure::Figure<f64>| median_of(c, |r| f(r).value());
    json!({
        "workload": c.mode.to_string(),
        "strategy": c.strategy,
        "size_bytes": c.size,
        "threads": c.threads,
        "rows": c.rows.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "throughput_gbps": {
            "n": g.map(|g| g.n),
            "median": g.map(|g| g.median),
            "ci95": g.and_then(|g| g.ci95).map(|(lo, hi)| [lo, hi]),
            "cv_pct": g.and_then(|g| g.cv_pct),
        },
        "copies_per_byte": {
            "sender": per_byte(Row::sender_copies_per_byte),
            "late": per_byte(Row::late_copies_per_byte),
            "receiver": per_byte(Row::receiver_copies_per_byte),
            "end_to_end": per_byte(Row::end_to_end_copies_per_byte),
        },
    })
}
