//! How much a `rate` cell offers: a share of the same cell's saturation (`rate max`,
//! measured first in the round), a bit rate, or a message rate, all in total over the
//! cell's pairs; or `max` itself; and what that comes to per pair once resolved. Pure:
//! parsing and arithmetic.

use std::fmt;

/// What a cell offers. Only `rate` cells are paced; every other cell is `Unpaced`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Load {
    #[default]
    Unpaced,
    /// `rate` without pacing: messages back to back with the paced cells' socket
    /// choices (TCP_NODELAY, no MSG_MORE). Its throughput is the 100 % that percentage
    /// loads take a share of.
    Max,
    /// Percent of the point's (size × threads × receive strategy) fastest `rate max`
    /// throughput, shared by every strategy there,
    /// measured earlier in the same round.
    Percent(u32),
    /// Bits per second of messages (headers included), in total.
    BitsPerSec(u64),
    /// Messages per second, in total.
    MsgsPerSec(u64),
}

/// Highest percentage accepted: offering twice saturation shows what overload does.
pub const MAX_PERCENT: u32 = 200;

impl Load {
    /// `50%`, `2G` / `2Gbit` / `500M` / `800k` (bits per second, powers of 1000),
    /// `50k/s` / `50kmsg` (messages per second), or `max`.
    pub fn parse(s: &str) -> Result<Load, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("max") {
            return Ok(Load::Max);
        }
        let bad = || {
            format!(
                "'{s}' is not a rate (use e.g. 50% of saturation, 2G bits/s, 50k/s messages, or max)"
            )
        };
        if let Some(p) = t.strip_suffix('%') {
            return match p.trim().parse::<u32>() {
                Ok(p) if (1..=MAX_PERCENT).contains(&p) => Ok(Load::Percent(p)),
                _ => Err(format!(
                    "'{s}': a share of saturation is a whole percentage from 1% to {MAX_PERCENT}%"
                )),
            };
        }
        let lower = t.to_ascii_lowercase();
        let strip = |suffixes: &[&str]| suffixes.iter().find_map(|x| lower.strip_suffix(x));
        let (body, messages) = if let Some(b) = strip(&["bit/s", "bps", "bit", "b"]) {
            (b, false)
        } else if let Some(b) = strip(&["msg/s", "/s", "msg"]) {
            (b, true)
        } else {
            (lower.as_str(), false)
        };
        let split = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (digits, unit) = body.split_at(split);
        if unit.is_empty() && body.len() == lower.len() {
            // A bare number: 50 bit/s is almost never what was meant.
            return Err(format!(
                "'{s}' needs a unit: did you mean {t}%? (or {t}G bit/s, {t}k/s messages)"
            ));
        }
        let multiplier = match unit {
            "" => 1.0,
            "k" => 1e3,
            "m" => 1e6,
            "g" => 1e9,
            _ => return Err(bad()),
        };
        let n: f64 = digits.parse().map_err(|_| bad())?;
        let v = n * multiplier;
        if !v.is_finite() || !(1.0..=1e12).contains(&v) {
            return Err(format!("'{s}': a rate must be from 1 to 1T per second"));
        }
        let v = v.round() as u64;
        Ok(if messages {
            Load::MsgsPerSec(v)
        } else {
            Load::BitsPerSec(v)
        })
    }

    /// The percentage, for a share of saturation.
    pub fn percent(self) -> Option<u32> {
        match self {
            Load::Percent(p) => Some(p),
            _ => None,
        }
    }

    /// The total offered rate in Gbps for `size`-byte messages, given the reference
    /// (`rate max`) throughput, needed for a percentage. `None`: unpaced, or a
    /// percentage without a reference.
    pub fn offered_gbps(self, size: usize, reference_gbps: Option<f64>) -> Option<f64> {
        match self {
            Load::Unpaced | Load::Max => None,
            Load::Percent(p) => reference_gbps
                .filter(|g| g.is_finite() && *g > 0.0)
                .map(|g| g * f64::from(p) / 100.0),
            Load::BitsPerSec(b) => Some(b as f64 / 1e9),
            Load::MsgsPerSec(m) => Some(m as f64 * size as f64 * 8.0 / 1e9),
        }
    }
}

impl fmt::Display for Load {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let si = |v: u64| {
            if v >= 1_000_000_000 && v % 1_000_000 == 0 {
                format!("{}G", v as f64 / 1e9)
            } else if v >= 1_000_000 && v % 1_000 == 0 {
                format!("{}M", v as f64 / 1e6)
            } else if v >= 1_000 {
                format!("{}k", v as f64 / 1e3)
            } else {
                v.to_string()
            }
        };
        match self {
            Load::Unpaced => write!(f, "unpaced"),
            Load::Max => write!(f, "max"),
            Load::Percent(p) => write!(f, "{p}%"),
            Load::BitsPerSec(b) => write!(f, "{}bit/s", si(*b)),
            Load::MsgsPerSec(m) => write!(f, "{}/s", si(*m)),
        }
    }
}

/// The gap between one pair's messages, in picoseconds (so that rates of millions of
/// messages a second keep their precision), for `gbps` in total over `pairs`.
pub fn interval_ps(gbps: f64, size: usize, pairs: usize) -> Option<u64> {
    let per_pair_msgs = gbps * 1e9 / (8.0 * size.max(1) as f64) / pairs.max(1) as f64;
    let ps = 1e12 / per_pair_msgs;
    (ps.is_finite() && ps >= 1.0).then(|| ps.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_in_their_three_kinds() {
        assert_eq!(Load::parse("50%"), Ok(Load::Percent(50)));
        assert_eq!(Load::parse("2G"), Ok(Load::BitsPerSec(2_000_000_000)));
        assert_eq!(Load::parse("2Gbit"), Ok(Load::BitsPerSec(2_000_000_000)));
        assert_eq!(Load::parse("1.5gbps"), Ok(Load::BitsPerSec(1_500_000_000)));
        assert_eq!(Load::parse("500M"), Ok(Load::BitsPerSec(500_000_000)));
        assert_eq!(Load::parse("50k/s"), Ok(Load::MsgsPerSec(50_000)));
        assert_eq!(Load::parse("50kmsg"), Ok(Load::MsgsPerSec(50_000)));
        assert_eq!(Load::parse("1000msg/s"), Ok(Load::MsgsPerSec(1000)));
        for bad in [
            "", "0%", "201%", "-5%", "x", "2T", "0", "1e99", "k/s", "5%%",
        ] {
            assert!(Load::parse(bad).is_err(), "{bad} accepted");
        }
        let bare = Load::parse("50").expect_err("a bare number is refused");
        assert!(bare.contains("needs a unit: did you mean 50%?"), "{bare}");
    }

    #[test]
    fn rates_print_as_they_parse() {
        for s in ["50%", "2Gbit/s", "500Mbit/s", "50k/s", "12/s", "max"] {
            let l = Load::parse(s).expect("parses");
            assert_eq!(Load::parse(&l.to_string()), Ok(l), "{s} -> {l}");
        }
    }

    #[test]
    fn offered_rates_and_intervals() {
        assert_eq!(Load::Percent(50).offered_gbps(4096, Some(10.0)), Some(5.0));
        assert_eq!(Load::Percent(50).offered_gbps(4096, None), None);
        assert_eq!(Load::Percent(50).offered_gbps(4096, Some(0.0)), None);
        assert_eq!(Load::MsgsPerSec(1000).offered_gbps(1000, None), Some(0.008));
        assert_eq!(Load::Unpaced.offered_gbps(1000, Some(1.0)), None);
        // 8 Gbps of 1000-byte messages over 2 pairs: 500k msg/s each, 2 µs apart.
        assert_eq!(interval_ps(8.0, 1000, 2), Some(2_000_000));
        assert_eq!(interval_ps(0.0, 1000, 2), None);
    }
}
