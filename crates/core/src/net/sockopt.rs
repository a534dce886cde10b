//! The socket options the tool sets and records: congestion control, the receive
//! low-water mark, buffer sizes as the kernel reports them, and TCP_INFO (the kernel's
//! own counts for a connection). Thin, checked wrappers over `setsockopt`/`getsockopt`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

/// `TCP_CA_NAME_MAX`: longest congestion-control name, with its NUL.
const CA_NAME_MAX: usize = 16;

/// A congestion-control algorithm's name (`cubic`, `bbr`, `reno`), small and `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CcName {
    bytes: [u8; CA_NAME_MAX],
    len: u8,
}

impl CcName {
    /// A name of 1 to 15 lowercase letters, digits, `_` or `-`.
    pub fn new(name: &str) -> Result<CcName, String> {
        let ok = !name.is_empty()
            && name.len() < CA_NAME_MAX
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !ok {
            return Err(format!(
                "'{name}' is not a congestion-control name (e.g. cubic, bbr, reno)"
            ));
        }
        let mut bytes = [0u8; CA_NAME_MAX];
        bytes[..name.len()].copy_from_slice(name.as_bytes());
        Ok(CcName {
            bytes,
            len: name.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII in `new` or `get_cc`.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
    }
}

impl std::fmt::Debug for CcName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::fmt::Display for CcName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn set(fd: BorrowedFd<'_>, level: i32, name: i32, value: &[u8], what: &str) -> io::Result<()> {
    // SAFETY: valid fd; `value` is a live buffer of the stated length.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_ptr() as *const libc::c_void,
            value.len() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        let e = io::Error::last_os_error();
        Err(io::Error::new(e.kind(), format!("setsockopt {what}: {e}")))
    }
}

/// Reads an option into `out`, returning the length the kernel wrote.
fn get(fd: BorrowedFd<'_>, level: i32, name: i32, out: &mut [u8]) -> Option<usize> {
    let mut len = out.len() as libc::socklen_t;
    // SAFETY: valid fd; the kernel writes at most `len` bytes into `out`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            out.as_mut_ptr() as *mut libc::c_void,
            &mut len,
        )
    };
    (rc == 0).then_some(len as usize)
}

fn set_int(fd: BorrowedFd<'_>, level: i32, name: i32, v: i32, what: &str) -> io::Result<()> {
    set(fd, level, name, &v.to_ne_bytes(), what)
}

fn get_int(fd: BorrowedFd<'_>, level: i32, name: i32) -> Option<i32> {
    let mut b = [0u8; 4];
    (get(fd, level, name, &mut b)? == 4).then(|| i32::from_ne_bytes(b))
}

/// Chooses the socket's congestion control (`TCP_CONGESTION`).
pub fn set_cc(fd: BorrowedFd<'_>, cc: &CcName) -> io::Result<()> {
    set(
        fd,
        libc::IPPROTO_TCP,
        libc::TCP_CONGESTION,
        cc.as_str().as_bytes(),
        "TCP_CONGESTION",
    )
}

/// The congestion control in effect on the socket.
pub fn get_cc(fd: BorrowedFd<'_>) -> Option<CcName> {
    let mut b = [0u8; CA_NAME_MAX];
    let n = get(fd, libc::IPPROTO_TCP, libc::TCP_CONGESTION, &mut b)?;
    let end = b[..n].iter().position(|&c| c == 0).unwrap_or(n);
    CcName::new(std::str::from_utf8(&b[..end]).ok()?).ok()
}

/// Corks or uncorks the socket (`TCP_CORK`): while corked only full segments leave;
/// uncorking sends what was held.
pub fn set_cork(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    set_int(fd, libc::IPPROTO_TCP, libc::TCP_CORK, on.into(), "TCP_CORK")
}

/// Turns `SO_ZEROCOPY` (60, asm-generic/socket.h) on; without it `MSG_ZEROCOPY` is
/// silently ignored.
pub fn set_zerocopy(fd: BorrowedFd<'_>) -> io::Result<()> {
    set_int(fd, libc::SOL_SOCKET, 60, 1, "SO_ZEROCOPY")
}

/// Sets the receive low-water mark: a blocking `recv` returns once this many bytes
/// (or the whole request, if smaller) are queued, so the receiver wakes once a frame.
pub fn set_rcvlowat(fd: BorrowedFd<'_>, bytes: usize) -> io::Result<()> {
    let v = bytes.clamp(1, i32::MAX as usize) as i32;
    set_int(fd, libc::SOL_SOCKET, libc::SO_RCVLOWAT, v, "SO_RCVLOWAT")
}

/// The receive low-water mark in effect.
pub fn get_rcvlowat(fd: BorrowedFd<'_>) -> Option<u64> {
    get_int(fd, libc::SOL_SOCKET, libc::SO_RCVLOWAT).map(|v| v.max(0) as u64)
}

/// `SO_SNDBUF` as the kernel reports it (the doubled value, or autotuning's current).
pub fn get_sndbuf(fd: BorrowedFd<'_>) -> Option<u64> {
    get_int(fd, libc::SOL_SOCKET, libc::SO_SNDBUF).map(|v| v.max(0) as u64)
}

/// `SO_RCVBUF` as the kernel reports it.
pub fn get_rcvbuf(fd: BorrowedFd<'_>) -> Option<u64> {
    get_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF).map(|v| v.max(0) as u64)
}

/// The socket's cookie (`SO_COOKIE`, 57): a non-zero id the kernel keeps for the
/// socket's life (asking assigns it), which the copy meter's programs read.
pub fn cookie(fd: BorrowedFd<'_>) -> Option<u64> {
    let mut b = [0u8; 8];
    (get(fd, libc::SOL_SOCKET, 57, &mut b)? == 8).then(|| u64::from_ne_bytes(b))
}

/// The system's default congestion control.
pub fn default_cc() -> Option<String> {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_congestion_control")
        .ok()
        .map(|s| s.trim().to_string())
}

/// `SO_ZEROCOPY` in effect.
pub fn get_zerocopy(fd: BorrowedFd<'_>) -> Option<bool> {
    get_int(fd, libc::SOL_SOCKET, 60).map(|v| v != 0)
}

/// The options every end of a connection is given, as the kernel reports them on one
/// end (the send buffer only when it was fixed: autotuning sizes each end by its own
/// traffic). Under `--remote` the far end's travels back to be compared (its
/// congestion control as a name: it is only compared, never shown).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EndOptions {
    pub nodelay: Option<bool>,
    pub cc: Option<String>,
    pub zerocopy: Option<bool>,
    pub sndbuf: Option<u64>,
}

impl EndOptions {
    /// What `fd` has in effect; `fixed_sndbuf`: whether SO_SNDBUF was set.
    pub fn read(fd: BorrowedFd<'_>, fixed_sndbuf: bool) -> EndOptions {
        EndOptions {
            nodelay: get_nodelay(fd),
            cc: get_cc(fd).map(|c| c.to_string()),
            zerocopy: get_zerocopy(fd),
            sndbuf: if fixed_sndbuf { get_sndbuf(fd) } else { None },
        }
    }
}

/// `TCP_NODELAY` in effect.
pub fn get_nodelay(fd: BorrowedFd<'_>) -> Option<bool> {
    get_int(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY).map(|v| v != 0)
}

/// The TCP_INFO figures the tool records (µs where a time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpInfo {
    pub rtt_us: u32,
    /// RTT variance (mean deviation), µs.
    pub rttvar_us: u32,
    pub snd_cwnd: u32,
    /// The kernel's latest delivery-rate sample, bytes per second.
    pub delivery_rate: u64,
    pub total_retrans: u32,
    /// Bytes sent again (`tcpi_bytes_retrans`).
    pub bytes_retrans: u64,
    pub bytes_received: u64,
    /// Time the connection had data to send, µs.
    pub busy_time_us: u64,
    /// Of that, time limited by the receiver's window (the receiver was behind), µs.
    pub rwnd_limited_us: u64,
    /// Of that, time limited by the send buffer, µs.
    pub sndbuf_limited_us: u64,
}

/// Reads TCP_INFO; `None` where the kernel's struct is too old to hold the fields.
pub fn tcp_info(fd: BorrowedFd<'_>) -> Option<TcpInfo> {
    // SAFETY: a zeroed tcp_info is valid plain data.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    // SAFETY: the struct is plain old data; viewing it as bytes to be written is sound.
    let bytes = unsafe {
        std::slice::from_raw_parts_mut(
            &mut info as *mut libc::tcp_info as *mut u8,
            std::mem::size_of::<libc::tcp_info>(),
        )
    };
    let len = get(fd, libc::IPPROTO_TCP, libc::TCP_INFO, bytes)?;
    let needed = std::mem::offset_of!(libc::tcp_info, tcpi_sndbuf_limited) + 8;
    (len >= needed).then_some(TcpInfo {
        rtt_us: info.tcpi_rtt,
        rttvar_us: info.tcpi_rttvar,
        snd_cwnd: info.tcpi_snd_cwnd,
        delivery_rate: info.tcpi_delivery_rate,
        total_retrans: info.tcpi_total_retrans,
        bytes_retrans: info.tcpi_bytes_retrans,
        bytes_received: info.tcpi_bytes_received,
        busy_time_us: info.tcpi_busy_time,
        rwnd_limited_us: info.tcpi_rwnd_limited,
        sndbuf_limited_us: info.tcpi_sndbuf_limited,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn cc_names_are_checked() {
        assert_eq!(
            CcName::new("cubic").map(|c| c.to_string()),
            Ok("cubic".into())
        );
        for bad in ["", "CUBIC", "a b", "0123456789abcdef", "x;rm"] {
            assert!(CcName::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn options_read_back_what_was_set() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let s = std::net::TcpStream::connect(l.local_addr().expect("addr")).expect("connect");
        let fd = s.as_fd();
        set_rcvlowat(fd, 4096).expect("SO_RCVLOWAT");
        assert_eq!(get_rcvlowat(fd), Some(4096));
        let reno = CcName::new("reno").expect("name");
        // reno is always built in.
        set_cc(fd, &reno).expect("TCP_CONGESTION reno");
        assert_eq!(get_cc(fd), Some(reno));
        assert!(get_sndbuf(fd).is_some_and(|b| b > 0));
        assert!(tcp_info(fd).is_some());
        let err = set_cc(fd, &CcName::new("nosuchcc").expect("name")).expect_err("unknown");
        assert!(err.to_string().contains("TCP_CONGESTION"), "{err}");
    }
}
