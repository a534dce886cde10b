//! Text from the far host is data: a rogue server (in this test, on loopback) that
//! answers with escape sequences, newlines and spreadsheet formulas, with the key and
//! without it, reaches the controller's terminal cleaned. No root, no namespaces.

use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use netio_remote::auth::{self, Key};
use netio_remote::channel::Channel;
use netio_remote::facts::HostFacts;
use netio_remote::frame;
use netio_remote::protocol::{Message, VERSION};
use netio_remote::sealed::{End, Sealed};
use netio_remote::spec::Limits;

const HOSTILE: &str = "boom\x1b[2J\x1b]0;owned\x07\nserve: a forged line\r";

fn read(s: &mut TcpStream) -> Message {
    let deadline = Instant::now() + Duration::from_secs(10);
    let bytes = frame::read_frame(s, frame::MAX_FRAME, deadline).expect("a frame");
    Message::parse(&bytes).expect("a message")
}

/// Serves one controller: with `key`, the whole handshake, hostile facts, and a
/// hostile failure for its cell; without, a hostile refusal at once.
fn rogue(listener: TcpListener, key: Option<Key>) {
    let (mut s, _) = listener.accept().expect("a controller");
    let Message::Hello { nonce, .. } = read(&mut s) else {
        panic!("a hello");
    };
    let Some(key) = key else {
        let no = Message::Refused {
            reason: HOSTILE.into(),
        };
        let _ = frame::write_frame(&mut s, &no.to_bytes());
        return;
    };
    let theirs = auth::unhex(&nonce, 32).expect("hex");
    let ours = auth::random_bytes().expect("nonce");
    let challenge = Message::Challenge {
        version: VERSION,
        nonce: auth::hex(&ours),
        proof: auth::hex(&key.proof("server", &theirs, &ours)),
    };
    frame::write_frame(&mut s, &challenge.to_bytes()).expect("challenge");
    let Message::Proof { .. } = read(&mut s) else {
        panic!("a proof");
    };
    let mut ch = Channel::new(s, Sealed::new(&key, &theirs, &ours, End::Server));
    let facts = HostFacts {
        kernel: format!("6.1{HOSTILE}"),
        cpu_model: "=HYPERLINK(\"http://example.invalid\")".into(),
        cpus: 2,
        nic_driver: Some(HOSTILE.into()),
    };
    ch.send(&Message::Welcome {
        facts,
        limits: Limits::default(),
    })
    .expect("welcome");
    while let Ok(m) = ch.read(Duration::from_secs(20)) {
        match m {
            Message::Cell { .. } => {
                let failed = Message::Failed {
                    reason: HOSTILE.into(),
                };
                if ch.send(&failed).is_err() {
                    return;
                }
            }
            Message::Bye => return,
            _ => {}
        }
    }
}

fn controller(at: &str, key: &std::path::Path, record: &std::path::Path) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_netio-tui"))
        .args(["--remote", at, "--key-file"])
        .arg(key)
        .args([
            "--strategies",
            "one-copy",
            "--sizes",
            "64K",
            "--threads",
            "1",
        ])
        .args([
            "--duration",
            "300ms",
            "--warmup",
            "0s",
            "--repeat",
            "1",
            "--record",
        ])
        .arg(record)
        .env_remove("NETIO_KEY")
        .output()
        .expect("ran");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_clean(text: &str) {
    assert!(
        !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\r'),
        "control characters reached the terminal: {text:?}"
    );
    assert!(!text.contains("\nserve: a forged line"), "{text:?}");
}

#[test]
fn a_rogue_servers_words_reach_the_terminal_cleaned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("k");
    let key = Key::write_new(&key_file).expect("keygen");
    for with_key in [true, false] {
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let at = listener.local_addr().expect("address").to_string();
        let k = with_key.then(|| key.clone());
        let server = std::thread::spawn(move || rogue(listener, k));
        let record = dir.path().join(format!("r-{with_key}.csv"));
        let (out, err) = controller(&at, &key_file, &record);
        server.join().expect("the rogue server");
        assert_clean(&out);
        assert_clean(&err);
        assert!(err.contains("boom"), "the reason is still said: {err}");
    }
}
