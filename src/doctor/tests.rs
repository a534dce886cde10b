use super::*;

#[test]
fn hardware_verdict_names_the_cause() {
    let ev = |event, group, opens, errno| EventCheck {
        event,
        group,
        opens,
        mode: None,
        errno,
        error: None,
    };
    let all_open = vec![ev("cycles", "hardware", true, None)];
    assert!(hardware_verdict(&all_open).ok);
    let refused = vec![ev("cycles", "hardware", false, Some(libc::ENOENT))];
    let v = hardware_verdict(&refused);
    assert!(!v.ok);
    assert!(v.fix.is_some());
}

#[test]
fn text_lists_every_event_and_check() {
    let r = examine();
    let text = render_text(&r);
    for e in Event::ALL {
        assert!(text.contains(e.name()), "{text}");
    }
    for label in ["hardware", "kernel", "io_uring", "iproute2"] {
        assert!(text.contains(label), "{text}");
    }
    // Every registered choice, with its own probe's verdict.
    for c in &r.choices {
        assert!(
            text.contains(&format!("{:<9}  {:<10}", c.axis, c.name)),
            "{text}"
        );
    }
    for name in ["zero-copy", "copy", "stream", "netns"] {
        assert!(r.choices.iter().any(|c| c.name == name), "{:?}", r.choices);
    }
}

#[test]
fn limits_say_what_the_default_matrix_needs() {
    let r = examine();
    let text = render_text(&r);
    for label in ["memlock", "nofile", "optmem"] {
        assert!(text.contains(label), "{text}");
    }
    // Not root and a need no limit short of unlimited meets: refused, with the fix.
    let c = super::limits::memlock(false, u64::MAX - 1);
    assert_eq!(c.ok, c.detail.contains("unlimited"), "{c:?}");
    if !c.ok {
        assert!(c.fix.as_deref().is_some_and(|f| f.starts_with("ulimit -l")));
    }
    assert!(super::limits::open_files(1).ok);
    assert!(!super::limits::open_files(u64::MAX).ok);
}
