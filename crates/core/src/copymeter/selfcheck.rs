//! The meter's check of itself when a run loads it: a plain copying pair over
//! loopback sends a known number of bytes, and the meter must count exactly that many
//! copied on the send side and exactly that many copied to the receiver. A kernel
//! whose send or receive path no longer fires the tracepoints as the programs expect
//! (or a layout read wrongly from BTF) fails here, and the run says so instead of
//! recording wrong copy figures.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;

use super::Meter;
use crate::net::sockopt;

/// Bytes the check sends: not a multiple of any buffer size, so a count that stops at
/// a boundary shows.
const BYTES: usize = (1 << 20) + 12_345;

/// Checks `meter` with its two spare slots (`spare` and `spare + 1`); `Err` says what
/// was counted instead.
pub fn check(meter: &Meter, spare: u32) -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut tx = TcpStream::connect(listener.local_addr()?)?;
    let (mut rx, _) = listener.accept()?;
    let cookie =
        |s: &TcpStream| sockopt::cookie(s.as_fd()).ok_or_else(|| io::Error::other("no SO_COOKIE"));
    let (tx_cookie, rx_cookie) = (cookie(&tx)?, cookie(&rx)?);
    meter.watch_in(tx_cookie, spare)?;
    meter.watch_in(rx_cookie, spare + 1)?;
    let before = (meter.counts(spare)?, meter.counts(spare + 1)?);
    let sender = std::thread::spawn(move || -> io::Result<()> {
        let block = [0x5au8; 16 << 10];
        let mut left = BYTES;
        while left > 0 {
            let k = left.min(block.len());
            tx.write_all(&block[..k])?;
            left -= k;
        }
        Ok(())
    });
    let mut buf = vec![0u8; 64 << 10];
    let mut got = 0;
    loop {
        match rx.read(&mut buf)? {
            0 => break,
            k => got += k,
        }
    }
    let sent = sender
        .join()
        .map_err(|_| io::Error::other("the self-check's sender panicked"));
    let after = (meter.counts(spare)?, meter.counts(spare + 1)?);
    meter.unwatch(tx_cookie);
    meter.unwatch(rx_cookie);
    sent??;
    let copied = after.0.tx_copied - before.0.tx_copied;
    let received = after.1.rx_copied - before.1.rx_copied;
    let n = BYTES as u64;
    if got as u64 == n && copied == n && received == n {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "the copy meter's self-check counted {copied} bytes copied on send and \
             {received} on receive of {n} sent ({got} arrived)"
        )))
    }
}
