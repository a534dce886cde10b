//! The control channel's framing: a 4-byte big-endian length, then that many bytes of
//! one JSON message. The length is checked against a hard cap before anything is
//! allocated, and every read has a deadline for the whole frame (a peer that sends a
//! byte a second cannot hold a reader past it).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The largest message either side accepts, bytes.
pub const MAX_FRAME: usize = 64 * 1024;

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the connection was closed")]
    Closed,
    #[error("no complete message within {0:?}")]
    TimedOut(Duration),
    #[error("a message of {len} bytes announced, more than the {cap}-byte limit")]
    TooLong { len: usize, cap: usize },
    #[error("an empty message")]
    Empty,
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// The length a frame header announces, refused when empty or above `cap`.
pub fn announced(header: [u8; 4], cap: usize) -> Result<usize, FrameError> {
    let len = u32::from_be_bytes(header) as usize;
    match len {
        0 => Err(FrameError::Empty),
        n if n > cap => Err(FrameError::TooLong { len: n, cap }),
        n => Ok(n),
    }
}

/// One frame around `payload` (at most [`MAX_FRAME`] bytes: a longer one is an error,
/// never sent cut).
pub fn encode(payload: &[u8]) -> io::Result<Vec<u8>> {
    if payload.len() > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a {}-byte message is over the limit", payload.len()),
        ));
    }
    let mut out = Vec::with_capacity(4 + payload.len());
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    Ok(out)
}

/// Writes one frame in one call.
pub fn write_frame(stream: &mut TcpStream, payload: &[u8]) -> io::Result<()> {
    stream.write_all(&encode(payload)?)
}

/// Reads one frame of at most `cap` bytes, all of it before `deadline`.
pub fn read_frame(
    stream: &mut TcpStream,
    cap: usize,
    deadline: Instant,
) -> Result<Vec<u8>, FrameError> {
    let patience = deadline.saturating_duration_since(Instant::now());
    let mut header = [0u8; 4];
    read_until(stream, &mut header, deadline, patience, true)?;
    let len = announced(header, cap)?;
    let mut payload = vec![0u8; len];
    read_until(stream, &mut payload, deadline, patience, false)?;
    Ok(payload)
}

/// Fills `buf` before `deadline`; an end of stream before the first byte of a frame
/// (`at_start`) is a clean close.
fn read_until(
    stream: &mut TcpStream,
    buf: &mut [u8],
    deadline: Instant,
    patience: Duration,
    at_start: bool,
) -> Result<(), FrameError> {
    let mut got = 0;
    while got < buf.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(FrameError::TimedOut(patience));
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buf[got..]) {
            Ok(0) if at_start && got == 0 => return Err(FrameError::Closed),
            Ok(0) => {
                return Err(FrameError::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the connection closed inside a message",
                )));
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(FrameError::TimedOut(patience));
            }
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Err(FrameError::Closed),
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked_before_anything_is_allocated() {
        assert_eq!(announced(5u32.to_be_bytes(), MAX_FRAME).ok(), Some(5));
        assert!(matches!(
            announced(u32::MAX.to_be_bytes(), MAX_FRAME),
            Err(FrameError::TooLong { .. })
        ));
        assert!(matches!(
            announced((MAX_FRAME as u32 + 1).to_be_bytes(), MAX_FRAME),
            Err(FrameError::TooLong { .. })
        ));
        assert!(matches!(
            announced([0; 4], MAX_FRAME),
            Err(FrameError::Empty)
        ));
        assert!(encode(&vec![0; MAX_FRAME + 1]).is_err());
        assert_eq!(encode(b"ab").expect("fits"), vec![0, 0, 0, 2, b'a', b'b']);
    }
}
