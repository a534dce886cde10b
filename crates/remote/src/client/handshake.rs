//! The controller's half of the handshake: hello, the server's proof checked, its own
//! proof, then a sealed welcome ([`super::super::sealed`]). A server that closes the
//! connection before answering (its door is full) or is busy with another controller
//! is tried again with backoff for up to [`RETRY`]; a wrong key or another protocol
//! is final.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::super::auth;
use super::super::channel::{Channel, ChannelError};
use super::super::frame::{self, FrameError, MAX_FRAME};
use super::super::peer_text::clean;
use super::super::protocol::{Message, VERSION};
use super::super::sealed::{End, Sealed};
use super::{Controller, HANDSHAKE, RemoteError, send};

/// How long the controller keeps trying a server that closes its connection unread
/// or is busy with another controller.
const RETRY: Duration = Duration::from_secs(10);

/// One handshake's failure: worth another try, or final.
enum Attempt {
    Again(RemoteError),
    Final(RemoteError),
}

impl From<RemoteError> for Attempt {
    fn from(e: RemoteError) -> Attempt {
        Attempt::Final(e)
    }
}

impl Controller {
    /// The handshake, tried again while the server closes the connection before
    /// answering or says it is busy.
    pub(super) fn handshake(&mut self) -> Result<(), RemoteError> {
        let deadline = Instant::now() + RETRY;
        let mut pause = Duration::from_millis(50);
        let mut tries = 0;
        loop {
            tries += 1;
            match self.handshake_once() {
                Ok(()) => return Ok(()),
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::Again(e)) if Instant::now() + pause >= deadline => {
                    return Err(match e {
                        RemoteError::Protocol { addr, .. } => RemoteError::Protocol {
                            addr,
                            reason: format!(
                                "it closed the connection before answering, {tries} times in {RETRY:?}: the server is busy with other connections (unauthenticated ones count: its log says \"closed … unread\"), or this port is not netio-tui serve"
                            ),
                        },
                        other => other,
                    });
                }
                Err(Attempt::Again(_)) => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
            }
        }
    }

    fn protocol(&self, reason: String) -> RemoteError {
        RemoteError::Protocol {
            addr: self.shown.clone(),
            reason,
        }
    }

    fn handshake_once(&mut self) -> Result<(), Attempt> {
        let mut s = TcpStream::connect_timeout(&self.addr, HANDSHAKE).map_err(|e| {
            Attempt::Final(RemoteError::Connect {
                addr: self.shown.clone(),
                reason: format!("{e} (is `netio-tui serve` running there, and the port open?)"),
            })
        })?;
        let _ = s.set_nodelay(true);
        let ours = auth::random_bytes().map_err(|e| self.protocol(e.to_string()))?;
        let hello = Message::Hello {
            version: VERSION,
            nonce: auth::hex(&ours),
        };
        // Closed unread by a full door: the hello may not even go out.
        send(&mut s, &hello).map_err(|e| Attempt::Again(self.protocol(e.to_string())))?;
        let answer = self.read_plain(&mut s)?;
        let (version, theirs, proof) = match answer {
            Message::Challenge {
                version,
                nonce,
                proof,
            } => (version, nonce, proof),
            other => return Err(Attempt::Final(self.refusal(other))),
        };
        if version != VERSION {
            return Err(self
                .protocol(format!(
                    "it speaks protocol version {version}, this netio-tui {VERSION}"
                ))
                .into());
        }
        let theirs = auth::unhex(&theirs, auth::NONCE_LEN)
            .ok_or_else(|| self.protocol("a malformed nonce".into()))?;
        let proof = auth::unhex(&proof, 64).unwrap_or_default();
        if !self.key.verify("server", &ours, &theirs, &proof) {
            // Said to the server too, so its log names the cause.
            let reason = "wrong key: the server could not prove it holds the controller's key";
            let _ = send(
                &mut s,
                &Message::Refused {
                    reason: reason.into(),
                },
            );
            return Err(RemoteError::WrongKey {
                addr: self.shown.clone(),
            }
            .into());
        }
        let mine = Message::Proof {
            proof: auth::hex(&self.key.proof("client", &theirs, &ours)),
        };
        send(&mut s, &mine).map_err(|e| self.protocol(e.to_string()))?;
        let bytes = frame::read_frame(&mut s, MAX_FRAME, Instant::now() + HANDSHAKE)
            .map_err(|e| self.protocol(frame_words(e)))?;
        let mut ch = Channel::new(s, Sealed::new(&self.key, &ours, &theirs, End::Controller));
        match ch.open(&bytes) {
            Ok(Message::Welcome { facts, limits }) => {
                self.facts = facts.from_peer();
                self.limits = limits;
                self.control = Some(ch);
                Ok(())
            }
            // Another controller holds the server: it may be done soon.
            Ok(Message::Refused { reason }) if reason.starts_with("busy") => {
                Err(Attempt::Again(self.refusal(Message::Refused { reason })))
            }
            Ok(other) => Err(Attempt::Final(self.refusal(other))),
            // Unsealed: the server refused our proof (it says why in clear).
            Err(ChannelError::Seal(seal)) => match Message::parse(&bytes) {
                Ok(m @ Message::Refused { .. }) => Err(Attempt::Final(self.refusal(m))),
                _ => Err(Attempt::Final(self.protocol(seal.to_string()))),
            },
            Err(e) => Err(Attempt::Final(self.protocol(clean(&e.to_string())))),
        }
    }

    /// A handshake message (before the seal), closed connections worth another try.
    fn read_plain(&self, s: &mut TcpStream) -> Result<Message, Attempt> {
        let bytes = frame::read_frame(s, MAX_FRAME, Instant::now() + HANDSHAKE).map_err(|e| {
            let again = matches!(&e, FrameError::Closed)
                || matches!(&e, FrameError::Io(io) if matches!(io.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe));
            let err = self.protocol(frame_words(e));
            if again {
                Attempt::Again(err)
            } else {
                Attempt::Final(err)
            }
        })?;
        Message::parse(&bytes).map_err(|e| Attempt::Final(self.protocol(e.to_string())))
    }

    pub(super) fn refusal(&self, m: Message) -> RemoteError {
        match m {
            Message::Refused { reason } => RemoteError::Refused {
                addr: self.shown.clone(),
                reason: clean(&reason),
            },
            other => self.protocol(format!("it answered with {} instead", other.kind())),
        }
    }
}

fn frame_words(e: FrameError) -> String {
    match e {
        FrameError::Closed => "it closed the connection".into(),
        other => other.to_string(),
    }
}
