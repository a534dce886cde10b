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
