//! The controller's side (`--remote HOST[:PORT]`): connects and authenticates, then
//! for each cell asks the server to run the far half, opens the cell's data
//! connections with the server's token, and brings back the far readings: the engine's
//! [`Peer`]. A control connection the server closed while idle is opened again before
//! the next cell; one lost inside a cell ends the run with one error.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

mod handshake;

use super::auth::{self, Key, NONCE_LEN};
use super::channel::{Channel, ChannelError};
use super::facts::HostFacts;
use super::frame::{self, FrameError};
use super::peer_text::clean;
use super::protocol::Message;
use super::spec::{CellSpec, Limits};
use super::{DEFAULT_PORT, RemoteError};
use netio_core::engine::{
    CellConfig, CellPlan, EngineError, FarCounting, FarEnd, FarReading, HalfRole, Peer,
    READY_PATIENCE,
};

/// How long the handshake's each step may take.
pub const HANDSHAKE: Duration = Duration::from_secs(5);
/// How long the server may take to set a cell up (its workers' own patience, and more).
const SETUP: Duration = Duration::from_secs(READY_PATIENCE.as_secs() + 10);
/// How late a tick may be (they come once a second).
const TICK: Duration = Duration::from_secs(10);
/// How long the far workers may take to end (zero-copy completions, joins).
const DONE: Duration = Duration::from_secs(30);

/// The controller's end of a session with `netio-tui serve`.
pub struct Controller {
    addr: SocketAddr,
    shown: String,
    key: Key,
    reverse: bool,
    control: Option<Channel>,
    /// What the server said about itself when it welcomed us.
    pub facts: HostFacts,
    pub limits: Limits,
}

impl Controller {
    /// Connects to `target` (`HOST` or `HOST:PORT`) and authenticates with `key`.
    pub fn connect(target: &str, key: Key, reverse: bool) -> Result<Controller, RemoteError> {
        let addr = resolve(target)?;
        let mut c = Controller {
            addr,
            shown: target.to_string(),
            key,
            reverse,
            control: None,
            facts: HostFacts::default(),
            limits: Limits::default(),
        };
        c.handshake()?;
        Ok(c)
    }

    /// The server's address as connected to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// This host's address on the control connection (its interface faces the server).
    pub fn local_ip(&self) -> Option<std::net::IpAddr> {
        self.control
            .as_ref()?
            .stream()
            .local_addr()
            .ok()
            .map(|a| a.ip())
    }

    /// The control connection, opened again if the server closed it while idle.
    fn control(&mut self) -> Result<&mut Channel, EngineError> {
        if self
            .control
            .as_ref()
            .is_some_and(|c| !idle_and_open(c.stream()))
        {
            self.control = None;
        }
        if self.control.is_none() {
            self.handshake()
                .map_err(|e| EngineError::PeerLost(e.to_string()))?;
        }
        self.control
            .as_mut()
            .ok_or_else(|| EngineError::PeerLost("no control connection".into()))
    }

    fn tell(&mut self, m: &Message) -> Result<(), EngineError> {
        let ch = self
            .control
            .as_mut()
            .ok_or_else(|| EngineError::PeerLost("no control connection".into()))?;
        if let Err(e) = ch.send(m) {
            self.control = None;
            return Err(EngineError::PeerLost(format!("sending to it: {e}")));
        }
        Ok(())
    }

    fn hear(&mut self, patience: Duration) -> Result<Message, EngineError> {
        let Some(ch) = self.control.as_mut() else {
            return Err(EngineError::PeerLost("no control connection".into()));
        };
        let heard = ch.read(patience).map_err(|e| match e {
            ChannelError::Frame(FrameError::Closed) => {
                "it closed the control connection (was it stopped?)".to_string()
            }
            ChannelError::Frame(FrameError::TimedOut(t)) => format!("no answer within {t:?}"),
            other => clean(&other.to_string()),
        });
        match heard {
            Ok(Message::Failed { reason }) => Err(EngineError::Peer(clean(&reason))),
            Ok(m) => Ok(m),
            Err(reason) => {
                self.control = None;
                Err(EngineError::PeerLost(reason))
            }
        }
    }

    fn reading(&mut self) -> Result<FarReading, EngineError> {
        match self.hear(TICK)? {
            Message::Tick { reading } => {
                if let Some(ch) = self.control.as_mut() {
                    let _ = ch.send(&Message::Ack);
                }
                Ok(*reading)
            }
            other => Err(self.unexpected(other)),
        }
    }

    fn unexpected(&mut self, m: Message) -> EngineError {
        self.control = None;
        EngineError::PeerLost(format!("it sent {} out of turn", m.kind()))
    }
}

impl Peer for Controller {
    fn far_role(&self) -> HalfRole {
        if self.reverse {
            HalfRole::Senders
        } else {
            HalfRole::Receivers
        }
    }

    fn open(
        &mut self,
        plan: &CellPlan,
        config: &CellConfig,
    ) -> Result<(Vec<TcpStream>, FarCounting), EngineError> {
        let spec = CellSpec::of(plan, config, self.far_role());
        self.control()?;
        self.tell(&Message::Cell {
            spec: Box::new(spec),
        })?;
        let nonce = match self.hear(SETUP)? {
            Message::Token { token } => auth::unhex(&token, NONCE_LEN).unwrap_or_default(),
            other => return Err(self.unexpected(other)),
        };
        let seal = match self.control.as_ref() {
            Some(ch) => ch.seal().clone(),
            None => return Err(EngineError::PeerLost("no control connection".into())),
        };
        let mut sockets = Vec::with_capacity(plan.cell.threads);
        for index in 0..plan.cell.threads {
            // Proof of the session's key for this cell and index: no token in clear.
            let hello = Message::Data {
                token: auth::hex(&seal.data_proof(&nonce, index as u32)),
                index: index as u32,
            };
            let opened =
                netio_core::net::connect_end(self.addr, &plan.socket, !self.reverse, HANDSHAKE)
                    .and_then(|mut s| send(&mut s, &hello).map(|()| s));
            match opened {
                Ok(s) => sockets.push(s),
                Err(e) => {
                    // The server still waits for this cell's connections: the session
                    // is given up (the next cell opens a new one) rather than left
                    // out of step.
                    self.control = None;
                    return Err(EngineError::PeerLost(format!(
                        "opening data connection {index}: {e}"
                    )));
                }
            }
        }
        match self.hear(SETUP)? {
            Message::Ready { counting } => Ok((sockets, counting)),
            other => Err(self.unexpected(other)),
        }
    }

    fn go(&mut self) -> Result<FarReading, EngineError> {
        self.tell(&Message::Go)?;
        self.reading()
    }

    fn tick(&mut self) -> Result<FarReading, EngineError> {
        self.reading()
    }

    fn stop(&mut self) {
        let _ = self.tell(&Message::Stop);
    }

    fn finish(&mut self) -> Result<FarEnd, EngineError> {
        let deadline = Instant::now() + DONE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.hear(left.max(Duration::from_millis(1)))? {
                Message::Done { mut end } => {
                    // CPUs this host does not have are not believed.
                    let cpus = self.facts.cpus as usize;
                    if end.cpus.iter().any(|&c| c >= cpus) {
                        return Err(EngineError::Peer(format!(
                            "it reported CPUs up to {} on a host it said has {cpus}",
                            end.cpus.iter().max().copied().unwrap_or(0)
                        )));
                    }
                    end.cpus.dedup();
                    return Ok(*end);
                }
                // Readings the far side sent before it heard a stop.
                Message::Tick { .. } => {}
                other => return Err(self.unexpected(other)),
            }
        }
    }
}

impl Drop for Controller {
    /// Says bye and waits (briefly) for the server to close: then the server is free
    /// for the next controller.
    fn drop(&mut self) {
        if let Some(ch) = self.control.as_mut()
            && ch.send(&Message::Bye).is_ok()
        {
            let _ = ch.read(Duration::from_secs(2));
        }
    }
}

fn send(s: &mut TcpStream, m: &Message) -> std::io::Result<()> {
    frame::write_frame(s, &m.to_bytes())
}

/// `HOST` or `HOST:PORT` (`[v6]:PORT`), the first address it resolves to.
fn resolve(target: &str) -> Result<SocketAddr, RemoteError> {
    let fail = |reason: String| RemoteError::Connect {
        addr: target.to_string(),
        reason,
    };
    let with_port = if target.parse::<SocketAddr>().is_ok()
        || target
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.contains(':') && p.parse::<u16>().is_ok())
    {
        target.to_string()
    } else if target.contains(':') && !target.starts_with('[') {
        format!("[{target}]:{DEFAULT_PORT}")
    } else {
        format!("{target}:{DEFAULT_PORT}")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| fail(e.to_string()))?
        .next()
        .ok_or_else(|| fail("resolves to no address".into()))
}

/// An idle control connection is still open and has nothing unread.
fn idle_and_open(s: &TcpStream) -> bool {
    let mut byte = [0u8; 1];
    if s.set_nonblocking(true).is_err() {
        return false;
    }
    let open = matches!(s.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    let _ = s.set_nonblocking(false);
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_get_the_default_port() {
        let a = resolve("127.0.0.1").expect("an address");
        assert_eq!(a.port(), DEFAULT_PORT);
        assert_eq!(resolve("127.0.0.1:9").expect("an address").port(), 9);
        assert_eq!(resolve("::1").expect("v6").port(), DEFAULT_PORT);
        assert_eq!(resolve("[::1]:7").expect("v6").port(), 7);
        assert!(resolve("no such host.invalid").is_err());
    }
}
