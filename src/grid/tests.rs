use super::cells;
use super::*;
use image::Luma;

/// Paints a line of given thickness from (x0,y0) to (x1,y1).
fn line(img: &mut GrayImage, (x0, y0): (f32, f32), (x1, y1): (f32, f32), t: f32) {
    let (dx, dy) = (x1 - x0, y1 - y0);
    let len = (dx * dx + dy * dy).sqrt();
    let steps = (len * 2.0) as usize + 1;
    for k in 0..=steps {
        let f = k as f32 / steps as f32;
        let (cx, cy) = (x0 + dx * f, y0 + dy * f);
        let r = t / 2.0;
        for yy in (cy - r).floor() as i64..=(cy + r).ceil() as i64 {
            for xx in (cx - r).floor() as i64..=(cx + r).ceil() as i64 {
                if ((xx as f32 - cx).powi(2) + (yy as f32 - cy).powi(2)).sqrt() <= r + 0.3
                    && xx >= 0
                    && yy >= 0
                    && (xx as u32) < img.width()
                    && (yy as u32) < img.height()
                {
                    img.put_pixel(xx as u32, yy as u32, Luma([20]));
                }
            }
        }
    }
}

/// A page of 1654×2339 (A4 at 200 DPI) with one table, rotated by `deg` about the centre:
/// 4 columns × 5 rows; row 1..3 of column 0 merged (rowspan 3); row 0 cols 2..4 merged
/// (colspan 2); some "text" blobs, one touching a line.
fn synthetic(deg: f32) -> GrayImage {
    let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
    let (cx, cy) = (827.0, 1170.0);
    let (s, c) = deg.to_radians().sin_cos();
    let rot = |x: f32, y: f32| {
        let (dx, dy) = (x - cx, y - cy);
        (cx + dx * c - dy * s, cy + dx * s + dy * c)
    };
    let xs = [200.0, 500.0, 800.0, 1150.0, 1450.0];
    let ys = [600.0, 700.0, 800.0, 900.0, 1000.0, 1100.0];
    let mut seg = |a: (f32, f32), b: (f32, f32)| line(&mut img, rot(a.0, a.1), rot(b.0, b.1), 3.0);
    for (i, &y) in ys.iter().enumerate() {
        if i == 2 || i == 3 {
            // rowspan in column 0: the separator skips it
            seg((xs[1], y), (xs[4], y));
        } else {
            seg((xs[0], y), (xs[4], y));
        }
    }
    for (j, &x) in xs.iter().enumerate() {
        if j == 3 {
            seg((x, ys[1]), (x, ys[5]));
        } else {
            seg((x, ys[0]), (x, ys[5]));
        }
    }
    // a second, small table further down: 2×2
    for y in [1500.0, 1580.0, 1660.0] {
        seg((300.0, y), (1300.0, y));
    }
    for x in [300.0, 800.0, 1300.0] {
        seg((x, 1500.0), (x, 1660.0));
    }
    // text-like strokes: inside cells, one touching a line, a title and an underline
    for k in 0..6 {
        let x = 560.0 + k as f32 * 30.0;
        seg((x, 730.0), (x, 770.0));
        seg((x - 10.0, 750.0), (x + 10.0, 750.0));
    }
    seg((860.0, 805.0), (860.0, 850.0));
    for k in 0..10 {
        let x = 500.0 + k as f32 * 60.0;
        seg((x, 400.0), (x + 45.0, 400.0));
        seg((x + 20.0, 380.0), (x + 20.0, 430.0));
    }
    seg((300.0, 1300.0), (900.0, 1300.0));
    img
}

fn check(deg: f32) {
    let g = detect(&synthetic(deg));
    assert_eq!(g.tables.len(), 2, "deg {deg}: {:?}", g.tables.len());
    let t = &g.tables[0];
    assert_eq!((t.n_rows, t.n_cols), (5, 4), "deg {deg}");
    // 20 units − 2 (rowspan 3) − 1 (colspan 2)
    assert_eq!(t.cells.len(), 17, "deg {deg}: {:?}", t.cells);
    let merged_r = t.cells.iter().find(|c| c.row == 1 && c.col == 0).unwrap();
    assert_eq!((merged_r.rowspan, merged_r.colspan), (3, 1));
    let merged_c = t.cells.iter().find(|c| c.row == 0 && c.col == 2).unwrap();
    assert_eq!((merged_c.rowspan, merged_c.colspan), (1, 2));
    assert!(t.cells.iter().all(|c| c.inner[0] < c.inner[2]));
    // the cell at row 2, col 1 sits where drawn (within a few pixels after rotation)
    let c = t.cells.iter().find(|c| c.row == 2 && c.col == 1).unwrap();
    let mid = ((c.bbox[0] + c.bbox[2]) / 2.0, (c.bbox[1] + c.bbox[3]) / 2.0);
    let (s, co) = deg.to_radians().sin_cos();
    let (dx, dy) = (650.0 - 827.0, 850.0 - 1170.0);
    let want = (827.0 + dx * co - dy * s, 1170.0 + dx * s + dy * co);
    assert!(
        (mid.0 - want.0).abs() < 4.0 && (mid.1 - want.1).abs() < 4.0,
        "{mid:?} {want:?}"
    );
    let t2 = &g.tables[1];
    assert_eq!((t2.n_rows, t2.n_cols, t2.cells.len()), (2, 2, 4));
}

#[test]
fn finds_merged_cells_upright() {
    check(0.0);
}

#[test]
fn tolerates_residual_skew() {
    check(0.8);
    check(-1.5);
}

#[test]
fn broken_lines_still_separate_cells() {
    let mut img = synthetic(0.0);
    // knock gaps into every line of the big table
    for x in (210..1440).step_by(97) {
        for y in 590..1110 {
            for dx in 0..4 {
                img.put_pixel(x + dx, y, Luma([240]));
            }
        }
    }
    let g = detect(&img);
    let t = &g.tables[0];
    assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (5, 4, 17));
}

#[test]
fn open_sides_end_at_the_lines_extent() {
    // No left/right frame: the outer columns end where the horizontal rules end.
    let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
    for y in [500.0, 600.0, 700.0] {
        line(&mut img, (200.0, y), (1400.0, y), 3.0);
    }
    for x in [600.0, 1000.0] {
        line(&mut img, (x, 500.0), (x, 700.0), 3.0);
    }
    let g = detect(&img);
    assert_eq!(g.tables.len(), 1);
    let t = &g.tables[0];
    assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (2, 3, 6));
    assert!((t.bbox[0] - 200.0).abs() < 6.0 && (t.bbox[2] - 1400.0).abs() < 6.0);
}

#[test]
fn a_row_whose_frame_end_is_broken_off_is_still_a_row() {
    // 3 rows × 3 columns; the left frame line stops short of the top row (a curled sheet
    // bends it away, a threshold eats it): the top row is open on its left side only.
    let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
    for y in [500.0, 600.0, 700.0, 800.0] {
        line(&mut img, (200.0, y), (1400.0, y), 3.0);
    }
    line(&mut img, (200.0, 600.0), (200.0, 800.0), 3.0);
    for x in [600.0, 1000.0, 1400.0] {
        line(&mut img, (x, 500.0), (x, 800.0), 3.0);
    }
    let g = detect(&img);
    assert_eq!(g.tables.len(), 1);
    let t = &g.tables[0];
    assert_eq!((t.n_rows, t.n_cols), (3, 3));
    assert!(
        t.cells.iter().any(|c| c.row == 0 && c.col == 0),
        "{:?}",
        t.cells
    );
}

#[test]
fn blank_page_has_no_tables() {
    let g = detect(&GrayImage::from_pixel(800, 1100, Luma([250])));
    assert!(g.tables.is_empty());
    let g = detect(&GrayImage::new(0, 0));
    assert!(g.tables.is_empty());
}

#[test]
fn a_missing_separator_makes_a_span_and_an_open_corner_no_cell() {
    // 2×2 units, every boundary drawn: four cells.
    let all = |n: usize, m: usize| vec![vec![true; m]; n];
    let (hsep, vsep) = (all(3, 2), all(3, 2));
    assert_eq!(
        cells::cell_rects(&hsep, &vsep).unwrap(),
        vec![(0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 2, 1), (1, 1, 2, 2)]
    );
    // The inner column boundary missing in the top row: one cell spans both columns.
    let mut vsep = all(3, 2);
    vsep[1][0] = false;
    let rects = cells::cell_rects(&hsep, &vsep).unwrap();
    assert_eq!(rects, vec![(0, 0, 1, 2), (1, 0, 2, 1), (1, 1, 2, 2)]);
    // The top-left unit open on the top and on the left is outside the table.
    let (mut hsep, mut vsep) = (all(3, 2), all(3, 2));
    hsep[0][0] = false;
    vsep[0][0] = false;
    let rects = cells::cell_rects(&hsep, &vsep).unwrap();
    assert_eq!(rects, vec![(0, 1, 1, 2), (1, 0, 2, 1), (1, 1, 2, 2)]);
}

#[test]
fn a_character_stroke_in_a_tight_row_does_not_split_its_cell() {
    // 3 rows × 2 columns, the middle row 40 px tall; in it a vertical stroke of a large
    // character reaches the bottom ruling but stops 7 px short of the top one (the label's
    // padding), as 级 and 标 do in a tight header row of a curled photo. A short separator
    // of a small cell (bottom row, right column) runs ruling to ruling and stays.
    let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
    for y in [500.0, 600.0, 640.0, 740.0] {
        line(&mut img, (200.0, y), (1400.0, y), 2.0);
    }
    for x in [200.0, 800.0, 1400.0] {
        line(&mut img, (x, 500.0), (x, 740.0), 2.0);
    }
    line(&mut img, (500.0, 608.0), (500.0, 640.0), 2.0);
    line(&mut img, (1100.0, 640.0), (1100.0, 740.0), 2.0);
    let g = detect(&img);
    assert_eq!(g.tables.len(), 1);
    let t = &g.tables[0];
    let in_row = |r: usize| t.cells.iter().filter(|c| c.row == r).count();
    assert_eq!(in_row(1), 2, "{:?}", t.cells);
    assert_eq!(in_row(2), 3, "{:?}", t.cells);
}

#[test]
fn a_short_ruling_on_the_line_of_a_long_one_is_kept_though_its_slope_is_off() {
    // Perspective left in a photo: the column rulings lean (0.03); the inner column's ruling in
    // the three header rows fits a slope 0.013 off (4 px over its 300 px) yet lies within 2 px
    // of the long ruling's line at both ends. It still separates the header cells.
    let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
    let x_at = |x0: f32, y: f32| x0 + 0.03 * (y - 800.0);
    for y in [500.0, 600.0, 700.0, 800.0, 1000.0, 1200.0, 1400.0, 1600.0] {
        line(&mut img, (x_at(200.0, y), y), (x_at(1400.0, y), y), 2.0);
    }
    for x in [200.0, 1400.0] {
        line(
            &mut img,
            (x_at(x, 500.0), 500.0),
            (x_at(x, 1600.0), 1600.0),
            2.0,
        );
    }
    // (row 800-1000 is merged across: the column's two pieces are separate segments)
    line(
        &mut img,
        (x_at(800.0, 1000.0), 1000.0),
        (x_at(800.0, 1600.0), 1600.0),
        2.0,
    );
    line(
        &mut img,
        (x_at(800.0, 500.0) + 2.0, 500.0),
        (x_at(800.0, 800.0) - 2.0, 800.0),
        2.0,
    );
    let g = detect(&img);
    assert_eq!(g.tables.len(), 1);
    let t = &g.tables[0];
    for r in 0..t.n_rows {
        let n = t.cells.iter().filter(|c| c.row == r).count();
        assert_eq!(n, if r == 3 { 1 } else { 2 }, "row {r}: {:?}", t.cells);
    }
}
