//! Sampling one side's threads with a software clock (`cpu-clock`: it works with and
//! without a PMU), kernel and user call chains included, and charging each sample to
//! its kind of work (`bucketing`). Softirq work that runs in a thread's context (the
//! loopback's delivery, the deferred copy) is charged to that thread, as the kernel
//! charges it. Read once a second by the sampler thread, never on the hot path.

use perf_event::events::Software;
use perf_event::{Builder, SampleFlag, Sampler};
use perf_event_data::Record;

use super::bucketing::{Bucket, Frame, classify};
use super::kallsyms::Kallsyms;

/// Samples a second per thread: 997 Hz (a prime, so the clock does not beat with
/// periodic work), about 0.1 % of a core per sampled thread.
pub const FREQUENCY: u64 = 997;

/// Call chains deeper than this are cut at the root end (the leaf decides).
const MAX_STACK: u16 = 64;

/// Samples per bucket, and the leaves of the chains the table did not know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub by_bucket: std::collections::BTreeMap<Bucket, u64>,
    pub unknown_leaves: std::collections::BTreeMap<String, u64>,
    /// Samples whose chain could not be read.
    pub lost: u64,
}

impl Tally {
    pub fn total(&self) -> u64 {
        self.by_bucket.values().sum()
    }
}

/// One side's samplers, one per thread.
pub struct SideSampler {
    samplers: Vec<Sampler>,
}

impl SideSampler {
    /// Starts sampling threads `tids` (kernel frames included where allowed).
    pub fn open(tids: &[i32]) -> std::io::Result<SideSampler> {
        let mut samplers = Vec::new();
        for &tid in tids {
            let mut s = Builder::new(Software::CPU_CLOCK)
                .observe_pid(tid)
                // perf-event2 leaves the kernel out by default: its time is the point.
                .exclude_kernel(false)
                .sample_frequency(FREQUENCY)
                .sample(SampleFlag::IP)
                .sample(SampleFlag::TID)
                .sample(SampleFlag::CALLCHAIN)
                .sample_max_stack(MAX_STACK)
                .build()?
                .sampled(256 << 10)?;
            s.enable()?;
            samplers.push(s);
        }
        Ok(SideSampler { samplers })
    }

    /// Reads every sample taken so far into `tally`, naming kernel frames with `syms`.
    pub fn drain(&mut self, syms: &Kallsyms, tally: &mut Tally) {
        for s in &mut self.samplers {
            while let Some(record) = s.next_record() {
                // Other records (a lost-records notice, a throttle) carry no sample.
                let Ok(Record::Sample(sample)) = record.parse_record() else {
                    continue;
                };
                let Some(chain) = sample.callchain() else {
                    tally.lost += 1;
                    continue;
                };
                // The chain's context markers (PERF_CONTEXT_*) sit at the top of the
                // address space; kernel text is in its upper half.
                let names: Vec<Frame> = chain
                    .iter()
                    .filter(|&&a| a < 0xffff_ffff_ffff_f000)
                    .map(|&a| match a >= 0xffff_8000_0000_0000 {
                        true => Frame {
                            function: syms.name_of(a).unwrap_or("?"),
                            kernel: true,
                        },
                        false => Frame {
                            function: "?",
                            kernel: false,
                        },
                    })
                    .collect();
                let (bucket, leaf) = classify(&names);
                *tally.by_bucket.entry(bucket).or_default() += 1;
                if let Some(leaf) = leaf {
                    *tally.unknown_leaves.entry(leaf.to_string()).or_default() += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A thread writing 512 MiB to a connected TCP socket spends its samples in the
    /// copy to the kernel and TCP/IP, which the table names. (Where the kernel hides
    /// addresses or refuses perf_event_open there is nothing to sample: it returns.)
    #[test]
    fn a_sending_thread_is_charged_to_copies_and_tcp() {
        let Ok(syms) = Kallsyms::load() else {
            return; // Addresses hidden: no kernel names to check (said by Kallsyms).
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listens");
        let addr = listener.local_addr().expect("address");
        let drain = std::thread::spawn(move || {
            let (mut c, _) = listener.accept().expect("accepts");
            let mut buf = vec![0u8; 1 << 20];
            while std::io::Read::read(&mut c, &mut buf).is_ok_and(|n| n > 0) {}
        });
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let sender = std::thread::spawn(move || {
            // SAFETY: gettid has no preconditions.
            let _ = tid_tx.send(unsafe { libc::gettid() });
            let mut s = std::net::TcpStream::connect(addr).expect("connects");
            // A fixed amount of work (512 MiB), not a time: the samples count CPU time.
            let data = vec![7u8; 64 << 10];
            for _ in 0..8192 {
                s.write_all(&data).expect("sends");
            }
        });
        let tid = tid_rx.recv().expect("tid");
        let Ok(mut sampler) = SideSampler::open(&[tid]) else {
            return; // perf_event_open refused (unprivileged, paranoid): nothing here.
        };
        sender.join().expect("sent");
        drain.join().expect("drained");
        let mut tally = Tally::default();
        sampler.drain(&syms, &mut tally);
        assert!(tally.total() > 50, "{tally:?}");
        let named = |b: Bucket| tally.by_bucket.get(&b).copied().unwrap_or(0);
        assert!(
            named(Bucket::CopyToKernel) + named(Bucket::TcpIp) > tally.total() / 4,
            "{tally:?}"
        );
    }
}
