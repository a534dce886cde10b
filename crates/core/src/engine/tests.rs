use super::*;
use std::time::Duration;

#[test]
fn ticks_cover_warmup_and_window() {
    let s = |ms| Duration::from_millis(ms);
    let ticks = tick_schedule(s(200), s(1000));
    assert_eq!(
        ticks,
        vec![(s(200), Phase::Warmup), (s(1200), Phase::Measure)]
    );
    let ticks = tick_schedule(s(1000), s(2500));
    assert_eq!(
        ticks,
        vec![
            (s(1000), Phase::Warmup),
            (s(2000), Phase::Measure),
            (s(3000), Phase::Measure),
            (s(3500), Phase::Measure)
        ]
    );
    let ticks = tick_schedule(Duration::ZERO, s(1000));
    assert_eq!(ticks, vec![(s(1000), Phase::Measure)]);
}
