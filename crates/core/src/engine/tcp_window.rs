//! TCP_INFO of one side's connections over an interval: retransmissions (segments
//! and bytes), RTT and its variance, congestion window and delivery rate as the kernel
//! sees them, and the share of the time the sender was
//! held back by the receiver's window (the receiver fell behind) or by its own send
//! buffer. Read by the sampler from its own duplicates of the worker sockets (the
//! senders' for the `tcpi_*` columns, the receivers' for `rx_tcpi_*`).

use std::net::TcpStream;
use std::os::fd::AsFd;

use crate::figure::{Figure, why};
use crate::net::sockopt;
use crate::row::{Row, formula};

/// Above this share of busy time limited by the receive window, a row is flagged
/// "receiver behind": the figure then says as much about the receiver as the sender.
pub const RECEIVER_BEHIND_PCT: f64 = 10.0;

/// The kernel's running totals over one side's connections at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TcpTotals {
    pub connections: u32,
    pub busy_us: u64,
    pub rwnd_limited_us: u64,
    pub sndbuf_limited_us: u64,
    pub retrans: u64,
    pub bytes_retrans: u64,
    pub rtt_us_sum: u64,
    pub rttvar_us_sum: u64,
    pub cwnd_sum: u64,
    /// Bytes per second, summed over connections.
    pub delivery_rate_sum: u64,
}

impl TcpTotals {
    /// Reads every socket; `None` unless all of them could be read.
    pub fn read(sockets: &[TcpStream]) -> Option<TcpTotals> {
        let mut t = TcpTotals::default();
        for s in sockets {
            let i = sockopt::tcp_info(s.as_fd())?;
            t.connections += 1;
            t.busy_us += i.busy_time_us;
            t.rwnd_limited_us += i.rwnd_limited_us;
            t.sndbuf_limited_us += i.sndbuf_limited_us;
            t.retrans += u64::from(i.total_retrans);
            t.bytes_retrans += i.bytes_retrans;
            t.rtt_us_sum += u64::from(i.rtt_us);
            t.rttvar_us_sum += u64::from(i.rttvar_us);
            t.cwnd_sum += u64::from(i.snd_cwnd);
            t.delivery_rate_sum += i.delivery_rate;
        }
        (t.connections > 0).then_some(t)
    }
}

/// TCP figures of an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TcpFigures {
    /// Smoothed RTT at the end, mean over connections, µs.
    pub rtt_us: f64,
    /// Congestion window at the end, mean over connections, segments.
    pub cwnd: f64,
    /// RTT variance at the end, mean over connections, µs.
    pub rttvar_us: f64,
    /// Segments retransmitted in the interval.
    pub retrans: u64,
    /// Bytes retransmitted in the interval.
    pub bytes_retrans: u64,
    /// The kernel's delivery-rate samples at the end, summed over connections, Gbps.
    pub delivery_rate_gbps: f64,
    /// Share of the busy time limited by the receiver's window, %.
    pub rwnd_limited_pct: Option<f64>,
    /// Share of the busy time limited by the send buffer, %.
    pub sndbuf_limited_pct: Option<f64>,
}

impl TcpFigures {
    /// The figures between two readings; `None` if either is missing.
    pub fn between(a: Option<TcpTotals>, b: Option<TcpTotals>) -> Option<TcpFigures> {
        let (a, b) = (a?, b?);
        let busy = b.busy_us.checked_sub(a.busy_us)?;
        let pct = |x: u64, y: u64| {
            (busy > 0).then(|| (y.saturating_sub(x) as f64 / busy as f64 * 100.0).min(100.0))
        };
        let n = f64::from(b.connections.max(1));
        Some(TcpFigures {
            rtt_us: b.rtt_us_sum as f64 / n,
            rttvar_us: b.rttvar_us_sum as f64 / n,
            cwnd: b.cwnd_sum as f64 / n,
            retrans: b.retrans.saturating_sub(a.retrans),
            bytes_retrans: b.bytes_retrans.saturating_sub(a.bytes_retrans),
            delivery_rate_gbps: b.delivery_rate_sum as f64 * 8.0 / 1e9,
            rwnd_limited_pct: pct(a.rwnd_limited_us, b.rwnd_limited_us),
            sndbuf_limited_pct: pct(a.sndbuf_limited_us, b.sndbuf_limited_us),
        })
    }

    /// One figure of an interval: measured, undefined (an idle interval has no share
    /// of busy time) or unavailable (TCP_INFO unreadable).
    pub fn figure(tcp: Option<TcpFigures>, f: impl Fn(&TcpFigures) -> Option<f64>) -> Figure<f64> {
        match tcp {
            Some(t) => f(&t).map_or(Figure::Undefined, |v| Figure::Measured(formula::sig6(v))),
            None => Figure::Unavailable(why::UNREADABLE),
        }
    }

    /// True when the receiver held the sender back for a notable share of the time.
    pub fn receiver_behind(&self) -> bool {
        self.rwnd_limited_pct
            .is_some_and(|p| p >= RECEIVER_BEHIND_PCT)
    }
}

/// The receivers' own TCP_INFO columns (`rx_tcpi_*`): their connections carry
/// acknowledgements, and under `rr` the replies, so their RTT and retransmissions are
/// the return direction's.
pub fn rx_tcp_columns(row: &mut Row, rx: Option<TcpFigures>) {
    let fig = |f: fn(&TcpFigures) -> Option<f64>| TcpFigures::figure(rx, f);
    let count =
        |f: fn(&TcpFigures) -> u64| Figure::or_unavailable(rx.map(|t| f(&t)), why::UNREADABLE);
    row.rx_tcpi_rtt_us = fig(|t| Some(t.rtt_us));
    row.rx_tcpi_rttvar_us = fig(|t| Some(t.rttvar_us));
    row.rx_tcpi_retrans = count(|t| t.retrans);
    row.rx_tcpi_bytes_retrans = count(|t| t.bytes_retrans);
    row.rx_tcpi_cwnd = fig(|t| Some(t.cwnd));
    row.rx_tcpi_delivery_rate_gbps = fig(|t| Some(t.delivery_rate_gbps));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_busy_time() {
        let a = TcpTotals {
            connections: 2,
            busy_us: 1_000,
            rwnd_limited_us: 100,
            retrans: 1,
            ..TcpTotals::default()
        };
        let b = TcpTotals {
            busy_us: 2_000,
            rwnd_limited_us: 350,
            sndbuf_limited_us: 100,
            retrans: 4,
            rtt_us_sum: 60,
            cwnd_sum: 20,
            ..a
        };
        let f = TcpFigures::between(Some(a), Some(b)).expect("both read");
        assert_eq!(f.rwnd_limited_pct, Some(25.0));
        assert_eq!(f.sndbuf_limited_pct, Some(10.0));
        assert_eq!((f.retrans, f.rtt_us, f.cwnd), (3, 30.0, 10.0));
        assert!(f.receiver_behind());
        let idle = TcpFigures::between(Some(a), Some(a)).expect("read");
        assert_eq!(
            idle.rwnd_limited_pct, None,
            "no busy time: undefined, not 0"
        );
        assert_eq!(TcpFigures::between(None, Some(b)), None);
    }
}
