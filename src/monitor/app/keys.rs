//! The monitor's keys: what each does to the App's state, and the run it asks for.

use super::{Action, App, Key, Overlay, Plan, Recording, Screen};

impl App {
    pub(super) fn on_key(&mut self, key: Key) -> Option<Action> {
        if self.source.replaying().is_some() && !self.overlay.is_help() {
            match key {
                // Nothing to measure or record in a replay.
                Key::Enter | Key::Char('c' | 's' | 'r') => return None,
                Key::Char(' ' | '+' | '-') => {
                    let p = self.source.playback_mut()?;
                    match key {
                        Key::Char('+') => p.speed = (p.speed * 2.0).min(64.0),
                        Key::Char('-') => p.speed = (p.speed / 2.0).max(0.25),
                        _ => p.paused = !p.paused,
                    }
                    return Some(Action::SetPlayback(*p));
                }
                _ => {}
            }
        }
        if self.overlay == Overlay::ConfirmQuit {
            // Asked after Esc during a run: Esc again (or q, y) quits, anything else
            // goes on.
            return match key {
                Key::Esc | Key::Char('q' | 'y') => Some(Action::Quit),
                Key::CtrlC => Some(Action::Interrupt),
                _ => {
                    self.overlay = Overlay::None;
                    None
                }
            };
        }
        // The help and the latency view: q still quits, any other key closes them; the
        // help scrolls where it does not fit (the render clamps it).
        if matches!(self.overlay, Overlay::Help { .. } | Overlay::Latency) {
            let scroll = match &mut self.overlay {
                Overlay::Help { scroll } => Some(scroll),
                _ => None,
            };
            return match (key, scroll) {
                (Key::Char('q'), _) => Some(Action::Quit),
                (Key::CtrlC, _) => Some(Action::Interrupt),
                (Key::Down | Key::ScrollDown, Some(scroll)) => {
                    *scroll = scroll.saturating_add(1);
                    None
                }
                (Key::Up | Key::ScrollUp, Some(scroll)) => {
                    *scroll = scroll.saturating_sub(1);
                    None
                }
                // A click or a wheel turn elsewhere does not close it.
                (Key::Click(..) | Key::Select(..) | Key::ScrollUp | Key::ScrollDown, _) => None,
                _ => {
                    self.overlay = Overlay::None;
                    None
                }
            };
        }
        match key {
            Key::Char('q') => Some(Action::Quit),
            // Esc quits at once only when nothing is being measured (as trippy and
            // bottom: Esc closes overlays, q quits).
            Key::Esc if self.plan != Plan::Idle && self.source.replaying().is_none() => {
                self.overlay = Overlay::ConfirmQuit;
                None
            }
            Key::Esc => Some(Action::Quit),
            Key::CtrlC => Some(Action::Interrupt),
            Key::Left => self.move_cursor(|a| a.size_idx = a.size_idx.saturating_sub(1)),
            Key::Right => {
                self.move_cursor(|a| a.size_idx = (a.size_idx + 1).min(a.sizes.len() - 1))
            }
            Key::Up => {
                self.move_cursor(|a| a.threads_idx = (a.threads_idx + 1).min(a.threads.len() - 1))
            }
            Key::Down => self.move_cursor(|a| a.threads_idx = a.threads_idx.saturating_sub(1)),
            Key::Tab => {
                self.strategy_idx = (self.strategy_idx + 1) % self.strategies.len();
                None
            }
            // Digits pick among the run's strategies, in the order shown.
            Key::Char(c @ '1'..='9') if usize::from(c as u8 - b'1') < self.strategies.len() => {
                self.strategy_idx = usize::from(c as u8 - b'1');
                None
            }
            Key::Enter => {
                let cell = self.cell_for(self.selected_strategy());
                self.begin(Plan::Single, App::with_references([cell]))
            }
            Key::Char('c') => self.compare(),
            Key::Char('w') if self.modes.len() < 2 => {
                self.notice = Some(
                    "this run has one workload: start with --workload stream,rr,rate for w to cycle"
                        .into(),
                );
                None
            }
            Key::Char('w') => {
                self.move_cursor(|a| a.mode_idx = (a.mode_idx + 1) % a.modes.len().max(1))
            }
            Key::Char('s') => {
                let cells = netio_core::matrix::Matrix {
                    strategies: self.strategies.clone(),
                    sizes: self.sizes.clone(),
                    threads: self.threads.clone(),
                    modes: self.modes.clone(),
                }
                .cells();
                self.begin(Plan::Sweep, cells)
            }
            Key::Char(' ') => {
                self.screen = match &self.screen {
                    Screen::Live => Screen::Frozen(Box::new(self.live.clone())),
                    Screen::Frozen(_) => Screen::Live,
                };
                None
            }
            Key::Char('r') => match self.recording {
                Recording::Off => Some(Action::StartRecording),
                Recording::On { .. } => {
                    self.recording_stopped();
                    Some(Action::StopRecording)
                }
            },
            Key::Char('?') => {
                self.overlay = Overlay::Help { scroll: 0 };
                None
            }
            Key::Char('l') => {
                self.overlay = Overlay::Latency;
                None
            }
            Key::Char('v') => {
                self.matrix_view = self.matrix_view.toggled();
                None
            }
            Key::Select(size, threads)
                if size < self.sizes.len() && threads < self.threads.len() =>
            {
                self.move_cursor(|a| {
                    a.size_idx = size;
                    a.threads_idx = threads;
                })
            }
            Key::Char(_) | Key::Click(..) | Key::Select(..) | Key::ScrollUp | Key::ScrollDown => {
                None
            }
        }
    }

    /// Moves the cursor; in compare mode the comparison follows it at once.
    fn move_cursor(&mut self, f: impl FnOnce(&mut App)) -> Option<Action> {
        let before = (self.size_idx, self.threads_idx, self.mode_idx);
        f(self);
        if self.plan == Plan::Compare && before != (self.size_idx, self.threads_idx, self.mode_idx)
        {
            return self.compare();
        }
        None
    }
}
