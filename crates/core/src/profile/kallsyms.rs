//! Kernel addresses to function names, from `/proc/kallsyms` (text symbols only).
//! Where the kernel hides addresses (`kptr_restrict`, or reading without
//! CAP_SYSLOG), every address reads as 0: the table is refused, never guessed from.

/// The kernel's text symbols, sorted by address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kallsyms {
    symbols: Vec<(u64, String)>,
}

/// Why kernel names are absent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KallsymsError {
    #[error("/proc/kallsyms could not be read: {0}")]
    Unreadable(String),
    #[error(
        "kernel addresses are hidden (kptr_restrict, or no CAP_SYSLOG): no kernel function names"
    )]
    Hidden,
}

impl Kallsyms {
    /// This machine's table.
    pub fn load() -> Result<Kallsyms, KallsymsError> {
        let text = std::fs::read_to_string("/proc/kallsyms")
            .map_err(|e| KallsymsError::Unreadable(e.to_string()))?;
        Kallsyms::parse(&text)
    }

    /// The text symbols (`t`/`T`) of a kallsyms text; module names kept off.
    pub fn parse(text: &str) -> Result<Kallsyms, KallsymsError> {
        let mut symbols: Vec<(u64, String)> = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                let addr = u64::from_str_radix(f.next()?, 16).ok()?;
                let kind = f.next()?;
                let name = f.next()?;
                matches!(kind, "t" | "T").then(|| (addr, name.to_string()))
            })
            .collect();
        if symbols.is_empty() || symbols.iter().all(|(a, _)| *a == 0) {
            return Err(KallsymsError::Hidden);
        }
        symbols.sort_by_key(|(a, _)| *a);
        Ok(Kallsyms { symbols })
    }

    /// The function `addr` lies in: the last symbol at or below it.
    pub fn name_of(&self, addr: u64) -> Option<&str> {
        let i = self.symbols.partition_point(|(a, _)| *a <= addr);
        i.checked_sub(1).map(|i| self.symbols[i].1.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_the_function_they_fall_in() {
        let text = "ffffffff81000000 T _stext\n\
                    ffffffff81a00000 T tcp_sendmsg_locked\n\
                    ffffffff81a00400 t skb_copy_ubufs\n\
                    ffffffff81b00000 D some_data\n\
                    ffffffffc0000000 t veth_xmit\t[veth]\n";
        let k = Kallsyms::parse(text).expect("a table");
        assert_eq!(k.name_of(0xffffffff81a00010), Some("tcp_sendmsg_locked"));
        assert_eq!(k.name_of(0xffffffff81a00400), Some("skb_copy_ubufs"));
        assert_eq!(k.name_of(0xffffffffc0000123), Some("veth_xmit"));
        assert_eq!(k.name_of(0x1000), None, "below the first symbol");
    }

    #[test]
    fn hidden_addresses_give_no_names_rather_than_wrong_ones() {
        let text = "0000000000000000 T _stext\n0000000000000000 T tcp_sendmsg_locked\n";
        assert_eq!(Kallsyms::parse(text), Err(KallsymsError::Hidden));
        assert_eq!(Kallsyms::parse(""), Err(KallsymsError::Hidden));
    }

    #[test]
    fn this_machine_names_the_zero_copy_functions_when_it_shows_addresses() {
        // Where the kernel shows addresses (root here), the functions the buckets name
        // are in its table; where it hides them, the refusal says so.
        match Kallsyms::load() {
            Ok(k) => assert!(k.symbols.iter().any(|(_, n)| n == "tcp_sendmsg_locked")),
            Err(e) => assert!(matches!(
                e,
                KallsymsError::Hidden | KallsymsError::Unreadable(_)
            )),
        }
    }
}
