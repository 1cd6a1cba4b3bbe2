//! The `jixiao` command line. Library errors become anyhow errors only here, at the edge.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about = "Chinese budget disclosures to structured records"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Extract records and tables from PDFs, images and OCR'd text files.
    Run {
        /// Files or directories.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output directory.
        #[arg(short, long)]
        out: PathBuf,
        /// Configuration file.
        #[arg(long, default_value = "pipeline.toml")]
        config: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Run {
            inputs,
            out,
            config,
        } => {
            let config = jixiao::config::Config::load(&config)?;
            let s = jixiao::pipeline::run(&jixiao::pipeline::RunOptions {
                inputs,
                out,
                config,
            })?;
            for e in &s.errors {
                eprintln!("error: {e}");
            }
            eprintln!(
                "{} files, {} records, {} tables",
                s.files, s.records, s.tables
            );
        }
    }
    Ok(())
}
