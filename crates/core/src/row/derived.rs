//! Figures the monitor, `report` and `plot` show that are not columns of their own:
//! each computed from a row's columns by one [`formula`](super::formula), here and
//! nowhere else.

use super::Row;
use super::formula::{per_kib, per_second, sum};
use crate::figure::Figure;

impl Row {
    /// The workload, load and receive strategy the row was measured under: the `rate`
    /// column as written (else `load_pct`), `Unpaced` for unpaced workloads; `copy`
    /// when the row names no receive strategy this build knows.
    pub fn mode(&self) -> crate::matrix::Mode {
        use crate::workload::Load;
        let workload = self.workload();
        let load = if workload.is_paced() {
            self.rate
                .as_deref()
                .and_then(|r| Load::parse(r).ok())
                .or(self.load_pct.map(Load::Percent))
                .unwrap_or_default()
        } else {
            Load::Unpaced
        };
        let rx = self
            .rx_strategy
            .as_deref()
            .and_then(|r| r.parse().ok())
            .unwrap_or_default();
        crate::matrix::Mode { workload, load, rx }
    }

    /// The figure strategies are ranked by under the row's workload (its registry
    /// entry's `headline`): throughput, transactions per second, or p99 latency.
    pub fn headline(&self) -> Figure<f64> {
        match self.mode().entry().headline {
            "transactions_per_s" => self.transactions_per_s,
            "lat_p99_us" => self.lat_p99_us,
            _ => self.throughput_gbps,
        }
    }

    /// The latency percentile that means something under the row's workload: the round
    /// trip for `rr`, else the one-way figure (queueing delay for `stream`).
    pub fn latency_p50(&self) -> Figure<f64> {
        if self.workload().has_round_trips() {
            self.rtt_p50_us
        } else {
            self.lat_p50_us
        }
    }

    /// As [`Row::latency_p50`], the 99th percentile.
    pub fn latency_p99(&self) -> Figure<f64> {
        if self.workload().has_round_trips() {
            self.rtt_p99_us
        } else {
            self.lat_p99_us
        }
    }

    /// CPU time of both sides per byte received: `tx_cpu_ns_per_byte + rx_cpu_ns_per_byte`.
    pub fn cpu_ns_per_byte(&self) -> Figure<f64> {
        self.tx_cpu_ns_per_byte
            .zip(self.rx_cpu_ns_per_byte)
            .map(|(t, r)| t + r)
    }

    /// L1d load misses of both sides per KiB received: `(tx + rx) / (bytes / 1024)`.
    pub fn l1d_misses_per_kib(&self) -> Figure<f64> {
        per_kib(
            sum(self.tx_l1d_load_misses, self.rx_l1d_load_misses),
            self.bytes,
        )
    }

    /// Last-level-cache load misses of both sides per KiB received.
    pub fn llc_misses_per_kib(&self) -> Figure<f64> {
        per_kib(
            sum(self.tx_llc_load_misses, self.rx_llc_load_misses),
            self.bytes,
        )
    }

    /// Context switches of both sides, perf's count or else the kernel's own
    /// (voluntary + involuntary from /proc, which older recordings hold).
    pub fn context_switches(&self) -> Figure<u64> {
        let perf = sum(self.tx_context_switches, self.rx_context_switches);
        if perf.is_measured() {
            return perf;
        }
        let tx = sum(self.tx_voluntary_switches, self.tx_involuntary_switches);
        let rx = sum(self.rx_voluntary_switches, self.rx_involuntary_switches);
        let proc = sum(tx, rx);
        if proc.is_measured() { proc } else { perf }
    }

    /// Every byte the send calls handed to the kernel (copied, pinned or spliced), by
    /// the copy meter's count.
    fn handed_bytes(&self) -> Figure<u64> {
        sum(
            sum(self.tx_copied_bytes, self.tx_zerocopy_bytes),
            self.tx_spliced_bytes,
        )
    }

    /// Measured copies per byte on the sender: bytes the tool copied in user space
    /// plus bytes the send path copied, over every byte the send calls handed to the
    /// kernel. Two-copy 2, one-copy 1, zero-copy 0, sendfile the header's share.
    pub fn sender_copies_per_byte(&self) -> Figure<f64> {
        let copied = sum(self.user_copied_bytes, self.tx_copied_bytes);
        super::formula::copies_per_byte(copied, self.handed_bytes())
    }

    /// Measured late copies per byte: zero-copy pages copied at local delivery, over
    /// every byte handed to the kernel (about 1 for zero-copy over loopback or veth,
    /// a little more when segments are sent again; 0 where pages leave by a NIC).
    pub fn late_copies_per_byte(&self) -> Figure<f64> {
        super::formula::copies_per_byte(self.late_copied_bytes, self.handed_bytes())
    }

    /// Measured copies per byte end to end: the sender's, the late copy and the
    /// receiver's, over every byte handed to the kernel.
    pub fn end_to_end_copies_per_byte(&self) -> Figure<f64> {
        let copied = sum(
            sum(self.user_copied_bytes, self.tx_copied_bytes),
            sum(self.late_copied_bytes, self.rx_copied_bytes),
        );
        super::formula::copies_per_byte(copied, self.handed_bytes())
    }

    /// Measured copies per byte on the receiver: bytes receive calls copied over every
    /// byte received (copied, or mapped by `TCP_ZEROCOPY_RECEIVE`).
    pub fn receiver_copies_per_byte(&self) -> Figure<f64> {
        // A receiver that reads with recv() maps nothing (a recording's empty cell).
        let reads = self.rx_strategy.as_deref().is_none_or(|s| s == "copy");
        let mapped = match self.rx_mapped_bytes {
            Figure::NotApplicable => Figure::Measured(0),
            _ if reads => Figure::Measured(0),
            m => m,
        };
        super::formula::copies_per_byte(self.rx_copied_bytes, sum(self.rx_copied_bytes, mapped))
    }

    /// [`Row::context_switches`] per second of the interval.
    pub fn context_switches_per_s(&self) -> Figure<f64> {
        per_second(self.context_switches(), self.duration_s)
    }
}

#[cfg(test)]
mod tests {
    use crate::figure::{Figure, why};
    use crate::row::Row;

    #[test]
    fn copies_per_byte_come_from_the_meter_and_the_tools_own_count() {
        let two_copy = Row {
            user_copied_bytes: Figure::Measured(1000),
            tx_copied_bytes: Figure::Measured(1000),
            tx_zerocopy_bytes: Figure::Measured(0),
            tx_spliced_bytes: Figure::Measured(0),
            late_copied_bytes: Figure::Measured(0),
            rx_copied_bytes: Figure::Measured(1000),
            rx_mapped_bytes: Figure::NotApplicable,
            ..Row::default()
        };
        assert_eq!(two_copy.sender_copies_per_byte(), Figure::Measured(2.0));
        assert_eq!(two_copy.receiver_copies_per_byte(), Figure::Measured(1.0));
        assert_eq!(two_copy.end_to_end_copies_per_byte(), Figure::Measured(3.0));
        let zero_copy_mapped = Row {
            user_copied_bytes: Figure::Measured(0),
            tx_copied_bytes: Figure::Measured(0),
            tx_zerocopy_bytes: Figure::Measured(1000),
            tx_spliced_bytes: Figure::Measured(0),
            late_copied_bytes: Figure::Measured(1010),
            rx_copied_bytes: Figure::Measured(250),
            rx_mapped_bytes: Figure::Measured(750),
            rx_strategy: Some("zerocopy".into()),
            ..Row::default()
        };
        assert_eq!(
            zero_copy_mapped.late_copies_per_byte(),
            Figure::Measured(1.01)
        );
        assert_eq!(
            zero_copy_mapped.end_to_end_copies_per_byte(),
            Figure::Measured(1.26)
        );
        assert_eq!(
            zero_copy_mapped.sender_copies_per_byte(),
            Figure::Measured(0.0)
        );
        assert_eq!(
            zero_copy_mapped.receiver_copies_per_byte(),
            Figure::Measured(0.25)
        );
        // Without the meter: absent, never 0.
        let absent = Row {
            user_copied_bytes: Figure::Measured(0),
            tx_copied_bytes: Figure::Unavailable(why::UNREADABLE),
            ..Row::default()
        };
        assert!(!absent.sender_copies_per_byte().is_measured());
    }

    #[test]
    fn misses_per_kib_sum_both_sides() {
        let r = Row {
            bytes: 4096,
            tx_l1d_load_misses: Figure::Measured(6),
            rx_l1d_load_misses: Figure::Measured(2),
            tx_llc_load_misses: Figure::Measured(1),
            rx_llc_load_misses: Figure::Unavailable(why::NO_PMU),
            ..Row::default()
        };
        assert_eq!(r.l1d_misses_per_kib(), Figure::Measured(2.0));
        assert_eq!(r.llc_misses_per_kib(), Figure::Unavailable(why::NO_PMU));
    }

    #[test]
    fn switches_fall_back_to_proc() {
        let mut r = Row {
            duration_s: 2.0,
            tx_voluntary_switches: Figure::Measured(3),
            tx_involuntary_switches: Figure::Measured(1),
            rx_voluntary_switches: Figure::Measured(5),
            rx_involuntary_switches: Figure::Measured(1),
            ..Row::default()
        };
        assert_eq!(r.context_switches_per_s(), Figure::Measured(5.0));
        r.tx_context_switches = Figure::Measured(20);
        r.rx_context_switches = Figure::Measured(20);
        assert_eq!(r.context_switches_per_s(), Figure::Measured(20.0));
        r.duration_s = 0.0;
        assert_eq!(r.context_switches_per_s(), Figure::Undefined);
    }
}
