//! The kinds of work a sampled call chain is charged to, and the one table that maps
//! functions to them (checked on [`CHECKED_ON`]). A chain is read from its leaf up:
//! the first frame the table names decides, so a generic copy loop
//! (`rep_movs_alternative`) counts as a copy to the kernel under `_copy_from_iter` and
//! as a copy to user space under `_copy_to_iter`. A chain the table does not know is
//! "other", its leaf kept so the table can grow.

/// The kernel the table was checked against (function names change between kernels).
pub const CHECKED_ON: &str = "Linux 6.18";

/// What a sample's CPU time went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    /// The sender's own `memcpy` (two-copy's linearization), in user space.
    UserCopy,
    CopyToKernel,
    CopyToUser,
    /// Pinning user pages for zero-copy send or receive.
    PagePinning,
    /// The deferred copy of pinned pages at local delivery (`skb_copy_ubufs`).
    DeferredCopy,
    TcpIp,
    /// The loopback or veth device and the softirq that drains it.
    Device,
    Scheduler,
    Syscall,
    /// Reading zero-copy completions (the error queue).
    CompletionReaping,
    IoUring,
    /// netio-tui's own code.
    Tool,
    Other,
}

impl Bucket {
    /// Every bucket, in the order the tool shows them.
    pub const ALL: [Bucket; 13] = [
        Bucket::UserCopy,
        Bucket::CopyToKernel,
        Bucket::CopyToUser,
        Bucket::PagePinning,
        Bucket::DeferredCopy,
        Bucket::TcpIp,
        Bucket::Device,
        Bucket::Scheduler,
        Bucket::Syscall,
        Bucket::CompletionReaping,
        Bucket::IoUring,
        Bucket::Tool,
        Bucket::Other,
    ];

    /// Its name in words and as a column suffix (`tx_pct_copy_to_kernel`).
    pub fn name(self) -> &'static str {
        match self {
            Bucket::UserCopy => "user_copy",
            Bucket::CopyToKernel => "copy_to_kernel",
            Bucket::CopyToUser => "copy_to_user",
            Bucket::PagePinning => "page_pinning",
            Bucket::DeferredCopy => "deferred_copy",
            Bucket::TcpIp => "tcp_ip",
            Bucket::Device => "device",
            Bucket::Scheduler => "scheduler",
            Bucket::Syscall => "syscall",
            Bucket::CompletionReaping => "completion_reaping",
            Bucket::IoUring => "io_uring",
            Bucket::Tool => "tool",
            Bucket::Other => "other",
        }
    }
}

/// How a table entry names functions.
#[derive(Debug, Clone, Copy)]
enum Name {
    Exact(&'static str),
    Prefix(&'static str),
}

/// The table: kernel functions (and, for the user copy and the tool, user-space ones)
/// and their bucket. Checked against this machine's `/proc/kallsyms` on [`CHECKED_ON`].
const TABLE: &[(Bucket, Name)] = &[
    (Bucket::DeferredCopy, Name::Exact("skb_copy_ubufs")),
    (
        Bucket::PagePinning,
        Name::Exact("zerocopy_fill_skb_from_iter"),
    ),
    (Bucket::PagePinning, Name::Exact("__zerocopy_sg_from_iter")),
    (Bucket::PagePinning, Name::Exact("iov_iter_get_pages2")),
    (Bucket::PagePinning, Name::Prefix("pin_user_pages")),
    (Bucket::PagePinning, Name::Prefix("get_user_pages")),
    (Bucket::CompletionReaping, Name::Exact("ip_recv_error")),
    (Bucket::CompletionReaping, Name::Exact("sock_recv_errqueue")),
    (Bucket::CompletionReaping, Name::Prefix("msg_zerocopy")),
    (Bucket::CopyToKernel, Name::Exact("_copy_from_iter")),
    (Bucket::CopyToKernel, Name::Exact("_copy_from_user")),
    (Bucket::CopyToUser, Name::Exact("_copy_to_iter")),
    (Bucket::CopyToUser, Name::Exact("_copy_to_user")),
    (Bucket::CopyToUser, Name::Exact("__skb_datagram_iter")),
    (Bucket::IoUring, Name::Prefix("io_")),
    (Bucket::IoUring, Name::Prefix("__io_")),
    (Bucket::Device, Name::Exact("loopback_xmit")),
    (Bucket::Device, Name::Prefix("veth_")),
    (Bucket::Device, Name::Exact("__dev_queue_xmit")),
    (Bucket::Device, Name::Exact("net_rx_action")),
    (Bucket::Device, Name::Exact("process_backlog")),
    (Bucket::Device, Name::Prefix("__napi_poll")),
    (Bucket::Device, Name::Prefix("__netif_receive_skb")),
    (Bucket::TcpIp, Name::Prefix("tcp_")),
    (Bucket::TcpIp, Name::Prefix("__tcp_")),
    (Bucket::TcpIp, Name::Prefix("ip_")),
    (Bucket::TcpIp, Name::Prefix("__ip_")),
    (Bucket::TcpIp, Name::Prefix("inet_")),
    (Bucket::TcpIp, Name::Prefix("sk_stream_")),
    (Bucket::Scheduler, Name::Exact("__schedule")),
    (Bucket::Scheduler, Name::Exact("schedule")),
    (Bucket::Scheduler, Name::Exact("try_to_wake_up")),
    (Bucket::Scheduler, Name::Exact("finish_task_switch")),
    (Bucket::Scheduler, Name::Prefix("pick_next_task")),
    (Bucket::Syscall, Name::Exact("entry_SYSCALL_64")),
    (Bucket::Syscall, Name::Exact("do_syscall_64")),
    (Bucket::Syscall, Name::Prefix("__x64_sys_")),
];

/// One frame of a sampled call chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub function: &'a str,
    /// A kernel address (the user copy is a user-space bucket).
    pub kernel: bool,
}

fn names(entry: Name, function: &str) -> bool {
    // Compiler-split parts (`veth_xmit.cold`) are the function's own.
    let f = function.split('.').next().unwrap_or(function);
    match entry {
        Name::Exact(n) => f == n,
        Name::Prefix(p) => f.starts_with(p),
    }
}

/// The bucket of one frame, if the table names it.
fn bucket_of(frame: Frame) -> Option<Bucket> {
    if !frame.kernel {
        let f = frame.function;
        if f.contains("netio_") {
            return Some(Bucket::Tool);
        }
        if ["memcpy", "__memcpy", "__memmove"]
            .iter()
            .any(|p| f.starts_with(p))
        {
            return Some(Bucket::UserCopy);
        }
        return None;
    }
    TABLE
        .iter()
        .find(|(_, n)| names(*n, frame.function))
        .map(|(b, _)| *b)
}

/// The bucket of a call chain, leaf first: the first frame the table names decides;
/// none does, "other" with the leaf's name (for the table's next entries).
pub fn classify<'a>(chain: &[Frame<'a>]) -> (Bucket, Option<&'a str>) {
    match chain.iter().find_map(|f| bucket_of(*f)) {
        Some(b) => (b, None),
        None => (Bucket::Other, chain.first().map(|f| f.function)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(function: &str) -> Frame<'_> {
        Frame {
            function,
            kernel: true,
        }
    }

    #[test]
    fn a_copy_loop_is_charged_to_the_copy_that_called_it() {
        let send = [
            k("rep_movs_alternative"),
            k("_copy_from_iter"),
            k("tcp_sendmsg_locked"),
        ];
        assert_eq!(classify(&send), (Bucket::CopyToKernel, None));
        let recv = [
            k("rep_movs_alternative"),
            k("_copy_to_iter"),
            k("__skb_datagram_iter"),
        ];
        assert_eq!(classify(&recv), (Bucket::CopyToUser, None));
    }

    #[test]
    fn zero_copy_work_has_its_own_buckets() {
        let late = [
            k("rep_movs_alternative"),
            k("skb_copy_ubufs"),
            k("__netif_receive_skb_core.constprop.0"),
        ];
        assert_eq!(classify(&late).0, Bucket::DeferredCopy);
        assert_eq!(
            classify(&[k("zerocopy_fill_skb_from_iter")]).0,
            Bucket::PagePinning
        );
        assert_eq!(classify(&[k("veth_xmit.cold")]).0, Bucket::Device);
        assert_eq!(classify(&[k("io_submit_sqes")]).0, Bucket::IoUring);
    }

    #[test]
    fn user_space_copies_and_the_tool_are_told_apart_and_unknown_chains_keep_their_leaf() {
        let user = |function| Frame {
            function,
            kernel: false,
        };
        assert_eq!(
            classify(&[user("__memcpy_avx_unaligned_erms")]).0,
            Bucket::UserCopy
        );
        assert_eq!(
            classify(&[user("netio_core::worker::SendLoop::send_one")]).0,
            Bucket::Tool
        );
        assert_eq!(
            classify(&[k("native_queued_spin_lock_slowpath")]),
            (Bucket::Other, Some("native_queued_spin_lock_slowpath"))
        );
        assert_eq!(
            Bucket::ALL.len(),
            Bucket::ALL
                .iter()
                .map(|b| b.name())
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
    }

    #[test]
    fn every_exact_name_exists_in_this_kernel_where_it_shows_addresses() {
        // The table was checked on CHECKED_ON; where this kernel hides addresses there
        // is nothing to check against.
        let Ok(text) = std::fs::read_to_string("/proc/kallsyms") else {
            return;
        };
        if crate::profile::kallsyms::Kallsyms::parse(&text).is_err()
            || !crate::machine::kernel_release().starts_with("6.18")
        {
            return;
        }
        // Compiler-split parts count as the function (`finish_task_switch.isra.0`).
        let names: std::collections::HashSet<&str> = text
            .lines()
            .filter_map(|l| l.split_whitespace().nth(2))
            .filter_map(|n| n.split('.').next())
            .collect();
        for (_, n) in TABLE {
            if let Name::Exact(n) = n {
                assert!(names.contains(n), "{n} is not in this kernel's table");
            }
        }
    }
}
