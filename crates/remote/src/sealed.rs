//! Integrity after the handshake. Both sides derive a session key from the pre-shared
//! key and both nonces, HMAC-SHA256(key, "session" ‖ 0 ‖ client nonce ‖ server nonce),
//! and every control frame after the proofs carries a tag: HMAC-SHA256(session key,
//! direction ‖ sequence number ‖ payload), appended to the payload. A frame altered,
//! replayed, reordered, dropped or sent the other way fails its tag, and the session
//! ends with a message that says so. A cell's data connections prove the session key
//! the same way, for their cell's nonce and their index, instead of presenting a token
//! in clear. Nothing is encrypted: whoever is on the path reads every figure; nobody
//! without the key can change one unseen.

use hmac::{Hmac, KeyInit, Mac};

use super::auth::Key;

type HmacSha256 = Hmac<sha2::Sha256>;

/// Bytes of a frame's tag.
pub const TAG_LEN: usize = 32;

/// Which end this is: the directions are tagged apart, so a frame cannot be reflected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Controller,
    Server,
}

/// Why a frame was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("a frame without its integrity tag")]
    Short,
    #[error(
        "frame {0} failed its integrity check: altered, replayed or reordered on the way (is something between the two hosts?)"
    )]
    Altered(u64),
}

/// One session's keys and sequence numbers.
#[derive(Clone)]
pub struct Sealed {
    key: [u8; 32],
    end: End,
    sent: u64,
    received: u64,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Sealed({:?}, sent {}, received {})",
            self.end, self.sent, self.received
        )
    }
}

fn mac(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"))
}

impl Sealed {
    /// The session of `key` whose handshake exchanged these nonces, at `end`.
    pub fn new(key: &Key, controller_nonce: &[u8], server_nonce: &[u8], end: End) -> Sealed {
        let mut m = mac(key.bytes());
        m.update(b"session\0");
        m.update(controller_nonce);
        m.update(server_nonce);
        Sealed {
            key: m.finalize().into_bytes().into(),
            end,
            sent: 0,
            received: 0,
        }
    }

    fn tag(&self, from: End, seq: u64, payload: &[u8]) -> HmacSha256 {
        let mut m = mac(&self.key);
        m.update(match from {
            End::Controller => b"controller\0",
            End::Server => b"server\0\0\0\0\0",
        });
        m.update(&seq.to_be_bytes());
        m.update(payload);
        m
    }

    /// `payload` with its tag, the next in this end's sequence.
    pub fn seal(&mut self, payload: &[u8]) -> Vec<u8> {
        let tag = self
            .tag(self.end, self.sent, payload)
            .finalize()
            .into_bytes();
        self.sent += 1;
        let mut out = Vec::with_capacity(payload.len() + TAG_LEN);
        out.extend_from_slice(payload);
        out.extend_from_slice(&tag);
        out
    }

    /// The payload of `frame`, if its tag is the next one the other end would send.
    pub fn open<'f>(&mut self, frame: &'f [u8]) -> Result<&'f [u8], SealError> {
        let at = frame.len().checked_sub(TAG_LEN).ok_or(SealError::Short)?;
        let (payload, tag) = frame.split_at(at);
        let other = match self.end {
            End::Controller => End::Server,
            End::Server => End::Controller,
        };
        self.tag(other, self.received, payload)
            .verify_slice(tag)
            .map_err(|_| SealError::Altered(self.received))?;
        self.received += 1;
        Ok(payload)
    }

    /// What data connection `index` of the cell whose nonce is `cell` presents: proof
    /// of the session key, good for that cell and index only.
    pub fn data_proof(&self, cell: &[u8], index: u32) -> [u8; 32] {
        let mut m = mac(&self.key);
        m.update(b"data\0");
        m.update(cell);
        m.update(&index.to_be_bytes());
        m.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (Sealed, Sealed) {
        let key = Key::generate().expect("a key");
        (
            Sealed::new(&key, b"c-nonce", b"s-nonce", End::Controller),
            Sealed::new(&key, b"c-nonce", b"s-nonce", End::Server),
        )
    }

    #[test]
    fn frames_pass_in_order_and_nothing_else_does() {
        let (mut c, mut s) = pair();
        let one = c.seal(b"cell");
        let two = c.seal(b"go");
        assert_eq!(s.open(&one), Ok(&b"cell"[..]));
        // Replayed, then reordered past.
        assert_eq!(s.clone().open(&one), Err(SealError::Altered(1)));
        let mut altered = two.clone();
        altered[0] ^= 1;
        assert_eq!(s.clone().open(&altered), Err(SealError::Altered(1)));
        assert_eq!(s.open(&two), Ok(&b"go"[..]));
        // Reflected back to its sender.
        let back = s.seal(b"tick");
        assert!(
            s.clone().open(&back).is_err(),
            "a server's frame is not the controller's"
        );
        assert_eq!(c.open(&back), Ok(&b"tick"[..]));
        assert_eq!(c.open(b"short"), Err(SealError::Short));
    }

    #[test]
    fn another_key_or_nonce_is_another_session() {
        let (mut c, _) = pair();
        let other = Key::generate().expect("a key");
        let mut s = Sealed::new(&other, b"c-nonce", b"s-nonce", End::Server);
        assert!(s.open(&c.seal(b"cell")).is_err());
        let (c, s) = pair();
        assert_eq!(c.data_proof(b"cell-1", 0), s.data_proof(b"cell-1", 0));
        assert_ne!(c.data_proof(b"cell-1", 0), s.data_proof(b"cell-1", 1));
        assert_ne!(c.data_proof(b"cell-1", 0), s.data_proof(b"cell-2", 0));
    }
}
