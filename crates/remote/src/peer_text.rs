//! Text from the other host is data, never markup: before any of it reaches a
//! terminal, a log line or a CSV cell, its control characters (escape sequences,
//! newlines that would forge log lines) are replaced and its length capped; a CSV
//! cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) is
//! neutralised with a leading `'`.

/// Characters of peer text kept; the rest is cut and marked `…`.
pub const MAX_PEER_TEXT: usize = 200;

/// `text` with every control character replaced by `?` and at most
/// [`MAX_PEER_TEXT`] characters.
pub fn clean(text: &str) -> String {
    clean_to(text, MAX_PEER_TEXT)
}

/// [`clean`] with a cap of `cap` characters.
pub fn clean_to(text: &str, cap: usize) -> String {
    let mut out = String::with_capacity(text.len().min(cap * 4));
    for (i, c) in text.chars().enumerate() {
        if i == cap {
            out.push('…');
            break;
        }
        // Bidirectional overrides reorder what a terminal shows: replaced too.
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        out.push(if c.is_control() || bidi { '?' } else { c });
    }
    out
}

/// [`clean`], and a leading `'` where a spreadsheet would take the cell for a
/// formula.
pub fn csv_cell(text: &str) -> String {
    let c = clean(text);
    if c.starts_with(['=', '+', '-', '@']) {
        format!("'{c}")
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_newlines_and_length_are_tamed() {
        let hostile = format!("ok\x1b[2J\nserve: forged line\r{}", "x".repeat(100_000));
        let c = clean(&hostile);
        assert!(!c.chars().any(char::is_control), "{c:?}");
        assert!(c.starts_with("ok?[2J?serve: forged line?"));
        assert_eq!(c.chars().count(), MAX_PEER_TEXT + 1, "capped, marked …");
        assert_eq!(clean("\u{202e}evil"), "?evil");
    }

    #[test]
    fn formulas_are_neutralised_in_csv_cells() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-1+2"), "'-1+2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Intel Xeon"), "Intel Xeon");
    }
}
