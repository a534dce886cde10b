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
