use super::*;

#[test]
fn summary_of_known_values() {
    let s = Summary::of(&[10.0, 12.0, 11.0, 9.0, 13.0]).expect("values");
    assert_eq!(s.n, 5);
    assert_eq!(s.median, 11.0);
    assert!((s.mean - 11.0).abs() < 1e-12);
    let sd = s.sd.expect("sd");
    assert!((sd - 2.5f64.sqrt()).abs() < 1e-12);
    assert!((s.cv_pct.expect("cv") - sd / 11.0 * 100.0).abs() < 1e-12);
    // The interval of the geometric mean: exp(mean of logs ± t(4) · sd of logs / √5).
    let logs: Vec<f64> = [10.0f64, 12.0, 11.0, 9.0, 13.0]
        .iter()
        .map(|x| x.ln())
        .collect();
    let m = logs.iter().sum::<f64>() / 5.0;
    let sl = (logs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 4.0).sqrt();
    let (lo, hi) = s.ci95.expect("ci");
    assert!((lo - (m - 2.776445 * sl / 5f64.sqrt()).exp()).abs() < 1e-4);
    assert!((hi - (m + 2.776445 * sl / 5f64.sqrt()).exp()).abs() < 1e-4);
    let one = Summary::of(&[3.0]).expect("one");
    assert_eq!((one.sd, one.ci95, one.cv_pct), (None, None, None));
    assert!(Summary::of(&[f64::NAN]).is_none());
    assert_eq!(Summary::of(&[1.0, 4.0]).map(|s| s.median), Some(2.5));
}

#[test]
fn a_log_scale_interval_is_never_below_zero() {
    // Three wildly different throughputs: the mean's t interval would go far below 0.
    let s = Summary::of(&[0.5, 40.0, 71.0]).expect("values");
    let (lo, hi) = s.ci95.expect("three values");
    assert!(lo > 0.0 && hi > lo, "{lo} {hi}");
    // A set with a zero keeps the plain interval of the mean (a share can be 0).
    assert!(Summary::of(&[0.0, 1.0, 2.0]).and_then(|s| s.ci95).is_some());
}

#[test]
fn two_values_have_no_interval() {
    let s = Summary::of(&[10.0, 30.0]).expect("two");
    assert_eq!(s.ci95, None);
    assert_eq!(s.ci_half_pct(), None);
    assert!(s.sd.is_some(), "the spread is still there");
    assert_eq!(
        compare_paired(&[10.0, 11.0], &[5.0, 5.0], Better::Higher, 5.0).map(|c| c.class),
        Some(Class::Undecided),
        "2 pairs never decide"
    );
}

#[test]
fn the_seconds_of_one_run_give_a_spread_but_no_interval() {
    let s = Summary::from_moments(10.0, 1.0, 5).expect("moments");
    assert_eq!(s.ci95, None);
    assert_eq!(s.cv_pct, Some(10.0));
}

#[test]
fn t_quantiles_match_tables() {
    assert!((t975(1) - 12.706).abs() < 1e-3);
    assert!((t975(4) - 2.776).abs() < 1e-3);
    assert!((t975(30) - 2.042).abs() < 1e-3);
}

#[test]
fn a_paired_ratio_on_known_data() {
    // The host drifts 2x between rounds; A is 1.9x B in every round but one.
    let b = [10.0, 20.0, 12.0, 18.0, 15.0];
    let a = [19.0, 38.0, 22.8, 34.2, 30.0];
    let c = compare_paired(&a, &b, Better::Higher, 5.0).expect("pairs");
    assert_eq!(c.n, 5);
    let logs: Vec<f64> = a.iter().zip(&b).map(|(x, y)| (x / y).ln()).collect();
    let m = logs.iter().sum::<f64>() / 5.0;
    assert!((c.ratio - m.exp()).abs() < 1e-12);
    let (lo, hi) = c.ci95.expect("interval");
    assert!(
        lo < c.ratio && c.ratio < hi && lo > 1.8 && hi < 2.05,
        "{lo} {hi}"
    );
    assert_eq!(c.class, Class::Faster);
    assert_eq!(
        compare_paired(&b, &a, Better::Higher, 5.0).map(|c| c.class),
        Some(Class::Slower)
    );
    // For a latency, the lower figure is the faster.
    assert_eq!(
        compare_paired(&b, &a, Better::Lower, 5.0).map(|c| c.class),
        Some(Class::Faster)
    );
    assert!(c.words("one-copy", "two-copy").starts_with("one-copy 1.9"));
    assert!(compare_paired(&[1.0, 0.0], &[0.0, 1.0], Better::Higher, 5.0).is_none());
}

#[test]
fn the_four_classes_at_their_boundaries() {
    let m = 5.0;
    let up = 1.05;
    assert_eq!(classify(1.0 / up, up, Better::Higher, m), Class::Equivalent);
    assert_eq!(classify(0.99, 1.02, Better::Higher, m), Class::Equivalent);
    assert_eq!(classify(0.94, 1.02, Better::Higher, m), Class::Undecided);
    assert_eq!(classify(1.02, 1.09, Better::Higher, m), Class::Undecided);
    assert_eq!(classify(1.0501, 1.2, Better::Higher, m), Class::Faster);
    assert_eq!(classify(0.5, 0.95, Better::Higher, m), Class::Slower);
    assert_eq!(classify(0.5, 0.95, Better::Lower, m), Class::Faster);
    assert_eq!(classify(1.1, 1.2, Better::Lower, m), Class::Slower);
    // A wider margin turns a small difference into an equivalence.
    assert_eq!(
        classify(1.02, 1.09, Better::Higher, 10.0),
        Class::Equivalent
    );
}

#[test]
fn unpaired_comparisons_use_both_spreads() {
    let a = [20.0, 20.5, 19.5, 20.2, 19.8];
    let b = [10.0, 10.5, 9.5, 10.2, 9.8];
    let c = compare(&a, &b, Better::Higher, 5.0).expect("values");
    assert_eq!(c.class, Class::Faster);
    assert!((c.ratio - 2.0).abs() < 0.02);
    let noisy = [10.0, 14.0, 8.0, 12.0, 11.0];
    assert_eq!(
        compare(&noisy, &b, Better::Higher, 5.0).map(|c| c.class),
        Some(Class::Undecided)
    );
    assert_eq!(
        compare(&a[..2], &b, Better::Higher, 5.0).map(|c| c.ci95),
        Some(None)
    );
}

#[test]
fn bimodal_rounds_are_found_and_unimodal_ones_are_not() {
    let two = [10.4, 10.6, 24.4, 25.1, 10.5, 24.0];
    let [(lo, nlo), (hi, nhi)] = clusters(&two).expect("two clusters");
    assert_eq!((lo, nlo, hi, nhi), (10.5, 3, 24.4, 3));
    assert_eq!(clusters(&[10.0, 10.5, 11.0, 10.2, 10.8]), None);
    // One stray value is not a cluster.
    assert_eq!(clusters(&[10.0, 10.5, 11.0, 10.2, 24.0]), None);
    assert_eq!(clusters(&[10.0, 24.0, 10.0]), None, "too few rounds");
}
