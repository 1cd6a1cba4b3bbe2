//! Helpers shared by the batch tests: running the built binary, reading its outputs, and making
//! inputs (synthetic form texts, PDFs and JPEGs) in test code, so no binary blob is committed.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jixiao::testing::{a4, jpeg_bytes, PdfBuilder};
use lopdf::{dictionary, Document, Object};
use serde_json::Value;

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    // The crate root: pipeline.toml and models/ resolve as in a developer's checkout.
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `jixiao run INPUTS -o OUT EXTRA…`
pub fn run(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut c = bin();
    c.arg("run").args(inputs).arg("-o").arg(out).args(extra);
    let o = c.output().expect("run jixiao");
    // The page ledger holds in every test run that got as far as writing run.json.
    if code(&o) != 2 {
        if let Ok(s) = std::fs::read_to_string(out.join("run.json")) {
            let v: Value = serde_json::from_str(&s).expect("run.json is JSON");
            assert_eq!(v["ledger"]["holds"], true, "page ledger: {}", v["ledger"]);
        }
    }
    o
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

pub fn errors(out: &Path) -> Vec<Value> {
    jsonl(&out.join("errors.jsonl"))
}

pub fn run_json(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).expect("run.json"))
        .expect("run.json is JSON")
}

/// The `run.json` entry of the input whose path ends with `name`.
pub fn input_entry(out: &Path, name: &str) -> Value {
    run_json(out)["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["path"].as_str().unwrap_or_default().ends_with(name))
        .cloned()
        .unwrap_or_else(|| panic!("{name} not in run.json inputs"))
}

/// Error lines about the file whose path ends with `name`.
pub fn errors_of(out: &Path, name: &str) -> Vec<Value> {
    errors(out)
        .into_iter()
        .filter(|e| e["file"].as_str().unwrap_or_default().ends_with(name))
        .collect()
}

/// A made-up 项目支出绩效目标表 in the OCR'd-text layout (tab-separated cells), distinct for
/// each `i` in names and amounts.
pub fn form_text(i: usize) -> String {
    let wan = 100 + i;
    format!(
        "# 项目支出绩效目标申报表\n\n( 2024 年度)\n\n\
项目名称\t\t测试运转类-第{i}号样例经费\t\t\t\t\n\
主管部门及代码\t\t[{code:03}]样例市第{i}局\t\t实施单位\t\t样例市第{i}局\t\t\n\
项目属性\t\t常年项目\t\t项目期\t\t3年\t\t\n\
项目资金(万元)\t\t中期资金总额:\t\t{m}.00\t\t年度资金总额:\t\t{wan}.00\t\t\n\
\t\t其中:财政拨款\t\t{m}.00\t\t其中:财政拨款\t\t{wan}.00\t\t\n\
\t\t其他资金\t\t0.00\t\t其他资金\t\t0.00\t\t\n\
总体目标\t\t中期目标(2022年—2024年)\t\t\t\t年度目标\t\t\t\t\n\
\t\t完成第{i}项样例任务。\t\t\t\t完成第{i}项年度任务。\t\t\t\t\n\
绩效指标\t\t一级指标\t二级指标\t三级指标\t\t指标值\t二级指标\t三级指标\t\t指标值\n\
\t\t产出指标\t数量指标\t样例对象{i}覆盖人数\t\t>{n}人\t数量指标\t样例对象{i}覆盖人数\t\t>{k}人\n\
\t\t\t质量指标\t样例任务完成率\t\t100%\t质量指标\t样例任务完成率\t\t≥95%\n\
\t\t效益指标\t社会效益指标\t样例服务满意度\t\t≥90%\t社会效益指标\t样例服务满意度\t\t≥90%\n",
        code = i % 1000,
        m = wan * 3,
        n = 1000 + i,
        k = 300 + i,
    )
}

/// A JPEG of `w`×`h` pixels: white, with a dark frame and a few ruled lines unless `blank`.
pub fn jpeg(w: u32, h: u32, blank: bool) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let line =
            !blank && (x < 3 || y < 3 || x + 3 >= w || y + 3 >= h || (y % 40 < 2) || (x % 90 < 2));
        if line {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    jpeg_bytes(&img, 85)
}

/// Position of the first JPEG marker `m` (0xFF m).
fn marker(j: &[u8], m: u8) -> usize {
    j.windows(2)
        .position(|w| w[0] == 0xFF && w[1] == m)
        .expect("marker")
}

/// A real small JPEG whose frame header claims `w`×`h`: a decoder that allocates before
/// checking would need gigabytes; one that checks the header refuses it at once.
pub fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut j = jpeg(64, 64, false);
    let sof = marker(&j, 0xC0);
    j[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    j[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    j
}

/// A JPEG whose Huffman tables are garbage: the headers parse, the entropy-coded data cannot.
pub fn jpeg_corrupt() -> Vec<u8> {
    let mut j = jpeg(200, 150, false);
    let dht = marker(&j, 0xC4);
    let len = u16::from_be_bytes([j[dht + 2], j[dht + 3]]) as usize;
    for b in &mut j[dht + 5..dht + 2 + len] {
        *b = 0xFF;
    }
    j
}

/// One page per entry. `Some((jpeg, w, h))` is a page that is one full-page JPEG (CamScanner
/// style), `None` a page with no content at all; `rotate` is the pages' /Rotate.
pub fn pdf_of(pages: &[Option<(Vec<u8>, u32, u32)>], rotate: i64) -> Document {
    let mut b = PdfBuilder::new();
    for p in pages {
        let mut page = dictionary! { "MediaBox" => a4() };
        if rotate != 0 {
            page.set("Rotate", rotate);
        }
        if let Some((jpeg, w, h)) = p {
            let img = b.jpeg(jpeg.clone(), *w, *h);
            let content = b.content("q 595 0 0 842 0 0 cm /Im0 Do Q");
            page.set(
                "Resources",
                dictionary! { "XObject" => dictionary! { "Im0" => img } },
            );
            page.set("Contents", content);
        }
        b.page(page);
    }
    b.finish()
}

/// A born-digital page: text drawn with a standard font, no image.
pub fn pdf_text_only(text: &str) -> Document {
    let mut b = PdfBuilder::new();
    let font = b.helvetica();
    let content = b.content(format!("BT /F1 14 Tf 72 720 Td ({text}) Tj ET"));
    b.page(dictionary! {
        "MediaBox" => a4(),
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "Contents" => content,
    });
    b.finish()
}

pub use jixiao::testing::pdf_bytes;

/// The same one-JPEG-page PDF, protected by a user password.
pub fn pdf_encrypted() -> Vec<u8> {
    let mut doc = pdf_of(&[Some((jpeg(120, 160, false), 120, 160))], 0);
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ],
    );
    let state =
        lopdf::encryption::EncryptionState::try_from(lopdf::encryption::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: "secret",
            key_length: 128,
            permissions: lopdf::encryption::Permissions::default(),
        })
        .expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    pdf_bytes(doc)
}

pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, bytes).expect("write input");
    p
}

/// pages.jsonl without the timings (which differ between runs).
pub fn pages_without_ms(out: &Path) -> Vec<Value> {
    jsonl(&out.join("pages.jsonl"))
        .into_iter()
        .map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.remove("ms");
            }
            v
        })
        .collect()
}

/// An uncompressed multi-page TIFF (8-bit grey, one strip a page, little-endian), written by
/// hand so a test can also make its directory chain lie: with `loop_to = Some(k)` the last
/// page's directory points back to page k's instead of ending the chain.
pub fn tiff_of(pages: &[image::GrayImage], loop_to: Option<usize>) -> Vec<u8> {
    let mut b: Vec<u8> = b"II*\0\0\0\0\0".to_vec();
    let mut ifds = Vec::new();
    for p in pages {
        let (w, h) = p.dimensions();
        let data = b.len() as u32;
        b.extend_from_slice(p.as_raw());
        if b.len() % 2 == 1 {
            b.push(0);
        }
        ifds.push(b.len());
        // (tag, type: 3 SHORT / 4 LONG, value), in tag order as TIFF requires.
        let entries: [(u16, u16, u32); 9] = [
            (256, 4, w),
            (257, 4, h),
            (258, 3, 8),
            (259, 3, 1),
            (262, 3, 1),
            (273, 4, data),
            (277, 3, 1),
            (278, 4, h),
            (279, 4, w * h),
        ];
        b.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, ty, v) in entries {
            b.extend_from_slice(&tag.to_le_bytes());
            b.extend_from_slice(&ty.to_le_bytes());
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&0u32.to_le_bytes());
    }
    let next_at = |ifd: usize| ifd + 2 + 9 * 12;
    if let Some(&first) = ifds.first() {
        b[4..8].copy_from_slice(&(first as u32).to_le_bytes());
    }
    for k in 0..ifds.len() {
        let next = match (ifds.get(k + 1), loop_to) {
            (Some(&n), _) => n as u32,
            (None, Some(t)) => ifds[t] as u32,
            (None, None) => 0,
        };
        let at = next_at(ifds[k]);
        b[at..at + 4].copy_from_slice(&next.to_le_bytes());
    }
    b
}

/// A grey test page: white with a frame and `n` bold bars, so pages differ visibly.
pub fn grey_page(w: u32, h: u32, n: u32) -> image::GrayImage {
    image::GrayImage::from_fn(w, h, |x, y| {
        let frame = x < 3 || y < 3 || x + 3 >= w || y + 3 >= h;
        let bar = y > 20 && (y - 20) / 30 < n && (y - 20) % 30 < 10 && x > 20 && x < w - 20;
        image::Luma([if frame || bar { 20 } else { 255 }])
    })
}

/// The JPEG with its entropy-coded data cut after `keep` (0..1) of it and no end marker, as a
/// transfer that broke off leaves it.
pub fn jpeg_cut(j: &[u8], keep: f32) -> Vec<u8> {
    let sos = marker(j, 0xDA);
    let len = u16::from_be_bytes([j[sos + 2], j[sos + 3]]) as usize;
    let data = sos + 2 + len;
    let end = j.len() - 2; // before EOI
    let cut = data + ((end - data) as f32 * keep) as usize;
    j[..cut].to_vec()
}

/// A progressive JPEG of `w`×`h` (ruled like [`jpeg`]), cut in the middle of its scan `scan`
/// (1-based): what a broken-off transfer of a web-optimised photo leaves.
pub fn progressive_jpeg_cut(w: u32, h: u32, scan: usize) -> Vec<u8> {
    let img = image::load_from_memory(&jpeg(w, h, false))
        .expect("decode")
        .to_rgb8();
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    enc.set_progressive(true);
    enc.encode(
        img.as_raw(),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .expect("encode progressive jpeg");
    let sos: Vec<usize> = out
        .windows(2)
        .enumerate()
        .filter(|(_, p)| p[0] == 0xFF && p[1] == 0xDA)
        .map(|(i, _)| i)
        .collect();
    assert!(sos.len() > scan, "only {} scans", sos.len());
    let cut = (sos[scan - 1] + sos[scan]) / 2;
    out[..cut].to_vec()
}
