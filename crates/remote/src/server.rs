//! `netio-tui serve`: listens on one port, and gives every admitted connection a short
//! thread that reads its first frame (within [`FIRST_FRAME`]) and decides: a hello
//! starts the session (one controller at a time: a second is told "busy"); a data
//! connection is handed to the waiting cell only if its token matches and it comes from
//! the controller's address; anything else is dropped. Who is admitted, and for how
//! long a connection counts as waiting (until its proof is verified or it is handed
//! over), is [`super::admission`]'s: a flood from one address holds a few places for a
//! few seconds, never the door. `accept` errors (out of fds) back off instead of
//! spinning, and `serve` raises its open-file limit to the hard one at start.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::admission::{Admission, Full, Ticket, controller_room};
use super::auth::{self, Key};
use super::frame::{self, MAX_FRAME};
use super::protocol::Message;
use super::shared::{Offered, Shared, log};
use super::spec::Limits;
use super::{DEFAULT_PORT, RemoteError, session};
use netio_core::copymeter::MeterChoice;

/// How long a connection has to send its whole first frame (a controller sends its
/// hello, a data connection its token, as soon as it is connected).
pub const FIRST_FRAME: Duration = Duration::from_secs(2);
/// How long `accept` waits after an error (no fds left) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// Closed-unread lines logged per source address at most this often.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// What `serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub key: Key,
    pub limits: Limits,
    /// Load the copy meter (when privileged) for controllers that want it.
    pub copy_meter: bool,
}

/// Where `serve` listens: `--listen`, else every address (a key is always required:
/// a server without one would let anyone who reaches the port, another local user
/// included, run cells here).
pub fn listen_address(listen: Option<&str>) -> Result<SocketAddr, String> {
    match listen {
        None => Ok(SocketAddr::from((Ipv4Addr::UNSPECIFIED, DEFAULT_PORT))),
        Some(text) => text
            .parse::<SocketAddr>()
            .or_else(|_| {
                text.parse::<IpAddr>()
                    .map(|ip| SocketAddr::new(ip, DEFAULT_PORT))
            })
            .map_err(|_| {
                format!("--listen {text}: not ADDR or ADDR:PORT (e.g. 0.0.0.0:{DEFAULT_PORT})")
            }),
    }
}

/// A bound server.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl Server {
    /// Binds the port and loads the copy meter (once, for every session).
    pub fn bind(opts: ServeOptions) -> Result<Server, RemoteError> {
        let listener = TcpListener::bind(opts.listen)
            .map_err(|e| RemoteError::Serve(format!("listening on {}: {e}", opts.listen)))?;
        let meter = if opts.copy_meter {
            MeterChoice::Wanted.resolve()
        } else {
            MeterChoice::Off
        };
        let dup = listener
            .try_clone()
            .map_err(|e| RemoteError::Serve(format!("listening on {}: {e}", opts.listen)))?;
        Ok(Server {
            listener,
            shared: Arc::new(Shared {
                listener: dup,
                key: opts.key,
                limits: opts.limits,
                meter,
                busy: Mutex::new(None),
                pending: Mutex::new(None),
                admission: Admission::new(controller_room(opts.limits.max_threads)),
            }),
        })
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// What the copy meter is on this server (for the banner).
    pub fn meter_words(&self) -> &'static str {
        match &self.shared.meter {
            MeterChoice::Loaded(_) => "copy meter loaded",
            other => other.absent_reason(),
        }
    }

    /// Serves until the process is stopped.
    pub fn run(&self) -> Result<(), RemoteError> {
        let mut logged: HashMap<IpAddr, Instant> = HashMap::new();
        loop {
            let (stream, peer) = match self.listener.accept() {
                Ok(c) => c,
                Err(e) => {
                    // Out of fds (or another passing error): wait instead of spinning;
                    // the waiting connections' deadlines free fds meanwhile.
                    log_limited(
                        &mut logged,
                        IpAddr::from([0, 0, 0, 0]),
                        &format!("accept: {e}"),
                    );
                    std::thread::sleep(ACCEPT_BACKOFF);
                    continue;
                }
            };
            let ticket = match self.shared.admission.admit(peer.ip()) {
                Ok(t) => t,
                Err(full) => {
                    let why = match full {
                        Full::Source => format!(
                            "{} connections from this address are waiting already",
                            super::admission::PER_SOURCE
                        ),
                        Full::Everyone => format!(
                            "{} connections are waiting already",
                            super::admission::WAITING
                        ),
                    };
                    log_limited(
                        &mut logged,
                        peer.ip(),
                        &format!("closed {peer} unread: {why}"),
                    );
                    continue;
                }
            };
            let shared = Arc::clone(&self.shared);
            let spawned = std::thread::Builder::new()
                .name("nio-serve".into())
                .spawn(move || classify(shared, stream, peer, ticket));
            if let Err(e) = spawned {
                log(&format!("could not start a thread for {peer}: {e}"));
            }
        }
    }
}

/// Logs `line` unless a line for `source` was logged within [`LOG_EVERY`]: a flood
/// from one address is one line every few seconds, not a line per connection.
fn log_limited(logged: &mut HashMap<IpAddr, Instant>, source: IpAddr, line: &str) {
    let now = Instant::now();
    if logged.len() > 4096 {
        logged.retain(|_, at| now.duration_since(*at) < LOG_EVERY);
    }
    match logged.get(&source) {
        Some(at) if now.duration_since(*at) < LOG_EVERY => {}
        _ => {
            logged.insert(source, now);
            log(&format!(
                "{line} (said once per {} s per address)",
                LOG_EVERY.as_secs()
            ));
        }
    }
}

/// Raises the open-file soft limit to the hard one: every waiting connection and
/// every cell's sockets are fds, and at 1,024 a flood could leave none for the
/// controller. Returns the limit now in force.
pub fn raise_fd_limit() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit to fill.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return None;
    }
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: a valid rlimit, at most the hard limit.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            return Some(raised.rlim_cur);
        }
    }
    Some(lim.rlim_cur)
}

/// Reads a connection's first frame and hands it on, or drops it. `ticket` is its
/// place at the door: given back once it is handed over, or (a hello) once its proof
/// is verified.
fn classify(shared: Arc<Shared>, mut stream: TcpStream, peer: SocketAddr, ticket: Ticket) {
    let first = frame::read_frame(&mut stream, MAX_FRAME, Instant::now() + FIRST_FRAME);
    let message = match first
        .map_err(|e| e.to_string())
        .and_then(|b| Message::parse(&b).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => return log(&format!("dropped {peer}: {}", super::peer_text::clean(&e))),
    };
    match message {
        Message::Hello { version, nonce } => {
            session::run(&shared, stream, peer, version, &nonce, ticket)
        }
        Message::Data { token, index } => {
            let given = auth::unhex(&token, 32).unwrap_or_default();
            let from_controller = shared
                .busy
                .lock()
                .map(|b| b.is_some_and(|c| c.ip() == peer.ip()))
                .unwrap_or(false);
            // The waiting cell's channel, cloned: no lock is held while handing over.
            let to = shared.pending.lock().ok().and_then(|p| {
                p.as_ref()
                    .filter(|p| {
                        from_controller
                            && p.proofs
                                .get(index as usize)
                                .is_some_and(|want| auth::same(&given, want))
                    })
                    .map(|p| p.connections.clone())
            });
            match to {
                // Full: the cell has its connections already; the one handed back in
                // the error is dropped, which logs it.
                Some(to) => {
                    let _ = to.try_send(Offered {
                        index,
                        stream: Some(stream),
                        peer,
                    });
                }
                None => log(&format!(
                    "dropped a data connection from {peer}: no proof of the waiting cell's session, or not from its controller"
                )),
            }
            drop(ticket);
        }
        other => log(&format!(
            "dropped {peer}: it began with {} instead of a hello",
            other.kind()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_takes_an_address_with_or_without_a_port() {
        assert!(listen_address(None).expect("default").ip().is_unspecified());
        assert_eq!(
            listen_address(Some("127.0.0.1")).expect("ip").port(),
            DEFAULT_PORT
        );
        assert_eq!(listen_address(Some("0.0.0.0:9")).expect("addr").port(), 9);
        assert!(listen_address(Some("nonsense")).is_err());
    }
}
