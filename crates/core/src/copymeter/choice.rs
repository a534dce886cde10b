//! Whether a run has the copy meter: wanted (the CLI's default; loaded once when the
//! run starts), off (`--no-copy-meter`, and a bare `CellConfig`), loaded, or refused
//! with the reason a row gives for its absence.

use std::sync::Arc;

use super::Meter;

/// The run's copy meter, as `CellConfig` carries it.
#[derive(Clone, Default)]
pub enum MeterChoice {
    /// Not wanted (`--no-copy-meter`).
    #[default]
    Off,
    /// To be loaded when the run starts (the CLI's default).
    Wanted,
    Loaded(Arc<Meter>),
    /// The machine refused it: why.
    Failed(&'static str),
}

/// Why the copy figures are absent.
pub const OFF: &str = "copy meter off (--no-copy-meter)";
pub const NO_PRIVILEGE: &str = "the copy meter needs CAP_BPF and CAP_PERFMON: sudo, or setcap cap_bpf,cap_perfmon+ep on the binary";
pub const UNREGISTERED: &str = "the copy meter could not register or read this cell's workers";
pub const SELF_CHECK: &str =
    "the copy meter failed its self-check on this kernel (netio-tui doctor shows the counts)";
pub const REFUSED: &str =
    "the kernel refused the copy meter's BPF programs (netio-tui doctor says why)";

/// Worker slots the meter holds: a sender and a receiver for each of the most thread
/// pairs the CLI allows.
pub const SLOTS: u32 = 2 * 64;

impl MeterChoice {
    /// Loads a wanted meter; anything else stays as it is.
    pub fn resolve(self) -> MeterChoice {
        match self {
            MeterChoice::Wanted => match Meter::load(SLOTS) {
                Ok(m) => MeterChoice::Loaded(Arc::new(m)),
                Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES)) => {
                    MeterChoice::Failed(NO_PRIVILEGE)
                }
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    MeterChoice::Failed(SELF_CHECK)
                }
                Err(_) => MeterChoice::Failed(REFUSED),
            },
            other => other,
        }
    }

    /// The loaded meter, if there is one.
    pub fn meter(&self) -> Option<&Meter> {
        match self {
            MeterChoice::Loaded(m) => Some(m),
            _ => None,
        }
    }

    /// Why there is no meter (for a row's absent figures).
    pub fn absent_reason(&self) -> &'static str {
        match self {
            MeterChoice::Off => OFF,
            MeterChoice::Failed(why) => why,
            MeterChoice::Wanted | MeterChoice::Loaded(_) => REFUSED,
        }
    }
}

impl std::fmt::Debug for MeterChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MeterChoice::Off => f.write_str("Off"),
            MeterChoice::Wanted => f.write_str("Wanted"),
            MeterChoice::Loaded(_) => f.write_str("Loaded"),
            MeterChoice::Failed(why) => write!(f, "Failed({why})"),
        }
    }
}

impl PartialEq for MeterChoice {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (MeterChoice::Loaded(a), MeterChoice::Loaded(b)) => Arc::ptr_eq(a, b),
            (MeterChoice::Failed(a), MeterChoice::Failed(b)) => a == b,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

impl Eq for MeterChoice {}
