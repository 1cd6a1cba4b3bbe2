//! The `jixiao` command line. Library errors become anyhow errors only here, at the edge.
//!
//! Exit status: 0 every input succeeded; 1 some inputs failed (see OUT/errors.jsonl) but the
//! rest were processed; 2 usage or configuration error (or nothing could be written).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use jixiao::config::{Config, EngineKind};

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

/// Settings shared by `run` and `bench`; each overrides its `pipeline.toml` counterpart.
#[derive(Args)]
struct Common {
    /// Configuration file [default: pipeline.toml if present, else built-in defaults].
    #[arg(long)]
    config: Option<PathBuf>,
    /// OCR engine for scanned pages.
    #[arg(long, value_parser = ["ppocr", "tesseract"])]
    engine: Option<String>,
    /// Worker threads (0 = all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Directory of models and native libraries.
    #[arg(long)]
    models_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Extract records and tables from PDFs, images and OCR'd text files.
    Run(RunArgs),
    /// Split a run over N shards for a cluster: lists the inputs (hashed, those OUT already
    /// stores left out), balanced by pages, into OUT/shards/ (plan.json, NNN.list).
    Plan(PlanArgs),
    /// Gather the finished shards' stored results into OUT and build the outputs once over
    /// the whole plan (no page is read); writes OUT/merged.json last.
    Merge(MergeArgs),
    /// Remove stored results in OUT that the last run did not use, or whose input file is
    /// gone, listing each (a run itself never removes the results of files it was not given).
    Prune(PruneArgs),
    /// Throughput and memory benchmark (pages/s at 1 and 2 workers, per-stage times, peak RSS,
    /// ratio to a plain `tesseract` CLI pass; optionally memory flatness over many pages).
    Bench(BenchArgs),
}

// `run`'s arguments. (Plain comments on these structs: clap would take a doc comment for the
// subcommand's help.)
#[derive(Args)]
struct RunArgs {
    /// Files or directories (walked recursively).
    #[arg(required_unless_present_any = ["shard", "files_from"], conflicts_with = "shard")]
    inputs: Vec<PathBuf>,
    /// Output directory (with --shard: the plan's OUT; the shard goes to OUT/shards/NNN/).
    #[arg(short, long)]
    out: PathBuf,
    /// Process shard I (0-based) of the N that `jixiao plan` made in OUT.
    #[arg(long, value_name = "I/N", value_parser = jixiao::pipeline::shard::parse_shard, conflicts_with = "files_from")]
    shard: Option<(usize, usize)>,
    /// Also process the files listed in LIST, one path per line (as `jixiao plan` writes
    /// OUT/shards/NNN.list), in that order.
    #[arg(long, value_name = "LIST")]
    files_from: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
    /// Redo every file, ignoring results stored by earlier runs.
    #[arg(long)]
    force: bool,
    /// Glob of files to take from directories (repeatable; replaces input.include).
    #[arg(long = "include", value_name = "GLOB")]
    include: Vec<String>,
    /// Glob of files to skip in directories (repeatable; adds to input.exclude).
    #[arg(long = "exclude", value_name = "GLOB")]
    exclude: Vec<String>,
    /// Never draw the progress bar.
    #[arg(long)]
    no_progress: bool,
}

// `plan`'s arguments.
#[derive(Args)]
struct PlanArgs {
    /// Files or directories (walked recursively), as `run` takes them.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output directory the shards and the merge write to.
    #[arg(short, long)]
    out: PathBuf,
    /// Number of shards (tasks of the job array).
    #[arg(long)]
    shards: usize,
    #[command(flatten)]
    common: Common,
    /// Glob of files to take from directories (repeatable; replaces input.include).
    #[arg(long = "include", value_name = "GLOB")]
    include: Vec<String>,
    /// Glob of files to skip in directories (repeatable; adds to input.exclude).
    #[arg(long = "exclude", value_name = "GLOB")]
    exclude: Vec<String>,
}

// `merge`'s arguments.
#[derive(Args)]
struct MergeArgs {
    /// Output directory holding the plan and the shards.
    out: PathBuf,
    #[command(flatten)]
    common: Common,
    /// Never draw the progress bar.
    #[arg(long)]
    no_progress: bool,
}

// `prune`'s arguments.
#[derive(Args)]
struct PruneArgs {
    /// Output directory of earlier runs.
    out: PathBuf,
    /// Only list what would be removed.
    #[arg(long)]
    dry_run: bool,
}

// `bench`'s arguments.
#[derive(Args)]
struct BenchArgs {
    /// PDFs, images or text files.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
    /// Worker counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    workers: Vec<usize>,
    /// Also time `tesseract PAGE -l chi_sim --psm 3` over the same page images.
    #[arg(long)]
    tesseract_cli: bool,
    /// Memory-flatness mode: process this many pages (cycling the inputs' pages) and report
    /// peak RSS at 100 pages and at the end.
    #[arg(long)]
    pages: Option<usize>,
    /// Read the born-digital PDF pages from their text layer, then OCR up to N of the same
    /// pages (rendered), and report ms/page of each and their ratio.
    #[arg(long, value_name = "N")]
    digital_vs_ocr: Option<usize>,
    /// Write the JSON report here as well as to stdout.
    #[arg(long)]
    report: Option<PathBuf>,
}

/// The configuration, and where the models directory was found.
fn build_config(c: &Common) -> anyhow::Result<(Config, jixiao::config::ModelsSearch)> {
    let mut cfg = match &c.config {
        Some(p) => {
            let s = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read configuration {}", p.display()))?;
            Config::from_toml_str(&s).with_context(|| p.display().to_string())?
        }
        None => Config::load(Path::new("pipeline.toml"))?,
    };
    if let Some(e) = &c.engine {
        cfg.ocr.engine = e.parse::<EngineKind>().map_err(anyhow::Error::msg)?;
    }
    if let Some(t) = c.threads {
        cfg.threads = t;
    }
    let found = jixiao::config::find_models_dir_here(c.models_dir.as_deref(), &cfg.ocr.models_dir);
    cfg.ocr.models_dir = found.dir.clone();
    cfg.validate()?;
    Ok((cfg, found))
}

/// Tesseract needs OMP_THREAD_LIMIT=1 from process start (it re-executes us when unset); a
/// failure only costs speed, so it is a warning.
fn ensure_omp_thread_limit() {
    if let Err(e) = jixiao::ocr::ensure_omp_thread_limit() {
        eprintln!("warning: {e}");
    }
}

fn main() -> ExitCode {
    // Panics inside the pipeline are caught per page and reported in errors.jsonl; the default
    // hook would also print them raw to stderr. RUST_BACKTRACE keeps them visible for debugging.
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let cli = Cli::parse();
    match std::panic::catch_unwind(|| real_main(cli)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(p) => {
            let msg = jixiao::pipeline::panic_message(p.as_ref());
            eprintln!("internal error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn real_main(cli: Cli) -> anyhow::Result<u8> {
    match cli.cmd {
        Cmd::Run(a) => run_cmd(a),
        Cmd::Plan(a) => plan_cmd(a),
        Cmd::Merge(a) => merge_cmd(a),
        Cmd::Prune(a) => prune_cmd(a),
        Cmd::Bench(a) => bench_cmd(a),
    }
}

/// The `--include` globs replace the configuration's, the `--exclude` globs add to its.
fn apply_globs(config: &mut Config, include: Vec<String>, exclude: Vec<String>) {
    if !include.is_empty() {
        config.input.include = include;
    }
    config.input.exclude.extend(exclude);
}

/// `jixiao run`: the run (a shard of a plan, or the inputs and a `--files-from` list), its
/// one-line summary on stderr; the exit code says whether every input succeeded.
fn run_cmd(a: RunArgs) -> anyhow::Result<u8> {
    let RunArgs {
        inputs,
        out,
        shard,
        files_from,
        common,
        force,
        include,
        exclude,
        no_progress,
    } = a;
    let (mut config, models) = build_config(&common)?;
    apply_globs(&mut config, include, exclude);
    if config.ocr.engine == EngineKind::Tesseract {
        ensure_omp_thread_limit();
    }
    let progress = !no_progress && std::io::stderr().is_terminal();
    let mut out = out;
    let result = if let Some((i, n)) = shard {
        jixiao::pipeline::shard::run_shard(&out, i, n, config, force, progress).map(|(s, dir)| {
            out = dir;
            s
        })
    } else {
        let opts = jixiao::pipeline::RunOptions {
            inputs,
            out: out.clone(),
            config,
            force,
            progress,
        };
        match files_from {
            Some(list) => {
                let mut files =
                    jixiao::pipeline::inputs::discover(&opts.inputs, &opts.config.input)?;
                files.extend(read_list(&list)?);
                jixiao::pipeline::run_files(&opts, files)
            }
            None => jixiao::pipeline::run(&opts),
        }
    };
    let s = result.map_err(|e| match e {
        // Say where the models were looked for: the usual cause is a binary run from
        // a place the models are not.
        jixiao::error::Error::Engine { .. } => anyhow::anyhow!(
            "{e}\nmodels directory: {} ({}); searched: {}",
            models.dir.display(),
            models.how,
            models
                .searched
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.into(),
    })?;
    report_run(&s, &out);
    Ok(s.exit_code() as u8)
}

/// The run's summary on stderr: counts, a violated page ledger, failed inputs.
fn report_run(s: &jixiao::pipeline::RunSummary, out: &Path) {
    let rederived = if s.rederived > 0 {
        format!(", {} re-derived from stored readings", s.rederived)
    } else {
        String::new()
    };
    eprintln!(
        "{} inputs ({} processed, {} reused{rederived}), {} pages, {} records, {} tables, {} errors → {}",
        s.inputs,
        s.processed,
        s.reused,
        s.pages,
        s.records,
        s.tables,
        s.errors,
        out.display()
    );
    if s.ledger_violations > 0 {
        eprintln!(
            "PAGE LEDGER VIOLATED: {} inputs' pages are not all accounted for (a bug in jixiao): see the ledger in {}",
            s.ledger_violations,
            out.join("run.json").display()
        );
    }
    if s.failed + s.partial > 0 {
        eprintln!(
            "{} inputs failed, {} partly: see {} (and `status` in {} for pages read only in part)",
            s.failed,
            s.partial,
            out.join("errors.jsonl").display(),
            out.join("pages.jsonl").display()
        );
    }
}

/// `jixiao plan`: the shards' plan written to OUT, summed up on stderr.
fn plan_cmd(a: PlanArgs) -> anyhow::Result<u8> {
    let PlanArgs {
        inputs,
        out,
        shards,
        common,
        include,
        exclude,
    } = a;
    let (mut config, _) = build_config(&common)?;
    apply_globs(&mut config, include, exclude);
    let plan = jixiao::pipeline::shard::plan(&jixiao::pipeline::shard::PlanOptions {
        inputs,
        out: out.clone(),
        config,
        shards,
    })?;
    let dups = plan
        .inputs
        .iter()
        .filter(|p| p.duplicate_of.is_some())
        .count();
    let stored = plan
        .inputs
        .iter()
        .filter(|p| p.stored && p.duplicate_of.is_none())
        .count();
    eprintln!(
        "plan {}: {} inputs, {} stored already, {dups} duplicates, {} to process in {} shards (pages per shard: {:?}) → {}",
        plan.plan_id,
        plan.inputs.len(),
        stored,
        plan.to_process(),
        plan.shards,
        plan.shard_pages,
        jixiao::pipeline::shard::Plan::path(&out).display()
    );
    Ok(0)
}

/// `jixiao merge`: the shards' results gathered into OUT, summed up on stderr.
fn merge_cmd(a: MergeArgs) -> anyhow::Result<u8> {
    let MergeArgs {
        out,
        common,
        no_progress,
    } = a;
    let (config, _) = build_config(&common)?;
    let progress = !no_progress && std::io::stderr().is_terminal();
    let m = jixiao::pipeline::shard::merge(&out, config, progress)?;
    let processed: usize = m.shards.iter().map(|d| d.processed).sum();
    let s = &m.counts;
    eprintln!(
        "merged plan {} ({} shards, {processed} inputs processed by them): {} inputs, {} pages, {} records, {} tables, {} errors → {}",
        m.plan_id,
        m.shards.len(),
        s.inputs,
        s.pages,
        s.records,
        s.tables,
        s.errors,
        out.display()
    );
    if s.failed + s.partial > 0 {
        eprintln!(
            "{} inputs failed, {} partly: see {}",
            s.failed,
            s.partial,
            out.join("errors.jsonl").display()
        );
    }
    Ok(m.exit_code as u8)
}

/// `jixiao prune`: each stored result removed (or, dry, that would be) listed on stdout.
fn prune_cmd(a: PruneArgs) -> anyhow::Result<u8> {
    let PruneArgs { out, dry_run } = a;
    let removed = jixiao::pipeline::prune(&out, dry_run)?;
    let verb = if dry_run { "would remove" } else { "removed" };
    for p in &removed {
        println!(
            "{verb} {} ({}, {} bytes): {}",
            p.result,
            p.input.as_deref().unwrap_or("input unknown"),
            p.bytes,
            p.why
        );
    }
    let total: u64 = removed.iter().map(|p| p.bytes).sum();
    eprintln!(
        "{} {} stored results ({total} bytes) from {}",
        verb,
        removed.len(),
        out.display()
    );
    Ok(0)
}

/// `jixiao bench`: the benchmark's JSON report on stdout (and in `--report`).
fn bench_cmd(a: BenchArgs) -> anyhow::Result<u8> {
    let BenchArgs {
        inputs,
        common,
        workers,
        tesseract_cli,
        pages,
        digital_vs_ocr,
        report,
    } = a;
    let (config, _) = build_config(&common)?;
    if config.ocr.engine == EngineKind::Tesseract || tesseract_cli {
        ensure_omp_thread_limit();
    }
    let r = jixiao::pipeline::bench::run(&jixiao::pipeline::bench::BenchOptions {
        inputs,
        config,
        workers,
        tesseract_cli,
        pages,
        digital_vs_ocr,
    })?;
    let text = serde_json::to_string_pretty(&r)?;
    println!("{text}");
    if let Some(p) = report {
        std::fs::write(&p, format!("{text}\n"))
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(0)
}

/// The files of a `--files-from` list: one path per line; blank lines and lines starting with
/// '#' are skipped. Each path is taken as given, as a path on the command line is.
fn read_list(list: &Path) -> anyhow::Result<Vec<jixiao::pipeline::inputs::InputFile>> {
    let text = std::fs::read_to_string(list)
        .with_context(|| format!("cannot read --files-from {}", list.display()))?;
    Ok(text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| jixiao::pipeline::inputs::InputFile {
            path: PathBuf::from(l),
            display: l.to_owned(),
        })
        .collect())
}
