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

use crate::app::{Action, App, Inbox, Key, Machine, Playback};
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

/// What feeds the event loop engine events: the engine itself, or a recording.
trait Source {
    /// Replace whatever runs with `cells`.
    fn run(&self, generation: u64, cells: Vec<Cell>);
    /// Replay only: play at this speed, or pause.
    fn playback(&self, _p: Playback) {}
}

impl Source for Driver {
    fn run(&self, generation: u64, cells: Vec<Cell>) {
        Driver::run(self, generation, cells);
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

/// The terminal in monitor mode and the thread reading keys; dropping it stops the
/// reader and restores the terminal.
struct Session {
    terminal: ratatui::DefaultTerminal,
    _guard: TerminalGuard,
    input_stop: Arc<AtomicBool>,
    input: Option<JoinHandle<()>>,
}

impl Session {
    fn open(inbox: Sender<Inbox>) -> anyhow::Result<Session> {
        if !std::io::stdout().is_terminal() {
            return Err(NotATerminal.into());
        }
        let terminal = ratatui::try_init().context("opening the terminal")?;
        let guard = TerminalGuard;
        let input_stop = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&input_stop);
        let input = thread::Builder::new()
            .name("nio-input".into())
            .spawn(move || read_input(inbox, stop))
            .context("starting the input reader")?;
        Ok(Session {
            terminal,
            _guard: guard,
            input_stop,
            input: Some(input),
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.input_stop.store(true, Relaxed);
        if let Some(t) = self.input.take() {
            let _ = t.join();
        }
    }
}

fn theme(no_color: bool) -> Theme {
    Theme {
        color: !no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Runs the monitor until the user quits or `cancel` is set by a signal. Returns the
/// rows of every finished cell, for the summary printed after the terminal is restored.
pub fn run(
    cli: &Cli,
    cancel: Arc<AtomicBool>,
    ctx: &RunContext,
    network: &Network,
) -> anyhow::Result<Vec<Row>> {
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
    let (inbox_tx, inbox) = unbounded::<Inbox>();
    let mut session = Session::open(inbox_tx.clone())?;
    let config = CellConfig {
        network: network.clone(),
        ..cli.cell_config(RunMode::Monitor)
    };
    let driver = Driver::start(config, inbox_tx).context("starting the engine driver")?;
    let first = app.start();
    let result = event_loop(
        &mut session,
        &mut app,
        &driver,
        &inbox,
        &theme(cli.no_color),
        &cancel,
        first,
        Some(ctx),
    );
    drop(driver);
    drop(session);
    result?;
    Ok(app
        .finished
        .iter()
        .map(|s| Row::from_summary(ctx, s))
        .collect())
}

/// Plays a recording back in the monitor: the cells' figures at once, then (with a
/// samples file) the seconds one by one. No sockets, no root.
pub fn replay(
    file: &str,
    cells: &[Row],
    samples: Vec<Row>,
    no_color: bool,
    cancel: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let mut app = App::for_replay(file, cells, !samples.is_empty())
        .ok_or_else(|| anyhow::anyhow!("{file}: no rows to replay"))?;
    let (inbox_tx, inbox) = unbounded::<Inbox>();
    let mut session = Session::open(inbox_tx.clone())?;
    let player = Player::start(samples, inbox_tx).context("starting the player")?;
    let result = event_loop(
        &mut session,
        &mut app,
        &player,
        &inbox,
        &theme(no_color),
        &cancel,
        None,
        None,
    );
    drop(player);
    drop(session);
    result
}

/// The one loop: applies each inbox event to the app, carries out its action, redraws.
#[allow(clippy::too_many_arguments)]
fn event_loop(
    session: &mut Session,
    app: &mut App,
    source: &dyn Source,
    inbox: &Receiver<Inbox>,
    theme: &Theme,
    cancel: &AtomicBool,
    mut pending: Option<Action>,
    ctx: Option<&RunContext>,
) -> anyhow::Result<()> {
    let mut recorder: Option<RowWriter> = None;
    let ticks = tick(FRAME);
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut quit = false;
    loop {
        while let Some(action) = pending.take() {
            match action {
                Action::Quit => quit = true,
                Action::Run { generation, cells } => source.run(generation, cells),
                Action::SetPlayback(p) => source.playback(p),
                Action::StartRecording => match open_recording() {
                    Ok((path, w)) => {
                        recorder = Some(w);
                        app.recording_started(path);
                    }
                    Err(e) => app.report(format!("recording failed: {e}")),
                },
                Action::StopRecording => recorder = None,
                Action::Record(summary) => {
                    if let (Some(w), Some(ctx)) = (recorder.as_mut(), ctx) {
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
            return Ok(());
        }
        if dirty && last_draw.elapsed() >= FRAME {
            session.terminal.draw(|f| ui::render(f, app, theme))?;
            last_draw = Instant::now();
            dirty = false;
        }
        select! {
            recv(inbox) -> msg => match msg {
                Ok(event) => {
                    pending = app.update(event, Instant::now());
                    dirty = true;
                }
                Err(_) => return Ok(()),
            },
            // Nothing on screen changes between events (elapsed seconds come with the
            // samples): the tick only lets a pending redraw happen once FRAME has passed
            // and the signal flag be seen.
            recv(ticks) -> _ => {}
        }
    }
}

/// Plays a samples file as engine events, a recorded second per 1/speed real seconds.
struct Player {
    speed_bits: Arc<std::sync::atomic::AtomicU64>,
    paused: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Player {
    fn start(samples: Vec<Row>, inbox: Sender<Inbox>) -> std::io::Result<Player> {
        let speed_bits = Arc::new(std::sync::atomic::AtomicU64::new(1.0f64.to_bits()));
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
    speed_bits: Arc<std::sync::atomic::AtomicU64>,
    paused: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) {
    use crate::engine::{EngineEvent, Phase, Sample};
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
        let cell = Cell {
            strategy,
            size: row.size_bytes as usize,
            threads: row.threads as usize,
        };
        if current != Some(cell) {
            current = Some(cell);
            if !send(EngineEvent::CellStarted {
                index: 0,
                total: 0,
                cell,
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
            second: row.second.unwrap_or(0),
            phase: if row.phase.as_deref() == Some("warmup") {
                Phase::Warmup
            } else {
                Phase::Measure
            },
            metrics: crate::record::metrics_of(row),
            counting: crate::engine::Counting {
                hardware: row.hw_counters.as_deref() == Some("yes"),
                mode: None,
            },
        };
        if !send(EngineEvent::Sample(Box::new(sample))) {
            return;
        }
    }
    let _ = send(EngineEvent::RunEnded { cancelled: false });
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
