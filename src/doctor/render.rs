//! The doctor's findings as text for a person: one line per probe, the fix beneath.

use std::fmt::Write;

use super::{Check, Report};

/// The report as text for a person.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    let yes_no = |ok: bool| if ok { "yes" } else { "no " };
    let _ = writeln!(out, "netio-tui doctor: what this machine can measure\n");
    let _ = writeln!(
        out,
        "machine    {} · {} · {} cores · {}",
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
        let _ = writeln!(
            out,
            "  {:<8}  {:<22} {}  {how}",
            e.group,
            e.event,
            yes_no(e.opens)
        );
    }
    let mut check = |label: &str, c: &Check| {
        let _ = writeln!(out, "{label:<10} {}  {}", yes_no(c.ok), c.detail);
        if let Some(fix) = &c.fix {
            let _ = writeln!(out, "{:<10}      fix: {fix}", "");
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
    let _ = writeln!(out, "\nwhat you can run (from the registries)");
    for c in &r.choices {
        let _ = writeln!(
            out,
            "{:<9}  {:<10} {}  {}",
            c.axis,
            c.name,
            yes_no(c.check.ok),
            c.check.detail
        );
        if let Some(fix) = &c.check.fix {
            let _ = writeln!(out, "{:<21}      fix: {fix}", "");
        }
    }
    out
}
