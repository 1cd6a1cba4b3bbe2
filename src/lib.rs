//! jixiao (绩效): scanned Chinese budget disclosures in, structured and checked records out.
//!
//! The pipeline, one module per stage, all meeting at one intermediate representation
//! ([`ir::Table`] inside [`ir::Page`]):
//!
//! ```text
//!  PDF / image ──render──▶ page image ──preprocess──▶ flattened, deskewed image + transform
//!      ──grid──▶ cell graph (rows, cols, spans, pixel boxes) ──ocr──▶ cell text + confidence
//!      ──table──▶ ir::Page { blocks: [Line | Table] }            ◀──table::text── OCR'd text (.txt)
//!      ──extract──▶ model::Record (项目支出绩效目标表) + model::TableRecord (every other table)
//!      ──normalise──▶ typed values, yuan amounts, dates        (called by extract)
//!      ──repair──▶ clipped names completed from their twins   (across the whole run)
//!      ──check──▶ arithmetic warnings (never silent fixes)
//!      ──budget──▶ budget tables typed into lines and reconciled (per input, at emit)
//!      ──emit──▶ records.jsonl, tables.jsonl, pages.jsonl, indicators.csv, run.json
//!      ──export──▶ jixiao.sqlite, records.xlsx, review/ (typed warnings: [`warning`])
//! ```
//!
//! Born-digital PDF pages skip render/preprocess/grid/ocr: [`digital`] reads the text layer and the
//! drawn ruling lines (through the one pdfium binding in [`pdfium`]) straight into `ir::Page`, and
//! falls back to OCR for a page whose text layer is broken.
//!
//! Text input enters at `table::text` and shares everything downstream with scanned pages, so
//! the domain logic is tested on text where no OCR error can hide its mistakes.
//! [`pipeline`] drives the stages over a batch of files (page-parallel, incremental, with a
//! per-file error that never stops the batch).

pub mod budget;
pub mod check;
pub mod components;
pub mod config;
pub mod digital;
pub mod emit;
pub mod error;
pub mod export;
pub mod extract;
pub mod geom;
pub mod grid;
pub mod ir;
pub mod model;
pub mod normalise;
pub mod ocr;
pub mod pdfium;
pub mod pipeline;
pub mod preprocess;
pub mod render;
pub mod repair;
pub mod table;
#[doc(hidden)]
pub mod testing;
pub mod warning;

pub use error::{Error, Result};
