//! What a recorded value may be: numbers finite and not negative, sizes and thread
//! counts within what the tool can run, strategies this build knows. Checked on the
//! raw text before a row is built, so every error can quote the value.

use netio_core::matrix::MAX_THREADS;
use netio_core::strategy::Strategy;
use netio_core::wire::{MAX_MESSAGE, MIN_REQUEST};

/// Columns that hold words, not numbers.
const TEXT: [&str; 30] = [
    "run_id",
    "started_at",
    "net_mode",
    "kernel",
    "cpu_model",
    "hw_counters",
    "kernel_counting",
    "strategy",
    "netem",
    "pin",
    "tx_cpus",
    "rx_cpus",
    "cc",
    "nodelay",
    "coalesce",
    "rcvlowat_mode",
    "phase",
    "workload",
    "rx_strategy",
    "peer",
    "peer_kernel",
    "peer_cpu_model",
    "peer_nic_driver",
    "peer_runs",
    "rate",
    "saturated",
    "unsafe_reuse",
    "flagged",
    "ends_alike",
    "decided",
];

/// The first column of `record` whose value no measurement can have, and why.
pub fn record<'h>(
    headers: &'h csv::StringRecord,
    record: &csv::StringRecord,
) -> Option<(&'h str, String)> {
    headers
        .iter()
        .zip(record.iter())
        .find_map(|(column, value)| {
            let reason = value_problem(column, value.trim())?;
            Some((column, format!("{value:?} is not {reason}")))
        })
}

/// Why `value` cannot be in `column`, if it cannot.
fn value_problem(column: &str, value: &str) -> Option<String> {
    if column == "strategy" {
        return value
            .parse::<Strategy>()
            .is_err()
            .then(|| "a strategy this version knows".into());
    }
    if column == "workload" && !value.is_empty() {
        return value
            .parse::<netio_core::workload::Workload>()
            .is_err()
            .then(|| "a workload this version knows".into());
    }
    if column == "rate" && !value.is_empty() {
        return netio_core::workload::Load::parse(value)
            .is_err()
            .then(|| "a rate (50%, 2Gbit/s, 50k/s)".into());
    }
    if value.is_empty() || TEXT.contains(&column) {
        return None;
    }
    let Ok(x) = value.parse::<f64>() else {
        return Some("a number".into());
    };
    if !x.is_finite() {
        return Some("a finite number".into());
    }
    if x < 0.0 {
        return Some("a figure a measurement can have (it is negative)".into());
    }
    match column {
        "size_bytes" | "size_requested_bytes"
            if !(MIN_REQUEST as f64..=MAX_MESSAGE as f64).contains(&x) =>
        {
            Some(format!(
                "a message size ({MIN_REQUEST} to {MAX_MESSAGE} bytes)"
            ))
        }
        "threads" if !(1.0..=MAX_THREADS as f64).contains(&x) => {
            Some(format!("a thread count (1 to {MAX_THREADS})"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_no_measurement_can_have_are_named() {
        let problem = |c, v| value_problem(c, v);
        assert_eq!(problem("throughput_gbps", "12.5"), None);
        assert_eq!(problem("throughput_gbps", ""), None);
        assert!(problem("throughput_gbps", "NaN").is_some());
        assert!(problem("throughput_gbps", "inf").is_some());
        assert!(problem("lat_p99_us", "-1").is_some());
        assert!(problem("bytes", "lots").is_some());
        assert!(problem("size_bytes", "0").is_some());
        assert!(problem("size_bytes", "1e12").is_some());
        assert!(problem("threads", "0").is_some());
        assert!(problem("threads", "65").is_some());
        assert_eq!(problem("threads", "64"), None);
        assert!(problem("strategy", "three-copy").is_some());
        assert_eq!(problem("strategy", "a2"), None);
        assert_eq!(problem("cpu_model", "-1"), None, "words are words");
    }
}
