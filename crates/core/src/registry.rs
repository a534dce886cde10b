//! What every registry entry says about itself: its CLI and CSV name, its other
//! accepted names, one line for the help text, and how to find out whether this machine
//! can run it (`doctor` calls that). The four registries (send strategies in
//! `strategy/`, receive strategies in `receive/`, workloads in `workload/`, paths in
//! `net/path.rs`) each hold one entry per choice; everything that names choices (the
//! CLI's parsers and help, `doctor`, `report`, `plot`, the monitor's legend) reads them.

use crate::probe::Check;

/// A registry entry's description of itself.
#[derive(Debug, Clone, Copy)]
pub struct About {
    /// The CLI and CSV name.
    pub name: &'static str,
    /// Other names the CLI accepts (e.g. the course assignment's `a1`).
    pub aliases: &'static [&'static str],
    /// One line for the help text and `doctor`.
    pub summary: &'static str,
    /// Whether this machine can run it, probed now.
    pub available: fn() -> Check,
}

impl About {
    /// True when `name` (any case, surrounding blanks ignored) names this entry.
    pub fn answers_to(&self, name: &str) -> bool {
        let wanted = name.trim().to_ascii_lowercase();
        self.name == wanted || self.aliases.contains(&wanted.as_str())
    }

    /// `name|alias` as the help text lists it.
    pub fn label(&self) -> String {
        std::iter::once(self.name)
            .chain(self.aliases.iter().copied())
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// Gives a registry's key enum its entry, its name, `Display` and `FromStr` (by name or
/// alias): `registry_key!(Key, Entry, TABLE, key_field, "what it is")`. A variant's
/// number is its line in the table; [`assert_in_order`] checks that in each registry's
/// tests.
#[macro_export]
macro_rules! registry_key {
    ($key:ident, $entry:ty, $table:path, $field:ident, $what:literal) => {
        impl $key {
            /// Its registry entry.
            pub fn entry(self) -> &'static $entry {
                $table.get(self as usize).unwrap_or(&$table[0])
            }

            /// The CLI and CSV name.
            pub fn name(self) -> &'static str {
                self.entry().about.name
            }
        }

        impl std::fmt::Display for $key {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $key {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::registry::find(&$table, |e| &e.about, $what, s).map(|e| e.$field)
            }
        }
    };
}
pub use registry_key;

/// Checks a registry: each entry's key is its line, and no two entries answer to the
/// same name or alias.
#[cfg(any(test, feature = "test-support"))]
pub fn assert_in_order<T>(entries: &[T], about: impl Fn(&T) -> &About, line: impl Fn(&T) -> usize) {
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(line(e), i, "{} is not on its own line", about(e).name);
        for other in &entries[i + 1..] {
            let (a, b) = (about(e), about(other));
            assert!(!b.answers_to(a.name), "{} and {}", a.name, b.name);
            for alias in a.aliases {
                assert!(!b.answers_to(alias), "{} and {}", a.name, b.name);
            }
        }
        assert!(find(entries, &about, "entry", about(e).name).is_ok());
    }
}

/// An availability check for something every Linux this tool runs on has.
pub fn always() -> Check {
    Check {
        ok: true,
        detail: "needs nothing beyond TCP sockets".into(),
        fix: None,
    }
}

/// The entry of `entries` that answers to `name`, or an error listing what does.
pub fn find<'a, T>(
    entries: &'a [T],
    about: impl Fn(&T) -> &About,
    what: &str,
    name: &str,
) -> Result<&'a T, String> {
    entries
        .iter()
        .find(|e| about(e).answers_to(name))
        .ok_or_else(|| {
            let known: Vec<String> = entries.iter().map(|e| about(e).label()).collect();
            format!("unknown {what} '{name}' (expected {})", known.join(", "))
        })
}

/// One help-text line per entry: `  name (aliases)  summary`, the summaries aligned.
pub fn help_lines<'a>(abouts: impl Iterator<Item = &'a About>) -> String {
    let heads: Vec<(String, &str)> = abouts
        .map(|a| {
            let head = if a.aliases.is_empty() {
                a.name.to_string()
            } else {
                format!("{} ({})", a.name, a.aliases.join(", "))
            };
            (head, a.summary)
        })
        .collect();
    let width = heads
        .iter()
        .map(|(h, _)| h.chars().count())
        .max()
        .unwrap_or(0);
    heads
        .iter()
        .map(|(head, summary)| format!("  {head:<width$}  {summary}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every entry's name, comma-separated: a default for a list option.
pub fn names<'a>(abouts: impl Iterator<Item = &'a About>) -> String {
    abouts.map(|a| a.name).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: About = About {
        name: "two-copy",
        aliases: &["a1"],
        summary: "memcpy, then send()",
        available: always,
    };
    const B: About = About {
        name: "one-copy",
        aliases: &["a2"],
        summary: "sendmsg() gathers",
        available: always,
    };

    #[test]
    fn names_and_aliases_in_any_case() {
        let all = [A, B];
        let found = find(&all, |a| a, "strategy", " A2 ").expect("alias");
        assert_eq!(found.name, "one-copy");
        let err = find(&all, |a| a, "strategy", "three-copy").expect_err("unknown");
        assert_eq!(
            err,
            "unknown strategy 'three-copy' (expected two-copy|a1, one-copy|a2)"
        );
        assert_eq!(
            help_lines([A, B].iter()),
            "  two-copy (a1)  memcpy, then send()\n  one-copy (a2)  sendmsg() gathers"
        );
        assert_eq!(names([A, B].iter()), "two-copy,one-copy");
    }
}
