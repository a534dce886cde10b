//! The zero-copy ledger's columns of a row, from the sender's ledger.

use super::Row;
use super::formula;
use crate::figure::Figure;
use crate::strategy::ZeroCopyCounts;

impl Row {
    /// The zero-copy ledger's columns: the counts of `ledger`, or not applicable when
    /// the strategy keeps none.
    pub fn set_zero_copy(&mut self, ledger: Option<ZeroCopyCounts>) {
        let Some(z) = ledger else {
            for f in self.zc_counts_mut() {
                *f = Figure::NotApplicable;
            }
            self.zc_copied_pct = Figure::NotApplicable;
            return;
        };
        self.zc_sends = Figure::Measured(z.sends);
        self.zc_completions = Figure::Measured(z.completions);
        // Before any completion the share is undefined.
        self.zc_copied_pct = formula::percent(z.copied, z.completions);
        self.zc_enobufs = Figure::Measured(z.enobufs);
        self.zc_gaps = Figure::Measured(z.gaps);
        self.zc_pool_waits = Figure::Measured(z.pool_waits);
        self.zc_bogus = Figure::Measured(z.bogus);
        // Lost is decided only once the cell has drained (set by the engine then).
        self.zc_lost = Figure::Undefined;
        self.zc_outstanding_at_end = Figure::Undefined;
    }
}
