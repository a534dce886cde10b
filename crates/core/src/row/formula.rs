//! Every derived figure's formula, once. A formula over measured inputs gives a
//! measured figure, or [`Figure::Undefined`] where it has no value (no bytes, no
//! messages, no time); an absent input stays absent. Results keep six significant
//! digits (enough for any measured figure, without float noise in the CSV). docs/csv-columns.md
//! names each column's formula.

use crate::figure::Figure;

/// Six significant digits.
pub fn sig6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 6 - 1 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits.clamp(-300, 300));
    (x * scale).round() / scale
}

fn ratio(num: f64, den: f64) -> Figure<f64> {
    if den > 0.0 {
        Figure::Measured(sig6(num / den))
    } else {
        Figure::Undefined
    }
}

/// `bytes` × 8 / `seconds` / 10⁹.
pub fn gbps(bytes: u64, seconds: f64) -> Figure<f64> {
    ratio(bytes as f64 * 8.0, seconds * 1e9)
}

/// `count` / `seconds`.
pub fn per_second(count: Figure<u64>, seconds: f64) -> Figure<f64> {
    count.and_then(|n| ratio(n as f64, seconds))
}

/// `amount` / `bytes` (CPU ns per byte, cycles per byte).
pub fn per_byte(amount: Figure<u64>, bytes: u64) -> Figure<f64> {
    amount.and_then(|n| ratio(n as f64, bytes as f64))
}

/// `count` / (`bytes` / 1024) (cache misses per KiB).
pub fn per_kib(count: Figure<u64>, bytes: u64) -> Figure<f64> {
    count.and_then(|n| ratio(n as f64 * 1024.0, bytes as f64))
}

/// `amount` / `messages` (send calls per message; ns per message when `scale` = 1).
pub fn per_message(amount: u64, messages: u64, scale: f64) -> Figure<f64> {
    ratio(amount as f64 * scale, messages as f64)
}

/// `part` × 100 / `whole`, capped at 100.
pub fn percent(part: u64, whole: u64) -> Figure<f64> {
    ratio(part as f64 * 100.0, whole as f64).map(|p| p.min(100.0))
}

/// Nanoseconds as milliseconds.
pub fn ms(ns: Figure<u64>) -> Figure<f64> {
    ns.map(|n| sig6(n as f64 / 1e6))
}

/// The sum of two measured counts (both sides, or two kinds of event).
pub fn sum(a: Figure<u64>, b: Figure<u64>) -> Figure<u64> {
    a.zip(b).map(|(a, b)| a + b)
}

/// Copies per byte as written for a person: two decimals, or four where a small
/// non-zero figure would otherwise read as 0 (sendfile's headers: `0.0005`).
pub fn copies_text(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.005 {
        format!("{v:.4}")
    } else {
        format!("{v:.2}")
    }
}

/// Copies per byte: bytes copied / bytes moved (absent when either is).
pub fn copies_per_byte(copied: Figure<u64>, moved: Figure<u64>) -> Figure<f64> {
    copied
        .zip(moved)
        .and_then(|(c, m)| ratio(c as f64, m as f64))
        .map(sig6)
}

/// A paced cell is saturated when it delivered less than this share of what it offered
/// (2 % short: more than the window's edges can explain at any offered rate).
pub const SATURATED_BELOW: f64 = 0.98;

/// The most late-copied bytes a window can hold beyond its own pinned bytes: what was
/// pinned before the window and still queued at its start, at most a full send and
/// receive queue per connection (`tcp_wmem` and `tcp_rmem` maxima), plus 1 %.
pub fn late_copy_allowance(pinned: u64, connections: u64) -> u64 {
    let max = |path: &str| -> u64 {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.split_whitespace().last()?.parse().ok())
            .unwrap_or(32 << 20)
    };
    let queues = max("/proc/sys/net/ipv4/tcp_wmem") + max("/proc/sys/net/ipv4/tcp_rmem");
    pinned + pinned / 100 + connections * queues
}

/// A measuring window further than this share from the one asked for is flagged (a
/// stalled sampler, a host that froze the tool).
pub const WINDOW_TOLERANCE: f64 = 0.10;

/// `other_cpu_pct` above this flags the row: other processes took at least a tenth of
/// the machine while the cell ran. On a machine the cell saturates (a stream uses
/// every core it is given), that much CPU went to someone else at the cell's expense;
/// the tool's own idle background (kernel threads, the terminal) measured below it
/// (docs/methodology.md, "Trusting a comparison").
pub const BUSY_HOST_PCT: f64 = 10.0;

/// `yes` when `achieved` Gbps < [`SATURATED_BELOW`] × `offered` Gbps, or when the
/// pacer fell behind (its median lateness `pace_err_p50_us` above one interval of
/// `interval_us` between a pair's messages), else `no`; `None` when nothing was
/// achieved that could be compared.
pub fn saturated(
    achieved: Figure<f64>,
    offered: f64,
    pace_err_p50_us: Figure<f64>,
    interval_us: f64,
) -> Option<bool> {
    let a = achieved.value()?;
    let behind = pace_err_p50_us.value().is_some_and(|e| e > interval_us);
    Some(a < SATURATED_BELOW * offered || behind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::why;

    #[test]
    fn six_significant_digits() {
        assert_eq!(sig6(1.234_567_89), 1.234_57);
        assert_eq!(sig6(0.000_123_456_78), 0.000_123_457);
        assert_eq!(sig6(123_456_789.0), 123_457_000.0);
        assert_eq!(sig6(0.0), 0.0);
    }

    #[test]
    fn each_formula() {
        assert_eq!(gbps(250_000_000, 2.0), Figure::Measured(1.0));
        assert_eq!(
            per_second(Figure::Measured(30), 2.0),
            Figure::Measured(15.0)
        );
        assert_eq!(per_byte(Figure::Measured(500), 250), Figure::Measured(2.0));
        assert_eq!(per_kib(Figure::Measured(3), 2048), Figure::Measured(1.5));
        assert_eq!(per_message(2_000, 4, 1e-3), Figure::Measured(0.5));
        assert_eq!(percent(1, 4), Figure::Measured(25.0));
        assert_eq!(percent(5, 4), Figure::Measured(100.0));
        assert_eq!(ms(Figure::Measured(1_500_000)), Figure::Measured(1.5));
        assert_eq!(
            sum(Figure::Measured(1), Figure::Measured(2)),
            Figure::Measured(3)
        );
        let on_time = Figure::Measured(1.0);
        assert_eq!(
            saturated(Figure::Measured(9.7), 10.0, on_time, 10.0),
            Some(true)
        );
        assert_eq!(
            saturated(Figure::Measured(9.9), 10.0, on_time, 10.0),
            Some(false)
        );
        assert_eq!(saturated(Figure::Undefined, 10.0, on_time, 10.0), None);
        // Delivering the offer but later and later: the pacer is behind.
        let late = Figure::Measured(25.0);
        assert_eq!(
            saturated(Figure::Measured(10.0), 10.0, late, 10.0),
            Some(true)
        );
    }

    #[test]
    fn nothing_to_divide_by_is_undefined_not_zero() {
        assert_eq!(gbps(100, 0.0), Figure::Undefined);
        assert_eq!(per_second(Figure::Measured(3), 0.0), Figure::Undefined);
        assert_eq!(per_byte(Figure::Measured(3), 0), Figure::Undefined);
        assert_eq!(per_kib(Figure::Measured(3), 0), Figure::Undefined);
        assert_eq!(per_message(3, 0, 1.0), Figure::Undefined);
        assert_eq!(percent(0, 0), Figure::Undefined);
    }

    #[test]
    fn absent_inputs_stay_absent() {
        let no_pmu: Figure<u64> = Figure::Unavailable(why::NO_PMU);
        assert_eq!(per_byte(no_pmu, 100), Figure::Unavailable(why::NO_PMU));
        assert_eq!(per_kib(no_pmu, 0), Figure::Unavailable(why::NO_PMU));
        assert_eq!(sum(Figure::Measured(1), no_pmu), no_pmu);
        assert_eq!(ms(Figure::NotApplicable), Figure::NotApplicable);
    }
}

#[cfg(test)]
mod copies_text_tests {
    #[test]
    fn a_small_copy_never_reads_as_none() {
        assert_eq!(super::copies_text(0.0), "0.00");
        assert_eq!(super::copies_text(0.000_488), "0.0005");
        assert_eq!(super::copies_text(1.0002), "1.00");
        assert_eq!(super::copies_text(2.999_6), "3.00");
    }
}
