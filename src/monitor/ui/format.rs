//! How figures are written on screen: `—` for not measured yet, `n/a` for a figure the
//! machine cannot provide, `–` for one that does not apply or has no value.

/// Not measured yet.
pub const NOT_YET: &str = "—";

/// A figure with `digits` decimals, `n/a` when the machine cannot provide it, `–` when
/// it does not apply or has no value.
pub fn fig(v: netio_core::figure::Figure<f64>, digits: usize) -> String {
    v.screen(|x| format!("{x:.digits$}"))
}

/// Bytes per second as a rate in Gbps, the one unit for rates on screen (the table's
/// throughput and the copy path's copies alike): `19.97 Gbps`, `0.004 Gbps`.
pub fn gbps(bytes_per_s: f64) -> String {
    let g = bytes_per_s * 8.0 / 1e9;
    if g >= 0.995 || g == 0.0 {
        format!("{g:.2} Gbps")
    } else {
        format!("{g:.3} Gbps")
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

    #[test]
    fn one_unit_per_quantity_scaled_to_read() {
        assert_eq!(super::gbps(2.5e9), "20.00 Gbps");
        assert_eq!(super::gbps(1e6), "0.008 Gbps");
        assert_eq!(super::gbps(0.0), "0.00 Gbps");
    }
}
