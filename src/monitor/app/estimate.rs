//! A finished cell's row on screen: every figure the median over the cell's kept runs
//! (the same runs the median column, the interval and the comparisons read), never the
//! last run alone. Runs flagged not to be trusted are left out while any other run is
//! kept; the estimate carries the latest run's flag, so the table still dims it and
//! says why. Pure: rows in, a row out.

use serde_json::{Map, Value};

use netio_core::row::Row;

/// The median of each numeric column over `runs` (integers stay integers: the lower
/// middle value), the other columns as the latest run has them; `None` for no runs.
pub fn median_row(runs: &[Row]) -> Option<Row> {
    let latest = runs.last()?;
    let trusted: Vec<&Row> = runs.iter().filter(|r| r.flagged.is_none()).collect();
    let over: Vec<&Row> = if trusted.is_empty() {
        runs.iter().collect()
    } else {
        trusted
    };
    if over.len() == 1 && std::ptr::eq(over[0], latest) {
        return Some(latest.clone());
    }
    let maps: Vec<Map<String, Value>> = over
        .iter()
        .filter_map(|r| match serde_json::to_value(r) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        })
        .collect();
    let Ok(Value::Object(mut out)) = serde_json::to_value(latest) else {
        return Some(latest.clone());
    };
    for (key, value) in out.iter_mut() {
        let column: Vec<&Value> = maps.iter().filter_map(|m| m.get(key)).collect();
        if column.len() != maps.len() || column.iter().any(|v| !v.is_number()) {
            continue;
        }
        *value = median_of(&column).unwrap_or(Value::Null);
    }
    let mut row: Row = serde_json::from_value(Value::Object(out)).ok()?;
    row.explain_absences();
    row.flagged = latest.flagged.clone();
    Some(row)
}

/// The median of numbers: integers the lower middle one, others the mean of the two
/// middle ones (as [`netio_core::stats::Summary`] takes it).
fn median_of(column: &[&Value]) -> Option<Value> {
    if column.iter().all(|v| v.is_u64()) {
        let mut xs: Vec<u64> = column.iter().filter_map(|v| v.as_u64()).collect();
        xs.sort_unstable();
        return xs.get((xs.len() - 1) / 2).map(|&x| Value::from(x));
    }
    let xs: Vec<f64> = column.iter().filter_map(|v| v.as_f64()).collect();
    netio_core::stats::Summary::of(&xs).map(|s| Value::from(s.median))
}

#[cfg(test)]
mod tests {
    use super::*;
    use netio_core::figure::Figure;

    fn run(gbps: f64, switches: u64, flagged: Option<&str>) -> Row {
        Row {
            strategy: "two-copy".into(),
            throughput_gbps: Figure::Measured(gbps),
            tx_context_switches: Figure::Measured(switches),
            flagged: flagged.map(str::to_string),
            ..Row::default()
        }
    }

    #[test]
    fn every_column_is_the_median_of_the_trusted_runs_and_the_flag_is_the_latest() {
        let runs = vec![
            run(10.0, 100, None),
            run(12.0, 300, None),
            run(11.0, 200, None),
            run(99.0, 9, Some("busy host")),
        ];
        let m = median_row(&runs).expect("a row");
        assert_eq!(m.throughput_gbps.value(), Some(11.0), "not 99, the latest");
        assert_eq!(m.tx_context_switches.value(), Some(200));
        assert_eq!(m.flagged.as_deref(), Some("busy host"));
        let one = median_row(&runs[..1]).expect("a row");
        assert_eq!(one, runs[0]);
        assert!(median_row(&[]).is_none());
    }
}
