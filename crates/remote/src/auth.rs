//! The pre-shared key and the mutual challenge-response of the control channel. Each
//! side sends a fresh random nonce; each proves it holds the key with
//! HMAC-SHA256(key, role ‖ the other's nonce ‖ its own nonce), the server first. The
//! role label keeps one side's proof from being replayed as the other's; fresh nonces
//! keep an old proof from being replayed at all. The key never crosses the wire.
//!
//! A key is 32 random bytes, written as 64 hex digits by `netio-tui keygen`: nothing
//! weaker is accepted (a passphrase could be guessed offline from one exchange, since
//! the server proves first to whoever says hello; 256 random bits cannot). The server
//! still proves first: with such a key its proof gives nothing away, and a controller
//! then never proves itself to a server that has not shown it holds the key.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};

type HmacSha256 = Hmac<sha2::Sha256>;

/// The environment variable a key can come from instead of a file.
pub const KEY_ENV: &str = "NETIO_KEY";
/// Bytes of a key (`keygen` writes them as twice as many hex digits).
pub const KEY_LEN: usize = 32;
/// Fewer distinct byte values than this and a key is not random (32 random bytes have
/// fewer with a chance below 10^-20): `00…`, `abab…`.
const MIN_DISTINCT: usize = 12;
/// What to do about a key that is not one.
pub const KEYGEN_HINT: &str = "make one with: netio-tui keygen FILE";
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
    /// Neither a file nor the variable: both ends always need a key.
    #[error("no key given (--key-file FILE or {KEY_ENV}; {KEYGEN_HINT})")]
    Missing,
}

/// A pre-shared key: 32 random bytes, always (both `serve` and `--remote` need one).
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({} bytes)", self.0.len())
    }
}

impl Key {
    /// The key `--key-file` names, else [`KEY_ENV`]; [`KeyError::Missing`] without
    /// either.
    pub fn choose(file: Option<&Path>) -> Result<Key, KeyError> {
        match file {
            Some(p) => Key::from_file(p),
            None => match std::env::var_os(KEY_ENV) {
                Some(v) => Key::from_text(v.as_encoded_bytes()).map_err(KeyError::Env),
                None => Err(KeyError::Missing),
            },
        }
    }

    /// A key file: opened without following a symbolic link, then checked on the open
    /// descriptor (so it cannot be swapped between the check and the read): a regular
    /// file owned by this user that nobody else may read or write, holding a key.
    pub fn from_file(path: &Path) -> Result<Key, KeyError> {
        let fail = |reason: String| KeyError::File {
            path: path.display().to_string(),
            reason,
        };
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) => fail("a symbolic link; name the key file itself".into()),
                _ => fail(e.to_string()),
            })?;
        let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
        if !meta.is_file() {
            return Err(fail("not a regular file".into()));
        }
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(fail(format!(
                "owned by user {}, not by this user ({me}): another user could have written it",
                meta.uid()
            )));
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
        file.take(MAX_KEY_FILE)
            .read_to_end(&mut text)
            .map_err(|e| fail(e.to_string()))?;
        Key::from_text(&text).map_err(fail)
    }

    /// A key from its text (`keygen`'s: 64 hex digits, one final newline allowed);
    /// anything else, or a key that is not random, is refused with the keygen hint.
    pub fn from_text(text: &[u8]) -> Result<Key, String> {
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let bytes = std::str::from_utf8(text)
            .ok()
            .filter(|t| t.len() == 2 * KEY_LEN)
            .and_then(|t| unhex(t, KEY_LEN))
            .ok_or_else(|| {
                format!(
                    "not a key: a key is {KEY_LEN} random bytes as {} hex digits; {KEYGEN_HINT}",
                    2 * KEY_LEN
                )
            })?;
        let mut seen = [false; 256];
        bytes.iter().for_each(|&b| seen[b as usize] = true);
        if seen.iter().filter(|&&s| s).count() < MIN_DISTINCT {
            return Err(format!(
                "not a random key (too few distinct bytes); {KEYGEN_HINT}"
            ));
        }
        Ok(Key(bytes))
    }

    /// A fresh random key.
    pub fn generate() -> std::io::Result<Key> {
        Ok(Key(random_bytes()?.to_vec()))
    }

    /// The key as `keygen` writes it: 64 hex digits and a newline.
    pub fn text(&self) -> String {
        format!("{}\n", hex(&self.0))
    }

    /// Writes a fresh key to `path`, created with mode 600 (never over an existing
    /// file, never through a symbolic link).
    pub fn write_new(path: &Path) -> std::io::Result<Key> {
        let key = Key::generate()?;
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path)?;
        f.write_all(key.text().as_bytes())?;
        f.sync_all()?;
        Ok(key)
    }

    /// The key's bytes (for deriving the session key).
    pub(super) fn bytes(&self) -> &[u8] {
        &self.0
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
        let key = Key::generate().expect("a key");
        let other = Key::generate().expect("a key");
        let p = key.proof("server", b"client-nonce", b"server-nonce");
        assert!(key.verify("server", b"client-nonce", b"server-nonce", &p));
        assert!(!other.verify("server", b"client-nonce", b"server-nonce", &p));
        assert!(!key.verify("client", b"client-nonce", b"server-nonce", &p));
        assert!(!key.verify("server", b"client-nonce", b"other-nonce", &p));
        assert!(!Key(Vec::new()).verify("server", b"client-nonce", b"server-nonce", &p));
        assert!(!key.verify("server", b"client-nonce", b"server-nonce", &p[..31]));
    }

    #[test]
    fn only_random_keys_in_keygen_format_are_keys() {
        let key = Key::generate().expect("a key");
        assert_eq!(Key::from_text(key.text().as_bytes()), Ok(key.clone()));
        for weak in [
            b"Summer2024Summer!".to_vec(),
            vec![b' '; 16],
            vec![0u8; 16],
            vec![b'a'; 64],
            "ab".repeat(32).into_bytes(),
            "0".repeat(64).into_bytes(),
        ] {
            let e = Key::from_text(&weak).expect_err("weak");
            assert!(e.contains("netio-tui keygen"), "{e}");
        }
    }

    #[test]
    fn loose_linked_and_foreign_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k");
        let key = Key::write_new(&path).expect("keygen");
        let mode = fs::metadata(&path).expect("written").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(
            Key::write_new(&path).is_err(),
            "never over an existing file"
        );
        assert_eq!(Key::from_file(&path).expect("private"), key);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        let e = Key::from_file(&path).expect_err("group-readable");
        assert!(e.to_string().contains("chmod 600"), "{e}");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&path, &link).expect("symlink");
        let e = Key::from_file(&link).expect_err("a link");
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(Key::from_file(dir.path()).is_err(), "a directory");
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            std::os::unix::fs::chown(&path, Some(65534), None).expect("chown");
            let e = Key::from_file(&path).expect_err("another user's");
            assert!(e.to_string().contains("owned by user 65534"), "{e}");
        }
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
