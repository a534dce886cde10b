//! The end of a headless run, in the manner of hyperfine: per point (size × threads ×
//! mode), the leader on the mode's headline figure and its ratio to each other
//! strategy with the 95 % interval and class, read by the report's comparison code,
//! wrapped to fit 80 columns. The wide table is `--summary FILE`'s.

use std::collections::BTreeMap;

use crate::aggregate::{self, CellStats};
use netio_core::matrix::format_size;
use netio_core::row::Row;
use netio_core::stats::{Better, Class};

/// Columns the answers fit in.
pub const WIDTH: usize = 80;

/// The answers of `rows`, ratios within ±`margin` % equivalent, each line at most
/// `width` columns.
pub fn answers(rows: &[Row], margin: f64, width: usize) -> String {
    let cells = aggregate::cells_with_margin(rows, margin);
    let mut points: BTreeMap<_, Vec<&CellStats>> = BTreeMap::new();
    for c in &cells {
        let options = c.rows.first().map(|(_, r)| r.workload_options());
        points
            .entry((c.setup.to_string(), c.mode, c.threads, c.size, options))
            .or_default()
            .push(c);
    }
    let mut out = String::new();
    for ((_, mode, threads, size, _), group) in points {
        let entry = mode.entry();
        let median = |c: &CellStats| aggregate::median_of(c, |r| r.headline().value());
        let key = |c: &&CellStats| median(c).unwrap_or(f64::NAN);
        let leader = match entry.better {
            Better::Higher => group.iter().max_by(|a, b| key(a).total_cmp(&key(b))),
            Better::Lower => group.iter().min_by(|a, b| key(a).total_cmp(&key(b))),
        };
        let Some(leader) = leader else { continue };
        let head = format!(
            "{} ×{threads} {mode}: {} {} {}",
            format_size(size as usize),
            leader.strategy,
            median(leader).map_or("n/a".into(), |v| format!("{v:.3}")),
            entry.headline_label
        );
        let mut parts = Vec::new();
        for other in group.iter().filter(|c| c.strategy != leader.strategy) {
            let v = aggregate::verdict_on(leader, other, |r| r.headline().value(), entry.better);
            parts.push(match v {
                Some(c) => {
                    let class = match c.class {
                        Class::Faster => String::new(),
                        k => format!(" {}", k.word()),
                    };
                    format!("{} {}{class}", c.ratio_words(), other.strategy)
                }
                None => format!("? {}", other.strategy),
            });
        }
        out.push_str(&wrap_items(head, &parts, ", ", width));
    }
    out
}

/// `text` cut at its `sep`s into lines of at most `width` columns (where its pieces
/// allow), continuation lines indented: the machine line above the answers.
pub fn fit(text: &str, sep: &str, width: usize) -> String {
    let mut pieces = text.split(sep).map(str::to_string);
    let head = pieces.next().unwrap_or_default();
    let rest: Vec<String> = pieces.collect();
    wrap_items(head, &rest, sep, width)
}

/// `head` then each item after `sep`, a line ending where the next item would pass
/// `width` columns; continuation lines indented. An item is never split.
fn wrap_items(head: String, items: &[String], sep: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = head;
    for item in items {
        if line.chars().count() + sep.chars().count() + item.chars().count() <= width {
            line = format!("{line}{sep}{item}");
        } else {
            out.push_str(line.trim_end());
            out.push_str(sep.trim_end());
            out.push('\n');
            line = format!("    {item}");
        }
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rounds(strategy: &str, gbps: f64, wobble: [f64; 3]) -> Vec<Row> {
        crate::test_rows::rounds("r", strategy, gbps, &wobble)
    }

    #[test]
    fn each_point_names_its_leader_and_the_ratio_to_each_other_strategy() {
        let mut rows = rounds("two-copy", 10.0, [1.0, 0.99, 1.01]);
        rows.extend(rounds("one-copy", 13.2, [1.0, 1.01, 0.99]));
        rows.extend(rounds("zero-copy", 4.55, [0.99, 1.0, 1.01]));
        rows.extend(rounds("uring", 13.0, [1.01, 1.0, 0.99]));
        let text = answers(&rows, 5.0, WIDTH);
        assert!(
            text.starts_with("64K ×1 stream: one-copy 13.200 Gbps, 1.32× ["),
            "{text}"
        );
        assert!(text.contains("] two-copy,"), "{text}");
        assert!(
            text.contains("] uring undecided") || text.contains("] uring equivalent"),
            "{text}"
        );
        assert!(text.contains("2.90× ["), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(text.lines().count() > 1, "wrapped: {text}");
        let machine = "netio-tui run 6b17 · loopback (MTU 65536) · kernel 6.18.44-fc-v1272 · Intel(R) Xeon(R) Processor";
        assert_eq!(
            fit(machine, " · ", WIDTH),
            "netio-tui run 6b17 · loopback (MTU 65536) · kernel 6.18.44-fc-v1272 ·\n    Intel(R) Xeon(R) Processor\n"
        );
    }
}
