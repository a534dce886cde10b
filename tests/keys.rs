//! Keys people cannot get wrong, through the real binary: `keygen` writes one (mode
//! 600, never over a file); `serve` refuses to start without one, with a weak one, a
//! linked one or another user's; `--remote` without one says so before connecting.
//! Every refusal is one line and exit 2.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn netio(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netio-tui"))
        .args(args)
        .env_remove("NETIO_KEY")
        .output()
        .expect("ran")
}

fn refused(out: &Output, says: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(says), "should say {says:?}: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

fn serve_with(key: &Path) -> Output {
    let k = key.to_str().expect("utf-8");
    netio(&["serve", "--listen", "127.0.0.1:0", "--key-file", k])
}

#[test]
fn keygen_writes_a_private_key_once_and_serve_refuses_anything_less() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("netio.key");
    let k = key.to_str().expect("utf-8");
    let out = netio(&["keygen", k]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::metadata(&key).expect("written");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&key).expect("text");
    assert_eq!(text.len(), 65, "64 hex digits and a newline");
    assert!(text.trim_end().chars().all(|c| c.is_ascii_hexdigit()));
    refused(&netio(&["keygen", k]), "already exists");
    assert_eq!(
        std::fs::read_to_string(&key).expect("kept"),
        text,
        "not overwritten"
    );

    refused(
        &netio(&["serve", "--listen", "127.0.0.1:0"]),
        "serve needs a key",
    );
    for (name, content) in [
        ("passphrase", "Summer2024Summer!\n"),
        ("spaces", "                \n"),
        ("repeated", &"ab".repeat(32)),
    ] {
        let weak = dir.path().join(name);
        std::fs::write(&weak, content).expect("written");
        std::fs::set_permissions(&weak, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        refused(&serve_with(&weak), "netio-tui keygen");
    }
    let link = dir.path().join("link.key");
    std::os::unix::fs::symlink(&key, &link).expect("symlink");
    refused(&serve_with(&link), "symbolic link");
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let theirs = dir.path().join("theirs.key");
        std::fs::copy(&key, &theirs).expect("copied");
        std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        std::os::unix::fs::chown(&theirs, Some(65534), None).expect("chown");
        refused(&serve_with(&theirs), "owned by user 65534");
    }
    refused(
        &netio(&["--remote", "127.0.0.1:9", "--record", "/tmp/never.csv"]),
        "no key given (--key-file FILE or NETIO_KEY",
    );
    assert!(!Path::new("/tmp/never.csv").exists());
}
