//! The monitor's event loop and terminal handling, live and in replay.
//!
//! One inbox (a crossbeam channel of [`Inbox`]) receives keys and resizes from one input
//! thread and engine events from the source (the engine driver, or the replay player);
//! one loop owns the [`App`], applies each event with [`App::update`], carries out the
//! returned [`Action`], and redraws after events, at most 10 times a second (a 100 ms
//! timer beside the inbox lets a held-back redraw happen and the signal flag be seen).
//! The engine runs in its own threads; the UI only reads finished samples.
//!
//! The terminal is restored on quit and on a signal by [`TerminalGuard`]'s `Drop` (before
//! the engine joins its workers),
//! and on a panic by the hook `ratatui::try_init` installs (it restores, then calls the
//! previous hook).

mod driver;
mod input;
mod player;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::Context;
use crossbeam_channel::{Receiver, Sender, select, tick, unbounded};

use crate::monitor::app::{Action, App, Inbox, Playback};
use crate::monitor::ui::{self, Theme};
use crate::plan::RunPlan;
use netio_core::engine::CellConfig;
use netio_core::engine::Network;
use netio_core::matrix::Cell;
use netio_core::row::{Row, RunContext};
use netio_data::record::RowWriter;

/// Redraws at most this often.
const FRAME: Duration = Duration::from_millis(100);

use driver::Driver;
use input::read_input;
use player::Player;

/// What feeds the event loop engine events: the engine itself, or a recording.
trait Source {
    /// Replace whatever runs with `cells`.
    fn run(&self, generation: u64, cells: Vec<Cell>);
    /// Replay only: play at this speed, or pause.
    fn playback(&self, _p: Playback) {}
}

/// Restores the terminal when dropped, however the monitor ends.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // Once: a third signal may have restored it already.
        crate::signals::restore_terminal();
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
        crate::signals::terminal_held(true);
        // Clicks select matrix cells and the wheel scrolls the help; restoring the
        // terminal turns it off again (signals::restore_terminal).
        ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::EnableMouseCapture
        )
        .context("turning on mouse reports")?;
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
            // The reader sees the flag within its 100 ms poll, except on a terminal
            // that hung up, where crossterm's poll was seen to spin without returning:
            // then it is left behind (the process is exiting; it ends with it) rather
            // than hanging the exit.
            let deadline = std::time::Instant::now() + INPUT_PATIENCE;
            while !t.is_finished() && std::time::Instant::now() < deadline {
                thread::sleep(std::time::Duration::from_millis(10));
            }
            if t.is_finished() {
                let _ = t.join();
            }
        }
    }
}

/// How long quitting waits for the input reader to stop.
const INPUT_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);

/// The theme asked for; mono whenever colour is refused (`--no-color`, `NO_COLOR`).
fn theme(no_color: bool, kind: crate::monitor::ui::ThemeKind) -> Theme {
    let refused = no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if refused { Theme::MONO } else { Theme { kind } }
}

/// Runs the monitor until the user quits or `cancel` is set by a signal. Returns the
/// rows of every finished cell, for the summary printed after the terminal is restored.
/// What a monitor session leaves: the finished cells' rows and the recordings it wrote
/// (file, rows).
pub struct Ended {
    pub rows: Vec<Row>,
    pub recorded: Vec<(std::path::PathBuf, u64)>,
}

pub fn run(
    plan: &RunPlan,
    no_color: bool,
    kind: crate::monitor::ui::ThemeKind,
    cancel: Arc<AtomicBool>,
    ctx: &RunContext,
    network: &Network,
) -> anyhow::Result<Ended> {
    let matrix = plan.matrix.clone();
    let mut app = App::new(ctx.clone(), matrix.strategies, matrix.sizes, matrix.threads);
    app.modes = matrix.modes;
    app.unsafe_reuse = plan.config.strategy.unsafe_reuse;
    app.cc = plan
        .config
        .socket
        .cc
        .map(|c| c.to_string())
        .or_else(netio_core::net::sockopt::default_cc);
    let (inbox_tx, inbox) = unbounded::<Inbox>();
    let mut session = Session::open(inbox_tx.clone())?;
    let config = CellConfig {
        network: network.clone(),
        ..plan.config.clone()
    };
    app.margin_pct = config.margin_pct;
    let driver = Driver::start(config, inbox_tx).context("starting the engine driver")?;
    let first = app.start();
    let result = event_loop(
        &mut session,
        &mut app,
        &driver,
        &inbox,
        &theme(no_color, kind),
        &cancel,
        first,
        Some(ctx),
    );
    // The terminal first: the engine may take seconds to join its workers.
    drop(session);
    drop(driver);
    result?;
    // A recording still on at quit is finished too.
    app.recording_stopped();
    Ok(Ended {
        rows: app.finished.rows().map(|r| r.clone().in_run(ctx)).collect(),
        recorded: app.recorded.clone(),
    })
}

/// Plays a recording back in the monitor: the cells' figures at once, then (with a
/// samples file) the seconds one by one. No sockets, no root.
pub fn replay(
    file: &str,
    cells: &[Row],
    samples: Vec<Row>,
    no_color: bool,
    kind: crate::monitor::ui::ThemeKind,
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
        &theme(no_color, kind),
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
                Action::Interrupt => {
                    crate::signals::stop(libc::SIGINT, cancel);
                    quit = true;
                }
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
                        match w.write(&summary.row.clone().in_run(ctx)) {
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
                    // A click means a matrix cell only where the screen draws one.
                    let event = match event {
                        Inbox::Key(crate::monitor::app::Key::Click(x, y)) => {
                            let size = session.terminal.size()?;
                            let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
                            match ui::matrix_hit(app, area, x, y) {
                                Some((s, t)) => Inbox::Key(crate::monitor::app::Key::Select(s, t)),
                                None => event,
                            }
                        }
                        other => other,
                    };
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
