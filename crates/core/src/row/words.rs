//! How a row's typed yes/no and on/off columns read in the CSV: the words users'
//! notebooks already parse (`yes`/`no`, `on`/`off`, an empty cell when absent), while
//! the row holds a `bool`. One module per pair of words, for `#[serde(with = …)]`.

use serde::{Deserialize, Deserializer, Serializer};

/// `Option<bool>` as `yes` / `no` / empty.
pub mod yes_no {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        super::write(v, ("yes", "no"), s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        super::read(d, ("yes", "no"))
    }
}

/// `Option<bool>` as `on` / `off` / empty.
pub mod on_off {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        super::write(v, ("on", "off"), s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        super::read(d, ("on", "off"))
    }
}

/// The `hw_counters` column: whether the cell's hardware counters were counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HwCounters {
    /// Every thread's hardware group opened.
    Yes,
    /// Tried, and this machine could not (no PMU, or not permitted).
    No,
    /// Not attached on purpose (latency workloads).
    Off,
}

impl std::fmt::Display for HwCounters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HwCounters::Yes => "yes",
            HwCounters::No => "no",
            HwCounters::Off => "off",
        })
    }
}

/// `yes` or `no`, as the CSV writes it.
pub fn yes_no_word(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

/// `on` or `off`, as the CSV writes it (and a report names a socket choice).
pub fn on_off_word(v: bool) -> &'static str {
    if v { "on" } else { "off" }
}

fn write<S: Serializer>(
    v: &Option<bool>,
    (yes, no): (&str, &str),
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(true) => s.serialize_some(yes),
        Some(false) => s.serialize_some(no),
        None => s.serialize_none(),
    }
}

fn read<'de, D: Deserializer<'de>>(
    d: D,
    (yes, no): (&str, &str),
) -> Result<Option<bool>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref() {
        None | Some("") => Ok(None),
        Some(w) if w == yes => Ok(Some(true)),
        Some(w) if w == no => Ok(Some(false)),
        Some(other) => Err(serde::de::Error::custom(format!(
            "{other:?} is neither {yes} nor {no}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(with = "super::yes_no")]
        a: Option<bool>,
        #[serde(with = "super::on_off")]
        b: Option<bool>,
    }

    fn csv_of(t: &T) -> String {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.serialize(t).expect("writes");
        String::from_utf8(w.into_inner().expect("flushed")).expect("utf8")
    }

    fn from_csv(text: &str) -> Result<T, csv::Error> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        r.deserialize().next().expect("a record")
    }

    #[test]
    fn flags_read_and_write_the_words_the_csv_always_had() {
        let t = T {
            a: Some(true),
            b: Some(false),
        };
        assert_eq!(csv_of(&t), "yes,off\n");
        assert_eq!(from_csv("yes,off\n").expect("parses"), t);
        let none = T { a: None, b: None };
        assert_eq!(csv_of(&none), ",\n");
        assert_eq!(from_csv(",\n").expect("parses"), none);
        assert_eq!(
            from_csv("no,on\n").expect("parses"),
            T {
                a: Some(false),
                b: Some(true)
            }
        );
        let err = from_csv("true,on\n").expect_err("not a word of ours");
        assert!(err.to_string().contains("neither yes nor no"), "{err}");
        assert_eq!(
            serde_json::to_string(&T {
                a: Some(false),
                b: None
            })
            .expect("json"),
            r#"{"a":"no","b":null}"#
        );
    }
}
