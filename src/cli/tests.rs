use super::*;
use crate::plan::RunMode;
use netio_core::strategy::Strategy;

#[test]
fn sizes_parse_with_suffixes_and_bounds() {
    assert_eq!(parse_size("8"), Ok(8));
    assert_eq!(parse_size("8B"), Ok(8));
    assert_eq!(parse_size("4K"), Ok(4096));
    assert_eq!(parse_size("64k"), Ok(65536));
    assert_eq!(parse_size("1M"), Ok(1 << 20));
    assert_eq!(parse_size("64M"), Ok(64 << 20));
    for bad in [
        "0",
        "7",
        "65M",
        "4X",
        "",
        "K",
        "-1",
        "99999999999999999999999M",
    ] {
        assert!(parse_size(bad).is_err(), "{bad}");
    }
}

#[test]
fn threads_and_durations_are_bounded() {
    assert_eq!(parse_threads("64"), Ok(64));
    assert!(parse_threads("0").is_err());
    assert!(parse_threads("65").is_err());
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(parse_warmup("0s"), Ok(Duration::ZERO));
    assert!(parse_duration("0s").is_err());
    assert!(parse_duration("fast").is_err());
    assert!(parse_duration("25h").is_err());
}

#[test]
fn defaults_match_the_design() {
    let cli = Cli::try_parse_from(["netio-tui"]).expect("defaults parse");
    let m = cli.matrix();
    // The default is the entries marked for it: the course assignment's three.
    assert_eq!(
        m.strategies,
        vec![Strategy::TwoCopy, Strategy::OneCopy, Strategy::ZeroCopy]
    );
    let everything =
        Cli::try_parse_from(["netio-tui", "--strategies", "all,one-copy"]).expect("all parses");
    // Parsing probes nothing: `all` stays a choice until preflight resolves it.
    let plan = everything.plan();
    assert_eq!(
        plan.strategies,
        vec![StrategyChoice::All, StrategyChoice::One(Strategy::OneCopy)]
    );
    assert_eq!(plan.matrix.strategies, vec![Strategy::OneCopy]);
    assert_eq!(
        m.sizes,
        vec![1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20]
    );
    assert_eq!(m.threads, vec![1, 2, 4, 8]);
    let headless = cli.cell_config(RunMode::Headless);
    assert_eq!(headless.duration, Duration::from_secs(2));
    assert_eq!(headless.warmup, Duration::from_millis(500));
    // Until decided, at most 10 rounds, with a 5 % margin.
    assert_eq!((headless.repeats, headless.until_decided), (10, true));
    assert_eq!(headless.margin_pct, 5.0);
    assert!(headless.strategy.coalesce);
    assert!(!headless.socket.nagle);
    assert_eq!(headless.socket.cc, None, "the system's congestion control");
    assert_eq!(headless.pin, Pin::Auto);
    let monitor = cli.cell_config(RunMode::Monitor);
    assert_eq!(monitor.duration, Duration::from_secs(2));
    assert_eq!(monitor.warmup, Duration::from_millis(500));
    assert_eq!((monitor.repeats, monitor.until_decided), (1, false));
    let given = Cli::try_parse_from(["netio-tui", "--duration", "3s"]).expect("parses");
    assert_eq!(
        given.cell_config(RunMode::Monitor).duration,
        Duration::from_secs(3)
    );
}

#[test]
fn small_sizes_are_rounded_up_to_the_header_and_said_so() {
    let cli = Cli::try_parse_from(["netio-tui", "--sizes", "8,32,16,4K"]).expect("parses");
    assert_eq!(cli.matrix().sizes, vec![32, 4096]);
    assert_eq!(cli.rounded_sizes(), vec![(32, 8), (32, 16)]);
}

#[test]
fn socket_choices_parse_or_name_the_problem() {
    let cli = Cli::try_parse_from([
        "netio-tui",
        "--cc",
        "cubic",
        "--nodelay",
        "off",
        "--coalesce",
        "off",
        "--pin",
        "split",
        "--repeat",
        "3",
        "--rcvlowat",
        "missing",
    ])
    .expect("parses");
    let c = cli.cell_config(RunMode::Headless);
    assert_eq!(c.socket.cc.map(|c| c.to_string()), Some("cubic".into()));
    assert!(c.socket.nagle);
    assert!(!c.strategy.coalesce);
    assert_eq!((c.pin, c.repeats, c.lowat), (Pin::Split, 3, Lowat::Missing));
    assert!(!c.until_decided, "a fixed count");
    let auto = Cli::try_parse_from([
        "netio-tui",
        "--repeat",
        "auto",
        "--max-repeat",
        "6",
        "--margin",
        "2.5%",
    ])
    .expect("parses");
    let a = auto.cell_config(RunMode::Headless);
    assert_eq!((a.repeats, a.until_decided, a.margin_pct), (6, true, 2.5));
    for bad in [
        ["--nodelay", "maybe"],
        ["--cc", "Cubic!"],
        ["--pin", "fast"],
        ["--repeat", "0"],
        ["--repeat", "sometimes"],
        ["--max-repeat", "2"],
        ["--margin", "0"],
        ["--margin", "80%"],
        ["--rcvlowat", "x"],
    ] {
        assert!(
            Cli::try_parse_from(["netio-tui", bad[0], bad[1]]).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn repeated_values_run_once() {
    let cli = Cli::try_parse_from([
        "netio-tui",
        "--sizes",
        "4K,4096,1K",
        "--strategies",
        "a1,two-copy",
    ])
    .expect("parses");
    let m = cli.matrix();
    assert_eq!(m.sizes, vec![4096, 1024]);
    assert_eq!(m.strategies, vec![Strategy::TwoCopy]);
}

#[test]
fn remote_options_go_together() {
    let ok = Cli::try_parse_from([
        "netio-tui",
        "--remote",
        "far",
        "--reverse",
        "--key-file",
        "k",
    ])
    .expect("parses");
    assert_eq!(ok.remote.as_deref(), Some("far"));
    assert!(ok.reverse);
    for bad in [
        vec!["netio-tui", "--reverse"],
        vec!["netio-tui", "--key-file", "k"],
        vec!["netio-tui", "--remote", "far", "--netns"],
        vec!["netio-tui", "serve", "--max-threads", "0"],
        vec!["netio-tui", "serve", "--max-size", "lots"],
    ] {
        assert!(Cli::try_parse_from(&bad).is_err(), "{bad:?}");
    }
    let serve = Cli::try_parse_from(["netio-tui", "serve", "--max-duration", "30s"]);
    assert!(serve.is_ok());
}

#[test]
fn help_states_the_defaults_the_binary_uses() {
    use clap::CommandFactory;
    let help = Cli::command().render_long_help().to_string();
    let cli = Cli::try_parse_from(["netio-tui"]).expect("parses");
    let c = cli.cell_config(RunMode::Headless);
    let m = cli.cell_config(RunMode::Monitor);
    assert_eq!(
        (c.duration, m.duration),
        (Duration::from_secs(2), Duration::from_secs(2))
    );
    assert_eq!(
        (c.warmup, m.warmup),
        (Duration::from_millis(500), Duration::from_millis(500))
    );
    assert!(help.contains("[default: 2s]"), "{help}");
    assert!(
        help.contains("[default:\n") || help.contains("[default: 500ms]"),
        "{help}"
    );
    assert!(help.contains("500ms]"), "{help}");
    assert!(help.contains(&format!("[default: {}]", crate::cli::DEFAULT_MAX_REPEAT)));
    assert!(help.contains(&format!(
        "(as many runs as --repeat N) [default: {}]",
        netio_core::engine::DEFAULT_BUDGET_ROUNDS
    )));
    assert!(help.contains("[default: auto headless, 1 in the monitor]"));
    assert!(help.contains("143 for SIGTERM"));
}

/// The CLI's default matrix is the one `doctor` reasons about.
#[test]
fn the_default_axes_are_the_matrix_defaults() {
    let cli = Cli::try_parse_from(["netio-tui"]).expect("defaults parse");
    assert_eq!(cli.sizes, netio_core::matrix::DEFAULT_SIZES);
    assert_eq!(cli.threads, netio_core::matrix::DEFAULT_THREADS);
}

#[test]
fn the_path_is_chosen_by_its_registry_name_or_by_the_older_flags() {
    use crate::paths::PathKind;
    let kind = |args: &[&str]| {
        let mut all = vec!["netio-tui"];
        all.extend_from_slice(args);
        let cli = Cli::try_parse_from(all).expect("parses");
        cli.check_combinations().map(|()| cli.plan().path)
    };
    assert_eq!(kind(&[]).expect("loopback").kind, PathKind::Loopback);
    assert_eq!(
        kind(&["--path", "veth"]).expect("alias").kind,
        PathKind::Netns
    );
    let netns = kind(&["--netns", "--mtu", "9000"]).expect("the older flag");
    assert_eq!((netns.kind, netns.mtu), (PathKind::Netns, 9000));
    assert_eq!(kind(&["--path", "netns"]).expect("default mtu").mtu, 1500);
    let remote = kind(&["--remote", "h:1", "--reverse"]).expect("remote");
    assert_eq!(remote.kind, PathKind::Remote);
    assert!(
        remote
            .remote
            .is_some_and(|r| r.reverse && r.target == "h:1")
    );
    for (args, says) in [
        (&["--path", "remote"][..], "--path remote: needs --remote"),
        (
            &["--path", "loopback", "--netns"][..],
            "--path loopback: --netns",
        ),
        (
            &["--path", "netns", "--remote", "h"][..],
            "--path netns: --remote",
        ),
        (&["--mtu", "9000"][..], "--mtu: only the netns path"),
        (
            &["--netem", "delay 1ms"][..],
            "--netem: only the netns path",
        ),
    ] {
        let err = kind(args).expect_err("refused");
        assert!(err.starts_with(says), "{args:?}: {err}");
    }
    let mut bad = vec!["netio-tui", "--path", "carrier-pigeon"];
    assert!(Cli::try_parse_from(bad.drain(..)).is_err());
}

#[test]
fn clap_suggests_what_a_typo_meant() {
    let text = |args: &[&str]| {
        let mut all = vec!["netio-tui"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).expect_err("a typo").to_string()
    };
    assert!(text(&["--stratgies", "a1"]).contains("'--strategies'"));
    assert!(text(&["plot", "x", "--out", "y"]).contains("'--out-dir'"));
    let sub = text(&["reprot", "x"]);
    assert!(sub.contains("'report'"), "{sub}");
}

#[test]
fn help_states_the_defaults_the_code_uses() {
    use clap::CommandFactory;
    let help = Cli::command().render_long_help().to_string();
    for (option, default) in [
        (
            "--duration",
            humantime::format_duration(crate::plan::DEFAULT_DURATION).to_string(),
        ),
        (
            "--warmup",
            humantime::format_duration(crate::plan::DEFAULT_WARMUP).to_string(),
        ),
        ("--rate", crate::plan::DEFAULT_LOAD.to_string()),
        ("--mtu", crate::plan::DEFAULT_MTU.to_string()),
        ("--max-repeat", DEFAULT_MAX_REPEAT.to_string()),
        (
            "--margin",
            format!("{}%", netio_core::stats::DEFAULT_MARGIN_PCT),
        ),
    ] {
        let at = help.find(&format!("{option} <")).expect(option);
        let next = help[at..]
            .find("[default: ")
            .map(|i| at + i)
            .expect("a default");
        assert!(
            help[next..].starts_with(&format!("[default: {default}]")),
            "{option}"
        );
    }
    // And the code uses them.
    let cli = Cli::try_parse_from(["netio-tui", "--record", "r.csv"]).expect("parses");
    let plan = cli.plan();
    assert_eq!(plan.config.duration, crate::plan::DEFAULT_DURATION);
    assert_eq!(plan.config.warmup, crate::plan::DEFAULT_WARMUP);
    assert_eq!(plan.path.mtu, crate::plan::DEFAULT_MTU);
}
