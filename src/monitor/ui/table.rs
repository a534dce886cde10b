//! The comparison table: one row per strategy at the selected size × threads under the
//! selected workload: its figures (the running cell's last second, or a finished cell's
//! medians over its runs), the headline figure's median, 95 % interval and CV, and the
//! ratio to the leader. Latency columns say what they measure: `qd` (a saturated
//! stream's queueing delay), `rtt`, or `lat` (from each paced message's due time).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Text;
use ratatui::widgets::{Cell as TableCell, Row, Table};

use super::format::{NOT_YET, fig};
use super::{Theme, block};
use crate::monitor::app::{App, Standing};
use netio_core::matrix::format_size;
use netio_core::row::Row as Figures;
use netio_core::stats::{Better, Summary};
use netio_core::strategy::Strategy;
use netio_core::workload::{Workload, WorkloadEntry};

/// What a row knows beyond its latest figures: the spread of its finished runs, its
/// standing against the leader, and the workload it ran.
struct Extra {
    spread: Option<Summary>,
    /// The finished runs fall into two clusters ([`netio_core::stats::clusters`]).
    bimodal: bool,
    standing: Standing,
    workload: Workload,
}

/// A column's ranking of a finished figure: higher is better.
type Rank = fn(&Figures, &Extra, &WorkloadEntry) -> Option<f64>;

/// One strategy's line: the strategy, what it shows (and whether live), its spread.
type Line<'a> = (Strategy, Option<(&'a Figures, bool)>, Extra);

/// A column: header (from the workload's entry), width, and how to write a measured
/// cell's figure.
struct Column {
    header: fn(&WorkloadEntry) -> String,
    width: u16,
    /// How the column ranks a finished figure (higher is better) where one value is
    /// best, so the best is marked; `None` for spreads, verdicts and shares.
    rank: Option<Rank>,
    /// The figure comes from the finished runs, not the row shown: a live row may
    /// carry its best mark.
    from_runs: bool,
    figure: fn(&Figures, &Extra) -> String,
}

/// The headline figure with the decimals its size needs; a paced cell's p99 latency
/// with its unit, as every latency on screen.
fn headline(v: f64, w: Workload) -> String {
    match (w.saturates(), w.is_paced()) {
        (true, _) => format!("{v:.2}"),
        (_, true) => netio_core::figure::latency_text(v),
        _ => super::format::compact(v),
    }
}

/// A rate in at most 3 characters: `0.8`, `9.9`, `15`, `120` (so achieved/offered
/// fits 8 columns).
fn gbps_short(v: f64) -> String {
    format!("{v:.*}", usize::from(v < 9.95))
}

/// In priority order: narrow terminals keep the first ones.
const COLUMNS: [Column; 14] = [
    Column {
        header: |e| match e.paced {
            true => format!("{} p99", e.latency_label),
            false => e.headline_label.into(),
        },
        width: 7,
        from_runs: false,
        // The last run alone: the median beside it carries the mark.
        rank: None,
        figure: |m, x| m.headline().screen(|v| headline(v, x.workload)),
    },
    Column {
        header: |_| "median".into(),
        width: 7,
        from_runs: true,
        // The finished runs' median: the figure the verdict rests on.
        rank: Some(|_, x, e| {
            let v = x.spread?.median;
            Some(if e.better == Better::Lower { -v } else { v })
        }),
        figure: |_, x| {
            x.spread
                .map_or(NOT_YET.into(), |s| headline(s.median, x.workload))
        },
    },
    Column {
        header: |_| "±95% n".into(),
        width: 9,
        from_runs: false,
        rank: None,
        figure: |_, x| match x.spread {
            Some(s) => match s.ci_half_pct() {
                Some(h) => format!("±{h:.0}% {}", s.n),
                None => format!("– {}", s.n),
            },
            None => NOT_YET.into(),
        },
    },
    Column {
        header: |_| "CV%".into(),
        width: 5,
        from_runs: false,
        rank: None,
        figure: |_, x| match x.spread {
            None => NOT_YET.into(),
            // One run: the spread is undefined, not unavailable.
            Some(s) => match (s.cv_pct, x.bimodal) {
                (None, _) => "–".into(),
                (Some(c), false) => format!("{c:.0}"),
                // Two clusters: the median sits in one of them.
                (Some(c), true) => format!("{c:.0} bi"),
            },
        },
    },
    Column {
        header: |_| "vs best".into(),
        // "0.52× [0.48–0.57] slower": as wide as the widest (see `width_of`).
        width: 7,
        from_runs: false,
        rank: None,
        figure: |_, x| x.standing.label(),
    },
    Column {
        // A saturated stream's p50 is queueing delay (time waiting in socket
        // buffers): it never ranks strategies.
        header: |e| format!("{} p50", e.latency_label),
        width: 8,
        from_runs: false,
        rank: Some(|m, _, e| (!e.saturates).then(|| -m.latency_p50().value().unwrap_or(f64::NAN))),
        figure: |m, _| m.latency_p50().screen(netio_core::figure::latency_text),
    },
    Column {
        // A paced cell's p99 is its headline: show what it achieved of its offer.
        header: |e| match e.paced {
            true => "Gbps/off".into(),
            false => format!("{} p99", e.latency_label),
        },
        width: 8,
        from_runs: false,
        // rr's round trip ranks; queueing delay never does; rate shows its offer here.
        rank: Some(|m, _, e| {
            e.round_trips
                .then(|| -m.latency_p99().value().unwrap_or(f64::NAN))
        }),
        figure: |m, x| match (
            x.workload.entry().paced,
            m.throughput_gbps.value(),
            m.offered_gbps.value(),
        ) {
            (true, Some(a), Some(o)) => format!("{}/{}", gbps_short(a), gbps_short(o)),
            (true, _, _) => fig(m.throughput_gbps, 2),
            (false, _, _) => m.latency_p99().screen(netio_core::figure::latency_text),
        },
    },
    Column {
        header: |_| "tx ns/B".into(),
        width: 8,
        from_runs: false,
        rank: Some(|m, _, _| m.tx_cpu_ns_per_byte.value().map(|v| -v)),
        figure: |m, _| fig(m.tx_cpu_ns_per_byte, 3),
    },
    Column {
        header: |_| "rx ns/B".into(),
        width: 8,
        from_runs: false,
        rank: Some(|m, _, _| m.rx_cpu_ns_per_byte.value().map(|v| -v)),
        figure: |m, _| fig(m.rx_cpu_ns_per_byte, 3),
    },
    Column {
        header: |_| "cs/s".into(),
        width: 8,
        from_runs: false,
        rank: None,
        figure: |m, _| fig(m.context_switches_per_s(), 0),
    },
    Column {
        header: |_| "zc copied".into(),
        width: 9,
        from_runs: false,
        rank: None,
        figure: |m, _| m.zc_copied_pct.screen(|p| format!("{p:.0}%")),
    },
    Column {
        header: |_| "cyc/B".into(),
        width: 7,
        from_runs: false,
        rank: Some(|m, _, _| m.cycles_per_byte.value().map(|v| -v)),
        figure: |m, _| fig(m.cycles_per_byte, 2),
    },
    Column {
        header: |_| "L1/KiB".into(),
        width: 7,
        from_runs: false,
        rank: Some(|m, _, _| m.l1d_misses_per_kib().value().map(|v| -v)),
        figure: |m, _| fig(m.l1d_misses_per_kib(), 1),
    },
    Column {
        header: |_| "LLC/KiB".into(),
        width: 7,
        from_runs: false,
        rank: Some(|m, _, _| m.llc_misses_per_kib().value().map(|v| -v)),
        figure: |m, _| fig(m.llc_misses_per_kib(), 2),
    },
];

/// Under `--rx zerocopy`: the share of received bytes the kernel mapped.
const MAPPED: Column = Column {
    header: |_| "rx mapped".into(),
    width: 9,
    from_runs: false,
    rank: None,
    figure: |m, _| m.rx_mapped_pct.screen(|p| format!("{p:.0}%")),
};

/// Under `--unsafe-reuse`: frames the receiver found changed in flight, the figure the
/// demonstration is about, right after the headline.
const CHANGED: Column = Column {
    header: |_| "changed".into(),
    width: 8,
    from_runs: false,
    rank: None,
    figure: |m, _| m.integrity_errors.to_string(),
};

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let view = app.view();
    let mode = app.selected_mode();
    let entry = mode.entry();
    let title = format!(
        " Comparison at {} × {} thread{}, {mode} ",
        format_size(app.selected_size()),
        app.selected_threads(),
        if app.selected_threads() == 1 { "" } else { "s" }
    );
    // Columns that fit: strategy name (10) plus each column and its gap.
    let mut room = area.width.saturating_sub(2 + 10);
    // Under rr and rate the latency columns come right after the headline and its
    // median: on a narrow terminal they matter more than the headline's spread.
    let mut order: Vec<&Column> = if entry.saturates {
        COLUMNS.iter().collect()
    } else {
        [0, 1, 5, 6, 2, 3, 4]
            .iter()
            .map(|&i| &COLUMNS[i])
            .chain(COLUMNS.iter().skip(7))
            .collect()
    };
    // What the mode is about comes right after the headline.
    if mode.rx == netio_core::receive::RxStrategy::ZeroCopy {
        order.insert(1.min(order.len()), &MAPPED);
    }
    if app.unsafe_reuse {
        order.insert(1.min(order.len()), &CHANGED);
    }
    let standings = app.standings();
    // Each strategy's cell, what it shows, and its finished runs' spread.
    let lines: Vec<Line> = app
        .strategies
        .iter()
        .zip(standings)
        .map(|(&s, standing)| {
            let cell = app.cell_for(s);
            let runs: Vec<f64> = view
                .runs
                .get(&cell)
                .map(|r| r.iter().copied().collect())
                .unwrap_or_default();
            let extra = Extra {
                spread: Summary::of(&runs),
                bimodal: netio_core::stats::clusters(&runs).is_some(),
                standing,
                // `rate max` reads as a stream.
                workload: entry.workload,
            };
            (s, view.shown(cell), extra)
        })
        .collect();
    // Each column as wide as its widest content (and the best mark), never cut.
    let width_of = |c: &Column| -> u16 {
        let widest = lines
            .iter()
            .filter_map(|(_, display, x)| display.map(|(m, _)| (c.figure)(m, x)))
            .chain(std::iter::once((c.header)(entry)))
            .map(|t| t.chars().count() + 1)
            .max()
            .unwrap_or(0);
        c.width.max(widest as u16)
    };
    let shown: Vec<(&Column, u16)> = order
        .into_iter()
        .map(|c| (c, width_of(c)))
        .take_while(|&(_, w)| {
            let fits = room > w;
            room = room.saturating_sub(w + 1);
            fits
        })
        .collect();
    let right = |s: String| TableCell::from(Text::from(s).right_aligned());
    let header = Row::new(
        std::iter::once(TableCell::from("strategy"))
            .chain(shown.iter().map(|(c, _)| right((c.header)(entry))))
            .collect::<Vec<_>>(),
    )
    .style(theme.label());
    // Each ranking column's best finished figure among two or more: `*` and bold.
    let score = |c: &Column, m: &Figures, x: &Extra| -> Option<f64> {
        c.rank
            .and_then(|r| r(m, x, entry))
            .filter(|v| v.is_finite())
    };
    let best: Vec<Option<f64>> = shown
        .iter()
        .map(|(c, _)| {
            // Scored on finished figures only (a running row's last finished run, not
            // its live second).
            let scores: Vec<f64> = lines
                .iter()
                .filter_map(|(s, _, x)| score(c, view.figures.get(&app.cell_for(*s))?, x))
                .collect();
            // One strategy alone at the top: a shared best marks nothing.
            let top = scores.iter().copied().fold(f64::MIN, f64::max);
            let at_top = scores.iter().filter(|&&v| v == top).count();
            (scores.len() >= 2 && at_top == 1).then_some(top)
        })
        .collect();
    let rows = lines.iter().map(|(s, display, extra)| {
        let (s, cell) = (*s, app.cell_for(*s));
        let figures = display.map(|(row, _)| row);
        // The running cell's current second: live, not a result (italic, marked ▶).
        let live = display.is_some_and(|(_, live)| live);
        let values = shown.iter().zip(&best).map(|((c, _), best)| match figures {
            Some(m) => {
                let text = (c.figure)(m, extra);
                // A live row shows its current second, which carries no mark; its
                // median is over finished runs and can.
                let finished = view.figures.get(&cell);
                let is_best = (!live || c.from_runs)
                    && best.is_some_and(|b| finished.and_then(|f| score(c, f, extra)) == Some(b));
                if is_best {
                    right(format!("*{text}")).style(Style::new().add_modifier(Modifier::BOLD))
                } else {
                    right(text)
                }
            }
            None => right(NOT_YET.to_string()),
        });
        let running = view.running.is_some_and(|r| r.cell == cell);
        // A finished run that should not be trusted: dimmed and marked `!`, its reason
        // under the table; kept out of the comparisons.
        let flagged = !live && figures.is_some_and(|m| m.flagged.is_some());
        // On the highlighted row the strategy's colour would clash with the highlight.
        let name_style = if running {
            theme.highlight()
        } else {
            theme.strategy(s)
        };
        let label = match (running, flagged) {
            (true, _) => format!("▶{}", s.name()),
            (false, true) => format!("{}!", s.name()),
            (false, false) => s.name().to_string(),
        };
        let name = TableCell::from(label).style(name_style);
        let row = Row::new(std::iter::once(name).chain(values).collect::<Vec<_>>());
        match (running, live) {
            (true, true) => row.style(theme.highlight().add_modifier(Modifier::ITALIC)),
            (true, false) => row.style(theme.highlight()),
            _ if flagged => row.style(theme.value().add_modifier(Modifier::DIM)),
            _ => row.style(theme.value()),
        }
    });
    let reasons: Vec<String> = lines
        .iter()
        .filter_map(|(s, display, _)| match display {
            Some((m, false)) => Some(format!("{}! {}", s.name(), m.flagged.as_deref()?)),
            _ => None,
        })
        .collect();
    let widths = std::iter::once(Constraint::Length(10))
        .chain(shown.iter().map(|&(_, w)| Constraint::Length(w)))
        .collect::<Vec<_>>();
    let mut framed = block(title, theme);
    if !reasons.is_empty() {
        let why = ratatui::text::Line::from(format!(" {} ", reasons.join(" · ")));
        framed = framed.title_bottom(why.style(theme.dim()));
    }
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(framed);
    frame.render_widget(table, area);
}
