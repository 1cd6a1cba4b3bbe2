use super::*;
use crate::testing::{a4, jpeg_bytes, PdfBuilder};
use lopdf::dictionary;

fn cfg() -> Config {
    Config::default()
}

/// A JPEG of `w`×`h` whose top-left quadrant is dark, so orientation can be checked.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        if x < w / 2 && y < h / 2 {
            image::Rgb([10, 10, 10])
        } else {
            image::Rgb([240, 240, 240])
        }
    });
    jpeg_bytes(&img, 90)
}

struct PageSpec {
    /// (JPEG bytes, width, height) of the page's image, if any.
    image: Option<(Vec<u8>, u32, u32)>,
    content: Vec<u8>,
    rotate: Option<i64>,
}

/// Builds a PDF with the given pages (595×842 pt), /Rotate optionally on the Pages node.
fn pdf(pages: Vec<PageSpec>, parent_rotate: Option<i64>) -> Vec<u8> {
    let mut b = PdfBuilder::new();
    for p in pages {
        let mut resources = Dictionary::new();
        if let Some((data, w, h)) = p.image {
            let img_id = b.jpeg(data, w, h);
            resources.set("XObject", dictionary! { "Im0" => img_id });
        }
        let content_id = b.content(p.content);
        let mut page = dictionary! { "Contents" => content_id, "Resources" => resources };
        if let Some(r) = p.rotate {
            page.set("Rotate", r);
        }
        b.page(page);
    }
    b.pages_set("MediaBox", a4());
    if let Some(r) = parent_rotate {
        b.pages_set("Rotate", r);
    }
    b.bytes()
}

fn scan_page(w: u32, h: u32) -> PageSpec {
    PageSpec {
        image: Some((jpeg(w, h), w, h)),
        content: b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
        rotate: None,
    }
}

fn is_dark(img: &RgbImage, x: u32, y: u32) -> bool {
    img.get_pixel(x, y)[0] < 100
}

#[test]
fn pdf_file_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<PdfFile>();
}

#[test]
fn one_jpeg_page_comes_out_of_the_pdf_undecoded_by_pdfium() {
    let bytes = pdf(vec![scan_page(400, 566)], None);
    let f = PdfFile::open(Path::new("a.pdf"), &bytes, &cfg()).unwrap();
    assert_eq!(f.n_pages(), 1);
    assert_eq!(f.page_kind(1).unwrap(), PageKind::SingleImage);
    let r = f.page_raster(1, &cfg()).unwrap();
    assert!(r.from_jpeg);
    assert_eq!(r.image.dimensions(), (400, 566));
    let dpi = r.dpi.unwrap();
    assert!((dpi - 400.0 / (595.0 / 72.0)).abs() < 0.1, "dpi {dpi}");
    assert!(is_dark(&r.image, 10, 10));
    assert!(!is_dark(&r.image, 390, 10));
}

#[test]
fn rotate_is_honoured_and_inherited_from_the_pages_node() {
    // Inherited 90° from the parent: the dark top-left quadrant goes to the top right.
    let bytes = pdf(vec![scan_page(400, 566)], Some(90));
    let f = PdfFile::open(Path::new("r.pdf"), &bytes, &cfg()).unwrap();
    assert_eq!(f.page_info(1).unwrap().rotate, 90);
    let r = f.page_raster(1, &cfg()).unwrap();
    assert_eq!(r.image.dimensions(), (566, 400));
    assert!(is_dark(&r.image, 556, 10));
    assert!(!is_dark(&r.image, 10, 10));

    // The page's own /Rotate wins over the parent's; −90 ≡ 270: dark goes to bottom left.
    let mut p = scan_page(400, 566);
    p.rotate = Some(-90);
    let bytes = pdf(vec![p], Some(90));
    let f = PdfFile::open(Path::new("r.pdf"), &bytes, &cfg()).unwrap();
    let r = f.page_raster(1, &cfg()).unwrap();
    assert_eq!(r.image.dimensions(), (566, 400));
    assert!(is_dark(&r.image, 10, 390));
    assert!(!is_dark(&r.image, 556, 10));

    let mut p = scan_page(400, 566);
    p.rotate = Some(180);
    let bytes = pdf(vec![p], None);
    let r = PdfFile::open(Path::new("r.pdf"), &bytes, &cfg())
        .unwrap()
        .page_raster(1, &cfg())
        .unwrap();
    assert!(is_dark(&r.image, 390, 556));
    assert!(!is_dark(&r.image, 10, 10));
}

#[test]
fn an_image_drawn_rotated_by_its_matrix_is_turned_upright() {
    // Landscape JPEG drawn with a quarter-turn matrix filling a portrait page.
    let p = PageSpec {
        image: Some((jpeg(566, 400), 566, 400)),
        content: b"q 0 -842 595 0 0 842 cm /Im0 Do Q".to_vec(),
        rotate: None,
    };
    let bytes = pdf(vec![p], None);
    let f = PdfFile::open(Path::new("m.pdf"), &bytes, &cfg()).unwrap();
    assert_eq!(f.page_kind(1).unwrap(), PageKind::SingleImage);
    let r = f.page_raster(1, &cfg()).unwrap();
    assert_eq!(r.image.dimensions(), (400, 566));
    // Image right → page down, image down → page left (a clockwise quarter turn): the
    // image's top-left corner (unit square (0,1)) lands at the page's top right.
    assert!(is_dark(&r.image, 390, 10));
    assert!(!is_dark(&r.image, 10, 10));
    assert!(!is_dark(&r.image, 390, 556));
}

#[test]
fn text_over_the_image_makes_the_page_other() {
    let mut p = scan_page(100, 140);
    p.content = b"q 595 0 0 842 0 0 cm /Im0 Do Q BT /F1 12 Tf 10 10 Td (hi) Tj ET".to_vec();
    let bytes = pdf(vec![p], None);
    let f = PdfFile::open(Path::new("t.pdf"), &bytes, &cfg()).unwrap();
    let info = f.page_info(1).unwrap();
    assert_eq!(info.kind, PageKind::Other);
    assert!(info.has_visible_text);

    // An invisible OCR layer (render mode 3) does not hide the scan.
    let mut p = scan_page(100, 140);
    p.content = b"q 595 0 0 842 0 0 cm /Im0 Do Q BT 3 Tr /F1 12 Tf (hi) Tj ET".to_vec();
    let bytes = pdf(vec![p], None);
    let f = PdfFile::open(Path::new("t.pdf"), &bytes, &cfg()).unwrap();
    let info = f.page_info(1).unwrap();
    assert_eq!(info.kind, PageKind::SingleImage);
    assert!(info.has_invisible_text);

    // A small image (not covering the page) is not a scan.
    let mut p = scan_page(100, 140);
    p.content = b"q 100 0 0 100 0 0 cm /Im0 Do Q".to_vec();
    let bytes = pdf(vec![p], None);
    let f = PdfFile::open(Path::new("t.pdf"), &bytes, &cfg()).unwrap();
    assert_eq!(f.page_kind(1).unwrap(), PageKind::Other);
}

fn expect_bad(r: Result<impl std::fmt::Debug>, page: Option<u32>, needle: &str) {
    match r {
        Err(Error::BadInput {
            page: p,
            stage,
            reason,
            path,
        }) => {
            assert_eq!(p, page, "{reason}");
            assert_eq!(stage, Stage::Render);
            assert!(
                reason.contains(needle),
                "reason {reason:?} lacks {needle:?}"
            );
            assert!(!path.as_os_str().is_empty());
        }
        other => panic!("expected BadInput with {needle:?}, got {other:?}"),
    }
}

fn open(bytes: &[u8]) -> Result<PdfFile> {
    PdfFile::open(Path::new("x.pdf"), bytes, &cfg())
}

#[test]
fn bad_pdfs_are_named_errors_not_panics() {
    expect_bad(open(b""), None, "empty");
    expect_bad(open(b"hello, I am a text file"), None, "not a PDF");
    expect_bad(open(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), None, "not a PDF");
    expect_bad(open(b"%PDF-1.4\n%garbage only"), None, "PDF");
}

#[test]
fn truncated_pdf_fails_on_open_or_on_its_page() {
    let bytes = pdf(vec![scan_page(200, 283), scan_page(200, 283)], None);
    for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 40, 20] {
        let short = &bytes[..cut];
        match open(short) {
            Err(Error::BadInput { .. }) => {}
            Err(e) => panic!("unexpected error {e}"),
            Ok(f) => {
                // Whatever survived must either decode or fail with a page-level error.
                for n in 1..=f.n_pages() {
                    match f.page_raster(n, &cfg()) {
                        Ok(_) => {}
                        Err(Error::BadInput { page, .. }) => assert_eq!(page, Some(n)),
                        Err(e) => panic!("unexpected error {e}"),
                    }
                }
            }
        }
    }
}

#[test]
fn zero_pages_is_an_error() {
    let bytes = pdf(vec![], None);
    expect_bad(open(&bytes), None, "no pages");
}

#[test]
fn encrypted_pdf_is_refused() {
    let mut doc = Document::load_mem(&pdf(vec![scan_page(50, 70)], None)).unwrap();
    // A standard-security dictionary whose password check can never pass with "".
    let enc = doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 1, "R" => 2, "Length" => 40,
        "O" => Object::string_literal(vec![0x11u8; 32]),
        "U" => Object::string_literal(vec![0x22u8; 32]),
        "P" => -4,
    });
    doc.trailer.set("Encrypt", enc);
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(vec![1u8; 16]),
            Object::string_literal(vec![1u8; 16]),
        ],
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    match open(&out) {
        Err(Error::BadInput { reason, .. }) => {
            assert!(
                reason.contains("encrypt") || reason.contains("password"),
                "{reason}"
            )
        }
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("encrypted PDF was opened"),
    }
}

#[test]
fn page_without_image_or_content_is_a_page_error() {
    let p = PageSpec {
        image: None,
        content: Vec::new(),
        rotate: None,
    };
    let bytes = pdf(vec![scan_page(50, 70), p], None);
    let f = open(&bytes).unwrap();
    assert!(f.page_raster(1, &cfg()).is_ok());
    expect_bad(f.page_raster(2, &cfg()), Some(2), "no image");
    expect_bad(f.page_raster(3, &cfg()), Some(3), "no page 3");
    expect_bad(f.page_raster(0, &cfg()), Some(0), "no page 0");
}

#[test]
fn corrupt_jpeg_stream_is_a_page_error() {
    let mut garbage = vec![
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8, 0x02, 0x00, 0x02, 0x00, 3,
    ];
    garbage.extend(std::iter::repeat_n(0x5A, 300));
    let p = PageSpec {
        image: Some((garbage, 512, 512)),
        content: b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
        rotate: None,
    };
    let bytes = pdf(vec![p], None);
    let f = open(&bytes).unwrap();
    expect_bad(f.page_raster(1, &cfg()), Some(1), "JPEG");

    let p = PageSpec {
        image: Some((b"not a jpeg at all".to_vec(), 512, 512)),
        content: b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
        rotate: None,
    };
    let f = open(&pdf(vec![p], None)).unwrap();
    expect_bad(f.page_raster(1, &cfg()), Some(1), "JPEG");
}

/// A JPEG whose header claims `w`×`h` (the body is never decoded).
fn bomb_header(w: u16, h: u16) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8];
    v.extend(h.to_be_bytes());
    v.extend(w.to_be_bytes());
    v.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    v.extend([0xFF, 0xD9]);
    v
}

#[test]
fn huge_images_are_refused_before_decoding() {
    let p = PageSpec {
        image: Some((bomb_header(20000, 20000), 20000, 20000)),
        content: b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
        rotate: None,
    };
    let f = open(&pdf(vec![p], None)).unwrap();
    match f.page_raster(1, &cfg()) {
        Err(Error::Limit { page, .. }) => assert_eq!(page, Some(1)),
        other => panic!("expected Limit, got {other:?}"),
    }
    // The same header as a JPEG file.
    match load_image(Path::new("big.jpg"), &bomb_header(20000, 20000), &cfg()) {
        Err(Error::Limit { .. }) => {}
        other => panic!("expected Limit, got {other:?}"),
    }
}

#[test]
fn file_and_page_limits() {
    let bytes = pdf(
        vec![scan_page(20, 28), scan_page(20, 28), scan_page(20, 28)],
        None,
    );
    let mut c = cfg();
    c.limits.max_pages = 2;
    assert!(matches!(
        PdfFile::open(Path::new("p.pdf"), &bytes, &c),
        Err(Error::Limit { .. })
    ));
    let mut c = cfg();
    c.limits.max_file_bytes = 100;
    assert!(matches!(
        PdfFile::open(Path::new("p.pdf"), &bytes, &c),
        Err(Error::Limit { .. })
    ));
}

#[test]
fn sof_parser_reads_real_encoder_output() {
    let j = jpeg(123, 45);
    assert_eq!(
        jpeg_sof(&j).map(|s| (s.width, s.height, s.components, s.progressive)),
        Some((123, 45, 3, false))
    );
    assert_eq!(jpeg_sof(b"\xFF\xD8\xFF"), None);
    assert_eq!(jpeg_sof(&[]), None);
}

#[test]
fn images_load_with_orientation_and_refuse_junk() {
    let r = load_image(Path::new("a.jpg"), &jpeg(64, 48), &cfg()).unwrap();
    assert_eq!(r.image.dimensions(), (64, 48));
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::new(30, 20))
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let r = load_image(Path::new("a.png"), &png, &cfg()).unwrap();
    assert_eq!(r.image.dimensions(), (30, 20));
    expect_bad(
        load_image(Path::new("a.png"), b"", &cfg()),
        Some(1),
        "empty",
    );
    expect_bad(
        load_image(Path::new("a.png"), b"plain text, not an image", &cfg()),
        Some(1),
        "not a JPEG",
    );
    assert!(load_image(Path::new("a.png"), &png[..png.len() / 2], &cfg()).is_err());
}

#[test]
fn bgra_conversion_honours_stride() {
    // 2×2 with a 12-byte stride (4 bytes of padding per row).
    let raw = [
        1, 2, 3, 255, 4, 5, 6, 255, 0, 0, 0, 0, //
        7, 8, 9, 255, 10, 11, 12, 255, 0, 0, 0, 0,
    ];
    let img = bgra_to_rgb(&raw, 2, 2).unwrap();
    assert_eq!(img.get_pixel(0, 0).0, [3, 2, 1]);
    assert_eq!(img.get_pixel(1, 1).0, [12, 11, 10]);
    assert!(bgra_to_rgb(&raw, 4, 2).is_none());
}

#[test]
fn non_jpeg_pages_render_through_pdfium_when_available() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    if !models.join("libpdfium.so").exists() {
        eprintln!("skipping: no models/libpdfium.so");
        return;
    }
    let mut c = cfg();
    c.ocr.models_dir = models;
    c.render.dpi = 72.0;
    // A black rectangle drawn as vector content (born-digital page).
    let p = PageSpec {
        image: None,
        content: b"0 0 0 rg 0 742 100 100 re f".to_vec(),
        rotate: None,
    };
    let f = open(&pdf(vec![p], None)).unwrap();
    assert_eq!(f.page_kind(1).unwrap(), PageKind::Other);
    let r = f.page_raster(1, &c).unwrap();
    assert!(!r.from_jpeg);
    assert_eq!(r.image.dimensions(), (595, 842));
    assert!(is_dark(&r.image, 10, 10), "top-left should be black");
    assert!(!is_dark(&r.image, 300, 400), "page should be white");
}

#[test]
fn pages_are_served_to_several_threads_from_one_parse() {
    let bytes = pdf((0..6).map(|_| scan_page(120, 170)).collect(), None);
    let f = open(&bytes).unwrap();
    let sizes: Vec<(u32, u32)> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..=6)
            .map(|n| {
                let f = &f;
                s.spawn(move || f.page_raster(n, &cfg()).map(|r| r.image.dimensions()))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    assert_eq!(sizes, vec![(120, 170); 6]);
}

#[test]
fn dev_scan_pages_come_straight_from_their_jpeg() {
    let path = Path::new("/work/shared/dev/001-02-camscanner.pdf");
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("skipping: {} absent", path.display());
        return;
    };
    let f = PdfFile::open(path, &bytes, &cfg()).unwrap();
    assert!(f.n_pages() > 1);
    assert_eq!(f.page_kind(1).unwrap(), PageKind::SingleImage);
    let r = f.page_raster(1, &cfg()).unwrap();
    assert!(r.from_jpeg);
    let dpi = r.dpi.unwrap();
    assert!((dpi - 220.0).abs() < 1.0, "dpi {dpi}");
}

#[test]
fn grey_jpeg_pages_come_out_as_grey_rgb() {
    let img =
        image::GrayImage::from_fn(64, 90, |x, _| image::Luma([if x < 32 { 20 } else { 230 }]));
    let mut data = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, 95)
        .encode_image(&img)
        .unwrap();
    let p = PageSpec {
        image: Some((data, 64, 90)),
        content: b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec(),
        rotate: None,
    };
    let f = open(&pdf(vec![p], None)).unwrap();
    let r = f.page_raster(1, &cfg()).unwrap();
    let px = r.image.get_pixel(5, 5).0;
    assert!(px[0] < 60 && px[0] == px[1] && px[1] == px[2], "{px:?}");
    assert!(r.image.get_pixel(60, 5).0[0] > 200);
}

#[test]
fn transparency_is_composited_on_white_paper() {
    // Ink on a transparent background: paper stored as (0,0,0,0), a half-covered pixel.
    let mut rgba = image::RgbaImage::new(3, 1);
    rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
    rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
    rgba.put_pixel(2, 0, image::Rgba([0, 0, 0, 128]));
    let mut png = Vec::new();
    DynamicImage::ImageRgba8(rgba)
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let r = load_image(Path::new("a.png"), &png, &cfg()).unwrap();
    let px: Vec<u8> = r.image.pixels().map(|p| p.0[0]).collect();
    assert_eq!(px, [255, 0, 127]);
}

#[test]
fn a_truncated_jpeg_reports_the_share_lost() {
    let j = jpeg(200, 400);
    let sof = jpeg_sof(&j).unwrap();
    let img = decode_jpeg(&j).unwrap();
    assert_eq!(jpeg_loss(&j, &sof, &img), Ok(None));
    // Half the entropy-coded data, no end marker.
    let sos = j.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let cut = &j[..sos + (j.len() - sos) / 2];
    let img = decode_jpeg(cut).unwrap();
    let loss = jpeg_loss(cut, &sof, &img).unwrap().unwrap();
    let f = loss.lost_fraction.unwrap();
    assert!((0.2..0.8).contains(&f), "{loss:?}");
    assert!(loss.reason.contains("ends early"), "{loss:?}");
}

#[test]
fn tiff_page_chain_is_walked_once_each() {
    // Two one-pixel pages, little-endian, the second pointing back to the first.
    fn ifd(b: &mut Vec<u8>, data: u32, next: u32) {
        let e: [(u16, u16, u32); 6] = [
            (256, 4, 1),
            (257, 4, 1),
            (258, 3, 8),
            (262, 3, 1),
            (273, 4, data),
            (279, 4, 1),
        ];
        b.extend_from_slice(&6u16.to_le_bytes());
        for (t, ty, v) in e {
            b.extend_from_slice(&t.to_le_bytes());
            b.extend_from_slice(&ty.to_le_bytes());
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&next.to_le_bytes());
    }
    let mut b = b"II*\0\x0a\0\0\0\x80\x40".to_vec();
    let second = 10 + 2 + 6 * 12 + 4;
    ifd(&mut b, 8, second as u32);
    ifd(&mut b, 9, 10);
    let (layout, warnings) = tiff_layout(&b, 100).unwrap();
    assert_eq!(layout.pages, [10, second as u64]);
    assert!(warnings.iter().any(|w| w.contains("loops")), "{warnings:?}");
    let f = ImageFile::open(Path::new("a.tif"), &b, &cfg()).unwrap();
    assert_eq!(f.n_pages(), 2);
    let px = |n| f.page_raster(n, &cfg()).unwrap().image.get_pixel(0, 0).0[0];
    assert_eq!((px(1), px(2)), (0x80, 0x40));
    assert!(tiff_layout(b"II*\0\xff\xff\0\0", 10).is_err());
}
