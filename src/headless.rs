//! Headless mode (`--record FILE`): runs the matrix through the engine, writes a row per
//! finished cell (and per second with `--samples`), shows progress on stderr and prints
//! a summary table on stdout at the end.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;

use anyhow::Context;

use crate::cli::{Cli, RunMode};
use crate::engine::{CellConfig, EngineEvent, run_matrix_into};
use crate::net::Network;
use crate::progress::Progress;
use crate::record::{Row, RowWriter, RunContext};
use crate::summary;

/// How a headless run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    Completed,
    /// Ctrl-C or SIGTERM: finished rows are in the file, the cell in progress is not.
    Interrupted,
    /// A cell failed; the run stopped there.
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
        let cells =
            RowWriter::check(record, &Row::default()).map_err(|e| format!("--record {e}"))?;
        let samples = samples
            .map(|p| {
                let example = Row {
                    second: Some(1),
                    phase: Some(String::new()),
                    ..Row::default()
                };
                RowWriter::check(p, &example).map_err(|e| format!("--samples {e}"))
            })
            .transpose()?;
        let cells = cells.create().map_err(|e| format!("--record {e}"))?;
        let samples = samples
            .map(|s| s.create().map_err(|e| format!("--samples {e}")))
            .transpose()?;
        Ok(Outputs { cells, samples })
    }
}

/// Runs the matrix `cli` describes over `network` into `out`, every row carrying
/// `ctx`; `cancel` is set by the signal handlers.
pub fn run(
    cli: &Cli,
    mut out: Outputs,
    cancel: Arc<AtomicBool>,
    ctx: &RunContext,
    network: &Network,
) -> anyhow::Result<RunEnd> {
    let cells = cli.matrix().cells();
    let config = CellConfig {
        network: network.clone(),
        ..cli.cell_config(RunMode::Headless)
    };
    let mut progress = Progress::new(
        cells.len() * config.repeats as usize,
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
    for event in events.iter() {
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
                    Some(w) => w.write(&Row::from_sample(ctx, &s)),
                    None => Ok(()),
                }
            }
            EngineEvent::CellFinished { summary, .. } => {
                let row = Row::from_summary(ctx, &summary);
                let written = out.cells.write(&row);
                progress.cell_finished(&row);
                rows.push(row);
                written
            }
            EngineEvent::CellFailed { cell, error, .. } => {
                end = RunEnd::Failed(format!("{cell}: {error}"));
                Ok(())
            }
            EngineEvent::RunEnded { cancelled } => {
                if cancelled {
                    end = RunEnd::Interrupted;
                }
                break;
            }
        };
        if let Err(e) = written {
            // Stop measuring what cannot be recorded.
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
        print!("{}", summary::table(&rows));
    }
    if let Some(e) = write_error {
        return Err(e).context("writing results");
    }
    Ok(end)
}
