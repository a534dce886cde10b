//! The absences a read-back row's own columns explain, and the groups of columns they
//! apply to.

use super::Row;
use super::words::HwCounters;
use crate::figure::{Figure, why};

impl Row {
    /// Names the absences a read-back row's own columns explain: the zero-copy ledger
    /// does not apply to other strategies; hardware counters are unavailable where the
    /// row says the machine had none. The rest stay "not in the recording".
    pub fn explain_absences(&mut self) {
        fn explain<T: Copy + PartialEq>(f: &mut Figure<T>, why: Figure<T>) {
            if *f == Figure::Unavailable(why::NOT_RECORDED) {
                *f = why;
            }
        }
        let zero_copy =
            crate::strategy::Strategy::of_name(&self.strategy).is_some_and(|s| s.is_zero_copy());
        if !zero_copy {
            for f in self.zc_counts_mut() {
                explain(f, Figure::NotApplicable);
            }
            explain(&mut self.zc_copied_pct, Figure::NotApplicable);
        }
        let workload = self.workload();
        if !workload.has_round_trips() {
            for f in self.round_trip_figures_mut() {
                explain(f, Figure::NotApplicable);
            }
        }
        if !self.mode().is_paced() {
            for f in [
                &mut self.offered_gbps,
                &mut self.pace_err_p50_us,
                &mut self.pace_err_p99_us,
            ] {
                explain(f, Figure::NotApplicable);
            }
        }
        if self.hw_counters == Some(HwCounters::Off) {
            for f in self.hardware_counts_mut() {
                explain(f, Figure::Unavailable(why::NOT_COUNTED));
            }
            for f in self.software_counts_mut() {
                explain(f, Figure::Unavailable(why::NOT_COUNTED));
            }
            explain(
                &mut self.cycles_per_byte,
                Figure::Unavailable(why::NOT_COUNTED),
            );
            explain(
                &mut self.tx_task_clock_ms,
                Figure::Unavailable(why::NOT_COUNTED),
            );
            explain(
                &mut self.rx_task_clock_ms,
                Figure::Unavailable(why::NOT_COUNTED),
            );
        }
        if self.hw_counters == Some(HwCounters::No) {
            for f in self.hardware_counts_mut() {
                explain(f, Figure::Unavailable(why::NO_PMU));
            }
            explain(&mut self.cycles_per_byte, Figure::Unavailable(why::NO_PMU));
        }
    }

    /// The zero-copy ledger's count columns.
    pub(crate) fn zc_counts_mut(&mut self) -> [&mut Figure<u64>; 9] {
        [
            &mut self.zc_outstanding_at_end,
            &mut self.zc_pool_bytes,
            &mut self.zc_sends,
            &mut self.zc_completions,
            &mut self.zc_enobufs,
            &mut self.zc_gaps,
            &mut self.zc_lost,
            &mut self.zc_pool_waits,
            &mut self.zc_bogus,
        ]
    }

    /// `rr`'s columns.
    pub(crate) fn round_trip_figures_mut(&mut self) -> [&mut Figure<f64>; 5] {
        [
            &mut self.transactions_per_s,
            &mut self.rtt_p50_us,
            &mut self.rtt_p99_us,
            &mut self.rtt_p999_us,
            &mut self.rtt_max_us,
        ]
    }

    /// The software perf counts' columns, both sides.
    fn software_counts_mut(&mut self) -> [&mut Figure<u64>; 6] {
        [
            &mut self.tx_context_switches,
            &mut self.rx_context_switches,
            &mut self.tx_cpu_migrations,
            &mut self.rx_cpu_migrations,
            &mut self.tx_page_faults,
            &mut self.rx_page_faults,
        ]
    }

    /// The hardware counters' columns, both sides.
    fn hardware_counts_mut(&mut self) -> [&mut Figure<u64>; 8] {
        [
            &mut self.tx_cycles,
            &mut self.tx_instructions,
            &mut self.tx_l1d_load_misses,
            &mut self.tx_llc_load_misses,
            &mut self.rx_cycles,
            &mut self.rx_instructions,
            &mut self.rx_l1d_load_misses,
            &mut self.rx_llc_load_misses,
        ]
    }
}
