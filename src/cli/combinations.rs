//! Options that only make sense together, checked before anything is created.

use super::Cli;
use crate::workload::Workload;

impl Cli {
    /// Options that only make sense together, checked before anything is created: the
    /// message names the option.
    pub fn check_combinations(&self) -> Result<(), String> {
        let has = |w: Workload| self.workload.contains(&w);
        if !self.rate.is_empty() && !has(Workload::Rate) {
            return Err("--rate: only the rate workload is paced (add --workload rate)".into());
        }
        if self.depth.is_some() && !has(Workload::Rr) {
            return Err(
                "--depth: only the rr workload keeps requests in flight (add --workload rr)".into(),
            );
        }
        if self.response_size.is_some() && !has(Workload::Rr) {
            return Err("--response-size: only the rr workload replies (add --workload rr)".into());
        }
        if self.unsafe_reuse
            && let Some(s) = self.strategy_list().into_iter().find(|s| !s.holds_pages())
        {
            let holders: Vec<&str> = crate::strategy::SEND
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
        Ok(())
    }
}
