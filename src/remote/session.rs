//! One controller's session on the server: the handshake (version, then mutual
//! proofs of the key), then cells until the controller says bye, goes quiet for
//! [`IDLE`], or goes away. Each cell is checked against the server's limits, gets a
//! fresh token, waits a bounded time for its data connections, and runs its half
//! through the engine ([`run_far_half`]); whatever happens, its threads are joined
//! and its sockets closed before the next message is read.

use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use super::auth::{self, NONCE_LEN};
use super::client::HANDSHAKE;
use super::facts::HostFacts;
use super::frame::{self, FrameError, MAX_FRAME};
use super::message::{Message, VERSION};
use super::server::{Pending, Shared, log};
use super::spec::CellSpec;
use crate::copymeter::MeterChoice;
use crate::engine::far::{FarLink, run_far_half};
use crate::engine::{CellPlan, FarCounting, FarReading, HalfRole, READY_PATIENCE};

/// How long a session may sit between cells before the server ends it (the
/// controller reconnects when it needs to).
pub const IDLE: Duration = Duration::from_secs(60);
/// How long a cell waits for its data connections, and for the go.
const SETUP: Duration = Duration::from_secs(10);
/// How long a running cell goes without hearing from the controller (it acknowledges
/// every tick) before the server takes it for gone.
const SILENCE: Duration = Duration::from_secs(10);

pub(super) fn run(shared: &Shared, mut s: TcpStream, peer: SocketAddr, version: u32, nonce: &str) {
    let _ = s.set_nodelay(true);
    let mut slot = None;
    let welcomed = handshake(shared, &mut s, version, nonce).and_then(|()| {
        // Authenticated: one controller at a time.
        slot = Some(Slot::take(shared, peer).map_err(|other| {
            format!("busy: serving another controller ({other}); try again when it is done")
        })?);
        let local = s.local_addr().map_err(|e| e.to_string())?;
        let welcome = Message::Welcome {
            facts: HostFacts::here(local.ip()),
            limits: shared.limits,
        };
        send(&mut s, &welcome).map_err(|e| e.to_string())
    });
    match welcomed {
        Ok(()) => log(&format!("session with {peer}")),
        Err(why) => {
            let _ = send(
                &mut s,
                &Message::Refused {
                    reason: why.clone(),
                },
            );
            return log(&format!("refused {peer}: {why}"));
        }
    }
    loop {
        let next = frame::read_frame(&mut s, MAX_FRAME, Instant::now() + IDLE)
            .map_err(|e| match e {
                FrameError::Closed => "it closed the connection".to_string(),
                other => other.to_string(),
            })
            .and_then(|b| Message::parse(&b).map_err(|e| e.to_string()));
        match next {
            Ok(Message::Cell { spec }) => {
                if !cell(shared, &mut s, &spec) {
                    return log(&format!("lost {peer} inside a cell"));
                }
            }
            Ok(Message::Bye) => return log(&format!("{peer} said bye")),
            Ok(other) => {
                return log(&format!(
                    "ended {peer}'s session: an unexpected {}",
                    other.kind()
                ));
            }
            Err(e) => return log(&format!("ended {peer}'s session: {e}")),
        }
    }
}

/// The server's half of the handshake; the reason to refuse, if any.
fn handshake(shared: &Shared, s: &mut TcpStream, version: u32, nonce: &str) -> Result<(), String> {
    if version != VERSION {
        return Err(format!(
            "version mismatch: this server speaks protocol {VERSION}, the controller {version}"
        ));
    }
    let theirs = auth::unhex(nonce, NONCE_LEN)
        .filter(|n| n.len() == NONCE_LEN)
        .ok_or("a malformed hello")?;
    let ours = auth::random_bytes().map_err(|e| e.to_string())?;
    let challenge = Message::Challenge {
        version: VERSION,
        nonce: auth::hex(&ours),
        proof: auth::hex(&shared.key.proof("server", &theirs, &ours)),
    };
    send(s, &challenge).map_err(|e| e.to_string())?;
    let proof = match read(s, HANDSHAKE)? {
        Message::Proof { proof } => auth::unhex(&proof, 64).unwrap_or_default(),
        Message::Refused { reason } => return Err(format!("the controller refused: {reason}")),
        other => return Err(format!("expected a proof, got {}", other.kind())),
    };
    if !shared.key.verify("client", &ours, &theirs, &proof) {
        return Err(format!(
            "wrong key: the controller could not prove it holds this server's key (its --key-file or {} must hold the same key)",
            auth::KEY_ENV
        ));
    }
    Ok(())
}

/// The session slot, held by the controller being served; freed when dropped, which
/// is before the session's connection closes (a local is dropped before the
/// parameters), so a controller that reconnects at once is not told "busy" by its own
/// last session.
struct Slot<'a>(&'a Shared);

impl<'a> Slot<'a> {
    /// The slot, or who holds it.
    fn take(shared: &'a Shared, peer: SocketAddr) -> Result<Slot<'a>, SocketAddr> {
        let mut busy = shared.busy.lock().unwrap_or_else(|p| p.into_inner());
        match *busy {
            Some(other) => Err(other),
            None => {
                *busy = Some(peer);
                Ok(Slot(shared))
            }
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.busy.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Runs one cell's far half; false when the controller was lost.
fn cell(shared: &Shared, s: &mut TcpStream, spec: &CellSpec) -> bool {
    let checked = spec.checked(&shared.limits).and_then(|(cell, config)| {
        let here = (cell.strategy.entry().about.available)();
        if !here.ok {
            return Err(format!(
                "{} is not available here: {}",
                cell.strategy.name(),
                here.detail
            ));
        }
        // What the client's sizes cost here, against what this host has (half of it:
        // the kernel's socket buffers come on top).
        let need = super::spec::half_memory(&cell, &config, spec.far);
        if let Some(free) = crate::preflight::memory_available()
            && need > free / 2
        {
            return Err(format!(
                "the cell's buffers need {} MiB here, more than half of the {} MiB available",
                need >> 20,
                free >> 20
            ));
        }
        let plan = CellPlan::new(cell, spec.offered_gbps, &config).map_err(|e| e.to_string())?;
        Ok((cell, config, plan))
    });
    let (cell, mut config, plan) = match checked {
        Ok(c) => c,
        Err(reason) => {
            log(&format!("refused a cell: {reason}"));
            return send(s, &Message::Failed { reason }).is_ok();
        }
    };
    config.copy_meter = if spec.copy_meter {
        shared.meter.clone()
    } else {
        MeterChoice::Off
    };
    if let Err(e) = crate::net::listener_options(&shared.listener, &plan.socket) {
        let reason = e.to_string();
        return send(s, &Message::Failed { reason }).is_ok();
    }
    let sockets = match connections(shared, s, plan.cell.threads) {
        Ok(Some(list)) => list,
        Ok(None) => return false,
        Err(reason) => return send(s, &Message::Failed { reason }).is_ok(),
    };
    let sender = spec.far == HalfRole::Senders;
    for c in &sockets {
        if let Err(e) = crate::net::accepted_end(c, &plan.socket, sender) {
            return send(
                s,
                &Message::Failed {
                    reason: e.to_string(),
                },
            )
            .is_ok();
        }
    }
    let mut link = Link {
        s,
        lost: false,
        heard: Instant::now(),
    };
    let outcome = run_far_half(
        cell,
        spec.offered_gbps,
        &config,
        spec.far,
        sockets,
        &mut link,
    );
    let lost = link.lost;
    let reply = match outcome {
        Ok(end) => Message::Done { end: Box::new(end) },
        Err(e) => Message::Failed {
            reason: e.to_string(),
        },
    };
    !lost && send(s, &reply).is_ok()
}

/// Gives the cell a token, and waits for its `threads` data connections; `Ok(None)`
/// when the control connection broke.
fn connections(
    shared: &Shared,
    s: &mut TcpStream,
    threads: usize,
) -> Result<Option<Vec<TcpStream>>, String> {
    let token = auth::random_bytes().map_err(|e| e.to_string())?;
    let (tx, rx) = crossbeam_channel::bounded(threads);
    if let Ok(mut p) = shared.pending.lock() {
        *p = Some(Pending {
            token,
            connections: tx,
        });
    }
    let told = send(
        s,
        &Message::Token {
            token: auth::hex(&token),
        },
    );
    let mut slots: Vec<Option<TcpStream>> = (0..threads).map(|_| None).collect();
    let deadline = Instant::now() + SETUP;
    while told.is_ok() && slots.iter().any(Option::is_none) {
        let Ok((index, stream)) = rx.recv_deadline(deadline) else {
            break;
        };
        if let Some(slot @ None) = slots.get_mut(index as usize) {
            *slot = Some(stream);
        }
    }
    if let Ok(mut p) = shared.pending.lock() {
        *p = None;
    }
    if told.is_err() {
        return Ok(None);
    }
    let got: Vec<TcpStream> = slots.into_iter().flatten().collect();
    if got.len() < threads {
        return Err(format!(
            "only {} of {threads} data connections arrived within {SETUP:?} (is the port reachable for more than one connection?)",
            got.len()
        ));
    }
    Ok(Some(got))
}

/// The far half's line to the controller over the control connection.
struct Link<'a> {
    s: &'a mut TcpStream,
    lost: bool,
    /// When the controller last spoke.
    heard: Instant,
}

impl FarLink for Link<'_> {
    fn ready(&mut self, counting: FarCounting) -> bool {
        if send(self.s, &Message::Ready { counting }).is_err() {
            self.lost = true;
            return false;
        }
        match read(self.s, SETUP + READY_PATIENCE) {
            Ok(Message::Go) => {
                self.heard = Instant::now();
                true
            }
            Ok(Message::Stop) => false,
            _ => {
                self.lost = true;
                false
            }
        }
    }

    fn send(&mut self, reading: FarReading) -> bool {
        let ok = send(
            self.s,
            &Message::Tick {
                reading: Box::new(reading),
            },
        )
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
            if !readable(self.s, left) {
                continue;
            }
            // The controller spoke mid-cell: an acknowledgement or a stop.
            match read(self.s, HANDSHAKE) {
                Ok(Message::Ack) => self.heard = Instant::now(),
                Ok(Message::Stop) => return false,
                _ => {
                    self.lost = true;
                    return false;
                }
            }
        }
    }
}

/// Whether `s` has something to read (or was closed) within `patience`.
fn readable(s: &TcpStream, patience: Duration) -> bool {
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

fn send(s: &mut TcpStream, m: &Message) -> std::io::Result<()> {
    frame::write_frame(s, &m.to_bytes())
}

fn read(s: &mut TcpStream, patience: Duration) -> Result<Message, String> {
    let bytes =
        frame::read_frame(s, MAX_FRAME, Instant::now() + patience).map_err(|e| e.to_string())?;
    Message::parse(&bytes).map_err(|e| e.to_string())
}
