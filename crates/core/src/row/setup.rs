//! A row's setup: every option of its run, other than the matrix's own axes (workload
//! and load, receive strategy, strategy, size, threads), that changes what is measured
//! — the machine and path, pinning, congestion control, TCP_NODELAY, the low-water
//! mode. Rows of two setups are two cells even at the same strategy, size and threads:
//! `report` and `plot` take a file one setup at a time, replay refuses a file of
//! several, and [`netio_data::aggregate`] keys its cells by the setup and by the workload's
//! own options ([`Row::workload_options`]), so rows of two never merge.
//!
//! Left out, because the run derives them per cell from the axes (so they never tell
//! two runs apart that the axes do not): buffer sizes read back from the socket (they
//! vary between repeats of one cell), the low-water bytes (from the size), coalescing
//! (from the strategy).

use std::fmt;

use super::{Row, words};

/// The options a row was measured under, as (column, value) pairs in column order; an
/// option the row did not record is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Setup(Vec<(&'static str, String)>);

impl Row {
    /// The row's [`Setup`].
    pub fn setup(&self) -> Setup {
        let mut pairs: Vec<(&'static str, String)> = vec![
            ("kernel", self.kernel.clone()),
            ("cpu_model", self.cpu_model.clone()),
            ("net_mode", self.net_mode.clone()),
        ];
        let mut opt = |name: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((name, v));
            }
        };
        opt("mtu", self.mtu.map(|v| v.to_string()));
        opt("netem", self.netem.clone());
        opt("peer", self.peer.clone());
        opt("peer_runs", self.peer_runs.clone());
        opt("pin", self.pin.clone());
        opt("cc", self.cc.clone());
        opt(
            "nodelay",
            self.nodelay.map(|v| words::on_off_word(v).into()),
        );
        opt("rcvlowat_mode", self.rcvlowat_mode.clone());
        opt(
            "unsafe_reuse",
            self.unsafe_reuse.map(|v| words::yes_no_word(v).into()),
        );
        Setup(pairs)
    }

    /// The options of the row's own workload and strategy: `rr`'s requests in flight
    /// and reply length, io_uring's submission depth (absent where they do not apply).
    /// Part of a cell's identity, not of the setup: rows of `stream` and `rr` are one
    /// setup.
    pub fn workload_options(&self) -> (Option<u32>, Option<u64>, Option<u32>) {
        (self.depth, self.response_size_bytes, self.uring_depth)
    }
}

impl Setup {
    /// The options in which `self` differs from any of `all`, as `column=value`
    /// joined by spaces ("cc=bbr nodelay=on"); empty when all are alike.
    pub fn label_among(&self, all: &[Setup]) -> String {
        let value =
            |s: &Setup, name: &str| s.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let mut names: Vec<&'static str> = all
            .iter()
            .flat_map(|s| s.0.iter().map(|(n, _)| *n))
            .collect();
        names.sort_unstable();
        names.dedup();
        // In column order: the order of `self`'s pairs, then names only others have.
        names.sort_by_key(|n| {
            self.0
                .iter()
                .position(|(m, _)| m == n)
                .unwrap_or(usize::MAX)
        });
        names
            .into_iter()
            .filter(|n| all.iter().any(|s| value(s, n) != value(self, n)))
            .map(|n| format!("{n}={}", value(self, n).unwrap_or_else(|| "-".into())))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Setup {
    /// The options in which `self` and `other` differ: (name, here, there), a value
    /// absent on one side as `None`.
    pub fn differences(
        &self,
        other: &Setup,
    ) -> Vec<(&'static str, Option<String>, Option<String>)> {
        let value =
            |s: &Setup, name: &str| s.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let mut names: Vec<&'static str> = self.0.iter().chain(&other.0).map(|(n, _)| *n).collect();
        names.dedup();
        let mut seen = Vec::new();
        names
            .into_iter()
            .filter(|n| {
                let first = !seen.contains(n);
                seen.push(*n);
                first
            })
            .map(|n| (n, value(self, n), value(other, n)))
            .filter(|(_, a, b)| a != b)
            .collect()
    }
}

impl fmt::Display for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s: Vec<String> = self.0.iter().map(|(n, v)| format!("{n}={v}")).collect();
        f.write_str(&s.join(" "))
    }
}

/// The distinct setups of `rows`, in the order each first appears.
pub fn setups(rows: &[Row]) -> Vec<Setup> {
    let mut out: Vec<Setup> = Vec::new();
    for r in rows {
        let s = r.setup();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// `rows` split by setup, in the order each setup first appears; one group when all
/// rows share theirs.
pub fn by_setup(rows: &[Row]) -> Vec<(Setup, Vec<Row>)> {
    let mut out: Vec<(Setup, Vec<Row>)> = Vec::new();
    for r in rows {
        let s = r.setup();
        match out.iter_mut().find(|(k, _)| *k == s) {
            Some((_, v)) => v.push(r.clone()),
            None => out.push((s, vec![r.clone()])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cc: &str) -> Row {
        Row {
            cc: Some(cc.into()),
            strategy: "two-copy".into(),
            ..Row::default()
        }
    }

    #[test]
    fn rows_that_differ_in_an_option_are_two_setups_labelled_by_that_option() {
        let rows = vec![row("cubic"), row("bbr"), row("cubic")];
        let groups = by_setup(&rows);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].1.len(), 2);
        let all: Vec<Setup> = groups.iter().map(|(s, _)| s.clone()).collect();
        assert_eq!(groups[0].0.label_among(&all), "cc=cubic");
        assert_eq!(groups[1].0.label_among(&all), "cc=bbr");
        assert_eq!(groups[0].0.label_among(&all[..1]), "");
    }
}
