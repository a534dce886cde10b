//! The one input reader: keys and resizes from the terminal into the inbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use crossbeam_channel::Sender;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use crate::app::{Inbox, Key};

/// Reads keys and resizes until `stop` is set, polling so it can notice.
pub(super) fn read_input(inbox: Sender<Inbox>, stop: Arc<AtomicBool>) {
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
