//! Whether io_uring works here (the `uring` strategy), and whether its zero-copy send
//! with usage reports does (the `uring-zc` strategy): probed, never assumed.

use io_uring::{IoUring, Probe, opcode};

use crate::probe::{Check, errno_name};

/// Whether io_uring rings can be created here, and the fix where they cannot (also the
/// `uring` strategy's availability probe).
pub fn io_uring() -> Check {
    // io_uring_setup(1, &params): a ring of one entry, closed at once.
    let mut params = [0u8; 120];
    // SAFETY: `params` is a zeroed io_uring_params-sized buffer the kernel may fill.
    let fd = unsafe { libc::syscall(libc::SYS_io_uring_setup, 1u32, params.as_mut_ptr()) };
    if fd >= 0 {
        // SAFETY: the fd was just returned to us.
        unsafe { libc::close(fd as i32) };
        return Check {
            ok: true,
            detail: "io_uring rings can be created".into(),
            fix: None,
        };
    }
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    let disabled = std::fs::read_to_string("/proc/sys/kernel/io_uring_disabled")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    Check {
        ok: false,
        detail: format!("io_uring_setup failed: {}", errno_name(errno)),
        fix: Some(if disabled.is_empty() || disabled == "0" {
            "needs Linux 5.1 or newer with CONFIG_IO_URING".into()
        } else {
            format!(
                "io_uring is disabled (kernel.io_uring_disabled = {disabled}): sysctl kernel.io_uring_disabled=0"
            )
        }),
    }
}

/// Whether `IORING_OP_SENDMSG_ZC` is supported (the kernel's opcode probe) and the
/// kernel is new enough for `IORING_SEND_ZC_REPORT_USAGE` (6.2), which says per
/// notification whether the kernel copied.
pub fn io_uring_send_zc() -> Check {
    let base = io_uring();
    if !base.ok {
        return base;
    }
    let mut probe = Probe::new();
    let supported = IoUring::new(2)
        .and_then(|ring| ring.submitter().register_probe(&mut probe))
        .map(|()| probe.is_supported(opcode::SendMsgZc::CODE));
    let release = crate::machine::kernel_release();
    match supported {
        Ok(true) if at_least(&release, (6, 2)) => Check {
            ok: true,
            detail: format!("IORING_OP_SENDMSG_ZC with usage reports (Linux {release})"),
            fix: None,
        },
        Ok(true) => Check {
            ok: false,
            detail: format!("Linux {release} has SENDMSG_ZC but not its usage reports"),
            fix: Some("uring-zc needs Linux 6.2 or newer".into()),
        },
        Ok(false) => Check {
            ok: false,
            detail: "the kernel's io_uring probe lacks IORING_OP_SENDMSG_ZC".into(),
            fix: Some("uring-zc needs Linux 6.2 or newer".into()),
        },
        Err(e) => Check {
            ok: false,
            detail: format!("io_uring opcode probe failed: {e}"),
            fix: Some("uring-zc needs Linux 6.2 or newer".into()),
        },
    }
}

/// True when kernel release `release` ("6.18.44-foo") is at least `want`.
fn at_least(release: &str, want: (u32, u32)) -> bool {
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= want
}

#[cfg(test)]
mod tests {
    #[test]
    fn kernel_releases_compare_by_major_then_minor() {
        assert!(super::at_least("6.18.44-cloud", (6, 2)));
        assert!(super::at_least("6.2.0", (6, 2)));
        assert!(!super::at_least("6.1.99", (6, 2)));
        assert!(!super::at_least("5.19.0", (6, 2)));
        assert!(super::at_least("7.0", (6, 2)));
        assert!(!super::at_least("garbage", (6, 2)));
    }
}
