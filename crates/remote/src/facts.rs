//! What a host says about itself when a controller connects: kernel release, CPU
//! model, CPU count, and the driver of the interface the control connection arrived
//! on (from sysfs, or the kernel's ethtool driver query for virtual devices such as
//! veth, which have no device link in sysfs).

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// A host's facts, for the rows' `peer_*` columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostFacts {
    pub kernel: String,
    pub cpu_model: String,
    pub cpus: u32,
    /// `None` where the interface or its driver could not be found.
    pub nic_driver: Option<String>,
}

impl HostFacts {
    /// Facts as another host sent them, made data: each string cleaned and capped, and
    /// neutralised where a spreadsheet would read a formula (they land in the banner
    /// and the CSV's `peer_*` columns); a CPU count of at least 1.
    pub fn from_peer(self) -> HostFacts {
        use super::peer_text::csv_cell;
        HostFacts {
            kernel: csv_cell(&self.kernel),
            cpu_model: csv_cell(&self.cpu_model),
            cpus: self.cpus.max(1),
            nic_driver: self.nic_driver.as_deref().map(csv_cell),
        }
    }

    /// This host, reached at `local` (the control connection's local address).
    pub fn here(local: IpAddr) -> HostFacts {
        HostFacts {
            kernel: netio_core::machine::kernel_release(),
            cpu_model: netio_core::machine::cpu_model(),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
            nic_driver: interface_of(local).and_then(|name| driver_of(&name)),
        }
    }
}

/// The name of the interface holding address `addr`.
pub fn interface_of(addr: IpAddr) -> Option<String> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return None;
    }
    let mut found = None;
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned.
        let node = unsafe { &*cur };
        if let Some(a) = address_of(node.ifa_addr)
            && a == addr
        {
            // SAFETY: ifa_name is a NUL-terminated string owned by the list.
            let name = unsafe { std::ffi::CStr::from_ptr(node.ifa_name) };
            found = Some(name.to_string_lossy().into_owned());
            break;
        }
        cur = node.ifa_next;
    }
    // SAFETY: `list` came from getifaddrs.
    unsafe { libc::freeifaddrs(list) };
    found
}

fn address_of(sa: *const libc::sockaddr) -> Option<IpAddr> {
    if sa.is_null() {
        return None;
    }
    // SAFETY: the family field is valid for every sockaddr; the cast matches it.
    unsafe {
        match i32::from((*sa).sa_family) {
            libc::AF_INET => {
                let v4 = &*(sa as *const libc::sockaddr_in);
                Some(IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes()))
            }
            libc::AF_INET6 => {
                let v6 = &*(sa as *const libc::sockaddr_in6);
                Some(IpAddr::from(v6.sin6_addr.s6_addr))
            }
            _ => None,
        }
    }
}

/// The driver of interface `name`: sysfs's `device/driver` link, else ethtool's
/// driver query (veth, loopback's none).
pub fn driver_of(name: &str) -> Option<String> {
    let link = std::fs::read_link(format!("/sys/class/net/{name}/device/driver")).ok();
    if let Some(driver) = link.as_ref().and_then(|l| l.file_name()) {
        return Some(driver.to_string_lossy().into_owned());
    }
    if name == "lo" {
        return Some("loopback".into());
    }
    ethtool_driver(name)
}

/// ETHTOOL_GDRVINFO on interface `name`.
fn ethtool_driver(name: &str) -> Option<String> {
    #[repr(C)]
    struct DrvInfo {
        cmd: u32,
        driver: [u8; 32],
        rest: [u8; 160],
    }
    let mut info = DrvInfo {
        cmd: 0x0000_0003, // ETHTOOL_GDRVINFO
        driver: [0; 32],
        rest: [0; 160],
    };
    // SAFETY: a zeroed ifreq is valid; the name is copied in bounded.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    let bytes = name.as_bytes();
    if bytes.len() >= req.ifr_name.len() {
        return None;
    }
    for (d, s) in req.ifr_name.iter_mut().zip(bytes) {
        *d = *s as libc::c_char;
    }
    req.ifr_ifru.ifru_data = (&mut info as *mut DrvInfo).cast();
    // SAFETY: a datagram socket for the ioctl, closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: SIOCETHTOOL with a valid ifreq pointing at `info`.
    let rc = unsafe { libc::ioctl(fd, libc::SIOCETHTOOL, &mut req) };
    // SAFETY: fd is ours.
    unsafe { libc::close(fd) };
    if rc != 0 {
        return None;
    }
    let end = info.driver.iter().position(|&b| b == 0).unwrap_or(32);
    (end > 0).then(|| String::from_utf8_lossy(&info.driver[..end]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_found_by_its_address() {
        assert_eq!(
            interface_of(IpAddr::from([127, 0, 0, 1])).as_deref(),
            Some("lo")
        );
        let facts = HostFacts::here(IpAddr::from([127, 0, 0, 1]));
        assert_eq!(facts.nic_driver.as_deref(), Some("loopback"));
        assert!(!facts.kernel.is_empty() && facts.cpus >= 1);
    }

    #[test]
    fn a_peers_facts_are_cleaned_and_formula_safe() {
        let hostile = HostFacts {
            kernel: "6.1\x1b[2J\nforged".into(),
            cpu_model: "=HYPERLINK(\"x\")".into(),
            cpus: 0,
            nic_driver: Some("+veth".into()),
        }
        .from_peer();
        assert_eq!(hostile.kernel, "6.1?[2J?forged");
        assert_eq!(hostile.cpu_model, "'=HYPERLINK(\"x\")");
        assert_eq!(hostile.nic_driver.as_deref(), Some("'+veth"));
        assert_eq!(hostile.cpus, 1);
    }
}
