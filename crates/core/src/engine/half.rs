//! A cell's workers on this host: both halves (loopback, netns), or one half when the
//! other runs on a far host (`--remote`, and `netio-tui serve` on that host). What a
//! cell asks of its sockets and strategies is decided once ([`CellPlan`]), so both
//! hosts of a remote cell run it the same way.

use std::net::TcpStream;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::config::Fault;
use super::gate::Gate;
use super::peer::HalfRole;
use super::workers::{Workers, spawn};
use super::{CellConfig, EngineError, Lowat, READY_PATIENCE, SocketSetup, receiver, sender};
use crate::matrix::Cell;
use crate::net::{SocketOptions, sockopt};
use crate::strategy::StrategyOptions;
use crate::worker::LoopPlan;
use crate::worker::published::{ReceiverStats, SenderStats};
use crate::workload::interval_ps;

/// What a cell asks of its sockets, strategies and workloads, from the cell and the
/// run's config.
#[derive(Debug, Clone, Copy)]
pub struct CellPlan {
    /// The cell, its size at least the frame header.
    pub cell: Cell,
    /// What a paced cell offers, Gbps in total.
    pub offered: Option<f64>,
    /// A paced cell's interval between one pair's messages, ps.
    pub pacing: Option<u64>,
    pub socket: SocketOptions,
    pub strategy: StrategyOptions,
    /// `rr`'s reply length (0: no replies).
    pub reply: usize,
    pub lowat: Lowat,
}

impl CellPlan {
    pub fn new(
        cell: Cell,
        offered: Option<f64>,
        config: &CellConfig,
    ) -> Result<CellPlan, EngineError> {
        let pacing = if cell.is_paced() {
            let interval = offered
                .and_then(|g| interval_ps(g, cell.size.get(), cell.threads))
                .ok_or(EngineError::NoRate)?;
            Some(interval)
        } else {
            None
        };
        let zero_copy = cell.strategy.is_zero_copy();
        let stream = cell.workload.saturates();
        let socket = SocketOptions {
            zerocopy: zero_copy,
            // Request-response and paced messages go at once: Nagle would hold them.
            nagle: config.socket.nagle && stream,
            ..config.socket
        };
        // Zero-copy never coalesces (MSG_MORE was measured to hurt it), nor do
        // workloads whose messages must leave when sent.
        let strategy = StrategyOptions {
            coalesce: config.strategy.coalesce && !zero_copy && stream,
            // A batch waits until it fills: only a stream keeps it full.
            uring_depth: if stream {
                config.strategy.uring_depth
            } else {
                1
            },
            ..config.strategy
        };
        let reply = if cell.workload.has_round_trips() {
            config.rr.response_size
        } else {
            0
        };
        Ok(CellPlan {
            cell,
            offered,
            pacing,
            socket,
            strategy,
            reply,
            lowat: config.lowat_for(cell.workload),
        })
    }
}

/// One connection's ends on this host: both (loopback, netns) or one (`--remote`).
#[derive(Debug)]
pub struct Ends {
    pub sender: Option<TcpStream>,
    pub receiver: Option<TcpStream>,
}

impl Ends {
    /// The one end of a host that runs only `half` of the cell.
    pub fn only(socket: TcpStream, half: HalfRole) -> Ends {
        match half {
            HalfRole::Senders => Ends {
                sender: Some(socket),
                receiver: None,
            },
            HalfRole::Receivers => Ends {
                sender: None,
                receiver: Some(socket),
            },
        }
    }
}

/// The workers of a cell on this host, ready at the closed gate.
pub(super) struct Half {
    pub workers: Workers,
    pub senders: Vec<Arc<SenderStats>>,
    pub receivers: Vec<Arc<ReceiverStats>>,
    /// The sampler's own handles on the sockets, for TCP_INFO.
    pub tx_watched: Vec<TcpStream>,
    pub rx_watched: Vec<TcpStream>,
    pub stop: Arc<AtomicBool>,
    pub start: Arc<Gate>,
    /// The socket choices in effect, read back from the first connection.
    pub setup: SocketSetup,
}

/// Starts a worker for every end in `ends` and waits until all are ready at the gate.
pub(super) fn spawn_half(
    plan: &CellPlan,
    config: &CellConfig,
    ends: Vec<Ends>,
) -> Result<Half, EngineError> {
    let cell = plan.cell;
    if plan.lowat != Lowat::Off {
        for r in ends.iter().filter_map(|e| e.receiver.as_ref()) {
            sockopt::set_rcvlowat(r.as_fd(), receiver::frame_lowat(cell.size.get()))
                .map_err(EngineError::io("setsockopt SO_RCVLOWAT"))?;
        }
    }
    let setup = SocketSetup {
        lowat: plan.lowat.name(),
        pin: config.pin.label(),
        coalesce: plan.strategy.coalesce,
        ..ends
            .first()
            .map(|e| {
                super::describe::socket_setup(e.sender.as_ref(), e.receiver.as_ref(), &plan.socket)
            })
            .unwrap_or_default()
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut half = Half {
        workers: Workers::default(),
        senders: Vec::new(),
        receivers: Vec::new(),
        tx_watched: Vec::new(),
        rx_watched: Vec::new(),
        stop: Arc::new(AtomicBool::new(false)),
        // Nobody sends before every worker is ready.
        start: Arc::new(Gate::default()),
        setup,
    };
    for (i, end) in ends.into_iter().enumerate() {
        let (tx_cpu, rx_cpu) = config.pin.cpus_for(i, cpus);
        // The sender first: a receiver under `Fault::ReceiversStallAtEnd` watches it.
        let workers = [
            (end.sender, tx_cpu, HalfRole::Senders),
            (end.receiver, rx_cpu, HalfRole::Receivers),
        ];
        for (socket, cpu, role) in workers {
            if let Some(socket) = socket
                && let Err(e) = half.start_worker(plan, config, i, socket, cpu, role)
            {
                return Err(half.workers.abort(&half.start, e));
            }
        }
    }
    let count = half.senders.len() + half.receivers.len();
    if !half.start.wait_ready(count, READY_PATIENCE) {
        let who = half
            .workers
            .first_finished()
            .unwrap_or_else(|| "a worker".into());
        return Err(half.workers.abort(&half.start, EngineError::NotReady(who)));
    }
    Ok(half)
}

impl Half {
    /// Starts pair `i`'s worker of `role` (a sender or a receiver) on `socket`.
    fn start_worker(
        &mut self,
        plan: &CellPlan,
        config: &CellConfig,
        i: usize,
        socket: TcpStream,
        cpu: Option<usize>,
        role: HalfRole,
    ) -> Result<(), EngineError> {
        let watched = socket.try_clone().map_err(EngineError::io("dup"))?;
        match role {
            HalfRole::Receivers => {
                let stats = Arc::new(ReceiverStats::new(plan.cell.size.get() as u64));
                let job = receiver::ReceiverJob {
                    socket,
                    cell: plan.cell,
                    verify: config.verify,
                    tolerate_rewrites: config.strategy.unsafe_reuse,
                    recv_buffer: config.recv_buffer,
                    lowat: plan.lowat,
                    rx: plan.cell.rx,
                    reply: plan.reply,
                    depth: config.rr.depth,
                    cpu,
                    namespace: config.network.receiver_ns().map(str::to_string),
                    stats: Arc::clone(&stats),
                    start: Arc::clone(&self.start),
                    stall_behind: match config.fault {
                        Fault::ReceiversStallAtEnd => self.senders.get(i).cloned(),
                        Fault::None => None,
                    },
                };
                let handle = spawn(format!("nio-rx-{i}"), move || receiver::run(job))?;
                self.workers.receivers.push(handle);
                self.receivers.push(stats);
                self.rx_watched.push(watched);
            }
            HalfRole::Senders => {
                let stats = Arc::new(SenderStats::recording(
                    plan.reply > 0,
                    plan.pacing.is_some(),
                ));
                let job = sender::SenderJob {
                    socket,
                    cell: plan.cell,
                    options: plan.strategy,
                    plan: LoopPlan {
                        depth: config.rr.depth,
                        response_size: plan.reply,
                        pacing: plan.pacing.map(|p| (p, i, plan.cell.threads)),
                    },
                    cpu,
                    namespace: config.network.sender_ns().map(str::to_string),
                    stats: Arc::clone(&stats),
                    stop: Arc::clone(&self.stop),
                    start: Arc::clone(&self.start),
                };
                let handle = spawn(format!("nio-tx-{i}"), move || sender::run(job))?;
                self.workers.senders.push(handle);
                self.senders.push(stats);
                self.tx_watched.push(watched);
            }
        }
        Ok(())
    }

    /// Shuts every connection down, so workers blocked in a send or a receive return
    /// (the far host is gone: nobody will read or write the other end).
    pub fn shut_down(&self) {
        for s in self.tx_watched.iter().chain(&self.rx_watched) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    /// CPUs each side's workers were seen on, sorted, without repeats.
    pub fn cpus_seen(&self) -> (Vec<usize>, Vec<usize>) {
        let all = |seen: Vec<Vec<usize>>| {
            let mut all: Vec<usize> = seen.into_iter().flatten().collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        (
            all(self.senders.iter().map(|s| s.cpus.cpus()).collect()),
            all(self.receivers.iter().map(|r| r.cpus.cpus()).collect()),
        )
    }
}
