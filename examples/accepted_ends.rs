//! Which end sends: the same one-copy cell with the connecting end sending and with the
//! accepted end sending (as under `--remote --reverse`), alternated, over loopback and
//! two namespaces. Run as root by `scripts/accepted-ends.sh`, alone on the machine.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use netio_core::engine::Network;
use netio_core::engine::{CellConfig, CellOutcome, run_cell};
use netio_core::matrix::Cell;
use netio_core::net::{NetnsPair, SocketOptions};
use netio_core::strategy::Strategy;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let size: usize = std::env::var("SIZE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(4096);
    let threads: usize = std::env::var("THREADS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2);
    // The command line's default: MSG_MORE on stream cells.
    let coalesce = std::env::var("COALESCE").map_or(true, |c| c != "0");
    let pair = NetnsPair::create(1500, None)?;
    for (name, network) in [
        ("loopback", Network::Loopback),
        ("netns", Network::Netns(pair.path.clone())),
    ] {
        let mut gbps = [Vec::new(), Vec::new()];
        let mut call_us = [Vec::new(), Vec::new()];
        for _ in 0..rounds {
            for (k, accepted_sends) in [false, true].into_iter().enumerate() {
                let config = CellConfig {
                    warmup: Duration::from_millis(500),
                    duration: Duration::from_secs(2),
                    network: network.clone(),
                    socket: SocketOptions {
                        accepted_sends,
                        ..SocketOptions::default()
                    },
                    ..CellConfig::default()
                };
                let cell = Cell::new(Strategy::OneCopy, size, threads);
                let CellOutcome::Finished(s) =
                    run_cell(cell, &config, &AtomicBool::new(false), |_| {})?
                else {
                    anyhow::bail!("cancelled");
                };
                gbps[k].push(s.row.throughput_gbps.value().unwrap_or(f64::NAN));
                call_us[k].push(s.row.send_call_us.value().unwrap_or(f64::NAN));
            }
        }
        let spread = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("{lo:.2}–{hi:.2}")
        };
        let (c, a) = (median(&mut gbps[0].clone()), median(&mut gbps[1].clone()));
        println!(
            "{name} one-copy {size} B x{threads} coalesce={coalesce}, {rounds} alternated rounds: connecting end sends {c:.2} Gbps [{}] {:.2} µs/call; accepted end sends {a:.2} Gbps [{}] {:.2} µs/call; accepted/connecting {:.3}",
            spread(&gbps[0]),
            median(&mut call_us[0]),
            spread(&gbps[1]),
            median(&mut call_us[1]),
            a / c
        );
    }
    Ok(())
}
