//! "How many copies did each strategy make, and where?", answered from the copy
//! meter's counts (the kernel's own) and the tool's count of its user-space copy:
//! copies per byte on the sender, late at local delivery and on the receiver, end to
//! end, beside the zero-copy completions' COPIED flag.

use std::fmt::Write as _;

use crate::aggregate::{CellStats, median_of};
use netio_core::figure::Figure;
use netio_core::matrix::format_size;

/// The copies section: a table of every cell the meter measured, or why there is none.
pub fn where_the_copies_were(out: &mut String, cells: &[CellStats]) {
    let _ = writeln!(
        out,
        "\n## How many copies did each strategy make, and where?\n"
    );
    let mut metered: Vec<&CellStats> = cells
        .iter()
        .filter(|c| {
            c.rows
                .iter()
                .any(|(_, r)| r.end_to_end_copies_per_byte().is_measured())
        })
        .collect();
    // In the tool's order of strategies, then size and threads.
    metered.sort_by_key(|c| {
        (
            netio_core::strategy::Strategy::of_name(c.strategy),
            c.mode,
            c.size,
            c.threads,
        )
    });
    if metered.is_empty() {
        let why = cells
            .iter()
            .flat_map(|c| c.rows.iter())
            .find_map(|(_, r)| match r.tx_copied_bytes {
                Figure::Unavailable(why) => Some(why.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| "the recording has no copy meter columns".to_string());
        let _ = writeln!(out, "Not measured in this file: {why}.");
        return;
    }
    let _ = writeln!(
        out,
        "Copies per byte handed to the kernel, as the copy meter counted them (the \
         kernel's own count; the user-space copy is the tool's), median of the \
         repeats. \"late\" is the copy of zero-copy pages at local delivery (loopback, \
         veth), counted for the whole machine while the cell ran.\n"
    );
    let _ = writeln!(
        out,
        "| cell | sender | late | receiver | end to end | COPIED flag | rows |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    let two = |v: Option<f64>| v.map_or("n/a".to_string(), netio_core::row::formula::copies_text);
    for c in metered {
        let sender = median_of(c, |r| r.sender_copies_per_byte().value());
        let late = median_of(c, |r| r.late_copies_per_byte().value());
        let receiver = median_of(c, |r| r.receiver_copies_per_byte().value());
        let total = median_of(c, |r| r.end_to_end_copies_per_byte().value());
        let flag = median_of(c, |r| r.zc_copied_pct.value())
            .map_or("n/a".to_string(), |p| format!("{p:.0} %"));
        let _ = writeln!(
            out,
            "| {} {} × {}{} | {} | {} | {} | {} | {flag} | {} |",
            c.strategy,
            format_size(c.size as usize),
            c.threads,
            if c.mode == netio_core::matrix::Mode::default() {
                String::new()
            } else {
                format!(" ({})", c.mode)
            },
            two(sender),
            two(late),
            two(receiver),
            two(total),
            c.cite()
        );
    }
    let _ = writeln!(
        out,
        "\nHow to read it: the sender's copies are the user-space copy (two-copy's \
         linearization) plus the send call's; zero-copy and uring-zc pin pages \
         instead, and a local receiver's delivery copies them late; sendfile and \
         splice hand over page references (their 32-byte headers are copied). The \
         COPIED flag says only that a completion's data was copied; the meter says \
         how much, and where."
    );
}
