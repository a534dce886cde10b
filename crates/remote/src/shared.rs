//! What every connection's thread of `serve` shares: the key, the limits, who is being
//! served, the cell waiting for its data connections, and the log line. Below the
//! server (which accepts and classifies), the session (which runs cells) and the far
//! half's link, so none of them imports another sideways.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Mutex;

use crossbeam_channel::Sender;

use super::admission::Admission;
use super::auth::Key;
use super::spec::Limits;
use netio_core::copymeter::MeterChoice;

/// A cell waiting for its data connections.
pub(crate) struct Pending {
    /// What data connection `i` must present: the session's proof for the cell's
    /// nonce and `i` ([`super::sealed::Sealed::data_proof`]).
    pub proofs: Vec<[u8; 32]>,
    pub connections: Sender<Offered>,
}

/// A data connection offered to the waiting cell. One the cell does not take (a
/// second for an index, one past a full cell, one left when the cell stopped waiting)
/// says so in the log when it is dropped, wherever that happens.
pub(crate) struct Offered {
    pub index: u32,
    pub(crate) stream: Option<TcpStream>,
    pub(crate) peer: SocketAddr,
}

impl Offered {
    /// The connection, taken by the cell.
    pub fn take(mut self) -> Option<TcpStream> {
        self.stream.take()
    }
}

impl Drop for Offered {
    fn drop(&mut self) {
        if self.stream.is_some() {
            log(&format!(
                "dropped a data connection from {}: the cell has all it asked for",
                self.peer
            ));
        }
    }
}

/// What every connection's thread shares.
pub(crate) struct Shared {
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
    /// Who may wait at the door ([`super::admission`]).
    pub admission: Admission,
}

/// One line on stderr.
pub(crate) fn log(line: &str) {
    eprintln!("serve: {line}");
}
