//! Hand-made states for the monitor's tests: the core's fixtures
//! ([`netio_core::fixtures`]) and an `App` over the default matrix.

pub use netio_core::fixtures::*;

use crate::monitor::app::App;
use netio_core::strategy::Strategy;

pub fn app() -> App {
    let mut app = App::new(
        machine(),
        Strategy::defaults(),
        vec![1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20],
        vec![1, 2, 4, 8],
    );
    app.cc = Some("cubic".into());
    app
}
