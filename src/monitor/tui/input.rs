//! The one input reader: keys, mouse clicks and wheel turns, and resizes from the
//! terminal into the inbox. A terminal
//! that hangs up (its window closed, `tmux kill-server`, a dropped ssh session) is a
//! SIGHUP to the process, raised here if the kernel did not send one: the same clean
//! stop, never a reader spinning on a dead terminal.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use crossbeam_channel::Sender;
use ratatui::crossterm::event::{
    self, Event, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use crate::monitor::app::{Inbox, Key};

/// True when standard input (the terminal the monitor reads) has hung up.
fn hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no wait.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// Stops the process as a hang-up does (the signal thread does the rest).
fn raise_hangup() {
    // SAFETY: kill with our own pid and a handled signal.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGHUP);
    }
}

/// Reads keys and resizes until `stop` is set, polling so it can notice.
pub(super) fn read_input(inbox: Sender<Inbox>, stop: Arc<AtomicBool>) {
    while !stop.load(Relaxed) {
        if hung_up() {
            raise_hangup();
            return;
        }
        match event::poll(Duration::from_millis(100)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => {
                raise_hangup();
                return;
            }
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
            Ok(Event::Mouse(m)) => match m.kind {
                MouseEventKind::Down(MouseButton::Left) => Some(Key::Click(m.column, m.row)),
                MouseEventKind::ScrollUp => Some(Key::ScrollUp),
                MouseEventKind::ScrollDown => Some(Key::ScrollDown),
                _ => None,
            }
            .map(Inbox::Key),
            Ok(Event::Resize(..)) => Some(Inbox::Resize),
            Ok(_) => None,
            Err(_) => {
                raise_hangup();
                return;
            }
        };
        if let Some(m) = message
            && inbox.send(m).is_err()
        {
            return;
        }
    }
}
