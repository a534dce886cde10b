//! Two hosts in one machine for the `--remote` tests: two network namespaces joined
//! by veth (as `--netns` makes them), `netio-tui serve` started as a real process in
//! the receiver's namespace with `ip netns exec`, the controller in the sender's.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use netio_core::net::NetnsPair;
use netio_core::net::netns::{RECEIVER_ADDR, in_namespace};

/// The server's address inside the pair.
pub const SERVER: &str = "198.18.0.2:5301";

pub struct TwoHosts {
    pub pair: NetnsPair,
    pub server: Child,
    pub log: PathBuf,
    pub key: PathBuf,
    pub dir: tempfile::TempDir,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_netio-tui")
}

impl TwoHosts {
    /// The pair and a server (with `extra` options), or `None` where this machine
    /// cannot (said through [`super::skip`]).
    pub fn start(extra: &[&str]) -> Option<TwoHosts> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            super::skip("two namespaces need root");
            return None;
        }
        if Command::new("ip").arg("-V").output().is_err() {
            super::skip("iproute2's ip is not installed");
            return None;
        }
        let pair = NetnsPair::create(1500, None).expect("namespaces created");
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("netio.key");
        netio_remote::auth::Key::write_new(&key).expect("key written");
        let log = dir.path().join("serve.log");
        let server = Command::new("ip")
            .args(["netns", "exec", &pair.path.receiver_ns, bin(), "serve"])
            .args(["--listen", SERVER, "--key-file"])
            .arg(&key)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).expect("log"))
            .spawn()
            .expect("serve started");
        let hosts = TwoHosts {
            pair,
            server,
            log,
            key,
            dir,
        };
        hosts.wait_log("listening on", Duration::from_secs(20));
        Some(hosts)
    }

    /// The controller, in the sender's namespace, with the right key.
    pub fn client(&self) -> Command {
        let mut c = self.bare_client();
        c.arg("--key-file").arg(&self.key);
        c
    }

    /// The controller without a key.
    pub fn bare_client(&self) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.pair.path.sender_ns, bin()])
            .args(["--remote", &RECEIVER_ADDR.to_string()])
            .env_remove("NETIO_KEY");
        c
    }

    /// `c` recording `strategy` cells into `file` (in the test's folder), one repeat,
    /// no warm-up.
    pub fn cells<'c>(
        &self,
        c: &'c mut Command,
        file: &str,
        strategy: &str,
        sizes: &str,
        threads: &str,
        duration: &str,
    ) -> &'c mut Command {
        c.arg("--record")
            .arg(self.dir.path().join(file))
            .args([
                "--strategies",
                strategy,
                "--sizes",
                sizes,
                "--threads",
                threads,
            ])
            .args(["--duration", duration, "--warmup", "0s", "--repeat", "1"])
    }

    /// One one-copy 64K cell through `c` into `file`: (exit ok, stderr).
    pub fn one_cell(&self, mut c: Command, file: &str, duration: &str) -> (bool, String) {
        let run = self
            .cells(&mut c, file, "one-copy", "64K", "1", duration)
            .output()
            .expect("ran");
        (
            run.status.success(),
            String::from_utf8_lossy(&run.stderr).into_owned(),
        )
    }

    /// Runs `f` in the controller's namespace (sockets made there stay there).
    pub fn in_client_ns<T>(&self, f: impl FnOnce() -> T) -> T {
        in_namespace(&self.pair.path.sender_ns, f).expect("entered the namespace")
    }

    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the server's log says `what` (a failure shows the log).
    pub fn wait_log(&self, what: &str, patience: Duration) {
        let end = Instant::now() + patience;
        while !self.log_text().contains(what) {
            assert!(
                Instant::now() < end,
                "the server never said {what:?}; its log:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's open file descriptors and threads.
    pub fn fds_and_threads(&self) -> (usize, usize) {
        let count = |what: &str| {
            fs::read_dir(format!("/proc/{}/{what}", self.server.id()))
                .map(|d| d.count())
                .unwrap_or(0)
        };
        (count("fd"), count("task"))
    }

    /// Waits until the server holds `want` fds and threads again (sessions end on their
    /// own threads); the last count seen.
    pub fn settle_to(&self, want: (usize, usize), patience: Duration) -> (usize, usize) {
        let end = Instant::now() + patience;
        loop {
            let now = self.fds_and_threads();
            if now == want || Instant::now() >= end {
                return now;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn server_alive(&mut self) -> bool {
        matches!(self.server.try_wait(), Ok(None))
    }
}

impl Drop for TwoHosts {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
