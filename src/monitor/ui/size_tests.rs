//! The workloads' and replay's screens at the small and the large size (120 × 40 is in
//! `tests.rs`): what drops out at 80 × 24 drops whole, and 200 × 60 is used.

use super::tests::{rate_comparison, replay_fixture, rr_comparison, screen};

#[test]
fn rr_rate_and_replay_at_80x24_and_200x60() {
    for (name, app) in [
        ("rr", rr_comparison()),
        ("rate", rate_comparison()),
        ("replay", replay_fixture()),
    ] {
        for (w, h) in [(80, 24), (200, 60)] {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&app, w, h));
        }
    }
}
