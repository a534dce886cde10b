//! What netio-tui makes of measured rows: recordings (CSV read and written), the
//! cells and their spread (`aggregate`), the report, the charts and the end-of-run
//! summary. It reads `netio_core`'s result types and never touches the machine's
//! sockets. See ARCHITECTURE.md at the repository's root.

pub mod aggregate;
pub mod answers;
pub mod compare;
pub mod plot;
pub mod record;
pub mod report;
pub mod summary;
#[cfg(test)]
mod test_rows;
