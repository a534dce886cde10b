use super::*;

/// Five rounds of `strategy` at 64K × 1, each `gbps` times a small wobble (±1 %), under
/// congestion control `cc`.
fn rounds(run: &str, strategy: &str, gbps: f64, cc: &str) -> Vec<Row> {
    let mut rows = crate::test_rows::rounds(run, strategy, gbps, &[1.0, 1.01, 0.99, 1.005, 0.995]);
    for r in &mut rows {
        r.kernel = "6.18.0-test".into();
        r.cpu_model = "Test CPU".into();
        r.net_mode = "loopback".into();
        r.cc = Some(cc.into());
    }
    rows
}

fn file(run: &str, two_copy: f64, one_copy: f64, cc: &str) -> Vec<Row> {
    let mut rows = rounds(run, "two-copy", two_copy, cc);
    rows.extend(rounds(run, "one-copy", one_copy, cc));
    rows
}

#[test]
fn a_ten_percent_regression_is_found_and_an_unchanged_strategy_is_not_flagged() {
    let before = file("a", 10.0, 20.0, "cubic");
    let after = file("b", 9.0, 20.0, "cubic");
    let c = compare(("before.csv", "after.csv"), &before, &after, 5.0).expect("one setup each");
    assert!(c.context.is_empty(), "{:?}", c.context);
    assert_eq!(c.changes.len(), 2);
    let class = |s: &str| {
        c.changes
            .iter()
            .find(|ch| ch.before.strategy == s)
            .and_then(|ch| ch.comparison.as_ref())
            .map(|x| (x.class, x.ratio))
    };
    let (two, ratio) = class("two-copy").expect("compared");
    assert_eq!(two, Class::Slower);
    assert!((ratio - 0.9).abs() < 0.01, "{ratio}");
    assert_eq!(class("one-copy").map(|x| x.0), Some(Class::Equivalent));
    assert_eq!(c.regressions(FailOn::Slower), 1);
    // Slower by more than 5 % (the whole interval): yes; by more than 20 %: no.
    assert_eq!(c.regressions(FailOn::WorseThan(5.0)), 1);
    assert_eq!(c.regressions(FailOn::WorseThan(20.0)), 0);
    let md = c.markdown(("before.csv", "after.csv"));
    assert!(
        md.contains("| two-copy stream 64K ×1 | Gbps | 10.000 | 9.000 | 0.900× |"),
        "{md}"
    );
    assert!(
        md.contains("2 cells in both: 0 faster, 1 slower, 1 equivalent, 0 undecided"),
        "{md}"
    );
    let json = c.json(("before.csv", "after.csv"));
    assert_eq!(json["comparisons"].as_array().map(Vec::len), Some(2));
    let of = |s: &str| {
        json["comparisons"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["cell"]["strategy"] == s))
            .map(|c| c["class"].clone())
    };
    assert_eq!(of("two-copy"), Some("slower".into()));
    assert_eq!(of("one-copy"), Some("equivalent".into()));
}

#[test]
fn options_measured_differently_are_named_and_cells_in_one_file_listed() {
    let before = file("a", 10.0, 20.0, "cubic");
    let mut after = rounds("b", "two-copy", 10.0, "bbr");
    after.extend(rounds("b", "zero-copy", 5.0, "bbr"));
    let c = compare(("b.csv", "a.csv"), &before, &after, 5.0).expect("one setup each");
    assert_eq!(
        c.context,
        vec![("cc", Some("cubic".to_string()), Some("bbr".to_string()))]
    );
    let md = c.markdown(("b.csv", "a.csv"));
    assert!(
        md.contains("**Measured differently:** cc cubic → bbr."),
        "{md}"
    );
    assert!(
        md.contains("Only in b.csv: one-copy stream 64K ×1."),
        "{md}"
    );
    assert!(
        md.contains("Only in a.csv: zero-copy stream 64K ×1."),
        "{md}"
    );
    assert_eq!(c.regressions(FailOn::Slower), 0);
}

#[test]
fn a_file_of_two_setups_is_refused() {
    let mut two = file("a", 10.0, 20.0, "cubic");
    two.extend(rounds("a", "two-copy", 10.0, "bbr"));
    let err = compare(
        ("two.csv", "b.csv"),
        &two,
        &file("b", 1.0, 1.0, "cubic"),
        5.0,
    )
    .expect_err("two setups");
    assert!(
        err.to_string().starts_with("two.csv: holds 2 setups"),
        "{err}"
    );
}
