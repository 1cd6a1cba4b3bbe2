//! Text-track stage benchmarks: read_text, extract and repair over the seed disclosures
//! (`../shared/seeds` when present, else `samples/text`, else synthetic forms).
//!
//! Absolute times depend on the machine (and on whoever else shares its two cores), so each
//! stage is also reported relative to a reference measured in the same run: sha256 over the
//! same bytes, a fixed amount of work per byte. Run: `cargo bench --bench stages`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sha2::{Digest, Sha256};

use jixiao::ir::Document;
use jixiao::model::Record;

fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [root.join("../shared/seeds"), root.join("samples/text")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        let texts: Vec<(String, String)> = files
            .iter()
            .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
            .collect();
        if !texts.is_empty() {
            return texts;
        }
    }
    // Synthetic fallback so the bench always runs.
    let row =
        "\t\t产出指标\t数量指标\t样例对象覆盖人数\t\t>100人\t数量指标\t样例对象覆盖人数\t\t>30人\n";
    let form = format!(
        "# 项目支出绩效目标申报表\n\n( 2024 年度)\n\n项目名称\t\t样例项目\n{}",
        row.repeat(20)
    );
    vec![("synthetic".into(), form.repeat(20))]
}

fn documents(texts: &[(String, String)]) -> Vec<Document> {
    texts
        .iter()
        .map(|(name, t)| Document {
            path: PathBuf::from(name),
            display_path: name.clone(),
            sha256: hex::encode(Sha256::digest(t.as_bytes())),
            pages: jixiao::table::text::read_text(t),
        })
        .collect()
}

fn reference(texts: &[(String, String)]) {
    for (_, t) in texts {
        black_box(Sha256::digest(t.as_bytes()));
    }
}

fn read_all(texts: &[(String, String)]) {
    for (_, t) in texts {
        black_box(jixiao::table::text::read_text(t));
    }
}

fn extract_all(docs: &[Document]) -> Vec<Record> {
    docs.iter()
        .flat_map(|d| jixiao::extract::extract_document(d).records)
        .collect()
}

/// Median seconds of `f` over a few runs, for the relative report.
fn median_secs(mut f: impl FnMut()) -> f64 {
    let mut v: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn stages(c: &mut Criterion) {
    let texts = corpus();
    let docs = documents(&texts);
    let records = extract_all(&docs);
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();

    let mut g = c.benchmark_group("text_track");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("reference_sha256", |b| b.iter(|| reference(&texts)));
    g.bench_function("read_text", |b| b.iter(|| read_all(&texts)));
    g.bench_function("extract", |b| b.iter(|| black_box(extract_all(&docs))));
    g.bench_function("repair_and_check", |b| {
        b.iter_batched(
            || records.clone(),
            |mut r| {
                jixiao::repair::repair_run(&mut r);
                for x in &r {
                    black_box(jixiao::check::check_record(x));
                }
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    let base = median_secs(|| reference(&texts)).max(1e-9);
    let rel = [
        ("read_text", median_secs(|| read_all(&texts))),
        (
            "extract",
            median_secs(|| drop(black_box(extract_all(&docs)))),
        ),
        (
            "repair_and_check",
            median_secs(|| {
                let mut r = records.clone();
                jixiao::repair::repair_run(&mut r);
                for x in &r {
                    black_box(jixiao::check::check_record(x));
                }
            }),
        ),
    ];
    println!(
        "\ntext track over {} files, {} KiB, {} records; times relative to sha256 of the same bytes ({:.3} ms):",
        texts.len(),
        bytes / 1024,
        records.len(),
        base * 1e3
    );
    for (name, s) in rel {
        println!(
            "  {name:<18} {:>8.2}× reference  ({:.3} ms)",
            s / base,
            s * 1e3
        );
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
