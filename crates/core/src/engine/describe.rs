//! What a row says about the cell beyond its figures: its axes (workload and load,
//! receive strategy, rr's depth and reply), what a paced cell offered and whether it
//! kept up, the zero-copy pool's size, and the socket choices read back from the kernel.

use std::os::fd::AsFd;

use super::{CellConfig, SocketSetup};
use crate::matrix::Cell;
use crate::net::sockopt;

/// Names the cell's axes (workload and its load, receive strategy, rr's depth and reply)
/// in a row, what a paced cell offered and whether it kept up, and the zero-copy pool's
/// size where there is one.
pub(super) fn name_axes(
    row: &mut crate::row::Row,
    config: &CellConfig,
    cell: Cell,
    offered: Option<f64>,
) {
    use crate::figure::Figure;
    row.workload = Some(cell.workload.name().to_string());
    row.rx_strategy = Some(cell.rx.name().to_string());
    if config.copy_meter.meter().is_none() {
        let why = Figure::Unavailable(config.copy_meter.absent_reason());
        row.tx_copied_bytes = why;
        row.tx_zerocopy_bytes = why;
        row.tx_spliced_bytes = why;
        row.late_copied_bytes = why;
        row.rx_copied_bytes = why;
    }
    let unsafe_reuse = config.strategy.unsafe_reuse && cell.strategy.holds_pages();
    row.unsafe_reuse = Some(unsafe_reuse);
    if cell.workload.has_round_trips() {
        row.depth = Some(config.rr.depth as u32);
        row.response_size_bytes = Some(config.rr.response_size as u64);
    }
    row.uring_depth = cell.strategy.entry().batches.then(|| {
        let depth = if cell.workload.saturates() {
            config.strategy.uring_depth
        } else {
            1
        };
        depth.clamp(1, crate::strategy::URING_MAX_DEPTH) as u32
    });
    row.rate = cell.workload.is_paced().then(|| cell.load.to_string());
    row.load_pct = cell.load.percent();
    row.offered_gbps = match offered {
        Some(g) if cell.is_paced() => Figure::Measured(crate::row::formula::sig6(g)),
        _ => Figure::NotApplicable,
    };
    row.saturated = offered.filter(|_| cell.is_paced()).and_then(|g| {
        // One pair's interval between messages, µs.
        let bits = cell.size.bits();
        let interval_us = bits * cell.threads as f64 / (g * 1e9) * 1e6;
        crate::row::formula::saturated(row.throughput_gbps, g, row.pace_err_p50_us, interval_us)
    });
    row.zc_pool_bytes = if cell.strategy.is_zero_copy() {
        let bytes = crate::strategy::pool_bytes(cell.size.get(), &config.strategy);
        crate::figure::Figure::Measured(bytes as u64)
    } else {
        crate::figure::Figure::NotApplicable
    };
}

/// The socket choices in effect on `conn`, as the kernel reports them, and whether
/// its two ends read back the same options (set with `opts`).
pub(super) fn socket_setup(
    sender: Option<&std::net::TcpStream>,
    receiver: Option<&std::net::TcpStream>,
    opts: &crate::net::SocketOptions,
) -> SocketSetup {
    // Under `--remote` one end is on the far host: its choices are not read here.
    let tx = sender.map(|s| s.as_fd());
    let rx = receiver.map(|r| r.as_fd());
    let read = |fd| sockopt::EndOptions::read(fd, opts.sndbuf.is_some());
    SocketSetup {
        ends_alike: tx.zip(rx).map(|(tx, rx)| read(tx) == read(rx)),
        cc: tx.or(rx).and_then(sockopt::get_cc),
        nodelay: tx.or(rx).and_then(sockopt::get_nodelay),
        sndbuf: tx.and_then(sockopt::get_sndbuf),
        rcvbuf: rx.and_then(sockopt::get_rcvbuf),
        rcvlowat: rx.and_then(sockopt::get_rcvlowat),
        ..SocketSetup::default()
    }
}
