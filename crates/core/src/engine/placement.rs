//! Where each worker runs: the `--pin` choice, which CPU each sender and receiver is
//! given (pure) and pinning the calling thread. The record of the CPUs a worker was
//! actually seen on (`tx_cpus`, `rx_cpus`) is the worker's own (`worker::cpus`).

use std::fmt;

use crate::worker::cpus::MAX_CPUS;

/// How workers are placed on CPUs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Pin {
    /// The measured default: see [`Pin::resolve`].
    #[default]
    Auto,
    /// Each sender and its receiver on one core (pair `i` on CPU `i mod n`): the
    /// receiver copies from a cache the sender just warmed.
    Same,
    /// Each sender and its receiver on different cores: per-side CPU separates cleanly.
    Split,
    /// No pinning: the scheduler chooses (and may move threads).
    None,
    /// Explicit CPUs, given out in turn: sender 0, receiver 0, sender 1, ...
    List(Vec<usize>),
}

impl Pin {
    /// Parses `auto`, `same`, `split`, `none` or a list like `0,1` / `0-3`.
    pub fn parse(s: &str) -> Result<Pin, String> {
        match s.trim() {
            "auto" => Ok(Pin::Auto),
            "same" => Ok(Pin::Same),
            "split" => Ok(Pin::Split),
            "none" => Ok(Pin::None),
            list => parse_cpu_list(list).map(Pin::List),
        }
    }

    /// What `auto` means. Measured on 2-vCPU guests (docs/methodology.md, "Choices that
    /// change results"): pinning sender and receiver to different cores was neither faster nor
    /// steadier than the scheduler, and the same core changes what is measured. So
    /// `auto` leaves placement to the scheduler and records where threads ran.
    pub fn resolve(&self) -> Pin {
        match self {
            Pin::Auto => Pin::None,
            other => other.clone(),
        }
    }

    /// The (sender, receiver) CPUs of pair `pair` on a machine with `cpus` CPUs.
    pub fn cpus_for(&self, pair: usize, cpus: usize) -> (Option<usize>, Option<usize>) {
        let cpus = cpus.max(1);
        match self.resolve() {
            Pin::Same => (Some(pair % cpus), Some(pair % cpus)),
            Pin::Split => (Some((2 * pair) % cpus), Some((2 * pair + 1) % cpus)),
            Pin::List(l) if !l.is_empty() => (
                Some(l[(2 * pair) % l.len()]),
                Some(l[(2 * pair + 1) % l.len()]),
            ),
            _ => (None, None),
        }
    }

    /// The CLI name of the resolved choice, for the CSV (`same`, `split`, `none`, `0,1`).
    pub fn label(&self) -> String {
        self.resolve().to_string()
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pin::Auto => f.write_str("auto"),
            Pin::Same => f.write_str("same"),
            Pin::Split => f.write_str("split"),
            Pin::None => f.write_str("none"),
            Pin::List(l) => f.write_str(&format_cpus(l.iter().copied())),
        }
    }
}

/// `0,2,4-6` into CPU numbers, each below [`MAX_CPUS`].
pub fn parse_cpu_list(s: &str) -> Result<Vec<usize>, String> {
    let bad = || format!("'{s}' is not auto, same, split, none or a CPU list like 0,1 or 0-3");
    let mut out = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a, b),
            None => (part, part),
        };
        let a: usize = a.trim().parse().map_err(|_| bad())?;
        let b: usize = b.trim().parse().map_err(|_| bad())?;
        if a > b || b >= MAX_CPUS {
            return Err(bad());
        }
        out.extend(a..=b);
    }
    if out.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

/// CPU numbers as a compact list: `0-3,6`.
pub fn format_cpus(cpus: impl IntoIterator<Item = usize>) -> String {
    let mut v: Vec<usize> = cpus.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
            j += 1;
        }
        parts.push(if j > i + 1 {
            format!("{}-{}", v[i], v[j])
        } else if j == i + 1 {
            format!("{},{}", v[i], v[j])
        } else {
            v[i].to_string()
        });
        i = j + 1;
    }
    parts.join(",")
}

/// Pins the calling thread to `cpu`.
pub fn pin_current_thread(cpu: usize) -> std::io::Result<()> {
    // SAFETY: a zeroed cpu_set_t is an empty set; CPU_SET stays within it for
    // cpu < CPU_SETSIZE (checked by the parser's MAX_CPUS and here).
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    if cpu >= 8 * std::mem::size_of::<libc::cpu_set_t>() {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    unsafe { libc::CPU_SET(cpu, &mut set) };
    // SAFETY: pid 0 is the calling thread; `set` is a valid cpu_set_t.
    let rc = unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) };
    if rc == 0 {
        Ok(())
    } else {
        let e = std::io::Error::last_os_error();
        Err(std::io::Error::new(
            e.kind(),
            format!("pinning to CPU {cpu}: {e}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::cpus::{CpuTracker, CpusSeen};

    #[test]
    fn choices_parse_and_place_pairs() {
        assert_eq!(Pin::parse("split"), Ok(Pin::Split));
        assert_eq!(Pin::parse("0-2,5"), Ok(Pin::List(vec![0, 1, 2, 5])));
        for bad in ["", "fast", "2-1", "1,,2", "9999"] {
            assert!(Pin::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Pin::Same.cpus_for(3, 2), (Some(1), Some(1)));
        assert_eq!(Pin::Split.cpus_for(0, 2), (Some(0), Some(1)));
        assert_eq!(Pin::Split.cpus_for(1, 4), (Some(2), Some(3)));
        assert_eq!(Pin::None.cpus_for(0, 2), (None, None));
        assert_eq!(Pin::Auto.cpus_for(0, 2), (None, None));
        assert_eq!(Pin::List(vec![1]).cpus_for(2, 8), (Some(1), Some(1)));
        assert_eq!(Pin::List(vec![3, 1]).label(), "1,3");
    }

    #[test]
    fn cpu_lists_format_compactly() {
        assert_eq!(format_cpus([0, 1, 2, 3, 6]), "0-3,6");
        assert_eq!(format_cpus([1, 0]), "0,1");
        assert_eq!(format_cpus([]), "");
    }

    #[test]
    fn a_pinned_thread_is_seen_where_it_was_pinned() {
        std::thread::spawn(|| {
            pin_current_thread(0).expect("CPU 0 exists");
            let seen = CpusSeen::default();
            CpuTracker::default().note(&seen);
            assert_eq!(seen.cpus(), vec![0]);
        })
        .join()
        .expect("thread ran");
    }
}
