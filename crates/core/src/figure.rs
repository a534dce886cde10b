//! One reported figure and the three ways it can be absent. A figure is measured, not
//! available on this machine (with the reason), not applicable to the cell's strategy
//! or workload, or undefined (e.g. a rate over no time). The CSV writes only measured
//! values (an empty cell for the rest); the monitor shows `n/a` for not available and
//! `–` for the other two; `report` says which. Never a stand-in 0.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a figure the tool knows how to measure has no value.
pub mod why {
    /// The machine has no hardware performance counters (or refused to open them).
    pub const NO_PMU: &str = "no PMU";
    /// A counter, clock or `/proc` file could not be read.
    pub const UNREADABLE: &str = "could not be read";
    /// Read back from a CSV cell that was empty (the file does not say why).
    pub const NOT_RECORDED: &str = "not in the recording";
    /// perf counters are not opened under latency workloads (`rr`, `rate`): they add
    /// work to every context switch, which a round trip is made of.
    pub const NOT_COUNTED: &str = "not counted under rr/rate";
    /// One-way latency between two hosts: a stamp from one clock read against
    /// another is not a delay (`--remote` reports round trips instead).
    pub const NO_SHARED_CLOCK: &str = "no clock shared by the two hosts";
    /// A late copy the cell's own pinned pages cannot explain: another process's
    /// zero-copy traffic on the machine (the late-copy program sees the whole machine).
    pub const FOREIGN_LATE_COPY: &str = "other zero-copy traffic on the machine";
}

/// A reported figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure<T> {
    Measured(T),
    /// The machine cannot provide it; the reason says why.
    Unavailable(&'static str),
    /// It has no meaning for this strategy or workload (e.g. copied % for two-copy).
    NotApplicable,
    /// Its formula has no value here (e.g. per byte with no bytes, a rate over 0 s).
    Undefined,
}

impl<T> Default for Figure<T> {
    /// A field nobody filled in: unavailable, never 0.
    fn default() -> Self {
        Figure::Unavailable(why::NOT_RECORDED)
    }
}

impl<T: Copy> Figure<T> {
    /// The measured value, if any.
    pub fn value(&self) -> Option<T> {
        match self {
            Figure::Measured(v) => Some(*v),
            _ => None,
        }
    }

    /// `Some(v)` is measured; `None` is unavailable for `reason`.
    pub fn or_unavailable(v: Option<T>, reason: &'static str) -> Self {
        v.map_or(Figure::Unavailable(reason), Figure::Measured)
    }

    /// Applies `f` to a measured value; absence carries over unchanged.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Figure<U> {
        self.and_then(|v| Figure::Measured(f(v)))
    }

    /// Applies `f` to a measured value; `f` may itself be absent.
    pub fn and_then<U>(self, f: impl FnOnce(T) -> Figure<U>) -> Figure<U> {
        match self {
            Figure::Measured(v) => f(v),
            Figure::Unavailable(r) => Figure::Unavailable(r),
            Figure::NotApplicable => Figure::NotApplicable,
            Figure::Undefined => Figure::Undefined,
        }
    }

    /// Both values, or the first absence (in argument order).
    pub fn zip<U: Copy>(self, other: Figure<U>) -> Figure<(T, U)> {
        self.and_then(|a| other.map(|b| (a, b)))
    }

    /// On screen: the value through `show`, `n/a` when not available, `–` when not
    /// applicable or undefined.
    pub fn screen(&self, show: impl FnOnce(T) -> String) -> String {
        match self {
            Figure::Measured(v) => show(*v),
            Figure::Unavailable(_) => "n/a".into(),
            Figure::NotApplicable | Figure::Undefined => "–".into(),
        }
    }

    /// In words, for the report: the value through `show`, or why there is none.
    pub fn describe(&self, show: impl FnOnce(T) -> String) -> String {
        match self {
            Figure::Measured(v) => show(*v),
            Figure::Unavailable(r) => format!("not available ({r})"),
            Figure::NotApplicable => "not applicable".into(),
            Figure::Undefined => "undefined".into(),
        }
    }

    pub fn is_measured(&self) -> bool {
        matches!(self, Figure::Measured(_))
    }
}

/// A measured value is written; every absence is an empty cell.
impl<T: Serialize + Copy> Serialize for Figure<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

/// An empty cell reads as [`why::NOT_RECORDED`]; `Row::explain_absences` then names
/// the absences the row's own columns explain.
impl<'de, T: Deserialize<'de> + Copy> Deserialize<'de> for Figure<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Figure::or_unavailable(
            Option::<T>::deserialize(d)?,
            why::NOT_RECORDED,
        ))
    }
}

/// A latency given in µs, scaled to read at a glance with its unit: `54.6µs`,
/// `1.10ms`, `21.7ms`, `1.50s`.
pub fn latency_text(us: f64) -> String {
    if us >= 999_950.0 {
        format!("{:.2}s", us / 1e6)
    } else if us >= 9_995.0 {
        format!("{:.1}ms", us / 1e3)
    } else if us >= 999.95 {
        format!("{:.2}ms", us / 1e3)
    } else {
        format!("{us:.1}µs")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn latencies_read_at_a_glance_with_their_unit() {
        let cases = [
            (54.6, "54.6µs"),
            (999.9, "999.9µs"),
            (1_104.9, "1.10ms"),
            (21_708.8, "21.7ms"),
            (1_500_000.0, "1.50s"),
        ];
        for (us, want) in cases {
            assert_eq!(super::latency_text(us), want);
        }
    }

    use super::*;

    #[test]
    fn absences_stay_apart_on_screen_and_in_words() {
        let show = |v: f64| format!("{v:.1}");
        assert_eq!(Figure::Measured(1.25).screen(show), "1.2");
        assert_eq!(Figure::<f64>::Unavailable(why::NO_PMU).screen(show), "n/a");
        assert_eq!(Figure::<f64>::NotApplicable.screen(show), "–");
        assert_eq!(Figure::<f64>::Undefined.screen(show), "–");
        assert_eq!(
            Figure::<f64>::Unavailable(why::NO_PMU).describe(show),
            "not available (no PMU)"
        );
        assert_eq!(
            Figure::<f64>::NotApplicable.describe(show),
            "not applicable"
        );
    }

    #[test]
    fn absence_carries_through_arithmetic() {
        let a = Figure::Measured(3u64);
        let none: Figure<u64> = Figure::Unavailable(why::NO_PMU);
        assert_eq!(a.zip(none).map(|(x, y)| x + y), none);
        assert_eq!(a.map(|x| x * 2), Figure::Measured(6));
        assert_eq!(Figure::<u64>::Undefined.map(|x| x + 1), Figure::Undefined);
    }

    #[test]
    fn csv_writes_only_measured_values() {
        #[derive(Serialize, Deserialize)]
        struct R {
            a: Figure<f64>,
            b: Figure<u64>,
            c: Figure<u64>,
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(R {
            a: Figure::Measured(1.5),
            b: Figure::NotApplicable,
            c: Figure::Undefined,
        })
        .expect("serializes");
        let text = String::from_utf8(w.into_inner().expect("flushed")).expect("utf-8");
        assert_eq!(text, "a,b,c\n1.5,,\n");
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let back: R = r.deserialize().next().expect("a row").expect("parses");
        assert_eq!(back.a, Figure::Measured(1.5));
        assert_eq!(back.b, Figure::Unavailable(why::NOT_RECORDED));
    }
}
