//! The real monitor in a real terminal (tmux): figures for all three strategies appear,
//! keys do what the footer says, q quits with status 0 and leaves the alternate screen.
//! Skips, saying why, where tmux is missing (CI installs it).

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> Output {
    Command::new("tmux")
        .args(args)
        .env("TERM", "xterm-256color")
        .output()
        .expect("tmux runs")
}

/// Kills the session however the test ends.
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.0]);
    }
}

impl Session {
    /// A detached 120 × 40 session named `name` running `command`.
    fn start(name: String, command: &str) -> Session {
        let started = tmux(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "120",
            "-y",
            "40",
            command,
        ]);
        assert!(
            started.status.success(),
            "{}",
            String::from_utf8_lossy(&started.stderr)
        );
        Session(name)
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &self.0]).stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        tmux(&["send-keys", "-t", &self.0, keys]);
    }

    /// Waits (at most 15 s) for the monitor to exit after `how`, checks it left the
    /// alternate screen, and returns the exit status the session's shell wrote.
    fn exit_status(&self, status: &Path, how: &str) -> String {
        let start = Instant::now();
        while !status.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "no exit after {how}:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(100));
        let alternate = tmux(&["display-message", "-p", "-t", &self.0, "#{alternate_on}"]);
        assert_eq!(
            String::from_utf8_lossy(&alternate.stdout).trim(),
            "0",
            "{how}: still on the alternate screen"
        );
        let mouse = tmux(&["display-message", "-p", "-t", &self.0, "#{mouse_any_flag}"]);
        assert_eq!(
            String::from_utf8_lossy(&mouse.stdout).trim(),
            "0",
            "{how}: mouse reports still on"
        );
        std::fs::read_to_string(status)
            .expect("status written")
            .trim()
            .to_string()
    }

    /// Waits until `ok(screen)` holds, or fails showing the last screen.
    fn wait_for(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < limit,
                "waited {limit:?} for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The Gbps figure of `strategy`'s row in the comparison table, if it has one (the
/// running row is marked `▶`, a column's best `*`).
fn gbps(screen: &str, strategy: &str) -> Option<f64> {
    screen
        .lines()
        .find_map(|l| {
            l.strip_prefix('│')
                .map(|r| r.trim_start_matches('▶'))
                // A flagged run is marked `strategy!` (a busy machine, say).
                .filter(|r| {
                    r.starts_with(&format!("{strategy} "))
                        || r.starts_with(&format!("{strategy}! "))
                })
        })
        .and_then(|row| row.split_whitespace().nth(1))
        .and_then(|v| v.trim_start_matches('*').parse().ok())
}

#[test]
fn monitor_shows_live_figures_and_obeys_the_keys() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let status = dir.path().join("status");
    let name = format!("nio-e2e-{}", std::process::id());
    let command = format!(
        "cd {}; {}; echo $? > {}; sleep 120",
        dir.path().display(),
        env!("CARGO_BIN_EXE_netio-tui"),
        status.display()
    );
    let s = Session::start(name, &command);

    let screen = s.wait_for(
        "figures for all three strategies",
        Duration::from_secs(40),
        |sc| {
            ["two-copy", "one-copy", "zero-copy"]
                .iter()
                .all(|st| gbps(sc, st).is_some_and(|g| g > 0.0))
        },
    );
    assert!(screen.contains("Comparison at 64K × 1 thread"), "{screen}");
    assert!(screen.contains("loopback"), "{screen}");

    s.keys("Right");
    s.wait_for("→ to select 256K", Duration::from_secs(5), |sc| {
        sc.contains("Comparison at 256K × 1 thread")
    });
    s.keys("Up");
    s.wait_for("↑ to select 2 threads", Duration::from_secs(5), |sc| {
        sc.contains("Comparison at 256K × 2 threads")
    });
    // Clicks and the wheel are asked for while the monitor runs.
    let mouse = tmux(&["display-message", "-p", "-t", &s.0, "#{mouse_any_flag}"]);
    assert_eq!(String::from_utf8_lossy(&mouse.stdout).trim(), "1");
    s.keys("?");
    s.wait_for("the help overlay", Duration::from_secs(5), |sc| {
        sc.contains("q quits · other keys close")
    });
    s.keys("Escape");
    s.wait_for("Esc to close the help", Duration::from_secs(5), |sc| {
        !sc.contains("q quits · other keys close")
    });
    // Esc mid-run asks first; any other key goes on measuring.
    s.keys("Escape");
    s.wait_for("the quit question", Duration::from_secs(5), |sc| {
        sc.contains("A run is in progress")
    });
    s.keys("x");
    s.wait_for("the question to go", Duration::from_secs(5), |sc| {
        !sc.contains("A run is in progress")
    });

    s.keys("q");
    assert_eq!(s.exit_status(&status, "q"), "0");
    let after = s.screen();
    assert!(
        after.contains("netio-tui run ") && after.contains("strategy") && after.contains("Gbps"),
        "machine line and summary on quit:\n{after}"
    );
}

#[test]
fn ctrl_c_and_signals_restore_the_terminal_and_exit_128_plus_the_signal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed");
        return;
    }
    for (how, code) in [("C-c", 130), ("TERM", 143), ("HUP", 129), ("QUIT", 131)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let status = dir.path().join("status");
        let pidfile = dir.path().join("pid");
        let name = format!("nio-sig-{}-{how}", std::process::id());
        // `exec` keeps the monitor's pid the shell's, which the test signals.
        let command = format!(
            "cd {dir}; sh -c 'echo $$ > {pid}; exec {bin} --duration 1s --warmup 0s'; echo $? > {status}; sleep 120",
            dir = dir.path().display(),
            pid = pidfile.display(),
            bin = env!("CARGO_BIN_EXE_netio-tui"),
            status = status.display()
        );
        let s = Session::start(name, &command);
        s.wait_for("the monitor", Duration::from_secs(20), |sc| {
            sc.contains("Comparison at")
        });
        if how == "C-c" {
            s.keys("C-c");
        } else {
            let pid = std::fs::read_to_string(&pidfile).expect("pid written");
            let kill = Command::new("kill")
                .args([&format!("-{how}"), pid.trim()])
                .status()
                .expect("kill runs");
            assert!(kill.success());
        }
        assert_eq!(s.exit_status(&status, how), code.to_string(), "{how}");
    }
}

#[test]
fn a_terminal_that_hangs_up_stops_the_monitor() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pidfile = dir.path().join("pid");
    let name = format!("nio-hup-{}", std::process::id());
    let command = format!(
        "sh -c 'echo $$ > {pid}; exec {bin} --duration 1s --warmup 0s'",
        pid = pidfile.display(),
        bin = env!("CARGO_BIN_EXE_netio-tui"),
    );
    let s = Session::start(name.clone(), &command);
    s.wait_for("the monitor", Duration::from_secs(20), |sc| {
        sc.contains("Comparison at")
    });
    let pid = std::fs::read_to_string(&pidfile).expect("pid written");
    let proc_dir = std::path::PathBuf::from(format!("/proc/{}", pid.trim()));
    assert!(proc_dir.exists());
    // The window goes away: the pane's terminal hangs up.
    tmux(&["kill-session", "-t", &name]);
    let start = Instant::now();
    while proc_dir.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the monitor outlived its terminal"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A `serve` on loopback, on a port the kernel picks.
struct Server {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The address it listens on, from its first line.
    fn address(&self) -> String {
        let start = Instant::now();
        loop {
            if let Some(at) = self.log().split("listening on ").nth(1) {
                return at.split_whitespace().next().unwrap_or_default().to_string();
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "serve never listened"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn the_monitor_measures_through_a_far_host_and_says_bye_on_quit() {
    if Command::new("tmux").arg("-V").output().is_err() {
        common::skip("tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("serve.log");
    let key = dir.path().join("netio.key");
    netio_remote::auth::Key::write_new(&key).expect("a key");
    let child = Command::new(env!("CARGO_BIN_EXE_netio-tui"))
        .args(["serve", "--listen", "127.0.0.1:0", "--key-file"])
        .arg(&key)
        .env_remove("NETIO_KEY")
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("serve started");
    let server = Server { child, log };
    let at = server.address();
    let status = dir.path().join("status");
    let command = format!(
        "cd {}; env -u NETIO_KEY {} --remote {at} --key-file {} --strategies one-copy,zero-copy --sizes 64K --threads 1 --duration 1s --warmup 0s; echo $? > {}; sleep 120",
        dir.path().display(),
        env!("CARGO_BIN_EXE_netio-tui"),
        key.display(),
        status.display()
    );
    let s = Session::start(format!("nio-remote-{}", std::process::id()), &command);
    let screen = s.wait_for("both strategies' figures", Duration::from_secs(40), |sc| {
        ["one-copy", "zero-copy"]
            .iter()
            .all(|st| gbps(sc, st).is_some_and(|g| g > 0.0))
    });
    assert!(screen.contains(&format!("remote {at}")), "{screen}");
    s.keys("q");
    assert_eq!(s.exit_status(&status, "q"), "0");
    let start = Instant::now();
    while !server.log().contains("said bye") {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the monitor's session did not end with a bye:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
