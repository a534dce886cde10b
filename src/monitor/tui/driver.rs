//! The live monitor's source: runs the engine plan by plan on its own threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::Source;
use crate::monitor::app::Inbox;
use netio_core::engine::{CellConfig, run_matrix};
use netio_core::matrix::Cell;

impl Source for Driver {
    fn run(&self, generation: u64, cells: Vec<Cell>) {
        Driver::run(self, generation, cells);
    }
}

/// Runs the engine plan by plan: a new plan cancels the one running (and waits for its
/// threads), so at most one cell runs at any time. Dropping the driver stops it.
pub(super) struct Driver {
    plans: Option<Sender<(u64, Vec<Cell>)>>,
    thread: Option<JoinHandle<()>>,
}

impl Driver {
    pub(super) fn start(config: CellConfig, inbox: Sender<Inbox>) -> std::io::Result<Driver> {
        let (plans, queue) = unbounded::<(u64, Vec<Cell>)>();
        let thread = thread::Builder::new()
            .name("nio-driver".into())
            .spawn(move || drive(queue, config, inbox))?;
        Ok(Driver {
            plans: Some(plans),
            thread: Some(thread),
        })
    }

    pub(super) fn run(&self, generation: u64, cells: Vec<Cell>) {
        if let Some(p) = &self.plans {
            let _ = p.send((generation, cells));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Closing the queue ends the driver, which cancels and joins the running plan.
        self.plans.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn drive(queue: Receiver<(u64, Vec<Cell>)>, config: CellConfig, inbox: Sender<Inbox>) {
    let mut current: Option<(Arc<AtomicBool>, JoinHandle<()>)> = None;
    let stop = |current: &mut Option<(Arc<AtomicBool>, JoinHandle<()>)>| {
        if let Some((cancel, handle)) = current.take() {
            cancel.store(true, Relaxed);
            let _ = handle.join();
        }
    };
    for (generation, cells) in queue.iter() {
        stop(&mut current);
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let inbox = inbox.clone();
        let config = config.clone();
        let spawned = thread::Builder::new()
            .name("nio-engine".into())
            .spawn(move || {
                run_matrix(&cells, &config, &flag, |event| {
                    inbox.send(Inbox::Engine { generation, event }).is_ok()
                });
            });
        match spawned {
            Ok(handle) => current = Some((cancel, handle)),
            Err(_) => break,
        }
    }
    stop(&mut current);
}
