//! `netio-tui serve`: listens on one port, and gives every accepted connection a short
//! thread that reads its first frame (within the handshake's deadline) and decides:
//! a hello starts the session (one controller at a time: a second is told "busy"); a
//! data connection is handed to the waiting cell only if its token matches; anything
//! else is dropped. Connections being classified are capped, so a flood of silent
//! ones costs a bounded number of threads for a bounded time.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossbeam_channel::Sender;

use super::auth::{self, Key, NONCE_LEN};
use super::client::HANDSHAKE;
use super::frame::{self, MAX_FRAME};
use super::message::Message;
use super::spec::Limits;
use super::{DEFAULT_PORT, RemoteError, session};
use crate::copymeter::MeterChoice;

/// Connections read at once before the rest are closed unread.
const MAX_UNCLASSIFIED: usize = 32;

/// What `serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub key: Key,
    pub limits: Limits,
    /// Load the copy meter (when privileged) for controllers that want it.
    pub copy_meter: bool,
}

/// Where `serve` listens: `--listen`, else all addresses with a key and loopback
/// without one. Without a key anything but loopback is refused: anyone who reached
/// the port could run cells here.
pub fn listen_address(listen: Option<&str>, key: &Key) -> Result<SocketAddr, String> {
    let addr = match listen {
        None if key.is_none() => SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_PORT)),
        None => SocketAddr::from((Ipv4Addr::UNSPECIFIED, DEFAULT_PORT)),
        Some(text) => text
            .parse::<SocketAddr>()
            .or_else(|_| {
                text.parse::<IpAddr>()
                    .map(|ip| SocketAddr::new(ip, DEFAULT_PORT))
            })
            .map_err(|_| {
                format!("--listen {text}: not ADDR or ADDR:PORT (e.g. 0.0.0.0:{DEFAULT_PORT})")
            })?,
    };
    if key.is_none() && !addr.ip().is_loopback() {
        return Err(format!(
            "--listen {addr}: without a key serve listens on loopback only (anyone who reaches the port could run cells here); give --key-file FILE or set {}",
            auth::KEY_ENV
        ));
    }
    Ok(addr)
}

/// A cell waiting for its data connections.
pub(super) struct Pending {
    pub token: [u8; NONCE_LEN],
    pub connections: Sender<(u32, TcpStream)>,
}

/// What every connection's thread shares.
pub(super) struct Shared {
    pub key: Key,
    pub limits: Limits,
    pub meter: MeterChoice,
    /// The controller being served (taken once it has proved it holds the key, so a
    /// peer without it cannot keep others out).
    pub busy: Mutex<Option<SocketAddr>>,
    /// The listening socket (a duplicate): each cell sets its congestion control on it
    /// before its data connections arrive, so they are born with it.
    pub listener: TcpListener,
    pub pending: Mutex<Option<Pending>>,
    unclassified: AtomicUsize,
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
                unclassified: AtomicUsize::new(0),
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
        for conn in self.listener.incoming() {
            let Ok(stream) = conn else { continue };
            let Ok(peer) = stream.peer_addr() else {
                continue;
            };
            let shared = Arc::clone(&self.shared);
            if shared.unclassified.fetch_add(1, SeqCst) >= MAX_UNCLASSIFIED {
                shared.unclassified.fetch_sub(1, SeqCst);
                log(&format!(
                    "closed {peer} unread: {MAX_UNCLASSIFIED} connections are being read already"
                ));
                continue;
            }
            let spawned = std::thread::Builder::new()
                .name("nio-serve".into())
                .spawn(move || classify(shared, stream, peer));
            if let Err(e) = spawned {
                self.shared.unclassified.fetch_sub(1, SeqCst);
                log(&format!("could not start a thread for {peer}: {e}"));
            }
        }
        Ok(())
    }
}

/// One line on stderr.
pub(super) fn log(line: &str) {
    eprintln!("serve: {line}");
}

/// Reads a connection's first frame and hands it on, or drops it.
fn classify(shared: Arc<Shared>, mut stream: TcpStream, peer: SocketAddr) {
    let first = frame::read_frame(&mut stream, MAX_FRAME, Instant::now() + HANDSHAKE);
    shared.unclassified.fetch_sub(1, SeqCst);
    let message = match first
        .map_err(|e| e.to_string())
        .and_then(|b| Message::parse(&b).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => return log(&format!("dropped {peer}: {e}")),
    };
    match message {
        Message::Hello { version, nonce } => session::run(&shared, stream, peer, version, &nonce),
        Message::Data { token, index } => {
            let given = auth::unhex(&token, NONCE_LEN).unwrap_or_default();
            let Ok(pending) = shared.pending.lock() else {
                return;
            };
            match pending.as_ref() {
                Some(p) if auth::same(&given, &p.token) => {
                    let _ = p.connections.send((index, stream));
                }
                _ => log(&format!(
                    "dropped a data connection from {peer}: its token is not the waiting cell's"
                )),
            }
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
    fn without_a_key_only_loopback_is_served() {
        let none = Key::none();
        let key = Key::from_text(b"0123456789abcdef").expect("key");
        assert_eq!(
            listen_address(None, &none).expect("default").ip(),
            IpAddr::from([127, 0, 0, 1])
        );
        assert!(
            listen_address(None, &key)
                .expect("default")
                .ip()
                .is_unspecified()
        );
        let e = listen_address(Some("0.0.0.0:9"), &none).expect_err("no key");
        assert!(e.contains("loopback only"), "{e}");
        assert_eq!(
            listen_address(Some("127.0.0.1"), &none).expect("ip").port(),
            DEFAULT_PORT
        );
        assert!(listen_address(Some("nonsense"), &key).is_err());
    }
}
