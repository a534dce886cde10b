//! The measurement matrix: strategies × message sizes × thread counts, and the cells
//! it is made of. Pure data, no I/O.

use std::fmt;

pub use crate::strategy::Strategy;

/// One measurement: a strategy at a message size with a number of sender/receiver pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cell {
    pub strategy: Strategy,
    /// Message bytes (the 8 fields; the frame header is not counted).
    pub size: usize,
    /// Sender/receiver thread pairs, one TCP connection each.
    pub threads: usize,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} x{}",
            self.strategy,
            format_size(self.size),
            self.threads
        )
    }
}

/// The axes of a run. Cells are produced size-major, then threads, then strategy, so the
/// strategies at one size × threads are measured next to each other in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub strategies: Vec<Strategy>,
    pub sizes: Vec<usize>,
    pub threads: Vec<usize>,
}

impl Matrix {
    /// Every cell in the order it is run.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = Vec::with_capacity(self.len());
        for &size in &self.sizes {
            for &threads in &self.threads {
                for &strategy in &self.strategies {
                    cells.push(Cell {
                        strategy,
                        size,
                        threads,
                    });
                }
            }
        }
        cells
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.strategies.len() * self.sizes.len() * self.threads.len()
    }

    /// True when one of the axes is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A byte count as the CLI writes it: `8B`, `4K`, `1M`, `1536B`.
pub fn format_size(bytes: usize) -> String {
    const K: usize = 1024;
    if bytes >= K * K && bytes % (K * K) == 0 {
        format!("{}M", bytes / (K * K))
    } else if bytes >= K && bytes % K == 0 {
        format!("{}K", bytes / K)
    } else {
        format!("{bytes}B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_names_and_aliases_parse() {
        for s in Strategy::ALL {
            assert_eq!(s.name().parse::<Strategy>(), Ok(s));
            assert_eq!(s.alias().parse::<Strategy>(), Ok(s));
            assert_eq!(s.name().to_uppercase().parse::<Strategy>(), Ok(s));
        }
        assert!("three-copy".parse::<Strategy>().is_err());
    }

    #[test]
    fn cells_keep_strategies_of_one_point_together() {
        let m = Matrix {
            strategies: vec![Strategy::TwoCopy, Strategy::ZeroCopy],
            sizes: vec![4096, 65536],
            threads: vec![1, 2],
        };
        let cells = m.cells();
        assert_eq!(cells.len(), 8);
        assert_eq!(m.len(), 8);
        assert_eq!(
            cells[0],
            Cell {
                strategy: Strategy::TwoCopy,
                size: 4096,
                threads: 1
            }
        );
        assert_eq!(cells[1].strategy, Strategy::ZeroCopy);
        assert_eq!((cells[1].size, cells[1].threads), (4096, 1));
        assert_eq!((cells[2].size, cells[2].threads), (4096, 2));
        assert_eq!(cells[7].size, 65536);
    }

    #[test]
    fn sizes_format_like_the_cli() {
        assert_eq!(format_size(8), "8B");
        assert_eq!(format_size(4096), "4K");
        assert_eq!(format_size(1 << 20), "1M");
        assert_eq!(format_size(1536), "1536B");
        assert_eq!(format_size(3 << 20), "3M");
    }
}
