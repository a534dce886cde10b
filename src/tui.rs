//! The live monitor's event loop and terminal handling.
//!
//! One inbox (a crossbeam channel of [`Inbox`]) receives keys from one input thread,
//! engine events from the driver, and ticks; one loop owns the [`App`], applies each
//! event with [`App::update`], carries out the returned [`Action`], and redraws at most
//! 10 times a second. The engine runs in its own threads; the UI only reads finished
//! samples.
//!
//! The terminal is restored on quit, on panic (ratatui's hook, chained before ours), and
//! on SIGINT/SIGTERM (a flag the loop checks every tick), by [`TerminalGuard`]'s `Drop`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::Context;
use crossbeam_channel::{Receiver, Sender, select, tick, unbounded};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use crate::app::{Action, App, Inbox, Key, Machine};
use crate::cli::{Cli, RunMode};
use crate::engine::{CellConfig, run_matrix};
use crate::matrix::Cell;
use crate::net::Network;
use crate::record::{Row, RowWriter, RunContext};
use crate::ui::{self, Theme};

/// Redraws at most this often.
const FRAME: Duration = Duration::from_millis(100);

/// Restores the terminal when dropped, however the monitor ends.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the engine plan by plan: a new plan cancels the one running (and waits for its
/// threads), so at most one cell runs at any time. Dropping the driver stops it.
struct Driver {
    plans: Option<Sender<(u64, Vec<Cell>)>>,
    thread: Option<JoinHandle<()>>,
}

impl Driver {
    fn start(config: CellConfig, inbox: Sender<Inbox>) -> std::io::Result<Driver> {
        let (plans, queue) = unbounded::<(u64, Vec<Cell>)>();
        let thread = thread::Builder::new()
            .name("nio-driver".into())
            .spawn(move || drive(queue, config, inbox))?;
        Ok(Driver {
            plans: Some(plans),
            thread: Some(thread),
        })
    }

    fn run(&self, generation: u64, cells: Vec<Cell>) {
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

/// Reads keys and resizes until `stop` is set, polling so it can notice.
fn read_input(inbox: Sender<Inbox>, stop: Arc<AtomicBool>) {
    while !stop.load(Relaxed) {
        match event::poll(Duration::from_millis(100)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => return,
        }
        let message = match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match (k.code, k.modifiers) {
                (KeyCode::Char('c'), m) if m.contains(KeyModifiers::CONTROL) => Some(Key::CtrlC),
                (KeyCode::Left, _) => Some(Key::Left),
                (KeyCode::Right, _) => Some(Key::Right),
                (KeyCode::Up, _) => Some(Key::Up),
                (KeyCode::Down, _) => Some(Key::Down),
                (KeyCode::Tab, _) => Some(Key::Tab),
                (KeyCode::Enter, _) => Some(Key::Enter),
                (KeyCode::Esc, _) => Some(Key::Esc),
                (KeyCode::Char(c), _) => Some(Key::Char(c)),
                _ => None,
            }
            .map(Inbox::Key),
            Ok(Event::Resize(..)) => Some(Inbox::Resize),
            Ok(_) => None,
            Err(_) => return,
        };
        if let Some(m) = message
            && inbox.send(m).is_err()
        {
            return;
        }
    }
}

/// Why the monitor cannot start.
#[derive(Debug, thiserror::Error)]
#[error("the live monitor needs a terminal on stdout; for a headless run use --record FILE")]
pub struct NotATerminal;

/// Runs the monitor until the user quits or `cancel` is set by a signal. Returns the
/// rows of every finished cell, for the summary printed after the terminal is restored.
pub fn run(
    cli: &Cli,
    cancel: Arc<AtomicBool>,
    ctx: &RunContext,
    network: &Network,
) -> anyhow::Result<Vec<Row>> {
    if !std::io::stdout().is_terminal() {
        return Err(NotATerminal.into());
    }
    let matrix = cli.matrix();
    let mut app = App::new(
        Machine {
            net_mode: ctx.net_mode.clone(),
            mtu: ctx.mtu,
            netem: ctx.netem.clone(),
            kernel: ctx.kernel.clone(),
            cpu: ctx.cpu_model.clone(),
        },
        matrix.strategies,
        matrix.sizes,
        matrix.threads,
    );
    let theme = Theme {
        color: !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let (inbox_tx, inbox) = unbounded::<Inbox>();
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let guard = TerminalGuard;
    let config = CellConfig {
        network: network.clone(),
        ..cli.cell_config(RunMode::Monitor)
    };
    let driver = Driver::start(config, inbox_tx.clone()).context("starting the engine driver")?;
    let input_stop = Arc::new(AtomicBool::new(false));
    let input = {
        let (tx, stop) = (inbox_tx.clone(), Arc::clone(&input_stop));
        thread::Builder::new()
            .name("nio-input".into())
            .spawn(move || read_input(tx, stop))
            .context("starting the input reader")?
    };
    drop(inbox_tx);

    let mut recorder: Option<RowWriter> = None;
    let ticks = tick(FRAME);
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut pending = app.start();
    let mut quit = false;
    let result: anyhow::Result<()> = loop {
        while let Some(action) = pending.take() {
            match action {
                Action::Quit => quit = true,
                Action::Run { generation, cells } => driver.run(generation, cells),
                Action::StartRecording => match open_recording() {
                    Ok((path, w)) => {
                        recorder = Some(w);
                        app.recording_started(path);
                    }
                    Err(e) => app.report(format!("recording failed: {e}")),
                },
                Action::StopRecording => recorder = None,
                Action::Record(summary) => {
                    if let Some(w) = recorder.as_mut() {
                        match w.write(&Row::from_summary(ctx, &summary)) {
                            Ok(()) => app.row_recorded(),
                            Err(e) => app.report(format!("recording failed: {e}")),
                        }
                    }
                }
            }
            dirty = true;
        }
        if quit || cancel.load(Relaxed) {
            break Ok(());
        }
        if dirty && last_draw.elapsed() >= FRAME {
            if let Err(e) = terminal.draw(|f| ui::render(f, &app, &theme)) {
                break Err(e.into());
            }
            last_draw = Instant::now();
            dirty = false;
        }
        select! {
            recv(inbox) -> msg => match msg {
                Ok(event) => {
                    pending = app.update(event, Instant::now());
                    dirty = true;
                }
                Err(_) => break Ok(()),
            },
            // Nothing on screen changes between events (elapsed seconds come with the
            // samples): the tick only lets a pending redraw happen once FRAME has passed
            // and the signal flag be seen.
            recv(ticks) -> _ => {}
        }
    };
    input_stop.store(true, Relaxed);
    drop(driver);
    let _ = input.join();
    drop(terminal);
    drop(guard);
    result?;
    Ok(app
        .finished
        .iter()
        .map(|s| Row::from_summary(ctx, s))
        .collect())
}

/// A new recording under recordings/, named by the time.
fn open_recording() -> anyhow::Result<(PathBuf, RowWriter)> {
    std::fs::create_dir_all("recordings").context("creating recordings/")?;
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace([':', '-'], "");
    let path = PathBuf::from(format!(
        "recordings/netio-{}.csv",
        stamp.trim_end_matches('Z')
    ));
    let writer = RowWriter::open(&path, &Row::default())?;
    Ok((path, writer))
}
