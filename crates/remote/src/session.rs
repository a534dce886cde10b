//! One controller's session on the server: the handshake (version, then mutual
//! proofs of the key, which give the session's seal), then sealed messages
//! ([`super::channel`]): cells until the controller says bye, goes quiet for
//! [`IDLE`], or goes away. Each cell is checked against the server's limits, gets a
//! fresh nonce, waits a bounded time for its data connections (each proving the
//! session's key for it), and runs its half through the engine ([`run_far_half`],
//! over [`super::far_link`]); whatever happens, its threads are joined and its
//! sockets closed before the next message is read.

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::auth::{self, NONCE_LEN};
use super::channel::{Channel, ChannelError};
use super::client::HANDSHAKE;
use super::facts::HostFacts;
use super::far_link::{Link, SETUP};
use super::frame::{self, FrameError, MAX_FRAME};
use super::protocol::{Message, VERSION};
use super::sealed::{End, Sealed};
use super::shared::{Pending, Shared, log};
use super::spec::CellSpec;
use netio_core::copymeter::MeterChoice;
use netio_core::engine::far::{FarLink, run_far_half};
use netio_core::engine::{CellPlan, HalfRole};

/// How long a session may sit between cells before the server ends it (the
/// controller reconnects when it needs to).
pub const IDLE: Duration = Duration::from_secs(60);

pub(super) fn run(
    shared: &Shared,
    mut s: TcpStream,
    peer: SocketAddr,
    version: u32,
    nonce: &str,
    ticket: super::admission::Ticket,
) {
    let _ = s.set_nodelay(true);
    let proved = handshake(shared, &mut s, version, nonce);
    // Verified or not, it no longer waits at the door.
    drop(ticket);
    let seal = match proved {
        Ok(seal) => seal,
        Err(why) => {
            let _ = frame::write_frame(
                &mut s,
                &Message::Refused {
                    reason: why.clone(),
                }
                .to_bytes(),
            );
            return log(&format!("refused {peer}: {why}"));
        }
    };
    // From here every message is sealed with the session's key.
    let mut ch = Channel::new(s, seal);
    // Authenticated: one controller at a time.
    let _slot = match Slot::take(shared, peer) {
        Ok(slot) => slot,
        Err(other) => {
            let reason =
                format!("busy: serving another controller ({other}); try again when it is done");
            let _ = ch.send(&Message::Refused {
                reason: reason.clone(),
            });
            return log(&format!("refused {peer}: {reason}"));
        }
    };
    let local = ch.stream().local_addr().map(|a| a.ip());
    let welcome = Message::Welcome {
        facts: local.map(HostFacts::here).unwrap_or_default(),
        limits: shared.limits,
    };
    if let Err(e) = ch.send(&welcome) {
        return log(&format!("lost {peer} before its welcome: {e}"));
    }
    log(&format!("session with {peer}"));
    loop {
        let next = ch.read(IDLE).map_err(|e| match e {
            ChannelError::Frame(FrameError::Closed) => "it closed the connection".to_string(),
            other => other.to_string(),
        });
        match next {
            Ok(Message::Cell { spec }) => {
                if !cell(shared, &mut ch, &spec) {
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

/// The server's half of the handshake: the session's seal, or the reason to refuse.
fn handshake(
    shared: &Shared,
    s: &mut TcpStream,
    version: u32,
    nonce: &str,
) -> Result<Sealed, String> {
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
    frame::write_frame(s, &challenge.to_bytes()).map_err(|e| e.to_string())?;
    let answer = frame::read_frame(s, MAX_FRAME, Instant::now() + HANDSHAKE)
        .map_err(|e| e.to_string())
        .and_then(|b| Message::parse(&b).map_err(|e| e.to_string()))?;
    let proof = match answer {
        Message::Proof { proof } => auth::unhex(&proof, 64).unwrap_or_default(),
        Message::Refused { reason } => {
            return Err(format!(
                "the controller refused: {}",
                super::peer_text::clean(&reason)
            ));
        }
        other => return Err(format!("expected a proof, got {}", other.kind())),
    };
    if !shared.key.verify("client", &ours, &theirs, &proof) {
        return Err(format!(
            "wrong key: the controller could not prove it holds this server's key (its --key-file or {} must hold the same key)",
            auth::KEY_ENV
        ));
    }
    Ok(Sealed::new(&shared.key, &theirs, &ours, End::Server))
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
                shared.admission.serving(Some(peer.ip()));
                Ok(Slot(shared))
            }
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.admission.serving(None);
        *self.0.busy.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Runs one cell's far half; false when the controller was lost.
fn cell(shared: &Shared, ch: &mut Channel, spec: &CellSpec) -> bool {
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
        if let Some(free) = netio_core::machine::memory_available()
            && need > free / 2
        {
            return Err(format!(
                "the cell's buffers need {} MiB here, more than half of the {} MiB available",
                need >> 20,
                free >> 20
            ));
        }
        let plan = CellPlan::new(cell, spec.offered_gbps, &config).map_err(|e| e.to_string())?;
        log(&format!("cell {cell}: its buffers here take {need} B"));
        Ok((cell, config, plan))
    });
    let (cell, mut config, plan) = match checked {
        Ok(c) => c,
        Err(reason) => {
            log(&format!("refused a cell: {reason}"));
            return ch.send(&Message::Failed { reason }).is_ok();
        }
    };
    config.copy_meter = if spec.copy_meter {
        shared.meter.clone()
    } else {
        MeterChoice::Off
    };
    if let Err(e) = netio_core::net::listener_options(&shared.listener, &plan.socket) {
        let reason = e.to_string();
        return ch.send(&Message::Failed { reason }).is_ok();
    }
    let sockets = match connections(shared, ch, plan.cell.threads) {
        Ok(Some(list)) => list,
        Ok(None) => return false,
        Err(reason) => return ch.send(&Message::Failed { reason }).is_ok(),
    };
    let sender = spec.far == HalfRole::Senders;
    for c in &sockets {
        if let Err(e) = netio_core::net::accepted_end(c, &plan.socket, sender) {
            return ch
                .send(&Message::Failed {
                    reason: e.to_string(),
                })
                .is_ok();
        }
    }
    let mut link = Link::new(ch);
    let outcome = run_far_half(
        cell,
        spec.offered_gbps,
        &config,
        spec.far,
        sockets,
        &mut link,
    );
    let lost = link.lost();
    let reply = match outcome {
        Ok(end) => Message::Done { end: Box::new(end) },
        Err(e) => Message::Failed {
            reason: e.to_string(),
        },
    };
    !lost && ch.send(&reply).is_ok()
}

/// Gives the cell a fresh nonce, and waits for its `threads` data connections, each
/// proving the session's key for that nonce and its index; `Ok(None)` when the
/// control connection broke.
fn connections(
    shared: &Shared,
    ch: &mut Channel,
    threads: usize,
) -> Result<Option<Vec<TcpStream>>, String> {
    let nonce = auth::random_bytes().map_err(|e| e.to_string())?;
    let (tx, rx) = crossbeam_channel::bounded(threads);
    if let Ok(mut p) = shared.pending.lock() {
        *p = Some(Pending {
            proofs: (0..threads as u32)
                .map(|i| ch.seal().data_proof(&nonce, i))
                .collect(),
            connections: tx,
        });
    }
    let told = ch.send(&Message::Token {
        token: auth::hex(&nonce),
    });
    let mut slots: Vec<Option<TcpStream>> = (0..threads).map(|_| None).collect();
    let deadline = Instant::now() + SETUP;
    while told.is_ok() && slots.iter().any(Option::is_none) {
        let Ok(offered) = rx.recv_deadline(deadline) else {
            break;
        };
        // A second connection for an index is dropped (and logged by `Offered`).
        if let Some(slot @ None) = slots.get_mut(offered.index as usize) {
            *slot = offered.take();
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
