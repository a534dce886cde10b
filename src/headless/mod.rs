//! Headless mode (`--record FILE`): runs the matrix through the engine, writes a row per
//! finished cell (and per second with `--samples`), shows progress on stderr and prints
//! a summary table on stdout at the end.

pub mod stderr;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;

use anyhow::Context;

use crate::plan::RunPlan;
use netio_core::engine::Network;
use netio_core::engine::{CellConfig, EngineEvent, run_matrix_into};
use netio_core::row::{Row, RunContext};
use netio_data::answers::{WIDTH, answers, fit};
use netio_data::record::RowWriter;
use netio_data::record::is_stdout;
use netio_data::summary;
use stderr::Progress;

/// The line above the answers: what their ratios are.
const LEGEND: &str = "Per point, the leader and its ratio to each other strategy [95 % interval]:";

/// How a headless run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    Completed,
    /// Ctrl-C or SIGTERM: finished rows are in the file, the cell in progress is not.
    Interrupted,
    /// Cells failed (the others were measured and recorded).
    Failed(String),
}

/// The output files, opened (and so checked) before anything is measured.
pub struct Outputs {
    pub cells: RowWriter,
    pub samples: Option<RowWriter>,
}

impl Outputs {
    /// Checks `--record` and `--samples`, then opens them: a refused one leaves
    /// nothing created. Errors name the option.
    pub fn open(record: &Path, samples: Option<&Path>) -> Result<Outputs, String> {
        Outputs::check(record, samples, netio_data::record::Format::Csv)?.create()
    }

    /// Checks `--record` and `--samples` without creating either.
    pub fn check(
        record: &Path,
        samples: Option<&Path>,
        format: netio_data::record::Format,
    ) -> Result<CheckedOutputs, String> {
        let cells = RowWriter::check_as(record, &Row::default(), format)
            .map_err(|e| format!("--record {e}"))?;
        let samples = samples
            .map(|p| {
                let example = Row {
                    second: Some(1),
                    phase: Some(String::new()),
                    ..Row::default()
                };
                RowWriter::check_as(p, &example, format).map_err(|e| format!("--samples {e}"))
            })
            .transpose()?;
        Ok(CheckedOutputs { cells, samples })
    }
}

/// `--record` and `--samples`, checked and not yet created.
pub struct CheckedOutputs {
    cells: netio_data::record::Checked,
    samples: Option<netio_data::record::Checked>,
}

impl CheckedOutputs {
    /// Creates both files (each gets its header if new).
    pub fn create(self) -> Result<Outputs, String> {
        let cells = self.cells.create().map_err(|e| format!("--record {e}"))?;
        let samples = self
            .samples
            .map(|s| s.create().map_err(|e| format!("--samples {e}")))
            .transpose()?;
        Ok(Outputs { cells, samples })
    }
}

/// Runs `plan`'s matrix over `network` into `out`, every row carrying `ctx`;
/// `cancel` is set by the signal handlers.
pub fn run(
    plan: &RunPlan,
    mut out: Outputs,
    cancel: Arc<AtomicBool>,
    ctx: &RunContext,
    network: &Network,
) -> anyhow::Result<RunEnd> {
    let cells = plan.matrix.cells();
    let config = CellConfig {
        network: network.clone(),
        ..plan.config.clone()
    };
    let mut progress = Progress::new(
        config.most_runs(cells.len()),
        config.warmup + config.duration,
    );
    let (events_tx, events) = crossbeam_channel::unbounded();
    let engine_cancel = Arc::clone(&cancel);
    let engine = thread::Builder::new()
        .name("nio-engine".into())
        .spawn(move || run_matrix_into(&cells, &config, &engine_cancel, &events_tx))
        .context("starting the engine thread")?;

    let mut rows = Vec::new();
    let mut end = RunEnd::Completed;
    let mut write_error = None;
    let mut failures = Vec::new();
    let mut lost = None;
    for event in events.iter() {
        // After a failed write nothing more is written: the file keeps its whole rows.
        let writing = write_error.is_none();
        let written = match event {
            EngineEvent::CellStarted {
                index,
                cell,
                repeat,
                ..
            } => {
                progress.cell_started(index, &cell, repeat);
                Ok(())
            }
            EngineEvent::Sample(s) => {
                progress.sample(&s);
                match out.samples.as_mut() {
                    Some(w) if writing => w.write(&s.row.clone().in_run(ctx)),
                    _ => Ok(()),
                }
            }
            EngineEvent::CellFinished { summary, .. } => {
                let row = summary.row.clone().in_run(ctx);
                let written = if writing {
                    out.cells.write(&row)
                } else {
                    Ok(())
                };
                progress.cell_finished(&row);
                rows.push(row);
                written
            }
            EngineEvent::CellFailed {
                cell, error, fatal, ..
            } => {
                if fatal {
                    // Said once, at the end, with what was kept.
                    lost = Some(format!("{cell}: {error}"));
                } else {
                    progress.cell_failed(&cell, &error);
                    failures.push(format!("{cell}: {error}"));
                }
                Ok(())
            }
            EngineEvent::RunEnded { cancelled } => {
                if cancelled {
                    end = RunEnd::Interrupted;
                }
                break;
            }
        };
        if let Err(e) = written
            && write_error.is_none()
        {
            // Stop measuring what cannot be recorded; the first error is the one said.
            cancel.store(true, Relaxed);
            write_error = Some(e);
        }
    }
    drop(events);
    engine
        .join()
        .map_err(|_| anyhow::anyhow!("the engine thread panicked"))?;
    progress.finish();
    if !rows.is_empty() {
        let machine = summary::machine_line(ctx);
        let text = format!(
            "{}{LEGEND}\n{}",
            fit(&machine, " · ", WIDTH),
            answers(&rows, plan.config.margin_pct, WIDTH)
        );
        // Rows streaming to stdout keep it for themselves.
        match plan.outputs.record.as_deref().is_some_and(is_stdout) {
            true => eprint!("{text}"),
            false => print!("{text}"),
        }
        if let Some(path) = &plan.outputs.summary {
            std::fs::write(path, format!("{machine}\n{}", summary::table(&rows)))
                .with_context(|| format!("--summary {}", path.display()))?;
        }
        if let Some(warning) = summary::flagged(&rows) {
            eprintln!("{warning}");
        }
    }
    if let Some(e) = write_error {
        return Err(e).context("writing results (every whole row is kept)");
    }
    if let Some(why) = lost {
        return Ok(RunEnd::Failed(format!(
            "{why}; the run stopped there: {} finished cell runs are recorded, {} did not run",
            rows.len(),
            progress.total() - rows.len() - failures.len()
        )));
    }
    if !failures.is_empty() && end == RunEnd::Completed {
        end = RunEnd::Failed(format!(
            "{} of {} cell runs failed (no row for them): {}",
            failures.len(),
            progress.total(),
            failures.join("; ")
        ));
    }
    Ok(end)
}
