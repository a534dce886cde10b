//! The far half's line to the controller during a cell, over the sealed control
//! connection: it says ready and waits for the go, sends a reading every second, and
//! between readings listens for acknowledgements and a stop; a controller silent for
//! [`SILENCE`] is taken for gone.

use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use super::channel::Channel;
use super::client::HANDSHAKE;
use super::protocol::Message;
use super::shared::log;
use netio_core::engine::far::FarLink;
use netio_core::engine::{FarCounting, FarReading, READY_PATIENCE};

/// How long a cell waits for its data connections, and for the go.
pub(super) const SETUP: Duration = Duration::from_secs(10);
/// How long a running cell goes without hearing from the controller (it acknowledges
/// every tick) before the server takes it for gone.
const SILENCE: Duration = Duration::from_secs(10);

/// The far half's line to the controller.
pub(super) struct Link<'a> {
    ch: &'a mut Channel,
    lost: bool,
    /// When the controller last spoke.
    heard: Instant,
}

impl<'a> Link<'a> {
    pub(super) fn new(ch: &'a mut Channel) -> Link<'a> {
        Link {
            ch,
            lost: false,
            heard: Instant::now(),
        }
    }
}

impl FarLink for Link<'_> {
    fn ready(&mut self, counting: FarCounting) -> bool {
        if self.ch.send(&Message::Ready { counting }).is_err() {
            self.lost = true;
            return false;
        }
        match self.ch.read(SETUP + READY_PATIENCE) {
            Ok(Message::Go) => {
                self.heard = Instant::now();
                true
            }
            Ok(Message::Stop) => false,
            Ok(_) => {
                self.lost = true;
                false
            }
            Err(e) => {
                log(&format!("waiting for the go: {e}"));
                self.lost = true;
                false
            }
        }
    }

    fn send(&mut self, reading: FarReading) -> bool {
        let ok = self
            .ch
            .send(&Message::Tick {
                reading: Box::new(reading),
            })
            .is_ok();
        self.lost |= !ok;
        ok
    }

    fn lost(&self) -> bool {
        self.lost
    }

    fn wait(&mut self, deadline: Instant) -> bool {
        loop {
            if self.heard.elapsed() > SILENCE {
                log(&format!(
                    "the controller has been silent for {SILENCE:?}: taken for gone"
                ));
                self.lost = true;
                return false;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            if !readable(self.ch.stream(), left) {
                continue;
            }
            // The controller spoke mid-cell: an acknowledgement or a stop.
            match self.ch.read(HANDSHAKE) {
                Ok(Message::Ack) => self.heard = Instant::now(),
                Ok(Message::Stop) => return false,
                Ok(other) => {
                    log(&format!("an unexpected {} mid-cell", other.kind()));
                    self.lost = true;
                    return false;
                }
                Err(e) => {
                    log(&format!("mid-cell: {e}"));
                    self.lost = true;
                    return false;
                }
            }
        }
    }
}

/// Whether `s` has something to read (or was closed) within `patience`.
fn readable(s: &std::net::TcpStream, patience: Duration) -> bool {
    let mut fds = libc::pollfd {
        fd: s.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = patience.as_millis().clamp(1, 1000) as libc::c_int;
    // SAFETY: one valid pollfd for the socket we hold.
    let n = unsafe { libc::poll(&mut fds, 1, ms) };
    n > 0 && fds.revents != 0
}
