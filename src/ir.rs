//! The intermediate representation every input becomes: pages of text lines and tables of
//! cells. Scanned pages (grid + OCR), born-digital pages (text layer) and OCR'd text files all
//! produce it; extraction and everything after it consume only this.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// A box as fractions of the page's width and height, `[x0, y0, x1, y1]`, in the page as it
/// came out of the PDF (before any correction), so a viewer can draw it on the original.
pub type BBox = [f32; 4];

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    /// 0-based grid row of the cell's top-left corner.
    pub row: usize,
    /// 0-based grid column of the cell's top-left corner.
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    /// Visible text; wrapped lines joined with '\n' (extraction decides how to join them).
    pub text: String,
    /// Recogniser confidence in 0..1 (1.0 for text input and text layers).
    pub conf: f32,
    pub bbox: Option<BBox>,
}

impl Cell {
    pub fn new(row: usize, col: usize, text: impl Into<String>) -> Self {
        Cell {
            row,
            col,
            rowspan: 1,
            colspan: 1,
            text: text.into(),
            conf: 1.0,
            bbox: None,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// One ruled table (or one tab-separated run of lines in text input).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Table {
    /// 1-based page number the table is on.
    pub page: u32,
    /// 1-based ordinal of the table on its page.
    pub ordinal: u32,
    pub n_rows: usize,
    pub n_cols: usize,
    /// Cells in row-major order of their top-left corner; a merged cell appears once.
    pub cells: Vec<Cell>,
    pub bbox: Option<BBox>,
}

impl Table {
    /// Builds a table from cells, computing its size and sorting cells row-major.
    pub fn from_cells(page: u32, ordinal: u32, mut cells: Vec<Cell>) -> Self {
        cells.sort_by_key(|c| (c.row, c.col));
        let n_rows = cells.iter().map(|c| c.row + c.rowspan).max().unwrap_or(0);
        let n_cols = cells.iter().map(|c| c.col + c.colspan).max().unwrap_or(0);
        Table {
            page,
            ordinal,
            n_rows,
            n_cols,
            cells,
            bbox: None,
        }
    }

    /// The table id of the output contract: first 8 hex of the file's sha256, page, ordinal.
    pub fn id(&self, sha256: &str) -> String {
        let short: String = sha256.chars().take(8).collect();
        format!("{short}-p{}-t{}", self.page, self.ordinal)
    }

    /// Cells grouped by the row of their top-left corner, each row sorted by column.
    pub fn rows(&self) -> Vec<Vec<&Cell>> {
        let mut rows: Vec<Vec<&Cell>> = vec![Vec::new(); self.n_rows];
        for c in &self.cells {
            if let Some(r) = rows.get_mut(c.row) {
                r.push(c);
            }
        }
        for r in &mut rows {
            r.sort_by_key(|c| c.col);
        }
        rows
    }

    /// The cell covering grid position (row, col), merged cells included.
    pub fn cell_at(&self, row: usize, col: usize) -> Option<&Cell> {
        self.cells.iter().find(|c| {
            row >= c.row && row < c.row + c.rowspan && col >= c.col && col < c.col + c.colspan
        })
    }
}

/// A line of text outside any table (titles, "(2024年度)", narrative paragraphs, footers).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TextLine {
    pub text: String,
    pub conf: f32,
    pub bbox: Option<BBox>,
}

impl TextLine {
    pub fn new(text: impl Into<String>) -> Self {
        TextLine {
            text: text.into(),
            conf: 1.0,
            bbox: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Block {
    Line(TextLine),
    Table(Table),
}

/// How a page's content was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageSource {
    #[default]
    Text,
    Scan,
    BornDigital,
}

/// How a page ended up, for the page ledger: every page of every input is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStatus {
    #[default]
    Ok,
    /// Read, but part of it was lost (the reason says what and how much).
    Partial,
    /// Nothing could be read from it.
    Failed,
}

/// Image data lost on a page (e.g. a JPEG whose data ends early): the page is read from what is
/// left, and this says how much is missing, so a partial page is never silent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PageLoss {
    /// Estimated fraction of the page's area that is missing (0..1); `None` when what is lost
    /// is detail spread over the whole page (a progressive JPEG cut short).
    pub lost_fraction: Option<f32>,
    pub reason: String,
}

/// Per-page facts for `pages.jsonl`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PageInfo {
    pub width_px: Option<u32>,
    pub height_px: Option<u32>,
    pub dpi: Option<f32>,
    pub skew_deg: Option<f32>,
    pub mean_conf: Option<f32>,
    /// Milliseconds per stage ("render", "preprocess", "grid", "ocr", …).
    pub ms: BTreeMap<String, u64>,
    pub source: PageSource,
    pub warnings: Vec<String>,
    /// How the page was captured (scanned pages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<PageQuality>,
    /// The page's ledger entry: ok, partial (with `loss`) or failed (with `failure`).
    #[serde(default)]
    pub status: PageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<PageLoss>,
    /// Why a failed page could not be read (`stage: reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl PageInfo {
    /// Marks the page partial: part of it was lost but what is left was read.
    pub fn lost(&mut self, loss: PageLoss) {
        if self.status != PageStatus::Failed {
            self.status = PageStatus::Partial;
        }
        self.warnings.push(loss.reason.clone());
        self.loss = Some(loss);
    }

    /// Marks the page failed with the reason.
    pub fn failed(&mut self, why: String) {
        self.status = PageStatus::Failed;
        self.warnings.push(why.clone());
        self.failure = Some(why);
    }
}

/// What preprocessing saw of a scanned page's capture, so a user can see why a page reads
/// badly (`pages.jsonl` `quality`, additive to schema v1).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PageQuality {
    /// Pixels per inch of the sheet itself, taking it as A4 (the file's DPI claim is often
    /// wrong, and a photo's desk is not part of the sheet).
    pub estimated_dpi: f32,
    /// The sheet's corners (fractions of the page as it came out of the PDF, clockwise from
    /// top-left) when its outline showed against a surround (a phone photo's desk).
    pub sheet_quad: Option<[[f32; 2]; 4]>,
    /// Clockwise turn applied to make the text upright: 0, 90, 180 or 270.
    pub turned_deg: u16,
    /// Isolated specks removed per square inch (noise level: clean scans ≈ 0).
    pub specks_per_in2: f32,
    /// Share of the sheet under red or pink seals and stamps (removed before reading; text
    /// under them is read from the black print left).
    #[serde(default)]
    pub seal_fraction: f32,
    /// The capture is black and white (an office scanner's bilevel mode); its text was read
    /// from a slightly blurred copy, which gives strokes broken by the threshold back.
    #[serde(default)]
    pub bilevel: bool,
}

/// One page of any input, in reading order.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    pub blocks: Vec<Block>,
    pub info: PageInfo,
}

impl Page {
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Line(_) => None,
        })
    }

    /// The text lines outside the tables, in reading order.
    pub fn lines(&self) -> impl Iterator<Item = &TextLine> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Line(l) => Some(l),
            Block::Table(_) => None,
        })
    }

    /// The page's text in reading order: lines as they are, table rows as tab-joined cells.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Line(l) => {
                    out.push_str(&l.text);
                    out.push('\n');
                }
                Block::Table(t) => {
                    for row in t.rows() {
                        let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
                        out.push_str(&cells.join("\t"));
                        out.push('\n');
                    }
                }
            }
        }
        out
    }
}

/// Everything read from one input file.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Document {
    pub path: PathBuf,
    /// Path as written to `source.path` (as given on the command line).
    pub display_path: String,
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
    pub pages: Vec<Page>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_cell_covers_its_span() {
        let mut c = Cell::new(1, 0, "产出指标");
        c.rowspan = 3;
        let t = Table::from_cells(1, 1, vec![c, Cell::new(0, 0, "a"), Cell::new(2, 1, "b")]);
        assert_eq!((t.n_rows, t.n_cols), (4, 2));
        assert_eq!(t.cell_at(3, 0).map(|c| c.text.as_str()), Some("产出指标"));
        assert!(t.cell_at(3, 1).is_none());
        assert_eq!(t.rows()[0][0].text, "a");
        assert_eq!(t.id("3f2a9c1e0000"), "3f2a9c1e-p1-t1");
    }
}
