//! "What did mapping the received pages change?": each stream cell measured under
//! `--rx zerocopy` beside the same cell under `--rx copy`, with the share of bytes
//! the kernel mapped and the throughput verdict (paired by round where it can be).

use std::fmt::Write as _;

use crate::aggregate::{CellStats, median_of, verdict_on};
use netio_core::matrix::{Mode, format_size};
use netio_core::receive::RxStrategy;
use netio_core::stats::Better;

/// The receive zero-copy section; nothing when the file has no `zerocopy` rows.
pub fn mapped_against_copied(out: &mut String, cells: &[CellStats]) {
    let mapped_mode = Mode {
        rx: RxStrategy::ZeroCopy,
        ..Mode::default()
    };
    let mapped: Vec<&CellStats> = cells.iter().filter(|c| c.mode == mapped_mode).collect();
    if mapped.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n## Receive zero-copy (TCP_ZEROCOPY_RECEIVE) against recv()\n"
    );
    let _ = writeln!(
        out,
        "Share of received bytes the kernel mapped instead of copying (median of the \
         repeats), and throughput against the same cell read with recv():\n"
    );
    for m in mapped {
        let pct = median_of(m, |r| r.rx_mapped_pct.value())
            .map_or("not measured".to_string(), |p| format!("{p:.0} % mapped"));
        let copy = cells.iter().find(|c| {
            c.mode == Mode::default()
                && c.strategy == m.strategy
                && c.size == m.size
                && c.threads == m.threads
        });
        let against = match copy
            .and_then(|c| verdict_on(m, c, |r| r.throughput_gbps.value(), Better::Higher))
        {
            Some(v) => v.words("rx zerocopy", "rx copy"),
            None => "no rx copy cell to compare with".to_string(),
        };
        let _ = writeln!(
            out,
            "- {} {} × {}: {pct}; {against} ({})",
            m.strategy,
            format_size(m.size as usize),
            m.threads,
            m.cite()
        );
    }
    let _ = writeln!(
        out,
        "\nOver loopback and veth the kernel maps pages only from a zero-copy sender \
         (its deferred copy makes single pages); a copying sender's pages are compound \
         and are copied by recv(), so 0 % mapped is the true figure there."
    );
}
