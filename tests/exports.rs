//! The exports people open, checked against the JSONL they are built from: `records.xlsx` read
//! back with calamine and `jixiao.sqlite` with rusqlite give the same counts and values as
//! `records.jsonl`/`tables.jsonl`/`pages.jsonl`; `review/` is opened in a real headless
//! Chromium (Debian's `chromium`, installed by `scripts/setup.sh`), which takes a screenshot
//! and dumps the DOM, in which every flagged cell of the run must be listed with its crop
//! (a page image that loaded, or for text input the text around the cell).
//!
//! The samples (four scans, four text forms) are run once for all tests here; the scans need
//! the OCR models, and without them the tests skip.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

mod scan_common;
use scan_common::{jsonl, models_present};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The samples run once into a directory kept for the test binary's life.
fn samples_out() -> Option<&'static Path> {
    static OUT: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    OUT.get_or_init(|| {
        if !models_present(root()) {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("OUT");
        // A strict confidence threshold flags dozens of cells on every scan (36 in all when
        // written), so the review test does not hang on the one or two cells the default
        // threshold happens to flag today, which OCR work may take away.
        let cfg = dir.path().join("pipeline.toml");
        std::fs::write(&cfg, "[ocr]\nlow_conf = 0.995\n").unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(root())
            .args(["run", "samples", "--config"])
            .arg(&cfg)
            .arg("-o")
            .arg(&out)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0), "exit status {status}");
        Some((dir, out))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// An Excel serial date (days since 1899-12-30) as ISO `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    // Days since 1970-01-01, then the civil-from-days algorithm (H. Hinnant).
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn cell_str(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn cell_f64(d: &Data) -> Option<f64> {
    match d {
        Data::Float(x) => Some(*x),
        Data::Int(x) => Some(*x as f64),
        _ => None,
    }
}

/// A sheet as header → column index and its data rows.
fn sheet(
    wb: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> (HashMap<String, usize>, Vec<Vec<Data>>) {
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    let mut rows = range.rows();
    let header: HashMap<String, usize> = rows
        .next()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, d)| (cell_str(d), i))
        .collect();
    (header, rows.map(|r| r.to_vec()).collect())
}

#[test]
fn xlsx_and_sqlite_hold_what_the_jsonl_holds() {
    let Some(out) = samples_out() else { return };
    let records = jsonl(&out.join("records.jsonl"));
    let tables = jsonl(&out.join("tables.jsonl"));
    let pages = jsonl(&out.join("pages.jsonl"));
    let n_ind: usize = records
        .iter()
        .map(|r| r["indicators"].as_array().unwrap().len())
        .sum();
    let n_warn: usize = records
        .iter()
        .map(|r| r["warnings"].as_array().unwrap().len())
        .sum();
    let n_page_warn: usize = pages
        .iter()
        .map(|p| p["warnings"].as_array().map_or(0, Vec::len))
        .sum();
    let n_cells: usize = tables
        .iter()
        .map(|t| t["cells"].as_array().unwrap().len())
        .sum();
    assert!(
        records.len() >= 8 && n_ind > 50,
        "{} records",
        records.len()
    );
    // Typed warnings: one per string, same message, same order.
    for r in &records {
        let strings = r["warnings"].as_array().unwrap();
        let typed = r.get("warnings_at").and_then(Value::as_array);
        assert_eq!(typed.map_or(0, Vec::len), strings.len(), "{}", r["id"]);
        for (s, t) in strings.iter().zip(typed.into_iter().flatten()) {
            assert_eq!(&t["message"], s);
            assert!(t["code"].is_string());
        }
    }

    // --- Excel ---
    let mut wb: Xlsx<_> = open_workbook(out.join("records.xlsx")).unwrap();
    let (h, rows) = sheet(&mut wb, "records");
    assert_eq!(rows.len(), records.len());
    let by_id: HashMap<String, &Vec<Data>> =
        rows.iter().map(|r| (cell_str(&r[h["id"]]), r)).collect();
    for r in &records {
        let row = by_id[r["id"].as_str().unwrap()];
        assert_eq!(
            cell_str(&row[h["project"]]),
            r["project"]["name"].as_str().unwrap_or("")
        );
        assert_eq!(cell_f64(&row[h["fiscal_year"]]), f(&r["fiscal_year"]));
        for p in ["midterm", "annual"] {
            let set = r["funds"][p].as_object();
            for k in ["total", "fiscal", "other", "central", "self_raised"] {
                let want = set.and_then(|s| s.get(k)).and_then(f);
                let got = cell_f64(&row[h[&format!("{p}_{k}_yuan")]]);
                assert_eq!(got, want, "{} {p}.{k}", r["id"]);
            }
        }
        // Dates are Excel dates, not text.
        if let Some(d) = r["project"]["start_date"].as_str() {
            match &row[h["start_date"]] {
                Data::DateTime(x) => assert_eq!(excel_date(x.as_f64()), d),
                other => panic!("start_date {other:?} is not a date"),
            }
        }
        assert_eq!(
            cell_f64(&row[h["warnings"]]),
            Some(r["warnings"].as_array().unwrap().len() as f64)
        );
    }
    let (h, rows) = sheet(&mut wb, "indicators");
    assert_eq!(rows.len(), n_ind);
    let mut k = 0;
    for r in &records {
        for i in r["indicators"].as_array().unwrap() {
            let row = &rows[k];
            k += 1;
            assert_eq!(cell_str(&row[h["name"]]), i["name"].as_str().unwrap());
            assert_eq!(
                cell_str(&row[h["value_raw"]]),
                i["value_raw"].as_str().unwrap()
            );
            let want = i["value"]["number"].as_f64();
            assert_eq!(cell_f64(&row[h["number"]]), want, "{}", i["value_raw"]);
        }
    }
    let (_, rows) = sheet(&mut wb, "tables");
    assert_eq!(rows.len(), tables.len());
    let (h, rows) = sheet(&mut wb, "warnings");
    assert_eq!(rows.len(), n_warn + n_page_warn);
    let xl_codes: BTreeMap<String, usize> = rows.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(cell_str(&r[h["code"]])).or_default() += 1;
        m
    });

    // --- SQLite ---
    let db = rusqlite::Connection::open(out.join("jixiao.sqlite")).unwrap();
    let count =
        |sql: &str| -> usize { db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize };
    assert_eq!(count("SELECT count(*) FROM records"), records.len());
    assert_eq!(count("SELECT count(*) FROM indicators"), n_ind);
    assert_eq!(count("SELECT count(*) FROM tables"), tables.len());
    assert_eq!(count("SELECT count(*) FROM cells"), n_cells);
    assert_eq!(count("SELECT count(*) FROM pages"), pages.len());
    assert_eq!(count("SELECT count(*) FROM warnings"), n_warn + n_page_warn);
    let mut st = db
        .prepare("SELECT code, count(*) FROM warnings GROUP BY code")
        .unwrap();
    let db_codes: BTreeMap<String, usize> = st
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(db_codes, xl_codes);
    // Values: every indicator's number and every fund amount, joined back to its record.
    let mut st = db
        .prepare("SELECT r.project_name, i.idx, i.name, i.number FROM indicators i JOIN records r ON r.id = i.record_id WHERE r.id = ?1 ORDER BY i.idx")
        .unwrap();
    for r in &records {
        let got: Vec<(Option<String>, i64, String, Option<f64>)> = st
            .query_map([r["id"].as_str().unwrap()], |x| {
                Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let inds = r["indicators"].as_array().unwrap();
        assert_eq!(got.len(), inds.len());
        for (g, i) in got.iter().zip(inds) {
            assert_eq!(g.0.as_deref(), r["project"]["name"].as_str());
            assert_eq!(g.2, i["name"].as_str().unwrap());
            assert_eq!(g.3, i["value"]["number"].as_f64());
        }
        for p in ["midterm", "annual"] {
            for (k, v) in r["funds"][p].as_object().into_iter().flatten() {
                let got: Option<f64> = db
                    .query_row(
                        "SELECT amount_yuan FROM funds WHERE record_id = ?1 AND period = ?2 AND key = ?3",
                        [r["id"].as_str().unwrap(), p, k],
                        |x| x.get(0),
                    )
                    .unwrap();
                assert_eq!(got, v.as_f64(), "{} {p}.{k}", r["id"]);
            }
        }
    }
    // The README's example query runs (whatever it finds in the samples).
    let q = "SELECT r.fiscal_year, r.project_name, i.name, i.number FROM indicators i \
             JOIN records r ON r.id = i.record_id \
             WHERE i.level2 LIKE '%满意度%' AND i.unit = '%' AND i.number < 90 AND r.fiscal_year = 2024";
    let found = db
        .prepare(q)
        .unwrap()
        .query_map([], |_| Ok(()))
        .unwrap()
        .count();
    assert!(found <= n_ind);
    // A cell a warning points at exists.
    let dangling = count(
        "SELECT count(*) FROM warnings w WHERE w.row IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM cells c WHERE c.table_id = w.table_id AND c.row = w.row AND c.col = w.col)",
    );
    assert_eq!(dangling, 0);
}

/// Runs chromium headless with `args` and the page `url`, stopping it by its process id when
/// it outlives `limit`.
fn chromium(args: &[String], url: &str, limit: Duration) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--allow-file-access-from-files",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium (Debian package `chromium`, installed by scripts/setup.sh)");
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let t0 = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "chromium exited {st}");
            break;
        }
        if t0.elapsed() > limit {
            // Only the process this test started, by its id.
            let _ = Command::new("kill").arg(pid.to_string()).status();
            let _ = child.wait();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

/// The flag blocks of a dumped page (each `<div class="flag …">` up to the next).
fn flag_blocks(dom: &str) -> Vec<&str> {
    let mut v: Vec<&str> = dom.split("<div class=\"flag").skip(1).collect();
    if let Some(last) = v.last_mut() {
        *last = last.split("<h2>").next().unwrap_or(last);
    }
    v
}

fn attr<'a>(block: &'a str, name: &str) -> &'a str {
    let key = format!("{name}=\"");
    block
        .find(&key)
        .map(|i| {
            let rest = &block[i + key.len()..];
            &rest[..rest.find('"').unwrap_or(0)]
        })
        .unwrap_or("")
}

#[test]
fn every_flagged_cell_is_shown_with_its_crop_in_headless_chromium() {
    let Some(out) = samples_out() else { return };
    let review = out.join("review");
    let index = review.join("index.html");
    assert!(index.is_file());
    // Every flagged cell of the run: (document, table, row, col).
    let records = jsonl(&out.join("records.jsonl"));
    let mut want: Vec<(String, String, String, String)> = Vec::new();
    // Every warning, cell or not, is listed once on its document's page.
    let mut per_doc: BTreeMap<String, usize> = BTreeMap::new();
    for p in jsonl(&out.join("pages.jsonl")) {
        let n = p
            .get("warnings_at")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        *per_doc
            .entry(p["source"]["path"].as_str().unwrap().into())
            .or_default() += n;
    }
    for r in &records {
        let n = r
            .get("warnings_at")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        *per_doc
            .entry(r["source"]["path"].as_str().unwrap().into())
            .or_default() += n;
        for w in r
            .get("warnings_at")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(t), Some(row), Some(col)) =
                (w["table"].as_str(), w["row"].as_u64(), w["col"].as_u64())
            {
                want.push((
                    r["source"]["path"].as_str().unwrap().to_string(),
                    t.to_string(),
                    row.to_string(),
                    col.to_string(),
                ));
            }
        }
    }
    assert!(!want.is_empty(), "the samples have flagged cells");
    assert!(
        want.iter()
            .any(|w| w.0.ends_with(".pdf") || w.0.ends_with(".png")),
        "a scanned sample has a flagged cell (its crop is an image)"
    );

    // The index links each document page; take the pages from its DOM.
    let limit = Duration::from_secs(60);
    let url = |p: &Path| format!("file://{}", p.display());
    let dom = chromium(&["--dump-dom".into()], &url(&index), limit);
    assert!(dom.contains("jixiao review"));
    let mut doc_pages: HashMap<String, String> = HashMap::new();
    for row in dom.split("<tr class=\"doc\"").skip(1) {
        doc_pages.insert(
            attr(row, "data-name").to_string(),
            attr(row, "href").to_string(),
        );
    }
    assert!(!doc_pages.is_empty());

    let mut found = 0;
    let mut shots = 0;
    let docs: std::collections::BTreeSet<&String> = per_doc
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(d, _)| d)
        .collect();
    assert!(
        docs.iter().any(|d| d.ends_with(".txt")),
        "a text sample is flagged"
    );
    for doc in docs {
        let page = review.join(&doc_pages[doc.as_str()]);
        let dom = chromium(
            &["--dump-dom".into(), "--virtual-time-budget=5000".into()],
            &url(&page),
            limit,
        );
        let blocks = flag_blocks(&dom);
        assert_eq!(
            blocks.len(),
            per_doc[doc.as_str()],
            "flags listed for {doc}"
        );
        let scanned = !doc.ends_with(".txt");
        if !scanned {
            // Text input: every flag shows the text where it points, its line marked.
            for b in &blocks {
                assert!(
                    b.contains("text-crop") && b.contains("<mark>"),
                    "{doc}: {b}"
                );
            }
        }
        for w in want.iter().filter(|w| &w.0 == doc) {
            let b = blocks
                .iter()
                .find(|b| {
                    attr(b, "data-table") == w.1
                        && attr(b, "data-row") == w.2
                        && attr(b, "data-col") == w.3
                })
                .unwrap_or_else(|| panic!("flag {w:?} not listed in {}", page.display()));
            if scanned {
                // The crop's image loaded (set by the page's own script on load).
                assert!(
                    b.contains("class=\"crop\"") && b.contains("data-loaded=\"1\""),
                    "crop of {w:?} missing or not loaded: {b}"
                );
                assert!(b.contains("class=\"box\""), "no box drawn for {w:?}");
            } else {
                assert!(
                    b.contains("text-crop") && b.contains("<mark>"),
                    "{w:?}: {b}"
                );
            }
            found += 1;
        }
        if scanned && shots == 0 {
            let shot = out.join("review-screenshot.png");
            chromium(
                &[
                    format!("--screenshot={}", shot.display()),
                    "--window-size=1280,900".into(),
                    "--hide-scrollbars".into(),
                ],
                &url(&page),
                limit,
            );
            let png = std::fs::read(&shot).unwrap();
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 10_000,
                "screenshot"
            );
            if let Ok(keep) = std::env::var("JIXIAO_SCREENSHOT") {
                std::fs::copy(&shot, keep).unwrap();
            }
            shots += 1;
        }
    }
    assert_eq!(found, want.len());
    assert_eq!(shots, 1);
}

#[test]
fn review_pages_stay_small_and_need_no_network() {
    let Some(out) = samples_out() else { return };
    let review = out.join("review");
    let pages = jsonl(&out.join("pages.jsonl"));
    let mut bytes = 0u64;
    for e in walk(&review) {
        bytes += std::fs::metadata(&e).unwrap().len();
        if e.extension().is_some_and(|x| x == "html") {
            let s = std::fs::read_to_string(&e).unwrap();
            assert!(
                !s.contains("http://") && !s.contains("https://"),
                "{}",
                e.display()
            );
        }
    }
    let per_page = bytes / pages.len() as u64;
    assert!(per_page < 150 * 1024, "{per_page} bytes per page");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn each_export_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("pipeline.toml");
    std::fs::write(
        &cfg,
        "[export]\nsqlite = false\nxlsx = true\nreview = false\n",
    )
    .unwrap();
    let out = dir.path().join("OUT");
    let status = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(root())
        .args(["run", "samples/text", "--config"])
        .arg(&cfg)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(out.join("records.xlsx").is_file());
    assert!(!out.join("jixiao.sqlite").exists());
    assert!(!out.join("review").exists());
    let rj: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert!(rj["export_ms"]["export_xlsx"].is_u64());
    assert!(rj["export_ms"].get("export_sqlite").is_none());
}
