//! The control connection once both sides have proved they hold the key: every
//! message sealed with the session's key and the next sequence number on the way out,
//! checked on the way in ([`super::sealed`]). A frame that fails its check ends the
//! session with a message that says so.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::frame::{self, FrameError, MAX_FRAME};
use super::protocol::{Message, ParseError};
use super::sealed::{SealError, Sealed};

/// Why no message came.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// A control connection and its session's seal.
#[derive(Debug)]
pub struct Channel {
    stream: TcpStream,
    seal: Sealed,
}

impl Channel {
    pub fn new(stream: TcpStream, seal: Sealed) -> Channel {
        Channel { stream, seal }
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// The session's seal (for the data connections' proofs).
    pub fn seal(&self) -> &Sealed {
        &self.seal
    }

    /// Sends `m`, sealed.
    pub fn send(&mut self, m: &Message) -> std::io::Result<()> {
        let sealed = self.seal.seal(&m.to_bytes());
        frame::write_frame(&mut self.stream, &sealed)
    }

    /// The next message, whole within `patience`, if its seal holds.
    pub fn read(&mut self, patience: Duration) -> Result<Message, ChannelError> {
        let bytes = frame::read_frame(&mut self.stream, MAX_FRAME, Instant::now() + patience)?;
        self.open(&bytes)
    }

    /// The message in a frame already read, if its seal holds.
    pub fn open(&mut self, bytes: &[u8]) -> Result<Message, ChannelError> {
        Ok(Message::parse(self.seal.open(bytes)?)?)
    }
}
