//! How figures are written on screen: `—` for not measured yet, `n/a` for a figure the
//! machine cannot provide, `–` for one that does not apply or has no value.

/// Not measured yet.
pub const NOT_YET: &str = "—";

/// A figure with `digits` decimals, `n/a` when the machine cannot provide it, `–` when
/// it does not apply or has no value.
pub fn fig(v: crate::figure::Figure<f64>, digits: usize) -> String {
    v.screen(|x| format!("{x:.digits$}"))
}

/// A byte rate, for the copy path: `1.23 GB`, `45.6 MB`.
pub fn bytes(b: f64) -> String {
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} kB", b / 1e3)
    }
}

/// A figure in at most 5 characters, whatever its size: `12.3`, `456`, `12.3k`,
/// `45.6k`, `1.2M` (Gbps, transactions per second and microseconds in one matrix).
pub fn compact(x: f64) -> String {
    let a = x.abs();
    if a >= 999_500.0 {
        format!("{:.1}M", x / 1e6)
    } else if a >= 99_950.0 {
        format!("{:.0}k", x / 1e3)
    } else if a >= 999.5 {
        format!("{:.1}k", x / 1e3)
    } else if a >= 99.95 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_figures_fit_five_characters() {
        let cases = [
            (3.26, "3.3"),
            (42.0, "42.0"),
            (123.4, "123"),
            (12_345.0, "12.3k"),
            (123_456.0, "123k"),
            (2_500_000.0, "2.5M"),
        ];
        for (x, want) in cases {
            assert_eq!(super::compact(x), want);
        }
    }
}
