//! One input's pages: an image file's, a PDF's (born-digital pages from the text layer, the rest
//! scanned), and one scanned page through render, preprocess, grid and OCR under its time budget.

use super::*;

/// An image file's pages: one for JPEG and PNG, every page of a multi-page TIFF, read in
/// parallel like a PDF's. A file that cannot be opened is one failed page.
pub(super) fn image_pages(
    inp: &InputFile,
    bytes: &[u8],
    ctx: &Ctx,
    errors: &mut Vec<ErrorLine>,
    warnings: &mut Vec<String>,
    pages_in: &mut Option<u32>,
) -> Vec<Page> {
    let file = inp.display.as_str();
    // A file that cannot be opened is listed as one failed page.
    *pages_in = Some(1);
    let opened = guarded(file, Some(1), Stage::Render, || {
        crate::render::ImageFile::open(&inp.path, bytes, ctx.cfg)
    });
    let img = match opened {
        Ok(Ok(img)) => img,
        Ok(Err(e)) => {
            ctx.progress.add_pages(1);
            let r = scanned_page(file, 1, ctx, || Err(e));
            return split_page_results(vec![r], errors);
        }
        Err(e) => {
            ctx.progress.add_pages(1);
            let r = scanned_page(file, 1, ctx, || {
                Err(Error::bad_input(
                    &inp.path,
                    Some(1),
                    Stage::Render,
                    e.reason,
                ))
            });
            return split_page_results(vec![r], errors);
        }
    };
    warnings.extend(img.warnings.iter().cloned());
    let n = img.n_pages();
    *pages_in = Some(n);
    ctx.progress.add_pages(n as u64);
    let results: Vec<(Page, Option<ErrorLine>)> = (0..n)
        .into_par_iter()
        .with_max_len(1)
        .map(|k| scanned_page(file, k + 1, ctx, || img.page_raster(k + 1, ctx.cfg)))
        .collect();
    split_page_results(results, errors)
}

/// A PDF's pages in order. Pages that are one embedded image each (phone scans) go straight to
/// OCR without pdfium; otherwise the text layer is read once for the whole file and only the
/// pages it cannot serve are OCR'd, each carrying the reason as a page warning.
pub(super) fn pdf_pages(
    inp: &InputFile,
    bytes: Vec<u8>,
    ctx: &Ctx,
    errors: &mut Vec<ErrorLine>,
    warnings: &mut Vec<String>,
    stage_ms: &mut BTreeMap<String, u64>,
    pages_in: &mut Option<u32>,
) -> Vec<Page> {
    let file = inp.display.as_str();
    let t_open = Instant::now();
    let opened = guarded(file, None, Stage::Render, || {
        crate::render::PdfFile::open(&inp.path, &bytes, ctx.cfg)
    });
    stage_ms.insert("open".into(), ms(t_open));
    let pdf = match opened {
        Ok(Ok(pdf)) if pdf.n_pages() == 0 => {
            errors.push(ErrorLine::new(
                file,
                None,
                Stage::Render,
                "PDF has no pages",
            ));
            return Vec::new();
        }
        Ok(Ok(pdf)) => pdf,
        Ok(Err(e)) => {
            errors.push(ErrorLine::from_error(file, None, &e));
            return Vec::new();
        }
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    warnings.extend(pdf.warnings.iter().cloned());
    let n = pdf.n_pages();
    *pages_in = Some(n);
    ctx.progress.add_pages(n as u64);
    let all_scans =
        (1..=n).all(|i| matches!(pdf.page_kind(i), Ok(crate::render::PageKind::SingleImage)));
    // Per page (index n-1): the text-layer page, or the reason it must be OCR'd.
    let mut digital: Vec<std::result::Result<Page, String>> = Vec::new();
    if !all_scans {
        let t_digital = Instant::now();
        let read = guarded(file, None, Stage::Digital, || {
            crate::digital::read_pdf(&inp.path, &bytes, ctx.cfg)
        });
        stage_ms.insert(Stage::Digital.as_str().into(), ms(t_digital));
        match read {
            Ok(Ok(pages)) => digital = place_digital(pages, n),
            // The scanned path may still read the pages (it reports its own errors).
            Ok(Err(e)) => warnings.push(format!("text layer not read: {e}")),
            Err(e) => warnings.push(format!("text layer not read: {}", e.reason)),
        }
    }
    drop(bytes);
    let mut slots: Vec<Option<std::result::Result<Page, String>>> =
        digital.into_iter().map(Some).collect();
    slots.resize_with(n as usize, || None);
    let results: Vec<(Page, Option<ErrorLine>)> = slots
        .into_par_iter()
        .enumerate()
        .with_max_len(1)
        .map(|(k, slot)| {
            let i = k as u32 + 1;
            match slot {
                Some(Ok(mut page)) => {
                    page.number = i;
                    ctx.progress.page_done();
                    (page, None)
                }
                Some(Err(reason)) => {
                    let (mut page, e) = scanned_page(file, i, ctx, || pdf.page_raster(i, ctx.cfg));
                    page.info.warnings.insert(0, format!("ocr: {reason}"));
                    (page, e)
                }
                None => scanned_page(file, i, ctx, || pdf.page_raster(i, ctx.cfg)),
            }
        })
        .collect();
    split_page_results(results, errors)
}

/// The text-layer outcome for pages 1..=n by position; a page the reader did not report is
/// sent to OCR rather than dropped.
fn place_digital(
    pages: Vec<crate::digital::DigitalPage>,
    n: u32,
) -> Vec<std::result::Result<Page, String>> {
    let mut out: Vec<std::result::Result<Page, String>> = (0..n)
        .map(|_| Err("no text-layer result for the page".to_string()))
        .collect();
    for p in pages {
        let k = p.number();
        let Some(slot) = k.checked_sub(1).and_then(|i| out.get_mut(i as usize)) else {
            continue;
        };
        *slot = match p {
            crate::digital::DigitalPage::Page(page) => Ok(page),
            crate::digital::DigitalPage::NeedsOcr { reason, .. } => Err(reason),
        };
    }
    out
}

fn split_page_results(
    results: Vec<(Page, Option<ErrorLine>)>,
    errors: &mut Vec<ErrorLine>,
) -> Vec<Page> {
    results
        .into_iter()
        .map(|(p, e)| {
            errors.extend(e);
            p
        })
        .collect()
}

/// One scanned page: raster, then grid + OCR with this thread's engine, within the page's
/// time budget. A failed page still yields an (empty) page, so page numbering stays whole and
/// a form is never joined across a page that could not be read.
fn scanned_page(
    file: &str,
    n: u32,
    ctx: &Ctx,
    raster: impl FnOnce() -> Result<crate::render::PageRaster>,
) -> (Page, Option<ErrorLine>) {
    let t = Instant::now();
    let budget = Duration::from_secs_f64(ctx.cfg.limits.page_seconds);
    let over_budget = |after: Stage| -> Option<ErrorLine> {
        let el = t.elapsed();
        (el > budget).then(|| ErrorLine {
            transient: true,
            ..ErrorLine::new(
                file,
                Some(n),
                after,
                format!(
                    "page time budget exceeded after {after}: {:.1} s > limits.page_seconds = {}",
                    el.as_secs_f64(),
                    ctx.cfg.limits.page_seconds
                ),
            )
        })
    };
    let result = (|| -> std::result::Result<Page, ErrorLine> {
        let raster = guarded(file, Some(n), Stage::Render, raster)?
            .map_err(|e| ErrorLine::from_error(file, Some(n), &e))?;
        if let Some(e) = over_budget(Stage::Render) {
            return Err(e);
        }
        let mut page = guarded(file, Some(n), Stage::Ocr, || {
            ctx.engines
                .with_engine(|eng| crate::table::image::read_scanned_page(&raster, n, eng, ctx.cfg))
        })?
        .and_then(|r| r)
        .map_err(|e| ErrorLine::from_error(file, Some(n), &e))?;
        if let Some(e) = over_budget(Stage::Ocr) {
            return Err(e);
        }
        page.number = n;
        page.info
            .ms
            .entry(Stage::Render.as_str().into())
            .or_insert(raster.ms);
        if page.info.dpi.is_none() {
            page.info.dpi = raster.dpi;
        }
        page.info.width_px.get_or_insert(raster.image.width());
        page.info.height_px.get_or_insert(raster.image.height());
        page.info.ms.insert("page".into(), ms(t));
        if let Some(loss) = raster.loss.clone() {
            page.info.lost(loss);
        }
        Ok(page)
    })();
    ctx.progress.page_done();
    match result {
        Ok(p) => (p, None),
        Err(e) => {
            let mut p = Page {
                number: n,
                ..Page::default()
            };
            p.info.source = PageSource::Scan;
            p.info.failed(format!("{}: {}", e.stage, e.reason));
            (p, Some(e))
        }
    }
}
