//! The doctor's findings as text for a person: one line per probe, the fix beneath.

use std::fmt::Write;

use super::Report;
use netio_core::probe::Check;

/// The width the text keeps to (a classroom's 80-column terminal).
const WIDTH: usize = 80;

/// `first` (the label columns) then `text`, wrapped at [`WIDTH`] with the wrapped
/// lines indented to where the text began.
fn wrapped(out: &mut String, first: &str, text: &str) {
    let indent = " ".repeat(first.chars().count());
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(&indent);
    let _ = writeln!(out, "{}", textwrap::fill(text, options));
}

/// A warning when the default matrix's largest thread count needs more cores than
/// the machine has: each pair is two busy threads, and pairs beyond half the cores
/// measure how threads share a core as much as the strategy.
fn busy_threads_warning(cores: Option<usize>) -> Option<String> {
    let cores = cores?;
    let pairs = netio_core::matrix::DEFAULT_THREADS.iter().copied().max()?;
    (2 * pairs > cores).then(|| {
        let half = (cores / 2).max(1);
        format!(
            "the default matrix goes up to {pairs} thread pairs: {} busy threads on {cores} \
             cores, so cells above {half} {} share cores and measure the sharing too \
             (--threads {} keeps each thread on a core of its own)",
            2 * pairs,
            if half == 1 { "pair" } else { "pairs" },
            (1..=(cores / 2).max(1))
                .filter(|n| n.is_power_of_two())
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )
    })
}

/// The report as text for a person, fitting 80 columns.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    let yes_no = |ok: bool| if ok { "yes" } else { "no " };
    let _ = writeln!(out, "netio-tui doctor: what this machine can measure\n");
    let machine = format!(
        "{} · {} · {} cores · {}",
        r.kernel,
        if r.cpu_model.is_empty() {
            "unknown CPU"
        } else {
            &r.cpu_model
        },
        r.cores.map_or("unknown".to_string(), |n| n.to_string()),
        if r.root {
            "running as root"
        } else {
            "not root"
        }
    );
    wrapped(&mut out, "machine    ", &machine);
    if let Some(w) = busy_threads_warning(r.cores) {
        wrapped(&mut out, "threads    !    ", &w);
    }
    let _ = writeln!(
        out,
        "perf       perf_event_paranoid = {}",
        r.perf_event_paranoid
            .map_or("unreadable".into(), |p| p.to_string())
    );
    for e in &r.events {
        let how = match (&e.mode, &e.error) {
            (Some(m), _) => format!("counts ({m})"),
            (None, Some(err)) => err.clone(),
            (None, None) => String::new(),
        };
        let first = format!("  {:<8}  {:<22} {}  ", e.group, e.event, yes_no(e.opens));
        wrapped(&mut out, &first, &how);
    }
    let mut check = |label: &str, c: &Check| {
        wrapped(
            &mut out,
            &format!("{label:<10} {}  ", yes_no(c.ok)),
            &c.detail,
        );
        if let Some(fix) = &c.fix {
            wrapped(&mut out, &format!("{:<10}      fix: ", ""), fix);
        }
    };
    check("hardware", &r.hardware_counters);
    check("kernel", &r.kernel_counting);
    check("io_uring", &r.io_uring);
    check("copy meter", &r.copy_meter);
    check("iproute2", &r.iproute2);
    check("tc", &r.tc);
    check("netem", &r.netem);
    check("tcp cc", &r.congestion_control);
    check("lo qdisc", &r.loopback_qdisc);
    check("memlock", &r.memlock);
    check("nofile", &r.open_files);
    check("optmem", &r.optmem);
    let _ = writeln!(out, "\nprivileges (without sudo: file capabilities)");
    for n in &r.privileges {
        let needs = match n.capabilities {
            Some([]) => "nothing".to_string(),
            Some(caps) => caps.join(", "),
            None => "root".to_string(),
        };
        wrapped(
            &mut out,
            &format!("{:<10} {}  ", "", yes_no(n.held)),
            &format!("{}: needs {needs}", n.feature),
        );
    }
    if r.privileges
        .iter()
        .any(|n| !n.held && n.capabilities.is_some())
    {
        wrapped(
            &mut out,
            &format!("{:<10}      fix: ", ""),
            &format!(
                "{} (once per build; sudo still for --netns)",
                super::privilege::setcap_line()
            ),
        );
    }
    let _ = writeln!(out, "\nwhat you can run (from the registries)");
    for c in &r.choices {
        let first = format!("{:<9}  {:<10} {}  ", c.axis, c.name, yes_no(c.check.ok));
        wrapped(&mut out, &first, &c.check.detail);
        if let Some(fix) = &c.check.fix {
            wrapped(&mut out, &format!("{:<21}      fix: ", ""), fix);
        }
    }
    out
}
