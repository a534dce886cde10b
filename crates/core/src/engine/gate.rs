//! The starting gate of a cell: workers check in once ready (their thread id published)
//! and wait; the controller opens the gate when all have checked in, or aborts it when
//! setting up failed, so no worker is ever left waiting.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
struct State {
    ready: usize,
    /// `None` while closed, then whether to go.
    verdict: Option<bool>,
}

/// A one-shot start signal with a ready count.
#[derive(Debug, Default)]
pub struct Gate {
    state: Mutex<State>,
    changed: Condvar,
}

impl Gate {
    /// A worker checks in and waits; true means go, false means abort.
    pub fn check_in_and_wait(&self) -> bool {
        let Ok(mut st) = self.state.lock() else {
            return false;
        };
        st.ready += 1;
        self.changed.notify_all();
        loop {
            if let Some(go) = st.verdict {
                return go;
            }
            st = match self.changed.wait(st) {
                Ok(st) => st,
                Err(_) => return false,
            };
        }
    }

    /// The controller waits until `count` workers have checked in, at most `patience`;
    /// false when some never did (a worker died before it was ready).
    pub fn wait_ready(&self, count: usize, patience: Duration) -> bool {
        let deadline = Instant::now() + patience;
        let Ok(mut st) = self.state.lock() else {
            return false;
        };
        while st.ready < count {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            st = match self.changed.wait_timeout(st, left) {
                Ok((st, _)) => st,
                Err(_) => return false,
            };
        }
        true
    }

    /// Lets every worker go (true) or sends them home (false).
    pub fn open(&self, go: bool) {
        if let Ok(mut st) = self.state.lock() {
            st.verdict = Some(go);
        }
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn workers_see_the_verdict() {
        for go in [true, false] {
            let gate = Arc::new(Gate::default());
            let handles: Vec<_> = (0..3)
                .map(|_| {
                    let g = Arc::clone(&gate);
                    std::thread::spawn(move || g.check_in_and_wait())
                })
                .collect();
            assert!(gate.wait_ready(3, Duration::from_secs(60)));
            gate.open(go);
            for h in handles {
                assert_eq!(h.join().expect("worker ran"), go);
            }
        }
    }

    #[test]
    fn a_worker_that_never_checks_in_does_not_hang_the_controller() {
        let gate = Gate::default();
        // One of two checked in (the other died before it was ready).
        let g = Arc::new(gate);
        let g2 = Arc::clone(&g);
        let h = std::thread::spawn(move || g2.check_in_and_wait());
        assert!(!g.wait_ready(2, Duration::from_millis(200)));
        g.open(false);
        assert!(!h.join().expect("worker ran"));
    }
}
