//! The control channel's messages: one JSON object per frame, tagged by `type`. Parsing
//! is the only thing done with a peer's bytes before it has proved it holds the key,
//! and it never panics (fuzzed in `tests/remote_fuzz.rs`).

use serde::{Deserialize, Serialize};

use super::facts::HostFacts;
use super::frame::{FrameError, MAX_FRAME, announced};
use super::spec::{CellSpec, Limits};
use netio_core::engine::{FarCounting, FarEnd, FarReading};

/// The protocol's version: a hello with another is refused, both versions named (2:
/// every frame after the proofs sealed, data connections prove the session key).
pub const VERSION: u32 = 2;

/// Every message of the control channel (and the first frame of a data connection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// Controller → server: its protocol version and nonce (hex).
    Hello { version: u32, nonce: String },
    /// Server → controller: its version and nonce, and its proof over both nonces.
    Challenge {
        version: u32,
        nonce: String,
        proof: String,
    },
    /// Controller → server: its proof over both nonces.
    Proof { proof: String },
    /// Server → controller: authenticated; what the server is and allows.
    Welcome { facts: HostFacts, limits: Limits },
    /// Either way: no (a version mismatch, a wrong key, busy); the connection closes.
    Refused { reason: String },
    /// Controller → server: run the far half of this cell.
    Cell { spec: Box<CellSpec> },
    /// Server → controller: open the cell's data connections with this token.
    Token { token: String },
    /// The first frame of a data connection: the cell's token and the pair's index.
    Data { token: String, index: u32 },
    /// Server → controller: the far workers are ready; how they count.
    Ready { counting: FarCounting },
    /// Controller → server: start.
    Go,
    /// Server → controller: the far side's reading at the next tick.
    Tick { reading: Box<FarReading> },
    /// Controller → server: a tick arrived (the server's sign, mid-cell, that the
    /// controller and the path to it are still there).
    Ack,
    /// Controller → server: stop the cell (after its last tick, or early).
    Stop,
    /// Server → controller: the far workers have ended; their totals.
    Done { end: Box<FarEnd> },
    /// Server → controller: this cell could not run (the session goes on).
    Failed { reason: String },
    /// Controller → server: the session is over.
    Bye,
}

/// Why bytes from a peer are not a message.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// serde's words, cleaned and capped ([`super::peer_text`]): they quote the
    /// peer's bytes.
    #[error("not a message: {0}")]
    Json(String),
}

impl From<serde_json::Error> for ParseError {
    fn from(e: serde_json::Error) -> ParseError {
        ParseError::Json(super::peer_text::clean(&e.to_string()))
    }
}

impl Message {
    /// The message in `payload` (one frame's content).
    pub fn parse(payload: &[u8]) -> Result<Message, ParseError> {
        Ok(serde_json::from_slice(payload)?)
    }

    /// Its type's name, as on the wire (for logs and errors: never the content).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Hello { .. } => "hello",
            Message::Challenge { .. } => "challenge",
            Message::Proof { .. } => "proof",
            Message::Welcome { .. } => "welcome",
            Message::Refused { .. } => "refused",
            Message::Cell { .. } => "cell",
            Message::Token { .. } => "token",
            Message::Data { .. } => "data",
            Message::Ready { .. } => "ready",
            Message::Go => "go",
            Message::Tick { .. } => "tick",
            Message::Ack => "ack",
            Message::Stop => "stop",
            Message::Done { .. } => "done",
            Message::Failed { .. } => "failed",
            Message::Bye => "bye",
        }
    }

    /// Its frame content.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing plain data to a Vec cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Every whole frame at the start of `bytes`, parsed in turn, as a reader would:
    /// what the fuzz test feeds arbitrary bytes through. Stops at the first error or
    /// at an incomplete frame.
    pub fn parse_stream(mut bytes: &[u8]) -> Vec<Result<Message, ParseError>> {
        let mut out = Vec::new();
        while bytes.len() >= 4 {
            let header = [bytes[0], bytes[1], bytes[2], bytes[3]];
            let len = match announced(header, MAX_FRAME) {
                Ok(n) => n,
                Err(e) => {
                    out.push(Err(e.into()));
                    break;
                }
            };
            let Some(payload) = bytes.get(4..4 + len) else {
                break;
            };
            let m = Message::parse(payload);
            let stop = m.is_err();
            out.push(m);
            if stop {
                break;
            }
            bytes = &bytes[4 + len..];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_frames() {
        let all = vec![
            Message::Hello {
                version: VERSION,
                nonce: "ab".into(),
            },
            Message::Go,
            Message::Tick {
                reading: Box::default(),
            },
            Message::Done {
                end: Box::default(),
            },
            Message::Refused {
                reason: "busy".into(),
            },
        ];
        let mut stream = Vec::new();
        for m in &all {
            stream.extend(super::super::frame::encode(&m.to_bytes()).expect("small"));
        }
        let back: Vec<Message> = Message::parse_stream(&stream)
            .into_iter()
            .map(|m| m.expect("parses"))
            .collect();
        assert_eq!(back, all);
        // The names logs use are the wire's tags.
        for m in &all {
            let tag = serde_json::to_value(m).expect("json")["type"].clone();
            assert_eq!(tag, m.kind());
        }
    }

    #[test]
    fn junk_is_an_error_not_a_panic() {
        assert!(Message::parse(b"").is_err());
        assert!(Message::parse(b"{\"type\":\"go\"").is_err());
        assert!(Message::parse(b"{\"type\":\"launch_missiles\"}").is_err());
        assert!(Message::parse(br#"{"type":"hello","version":-1,"nonce":""}"#).is_err());
        let huge = [0xff, 0xff, 0xff, 0xff, b'{'];
        assert!(matches!(
            Message::parse_stream(&huge).as_slice(),
            [Err(ParseError::Frame(FrameError::TooLong { .. }))]
        ));
    }
}
