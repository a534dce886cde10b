//! The comparison table: one row per strategy at the selected size × threads, with the
//! latest figures (the running cell's last second, or a finished cell's window), the
//! median, 95 % interval and CV of the cell's finished runs, and the verdict against
//! the leader: a tie is shown as a tie.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Text;
use ratatui::widgets::{Cell as TableCell, Row, Table};

use super::format::{NOT_YET, fig};
use super::{Theme, block};
use crate::app::{App, Standing};
use crate::matrix::{Strategy, format_size};
use crate::row::Row as Figures;
use crate::stats::Summary;

/// What a row knows beyond its latest figures: the spread of its finished runs and
/// its standing against the leader.
struct Extra {
    spread: Option<Summary>,
    standing: Standing,
}

/// A column: header, width, and how to write a measured cell's figure.
struct Column {
    header: &'static str,
    width: u16,
    figure: fn(&Figures, Strategy, &Extra) -> String,
}

/// In priority order: narrow terminals keep the first ones.
const COLUMNS: [Column; 14] = [
    Column {
        header: "Gbps",
        width: 7,
        figure: |m, _, _| fig(m.throughput_gbps, 2),
    },
    Column {
        header: "median",
        width: 7,
        figure: |_, _, x| {
            x.spread
                .map_or(NOT_YET.into(), |s| format!("{:.2}", s.median))
        },
    },
    Column {
        header: "±95% n",
        width: 9,
        figure: |_, _, x| match x.spread {
            Some(s) => match s.ci_half_pct() {
                Some(h) => format!("±{h:.0}% {}", s.n),
                None => format!("– {}", s.n),
            },
            None => NOT_YET.into(),
        },
    },
    Column {
        header: "CV%",
        width: 5,
        figure: |_, _, x| match x.spread {
            None => NOT_YET.into(),
            // One run: the spread is undefined, not unavailable.
            Some(s) => s.cv_pct.map_or("–".into(), |c| format!("{c:.0}")),
        },
    },
    Column {
        header: "verdict",
        // "tie ±1611%": two runs of a noisy cell give wide intervals.
        width: 10,
        figure: |_, _, x| x.standing.label(),
    },
    Column {
        // Saturated stream: time waiting in socket buffers (queueing delay).
        header: "qd p50",
        width: 8,
        figure: |m, _, _| fig(m.lat_p50_us, 1),
    },
    Column {
        header: "qd p99",
        width: 8,
        figure: |m, _, _| fig(m.lat_p99_us, 1),
    },
    Column {
        header: "tx ns/B",
        width: 8,
        figure: |m, _, _| fig(m.tx_cpu_ns_per_byte, 3),
    },
    Column {
        header: "rx ns/B",
        width: 8,
        figure: |m, _, _| fig(m.rx_cpu_ns_per_byte, 3),
    },
    Column {
        header: "cs/s",
        width: 8,
        figure: |m, _, _| fig(m.context_switches_per_s(), 0),
    },
    Column {
        header: "zc copied",
        width: 9,
        figure: |m, _, _| m.zc_copied_pct.screen(|p| format!("{p:.0}%")),
    },
    Column {
        header: "cyc/B",
        width: 7,
        figure: |m, _, _| fig(m.cycles_per_byte, 2),
    },
    Column {
        header: "L1/KB",
        width: 7,
        figure: |m, _, _| fig(m.l1d_misses_per_kib(), 1),
    },
    Column {
        header: "LLC/KB",
        width: 7,
        figure: |m, _, _| fig(m.llc_misses_per_kib(), 2),
    },
];

pub fn render(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let view = app.view();
    let title = format!(
        " Comparison at {} × {} thread{} ",
        format_size(app.selected_size()),
        app.selected_threads(),
        if app.selected_threads() == 1 { "" } else { "s" }
    );
    // Columns that fit: strategy name (10) plus each column and its gap.
    let mut room = area.width.saturating_sub(2 + 10);
    let shown: Vec<&Column> = COLUMNS
        .iter()
        .take_while(|c| {
            let fits = room > c.width;
            room = room.saturating_sub(c.width + 1);
            fits
        })
        .collect();
    let right = |s: String| TableCell::from(Text::from(s).right_aligned());
    let header = Row::new(
        std::iter::once(TableCell::from("strategy"))
            .chain(shown.iter().map(|c| right(c.header.to_string())))
            .collect::<Vec<_>>(),
    )
    .style(theme.label());
    let standings = app.standings();
    let rows = app.strategies.iter().zip(standings).map(|(&s, standing)| {
        let cell = app.cell_for(s);
        let figures = view.figures.get(&cell);
        let extra = Extra {
            spread: view
                .runs
                .get(&cell)
                .and_then(|r| Summary::of(&r.iter().copied().collect::<Vec<_>>())),
            standing,
        };
        let values = shown.iter().map(|c| match figures {
            Some(m) => right((c.figure)(m, s, &extra)),
            None => right(NOT_YET.to_string()),
        });
        let running = view.running.is_some_and(|r| r.cell == cell);
        // On the highlighted row the strategy's colour would clash with the highlight.
        let name_style = if running {
            theme.highlight()
        } else {
            theme.strategy(s)
        };
        let name = TableCell::from(s.name()).style(name_style);
        let row = Row::new(std::iter::once(name).chain(values).collect::<Vec<_>>());
        if running {
            row.style(theme.highlight())
        } else {
            row.style(theme.value())
        }
    });
    let widths = std::iter::once(Constraint::Length(10))
        .chain(shown.iter().map(|c| Constraint::Length(c.width)))
        .collect::<Vec<_>>();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block(title, theme));
    frame.render_widget(table, area);
}
