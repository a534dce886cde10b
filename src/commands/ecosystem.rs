//! `netio-tui completions SHELL` and `netio-tui man`: the shell completion script
//! (clap_complete) and the manual page (clap_mangen), both generated from the same
//! command line the binary parses, so they never disagree with `--help`.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;

/// Prints `shell`'s completion script on stdout.
pub fn run_completions(shell: clap_complete::Shell) -> ExitCode {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "netio-tui", &mut out);
    print_all(&out)
}

/// Prints the manual page (roff) on stdout: clap_mangen's sections, then EXIT STATUS
/// and ENVIRONMENT, which a command line cannot describe.
pub fn run_man() -> ExitCode {
    let mut out = Vec::new();
    match render_man(&mut out) {
        Ok(()) => print_all(&out),
        Err(e) => {
            eprintln!("error: rendering the manual page: {e}");
            ExitCode::FAILURE
        }
    }
}

fn render_man(out: &mut Vec<u8>) -> std::io::Result<()> {
    let cmd = Cli::command();
    let has_extra = cmd.get_after_long_help().is_some() || cmd.get_after_help().is_some();
    let man = clap_mangen::Man::new(cmd);
    man.render_title(out)?;
    // No hyphenation and no justification: names like one-copy and the registries'
    // aligned lists stay as written ("gath- ers" otherwise).
    out.extend_from_slice(b".nh\n.ad l\n");
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    if has_extra {
        man.render_extra_section(out)?;
    }
    out.extend_from_slice(EXIT_AND_ENVIRONMENT.as_bytes());
    man.render_version_section(out)
}

/// The manual's EXIT STATUS and ENVIRONMENT sections (roff; docs/exit-status.md says
/// the same at length).
const EXIT_AND_ENVIRONMENT: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Done.
.TP
\fB1\fR
A cell failed (the others are measured and recorded; the message names each failed cell and why), the disk filled, or a command could not complete.
.TP
\fB2\fR
Bad input: one line on stderr naming the option, before any socket, namespace or file is created.
.TP
\fB128 + N\fR
Stopped by signal N: SIGINT (130), SIGTERM (143), SIGHUP (129), SIGQUIT (131). The terminal is restored and every finished row is kept.
.SH ENVIRONMENT
.TP
\fBNETIO_KEY\fR
The key file shared by \fBserve\fR and \fB\-\-remote\fR when \fB\-\-key\-file\fR is not given.
.TP
\fBNO_COLOR\fR
When set and not empty, the monitor uses no colour, as \fB\-\-no\-color\fR.
"#;

fn print_all(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}
