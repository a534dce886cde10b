//! The option parsers: sizes (`64K`, `1M`), thread counts, durations (`500ms`, `5s`),
//! registry names, rates, on/off. Each refuses a bad value with a message clap prints
//! after the option's name.

use std::time::Duration;

use super::{MAX_DURATION, MAX_THREADS};
use crate::plan::StrategyChoice;
use netio_core::receive::RxStrategy;
use netio_core::wire::{MAX_MESSAGE, MIN_REQUEST};
use netio_core::workload::{Load, Workload};

pub(crate) fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for &x in items {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

pub(super) fn parse_strategy(s: &str) -> Result<StrategyChoice, String> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(StrategyChoice::All);
    }
    s.parse().map(StrategyChoice::One)
}

pub(super) fn parse_rx(s: &str) -> Result<RxStrategy, String> {
    s.parse()
}

pub(super) fn parse_workload(s: &str) -> Result<Workload, String> {
    s.parse()
}

pub(super) fn parse_on_off(s: &str) -> Result<bool, String> {
    match s.trim() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("'{s}' is not on or off")),
    }
}

/// `8`, `8B`, `4K`, `64k`, `1M`: bytes, powers of 1024.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let multiplier: usize = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        _ => return Err(format!("'{s}' is not a size (use e.g. 512, 4K, 1M)")),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size (use e.g. 512, 4K, 1M)"))?;
    let bytes = n
        .checked_mul(multiplier)
        .filter(|b| (MIN_REQUEST..=MAX_MESSAGE).contains(b))
        .ok_or_else(|| format!("size must be from {MIN_REQUEST} bytes (one per field) to 64M"))?;
    Ok(bytes)
}

pub(super) fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "thread count must be a whole number from 1 to {MAX_THREADS}"
        )),
    }
}

pub fn parse_any_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("'{s}' is not a duration ({e}; use e.g. 500ms, 5s, 1m)"))?;
    if d > MAX_DURATION {
        return Err("duration must be at most 24h".into());
    }
    Ok(d)
}

pub(super) fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = parse_any_duration(s)?;
    if d < Duration::from_millis(100) {
        return Err("the measuring window must be at least 100ms".into());
    }
    Ok(d)
}

pub(super) fn parse_warmup(s: &str) -> Result<Duration, String> {
    parse_any_duration(s)
}

pub(super) fn parse_load(s: &str) -> Result<Load, String> {
    Load::parse(s)
}

/// A depth from 1 to `max`.
fn parse_count(s: &str, max: usize) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("depth must be a whole number from 1 to {max}")),
    }
}

/// `--repeat`: `auto` (until decided) or a fixed count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatChoice {
    Auto,
    Times(u32),
}

/// The most rounds `--repeat` and `--max-repeat` take.
pub const MAX_REPEAT: u32 = 100;

pub(super) fn parse_repeat(s: &str) -> Result<RepeatChoice, String> {
    if s.trim().eq_ignore_ascii_case("auto") {
        return Ok(RepeatChoice::Auto);
    }
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_REPEAT).contains(&n) => Ok(RepeatChoice::Times(n)),
        _ => Err(format!(
            "'{s}' is not auto or a whole number from 1 to {MAX_REPEAT}"
        )),
    }
}

/// `--margin`: a percentage above 0 and at most 50.
pub(super) fn parse_margin(s: &str) -> Result<f64, String> {
    let t = s.trim().trim_end_matches('%');
    match t.parse::<f64>() {
        Ok(m) if m > 0.0 && m <= 50.0 => Ok(m),
        _ => Err(format!("'{s}' is not a margin from 0 to 50 % (e.g. 5%)")),
    }
}

/// `compare --fail-on`: `slower`, or a percentage.
pub(super) fn parse_fail_on(s: &str) -> Result<netio_data::compare::FailOn, String> {
    if s.trim().eq_ignore_ascii_case("slower") {
        return Ok(netio_data::compare::FailOn::Slower);
    }
    parse_margin(s)
        .map(netio_data::compare::FailOn::WorseThan)
        .map_err(|_| format!("'{s}' is neither slower nor a percentage from 0 to 50 (e.g. 10%)"))
}

/// `--depth`: rr's requests in flight.
pub(super) fn parse_depth(s: &str) -> Result<usize, String> {
    parse_count(s, netio_core::workload::rr::MAX_DEPTH)
}

pub(super) fn parse_response_size(s: &str) -> Result<usize, String> {
    let max = netio_core::workload::rr::MAX_RESPONSE;
    let t = s.trim();
    let n = parse_size(t).or_else(|_| t.parse::<usize>().map_err(|e| e.to_string()));
    match n {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err("a reply is from 1 byte to 1M (e.g. 32, 1K)".into()),
    }
}

/// `--uring-depth`: 1 to uring's deepest batch.
pub(super) fn parse_uring_depth(s: &str) -> Result<usize, String> {
    parse_count(s, netio_core::strategy::URING_MAX_DEPTH)
}
