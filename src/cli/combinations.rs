//! Options that only make sense together, checked before anything is created.

use super::Cli;
use netio_core::workload::Workload;

impl Cli {
    /// Options that only make sense together, checked before anything is created: the
    /// message names the option.
    pub fn check_combinations(&self) -> Result<(), String> {
        let any = |f: fn(Workload) -> bool| self.workload.iter().any(|&w| f(w));
        if !self.rate.is_empty() && !any(Workload::is_paced) {
            return Err("--rate: only the rate workload is paced (add --workload rate)".into());
        }
        // A paced load below one message per measuring window measures nothing.
        let window = self
            .duration
            .unwrap_or(std::time::Duration::from_secs(2))
            .as_secs_f64();
        for load in &self.rate {
            for &size in &self.sizes {
                let bits = netio_core::wire::MessageSize::new(size).get() as f64 * 8.0;
                let per_window = match load.offered_gbps(size, None) {
                    Some(gbps) => gbps * 1e9 / bits * window,
                    None => continue,
                };
                if per_window < 1.0 {
                    return Err(format!(
                        "--rate {load}: below one {} message per {window} s measuring window \
                         ({per_window:.2}); raise the rate or the --duration",
                        netio_core::matrix::format_size(size)
                    ));
                }
            }
        }
        if self.depth.is_some() && !any(Workload::has_round_trips) {
            return Err(
                "--depth: only the rr workload keeps requests in flight (add --workload rr)".into(),
            );
        }
        if self.response_size.is_some() && !any(Workload::has_round_trips) {
            return Err("--response-size: only the rr workload replies (add --workload rr)".into());
        }
        if self.unsafe_reuse
            && let Some(s) = crate::plan::every_named(&self.strategies)
                .into_iter()
                .find(|s| !s.holds_pages())
        {
            let holders: Vec<&str> = netio_core::strategy::SEND
                .iter()
                .filter(|e| e.holds_pages)
                .map(|e| e.about.name)
                .collect();
            return Err(format!(
                "--unsafe-reuse: {s} is done with the buffer when its call returns, so there \
                 is nothing to reuse unsafely (choose among {})",
                holders.join(", ")
            ));
        }
        // Two row streams on one stdout would interleave into neither file.
        if self
            .samples
            .as_deref()
            .is_some_and(netio_data::record::is_stdout)
        {
            return Err(
                "--samples -: only --record may stream to stdout; give --samples a file".into(),
            );
        }
        self.check_path()
    }

    /// The path options: `--path` agrees with `--netns` and `--remote`, and the veth
    /// options come with the netns path.
    fn check_path(&self) -> Result<(), String> {
        use crate::paths::PathKind;
        let kind = self.path_kind();
        if let Some(p) = self.path {
            if self.netns && p != PathKind::Netns {
                return Err(format!("--path {p}: --netns asks for the netns path"));
            }
            if self.remote.is_some() && p != PathKind::Remote {
                return Err(format!("--path {p}: --remote asks for the remote path"));
            }
        }
        if kind == PathKind::Remote && self.remote.is_none() {
            return Err(
                "--path remote: needs --remote HOST[:PORT] (where netio-tui serve runs)".into(),
            );
        }
        if kind != PathKind::Netns {
            if self.mtu.is_some() {
                return Err("--mtu: only the netns path has veth ends (add --netns)".into());
            }
            if self.netem.is_some() {
                return Err(
                    "--netem: only the netns path has a veth end to delay (add --netns)".into(),
                );
            }
        }
        Ok(())
    }
}
