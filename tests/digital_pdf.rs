//! Born-digital reading on PDFs built here with lopdf: ruled tables in a standard font,
//! /Rotate, a scanned (image-only) page, an invisible OCR layer, a blank page, text
//! hidden under a scan and a font that maps to private-use code points.
//! Skips cleanly when models/libpdfium.so is absent.

use std::path::{Path, PathBuf};

use jixiao::config::Config;
use jixiao::digital::{self, DigitalPage};
use jixiao::ir::{Block, Page, PageSource, Table};
use jixiao::testing::{a4, PdfBuilder};
use lopdf::{dictionary, Object, Stream};

fn models_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    dir.join("libpdfium.so").exists().then_some(dir)
}

/// A 2×3 ruled table at the top of an A4 page: rules drawn both as strokes and as thin
/// filled rectangles, a heading above it and a note below.
fn table_page() -> String {
    let mut s = String::new();
    // Heading and unit line.
    s += "BT /F1 16 Tf 200 780 Td (Budget 2023) Tj ET\n";
    s += "BT /F1 10 Tf 60 755 Td (Dept: Finance) Tj ET\n";
    s += "BT /F1 10 Tf 450 755 Td (Unit: yuan) Tj ET\n";
    // Horizontal rules at y = 740, 720, 700 from x = 50 to 350 (the middle one a thin bar).
    s += "0.5 w 50 740 m 350 740 l S\n";
    s += "50 719.5 300 1 re f\n";
    s += "50 700 m 350 700 l S\n";
    // Vertical rules at x = 50, 150, 250, 350.
    for x in [50, 150, 250, 350] {
        s += &format!("{x} 700 m {x} 740 l S\n");
    }
    s += "BT /F1 10 Tf 55 725 Td (Item) Tj ET\n";
    s += "BT /F1 10 Tf 155 725 Td (Amount) Tj ET\n";
    s += "BT /F1 10 Tf 255 725 Td (Note) Tj ET\n";
    s += "BT /F1 10 Tf 55 705 Td (Total) Tj ET\n";
    s += "BT /F1 10 Tf 155 705 Td (1,234,567.00) Tj ET\n";
    s += "BT /F1 10 Tf 55 680 Td (Remark below the table) Tj ET\n";
    s
}

fn build_pdf() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font_id = b.helvetica();
    // A grey 2×2 image, enough to stand for a scan.
    let image_id = b.doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![120, 200, 200, 120],
    ));
    // A font whose codes map to private-use code points, as unmapped CID fonts come out.
    let names: Vec<Object> = (0..26)
        .map(|i| Object::Name(format!("uniE0{:02X}", i).into_bytes()))
        .collect();
    let mut differences: Vec<Object> = vec![65.into()];
    differences.extend(names);
    let pua_font = b.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => differences },
    });
    let resources = dictionary! {
        "Font" => dictionary! { "F1" => font_id, "F2" => pua_font },
        "XObject" => dictionary! { "Im1" => image_id },
    };
    let scan = "q 595 0 0 842 0 0 cm /Im1 Do Q\n".to_string();
    let ocr_layer = format!(
        "{scan}BT 3 Tr /F1 10 Tf 60 700 Td (Hidden OCR text that nobody sees on the page) Tj ET\n\
         BT 3 Tr /F1 10 Tf 60 680 Td (More hidden OCR text for the whole scanned page) Tj ET\n"
    );
    let contents: Vec<(String, Option<i64>)> = vec![
        (table_page(), None),
        // Drawn turned back a quarter so that it shows upright on the /Rotate 90 page
        // (as landscape exports do), moved down to fit the 595-high landscape view.
        (
            format!("0 1 -1 0 595 0 cm 1 0 0 1 0 -250 cm\n{}", table_page()),
            Some(90),
        ),
        (scan, None),
        (ocr_layer, None),
        (String::new(), None),
        // Text painted first, then a scan laid over the whole page: nothing of it shows.
        (
            format!("{}q 595 0 0 842 0 0 cm /Im1 Do Q\n", table_page()),
            None,
        ),
        (
            "BT /F2 12 Tf 60 700 Td (ABCDEFGHIJKLMNOPQRSTUVWXYZ) Tj ET\n\
             BT /F2 12 Tf 60 680 Td (ZYXWVUTSRQPONMLKJIHGFEDCBA) Tj ET\n"
                .to_string(),
            None,
        ),
    ];
    for (content, rotate) in contents {
        let cid = b.content(content);
        let mut page = dictionary! {
            "MediaBox" => a4(),
            "Contents" => cid,
            "Resources" => resources.clone(),
        };
        if let Some(r) = rotate {
            page.set("Rotate", r);
        }
        b.page(page);
    }
    b.bytes()
}

fn read() -> Option<Vec<DigitalPage>> {
    let dir = models_dir()?;
    let mut cfg = Config::default();
    cfg.ocr.models_dir = dir;
    let bytes = build_pdf();
    Some(digital::read_pdf(Path::new("synthetic.pdf"), &bytes, &cfg).expect("read PDF"))
}

fn page(p: &DigitalPage) -> &Page {
    match p {
        DigitalPage::Page(p) => p,
        DigitalPage::NeedsOcr { number, reason } => panic!("page {number} sent to OCR: {reason}"),
    }
}

fn first_table(p: &Page) -> &Table {
    p.tables().next().expect("a table")
}

fn text_at(t: &Table, r: usize, c: usize) -> &str {
    t.cell_at(r, c).map(|c| c.text.as_str()).unwrap_or("<none>")
}

#[test]
fn ruled_table_in_a_text_layer() {
    let Some(pages) = read() else {
        eprintln!("models/libpdfium.so absent: skipped");
        return;
    };
    assert_eq!(pages.len(), 7);
    let p = page(&pages[0]);
    assert_eq!(p.info.source, PageSource::BornDigital);
    let t = first_table(p);
    assert_eq!((t.n_rows, t.n_cols), (2, 3));
    assert_eq!(text_at(t, 0, 0), "Item");
    assert_eq!(text_at(t, 0, 1), "Amount");
    assert_eq!(text_at(t, 1, 1), "1,234,567.00");
    assert_eq!(text_at(t, 1, 2), "", "blank cell kept");
    assert!(t.cells.iter().all(|c| c.conf == 1.0));
    let lines: Vec<&str> = p.lines().map(|l| l.text.as_str()).collect();
    assert_eq!(
        lines,
        vec![
            "Budget 2023",
            "Dept: Finance",
            "Unit: yuan",
            "Remark below the table"
        ]
    );
    // Heading and unit come before the table, the remark after it.
    assert!(matches!(p.blocks[3], Block::Table(_)));
    // Boxes are fractions of the page: the table spans x 50..350 of 595, y 102..142 of 842.
    let b = t.bbox.expect("table box");
    assert!((b[0] - 50.0 / 595.0).abs() < 0.01 && (b[2] - 350.0 / 595.0).abs() < 0.01);
    assert!((b[1] - 102.0 / 842.0).abs() < 0.01 && (b[3] - 142.0 / 842.0).abs() < 0.01);
}

#[test]
fn rotated_page_reads_the_same_with_boxes_as_displayed() {
    let Some(pages) = read() else {
        return;
    };
    let upright = first_table(page(&pages[0]));
    let turned = first_table(page(&pages[1]));
    let texts = |t: &Table| t.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(upright), texts(turned));
    // Shown turned, the page is 842 wide and 595 high; the table (drawn at x 50..350,
    // y 450..490 of that landscape view) shows at x 50..350, y 105..145 from the top.
    let b = turned.bbox.expect("table box");
    assert!((b[0] - 50.0 / 842.0).abs() < 0.01, "{b:?}");
    assert!((b[2] - 350.0 / 842.0).abs() < 0.01, "{b:?}");
    assert!((b[1] - 105.0 / 595.0).abs() < 0.01, "{b:?}");
    assert!((b[3] - 145.0 / 595.0).abs() < 0.01, "{b:?}");
}

#[test]
fn scans_and_hidden_layers_go_to_ocr_and_blank_pages_do_not() {
    let Some(pages) = read() else {
        return;
    };
    assert!(
        matches!(&pages[2], DigitalPage::NeedsOcr { number: 3, reason } if reason.contains("no text layer")),
        "{:?}",
        pages[2]
    );
    assert!(
        matches!(&pages[3], DigitalPage::NeedsOcr { number: 4, reason } if reason.contains("invisible")),
        "{:?}",
        pages[3]
    );
    let blank = page(&pages[4]);
    assert!(blank.blocks.is_empty());
    assert!(
        matches!(&pages[5], DigitalPage::NeedsOcr { number: 6, .. }),
        "{:?}",
        pages[5]
    );
    assert!(
        matches!(&pages[6], DigitalPage::NeedsOcr { number: 7, reason } if reason.contains("unicode")),
        "{:?}",
        pages[6]
    );
}
