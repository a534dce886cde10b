//! The pre-shared key and the mutual challenge-response of the control channel. Each
//! side sends a fresh random nonce; each proves it holds the key with
//! HMAC-SHA256(key, role ‖ the other's nonce ‖ its own nonce), the server first. The
//! role label keeps one side's proof from being replayed as the other's; fresh nonces
//! keep an old proof from being replayed at all. The key never crosses the wire.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};

type HmacSha256 = Hmac<sha2::Sha256>;

/// The environment variable a key can come from instead of a file.
pub const KEY_ENV: &str = "NETIO_KEY";
/// The shortest key accepted, bytes.
pub const MIN_KEY: usize = 16;
/// Bytes of a nonce and of a data connection's token.
pub const NONCE_LEN: usize = 32;
/// The longest key file read, bytes.
const MAX_KEY_FILE: u64 = 4096;

/// Why a key could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("--key-file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("{KEY_ENV}: {0}")]
    Env(String),
}

/// A pre-shared key (possibly none: an unauthenticated server listens on loopback only).
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({} bytes)", self.0.len())
    }
}

impl Key {
    /// No key.
    pub fn none() -> Key {
        Key(Vec::new())
    }

    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }

    /// The key `--key-file` names, else [`KEY_ENV`], else none.
    pub fn choose(file: Option<&Path>) -> Result<Key, KeyError> {
        match file {
            Some(p) => Key::from_file(p),
            None => match std::env::var_os(KEY_ENV) {
                Some(v) => Key::from_text(v.as_encoded_bytes()).map_err(KeyError::Env),
                None => Ok(Key::none()),
            },
        }
    }

    /// A key file: a regular file nobody but its owner may read or write, whose
    /// content (without a final newline) is at least [`MIN_KEY`] bytes.
    pub fn from_file(path: &Path) -> Result<Key, KeyError> {
        let fail = |reason: String| KeyError::File {
            path: path.display().to_string(),
            reason,
        };
        let meta = fs::metadata(path).map_err(|e| fail(e.to_string()))?;
        if !meta.is_file() {
            return Err(fail("not a regular file".into()));
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(fail(format!(
                "readable or writable by group or others (mode {mode:03o}); run: chmod 600 {}",
                path.display()
            )));
        }
        if meta.size() > MAX_KEY_FILE {
            return Err(fail(format!("longer than {MAX_KEY_FILE} bytes")));
        }
        let mut text = Vec::new();
        fs::File::open(path)
            .and_then(|f| f.take(MAX_KEY_FILE).read_to_end(&mut text))
            .map_err(|e| fail(e.to_string()))?;
        Key::from_text(&text).map_err(fail)
    }

    /// A key from its text, one final newline dropped.
    pub fn from_text(text: &[u8]) -> Result<Key, String> {
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.len() < MIN_KEY {
            return Err(format!(
                "the key is {} bytes; it must be at least {MIN_KEY} (make one with: head -c 32 /dev/urandom | base64 > netio.key)",
                text.len()
            ));
        }
        Ok(Key(text.to_vec()))
    }

    /// The proof that the holder of this key plays `role` in the exchange of nonces
    /// `theirs` and `ours`.
    pub fn proof(&self, role: &str, theirs: &[u8], ours: &[u8]) -> Vec<u8> {
        self.mac(role, theirs, ours)
            .finalize()
            .into_bytes()
            .to_vec()
    }

    /// Whether `proof` is [`Key::proof`] of the same inputs (compared in constant time).
    pub fn verify(&self, role: &str, theirs: &[u8], ours: &[u8], proof: &[u8]) -> bool {
        self.mac(role, theirs, ours).verify_slice(proof).is_ok()
    }

    fn mac(&self, role: &str, theirs: &[u8], ours: &[u8]) -> HmacSha256 {
        // HMAC takes a key of any length, the empty one included.
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(role.as_bytes());
        mac.update(&[0]);
        mac.update(theirs);
        mac.update(ours);
        mac
    }
}

/// Fresh random bytes from the kernel (nonces, tokens).
pub fn random_bytes() -> std::io::Result<[u8; NONCE_LEN]> {
    let mut out = [0u8; NONCE_LEN];
    getrandom::fill(&mut out).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(out)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex of at most `max` bytes; `None` for anything else.
pub fn unhex(text: &str, max: usize) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || text.len() > 2 * max {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Equal byte strings, compared without stopping at the first difference.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs_bind_the_key_the_role_and_both_nonces() {
        let key = Key::from_text(b"0123456789abcdef\n").expect("16 bytes");
        let other = Key::from_text(b"0123456789abcdeX").expect("16 bytes");
        let p = key.proof("server", b"client-nonce", b"server-nonce");
        assert!(key.verify("server", b"client-nonce", b"server-nonce", &p));
        assert!(!other.verify("server", b"client-nonce", b"server-nonce", &p));
        assert!(!key.verify("client", b"client-nonce", b"server-nonce", &p));
        assert!(!key.verify("server", b"client-nonce", b"other-nonce", &p));
        assert!(!Key::none().verify("server", b"client-nonce", b"server-nonce", &p));
        assert!(!key.verify("server", b"client-nonce", b"server-nonce", &p[..31]));
    }

    #[test]
    fn short_keys_and_loose_files_are_refused() {
        assert!(Key::from_text(b"short\n").is_err());
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k");
        fs::write(&path, "0123456789abcdef0123\n").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        let e = Key::from_file(&path).expect_err("group-readable");
        assert!(e.to_string().contains("chmod 600"), "{e}");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(
            Key::from_file(&path).expect("private"),
            Key::from_text(b"0123456789abcdef0123").expect("key")
        );
        assert!(Key::from_file(dir.path()).is_err(), "a directory");
    }

    #[test]
    fn hex_round_trips_and_refuses_junk() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(unhex(&hex(&b), 4), Some(b.to_vec()));
        assert_eq!(unhex("abc", 4), None);
        assert_eq!(unhex("zz", 4), None);
        assert_eq!(unhex("é1", 4), None);
        assert_eq!(unhex(&hex(&[0; 5]), 4), None);
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
