//! `netio-tui plot FILE`: every chart the recording supports, and optionally a
//! matplotlib script.

use std::process::ExitCode;

use super::{BAD_INPUT, read_recording};

/// Writes the charts of `file` into `out_dir`.
pub fn run_plot(
    file: &std::path::Path,
    out_dir: &std::path::Path,
    format: crate::cli::ImageFormat,
    python: Option<&std::path::Path>,
) -> ExitCode {
    let rows = match read_recording(file) {
        Ok(rows) => rows,
        Err(code) => return code,
    };
    if rows.is_empty() {
        eprintln!("error: {}: no rows to plot", file.display());
        return ExitCode::from(BAD_INPUT);
    }
    let format = match format {
        crate::cli::ImageFormat::Png => netio_data::plot::ImageFormat::Png,
        crate::cli::ImageFormat::Svg => netio_data::plot::ImageFormat::Svg,
    };
    let outcome = netio_data::plot::plot_all(&rows, out_dir, format).and_then(|written| {
        if let Some(py) = python {
            netio_data::plot::write_python(&rows, py, out_dir)?;
            eprintln!("wrote {}", py.display());
        }
        Ok(written)
    });
    match outcome {
        Ok(plot) => {
            for note in &plot.skipped {
                eprintln!("skipped: {note}");
            }
            for path in &plot.written {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
