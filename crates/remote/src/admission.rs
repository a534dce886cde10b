//! Who may wait at `serve`'s door. A connection is *waiting* from its accept until it
//! has proved it holds the key (a controller) or has been handed to its cell (a data
//! connection): a hello followed by silence is still waiting. Waiting connections are
//! limited per source address ([`PER_SOURCE`]) and in all ([`WAITING`]), so whoever
//! reaches the port without the key can hold a few slots for a few seconds, never all
//! of them: a controller from another address always finds room. The controller being
//! served gets room of its own for its cells' data connections (twice `--max-threads`
//! and a few: [`controller_room`]), whatever others hold. Each admitted connection
//! costs one short thread and one fd, so the server's threads and fds stay under
//! `WAITING` + that room + the session's own. Pure bookkeeping, no I/O.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Connections one source address may have waiting.
pub const PER_SOURCE: usize = 4;
/// Connections waiting in all, other than the served controller's.
pub const WAITING: usize = 64;
/// The served controller's room for waiting connections: a cell's data connections
/// (one per thread pair), twice over for a cell set up again, and a few.
pub fn controller_room(max_threads: u32) -> usize {
    2 * max_threads as usize + 8
}

#[derive(Debug, Default)]
struct Counts {
    by_source: HashMap<IpAddr, usize>,
    total: usize,
    controller: Option<IpAddr>,
    for_controller: usize,
    room: usize,
}

/// The door's counts, shared by the accept loop and every connection's thread.
#[derive(Debug, Clone)]
pub struct Admission(Arc<Mutex<Counts>>);

/// Why a connection was closed unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// Its source address has [`PER_SOURCE`] waiting already.
    Source,
    /// [`WAITING`] are waiting already.
    Everyone,
}

/// A waiting connection's place; given back when dropped (verified, handed over, or
/// closed).
#[derive(Debug)]
pub struct Ticket {
    admission: Admission,
    source: IpAddr,
    controllers: bool,
}

impl Admission {
    /// A door keeping `room` places for the served controller.
    pub fn new(room: usize) -> Admission {
        Admission(Arc::new(Mutex::new(Counts {
            room,
            ..Counts::default()
        })))
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a connection from `source`, or why not.
    pub fn admit(&self, source: IpAddr) -> Result<Ticket, Full> {
        let mut c = self.counts();
        let controllers = c.controller == Some(source) && c.for_controller < c.room;
        if controllers {
            c.for_controller += 1;
        } else {
            let here = c.by_source.get(&source).copied().unwrap_or(0);
            if here >= PER_SOURCE {
                return Err(Full::Source);
            }
            if c.total >= WAITING {
                return Err(Full::Everyone);
            }
            c.total += 1;
            *c.by_source.entry(source).or_default() += 1;
        }
        Ok(Ticket {
            admission: self.clone(),
            source,
            controllers,
        })
    }

    /// Keeps room for `controller`'s connections while its session lasts (`None` when
    /// it ends).
    pub fn serving(&self, controller: Option<IpAddr>) {
        self.counts().controller = controller;
    }

    /// Connections waiting now (the served controller's included).
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        let c = self.counts();
        c.total + c.for_controller
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut c = self.admission.counts();
        if self.controllers {
            c.for_controller = c.for_controller.saturating_sub(1);
            return;
        }
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.by_source.get_mut(&self.source) {
            *n -= 1;
            if *n == 0 {
                c.by_source.remove(&self.source);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: usize = 40;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([198, 18, 0, last])
    }

    #[test]
    fn one_source_cannot_fill_the_door_and_places_come_back() {
        let door = Admission::new(ROOM);
        let held: Vec<Ticket> = (0..PER_SOURCE)
            .map(|_| door.admit(ip(3)).expect("room"))
            .collect();
        assert_eq!(door.admit(ip(3)).map(|_| ()), Err(Full::Source));
        // Another address still gets in.
        let other = door.admit(ip(1)).expect("another source");
        assert_eq!(door.waiting(), PER_SOURCE + 1);
        drop(held);
        drop(other);
        assert_eq!(door.waiting(), 0);
        assert!(door.admit(ip(3)).is_ok(), "given back when dropped");
    }

    #[test]
    fn many_sources_fill_it_to_the_total_and_the_controller_keeps_its_room() {
        let door = Admission::new(ROOM);
        let mut held = Vec::new();
        for a in 0..WAITING {
            held.push(door.admit(IpAddr::from([10, 0, (a / 200) as u8, (a % 200) as u8])));
        }
        assert!(held.iter().all(Result::is_ok));
        assert_eq!(door.admit(ip(9)).map(|_| ()), Err(Full::Everyone));
        door.serving(Some(ip(1)));
        let data: Vec<Ticket> = (0..ROOM)
            .map(|_| door.admit(ip(1)).expect("the controller's room"))
            .collect();
        assert!(door.admit(ip(1)).is_err(), "its room is bounded too");
        drop(data);
        door.serving(None);
        assert_eq!(door.waiting(), WAITING);
    }
}
