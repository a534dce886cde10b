//! The replay's source: plays a samples file as engine events, in real time or faster.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::Sender;

use super::Source;
use crate::monitor::app::{Inbox, Playback};
use netio_core::matrix::Cell;
use netio_core::row::Row;

/// Plays a samples file as engine events, a recorded second per 1/speed real seconds.
pub(super) struct Player {
    speed_bits: Arc<AtomicU64>,
    paused: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Player {
    pub(super) fn start(samples: Vec<Row>, inbox: Sender<Inbox>) -> std::io::Result<Player> {
        let speed_bits = Arc::new(AtomicU64::new(1.0f64.to_bits()));
        let paused = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (sp, pa, st) = (
            Arc::clone(&speed_bits),
            Arc::clone(&paused),
            Arc::clone(&stop),
        );
        let thread = thread::Builder::new()
            .name("nio-player".into())
            .spawn(move || play(samples, inbox, sp, pa, st))?;
        Ok(Player {
            speed_bits,
            paused,
            stop,
            thread: Some(thread),
        })
    }
}

impl Source for Player {
    fn run(&self, _generation: u64, _cells: Vec<Cell>) {}

    fn playback(&self, p: Playback) {
        self.speed_bits.store(p.speed.to_bits(), Relaxed);
        self.paused.store(p.paused, Relaxed);
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn play(
    samples: Vec<Row>,
    inbox: Sender<Inbox>,
    speed_bits: Arc<AtomicU64>,
    paused: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) {
    use netio_core::engine::{EngineEvent, Phase, Sample};
    // The app starts at generation 0 in replay and never changes it.
    let send = |event: EngineEvent| {
        inbox
            .send(Inbox::Engine {
                generation: 0,
                event,
            })
            .is_ok()
    };
    let mut current: Option<Cell> = None;
    for row in &samples {
        let Ok(strategy) = row.strategy.parse() else {
            continue;
        };
        let cell =
            Cell::new(strategy, row.size_bytes as usize, row.threads as usize).under(row.mode());
        if current != Some(cell) {
            current = Some(cell);
            if !send(EngineEvent::CellStarted {
                index: 0,
                total: 0,
                cell,
                repeat: row.repeat.unwrap_or(1),
            }) {
                return;
            }
        }
        // A recorded second takes 1/speed real seconds; paused time does not count.
        let mut waited = Duration::ZERO;
        loop {
            if stop.load(Relaxed) {
                return;
            }
            let speed = f64::from_bits(speed_bits.load(Relaxed)).max(0.01);
            let due = Duration::from_secs_f64(row.duration_s.max(0.0) / speed);
            if !paused.load(Relaxed) && waited >= due {
                break;
            }
            thread::sleep(Duration::from_millis(20));
            if !paused.load(Relaxed) {
                waited += Duration::from_millis(20);
            }
        }
        let sample = Sample {
            cell,
            repeat: row.repeat.unwrap_or(1),
            second: row.second.unwrap_or(0),
            phase: if row.phase.as_deref() == Some("warmup") {
                Phase::Warmup
            } else {
                Phase::Measure
            },
            row: row.clone(),
            counting: netio_core::engine::Counting::from_recorded(row.hw_counters),
            // A recording holds percentiles only.
            latency: Default::default(),
        };
        if !send(EngineEvent::Sample(Box::new(sample))) {
            return;
        }
    }
    let _ = send(EngineEvent::RunEnded { cancelled: false });
}
