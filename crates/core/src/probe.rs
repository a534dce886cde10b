//! What an availability probe answers: whether this machine can run a registered
//! choice (a strategy, a receive strategy, a workload, a path, the copy meter) and, if
//! not, why and what to do. The registries' probes return it; `doctor`, `preflight`
//! and the monitor read it. A plain type, so every layer may use it without depending
//! on the `doctor` command.

use serde::Serialize;

/// One probed capability.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    pub ok: bool,
    pub detail: String,
    /// What to do when it is not available.
    pub fix: Option<String>,
}

/// The errno constant's name (`EPERM`), or `errno N` for one not listed: what a
/// probe's detail says.
pub fn errno_name(errno: i32) -> String {
    let name = match errno {
        libc::ENOENT => "ENOENT",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::ENODEV => "ENODEV",
        libc::EINVAL => "EINVAL",
        libc::EACCES => "EACCES",
        libc::EPERM => "EPERM",
        libc::EMFILE => "EMFILE",
        libc::ENOSYS => "ENOSYS",
        _ => return format!("errno {errno}"),
    };
    name.to_string()
}
