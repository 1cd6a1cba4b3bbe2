use super::*;
use image::{Luma, Rgb};

const W: u32 = 1200;
const H: u32 = 1600;
/// Table frame in upright page coordinates.
const X0: f64 = 150.0;
const X1: f64 = 1050.0;
const Y0: f64 = 200.0;
const Y1: f64 = 1400.0;

/// An upright ruled page: a grid of 3-px lines with dark "characters" in the cells.
fn ruled_page() -> GrayImage {
    GrayImage::from_fn(W, H, |x, y| {
        let (xf, yf) = (x as f64, y as f64);
        let in_table = (X0 - 1.0..=X1 + 1.0).contains(&xf) && (Y0 - 1.0..=Y1 + 1.0).contains(&yf);
        let hline = (0..=12).any(|k| (yf - (Y0 + 100.0 * k as f64)).abs() <= 1.0);
        let vline = [X0, 400.0, 700.0, X1]
            .iter()
            .any(|&v| (xf - v).abs() <= 1.0);
        let glyph = (x % 300 > 180 && x % 300 < 200 || x % 300 > 220 && x % 300 < 245)
            && (y % 100 > 35 && y % 100 < 65);
        if in_table && (hline || vline || glyph) {
            Luma([15])
        } else {
            Luma([235])
        }
    })
}

/// Renders the upright page as a photo would show it: `g` maps upright → photo pixels.
fn distort(page: &GrayImage, g: &Homography) -> RgbImage {
    let inv = g.inverse().unwrap();
    let warped = geometry::warp(page, &inv, W, H);
    image::DynamicImage::ImageLuma8(warped).to_rgb8()
}

/// Rotation by `deg` counter-clockwise about the page centre, plus a keystone term.
fn camera(deg: f64, keystone: f64) -> Homography {
    let (_, _, r) = geometry::rotation_canvas(W, H, deg);
    // rotation_canvas maps a canvas to the original; with deg ≠ 0 the canvas is bigger, so
    // build the pure rotation about the centre directly instead.
    let _ = r;
    let a = deg.to_radians();
    let (s, c) = a.sin_cos();
    let (cx, cy) = (W as f64 / 2.0, H as f64 / 2.0);
    let rot = Homography([
        c,
        s,
        cx - c * cx - s * cy,
        -s,
        c,
        cy + s * cx - c * cy,
        0.0,
        0.0,
        1.0,
    ]);
    // Perspective: the top of the sheet further from the camera (narrower).
    let t1 = Homography([1.0, 0.0, -cx, 0.0, 1.0, -cy, 0.0, 0.0, 1.0]);
    let p = Homography([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, -keystone, 1.0]);
    let t2 = Homography([1.0, 0.0, cx, 0.0, 1.0, cy, 0.0, 0.0, 1.0]);
    rot.compose(&t2.compose(&p.compose(&t1)))
}

/// Mean row of dark pixels within ±12 px of `y_guess`, over columns `xs`.
fn line_row(img: &GrayImage, xs: std::ops::Range<u32>, y_guess: f64) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0.0);
    let lo = (y_guess - 12.0).max(0.0) as u32;
    let hi = ((y_guess + 12.0) as u32).min(img.height() - 1);
    for x in xs {
        for y in lo..=hi {
            if img.get_pixel(x, y)[0] < 100 {
                s += y as f64;
                n += 1.0;
            }
        }
    }
    (n > 0.0).then(|| s / n)
}

fn line_col(img: &GrayImage, ys: std::ops::Range<u32>, x_guess: f64) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0.0);
    let lo = (x_guess - 12.0).max(0.0) as u32;
    let hi = ((x_guess + 12.0) as u32).min(img.width() - 1);
    for y in ys {
        for x in lo..=hi {
            if img.get_pixel(x, y)[0] < 100 {
                s += x as f64;
                n += 1.0;
            }
        }
    }
    (n > 0.0).then(|| s / n)
}

#[test]
fn homography_fit_inverse_and_compose_agree() {
    let from = [(0.0, 0.0), (100.0, 0.0), (100.0, 50.0), (0.0, 50.0)];
    let to = [(3.0, 4.0), (104.0, 2.0), (99.0, 57.0), (1.0, 52.0)];
    let h = Homography::from_points(&from, &to).unwrap();
    for (f, t) in from.iter().zip(to.iter()) {
        let (x, y) = h.apply(f.0, f.1);
        assert!((x - t.0).abs() < 1e-6 && (y - t.1).abs() < 1e-6);
    }
    let id = h.compose(&h.inverse().unwrap());
    assert!(id.is_identity(1e-9), "{id:?}");
    let degenerate = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)];
    assert!(Homography::from_points(&degenerate, &to).is_none());
}

#[test]
fn skew_is_found_to_a_tenth_of_a_degree() {
    let page = ruled_page();
    for deg in [-3.0, -0.7, 0.0, 0.35, 2.0, 4.5] {
        let photo = distort(&page, &camera(deg, 0.0));
        let grey = gray_without_seals(&photo);
        let est = estimate_skew(&grey);
        assert!((est - deg).abs() < 0.08, "true {deg}, estimated {est}");
    }
}

fn check_prepared(deg: f64, keystone: f64) {
    let page = ruled_page();
    let g = camera(deg, keystone);
    let photo = distort(&page, &g);
    let p = prepare(&photo, &Config::default()).unwrap();
    assert!(
        (p.skew_deg as f64 - deg).abs() < 0.2,
        "skew {} for {deg}",
        p.skew_deg
    );
    let img = &p.gray;
    // Find the frame in the prepared image: rows/cols near the mapped corners.
    let tl = p
        .transform
        .to_prepared(g.apply(X0, Y0).0, g.apply(X0, Y0).1);
    let br = p
        .transform
        .to_prepared(g.apply(X1, Y1).0, g.apply(X1, Y1).1);
    let (lx, rx) = (tl.0 as u32 + 30, br.0 as u32 - 30);
    let (ty, by) = (tl.1 as u32 + 30, br.1 as u32 - 30);
    let span = (rx - lx) / 5;
    // Horizontal lines level: same row at the left and right ends of the table.
    for y_guess in [tl.1, br.1] {
        let l = line_row(img, lx..lx + span, y_guess).unwrap();
        let r = line_row(img, rx - span..rx, y_guess).unwrap();
        assert!((l - r).abs() < 1.0, "row {l} vs {r} ({deg}°, k={keystone})");
    }
    // Vertical lines plumb.
    let vspan = (by - ty) / 5;
    for x_guess in [tl.0, br.0] {
        let t = line_col(img, ty..ty + vspan, x_guess).unwrap();
        let b = line_col(img, by - vspan..by, x_guess).unwrap();
        assert!((t - b).abs() < 1.0, "col {t} vs {b} ({deg}°, k={keystone})");
    }
    // Corners found in the prepared image map back to where the photo has them.
    let top = line_row(img, lx..rx, tl.1).unwrap();
    let bottom = line_row(img, lx..rx, br.1).unwrap();
    let left = line_col(img, ty..by, tl.0).unwrap();
    let right = line_col(img, ty..by, br.0).unwrap();
    for ((px, py), (ux, uy)) in [
        ((left, top), (X0, Y0)),
        ((right, top), (X1, Y0)),
        ((right, bottom), (X1, Y1)),
        ((left, bottom), (X0, Y1)),
    ] {
        let (ox, oy) = p.transform.to_original(px, py);
        let (gx, gy) = g.apply(ux, uy);
        let err = (ox - gx).hypot(oy - gy);
        assert!(
            err < 2.0,
            "corner off by {err:.2} px ({deg}°, k={keystone})"
        );
    }
}

#[test]
fn rotated_page_comes_out_level_and_maps_back() {
    check_prepared(3.0, 0.0);
    check_prepared(-1.2, 0.0);
}

#[test]
fn perspective_is_corrected_from_the_table_frame() {
    check_prepared(2.0, 2.0e-5);
    check_prepared(-0.5, -1.5e-5);
}

#[test]
fn straight_page_is_not_resampled() {
    let photo = image::DynamicImage::ImageLuma8(ruled_page()).to_rgb8();
    let p = prepare(&photo, &Config::default()).unwrap();
    assert_eq!(p.transform, Transform::default());
    assert!(p.skew_deg.abs() < 0.04);
    assert_eq!(p.gray.dimensions(), (W, H));
    assert_eq!(p.rgb.dimensions(), (W, H));
}

#[test]
fn red_seal_becomes_paper_but_black_print_under_it_stays() {
    let img = RgbImage::from_fn(200, 100, |x, _| match x {
        0..50 => Rgb([225, 60, 70]),     // seal red
        50..100 => Rgb([245, 160, 180]), // pale pink
        100..150 => Rgb([40, 20, 25]),   // black print over the seal
        _ => Rgb([235, 235, 230]),       // paper
    });
    let g = gray_without_seals(&img);
    assert!(g.get_pixel(10, 5)[0] > 200);
    assert!(g.get_pixel(60, 5)[0] > 200);
    assert!(g.get_pixel(110, 5)[0] < 50);
    // A blue pen stroke is not a seal.
    let blue = RgbImage::from_pixel(4, 4, Rgb([30, 40, 160]));
    assert!(gray_without_seals(&blue).get_pixel(0, 0)[0] < 80);
}

#[test]
fn seal_share_counts_red_and_pink_marks_not_warm_paper() {
    let img = RgbImage::from_fn(200, 100, |x, _| match x {
        0..20 => Rgb([225, 60, 70]),     // seal red: 10 % of the page
        20..30 => Rgb([245, 160, 180]),  // pale pink rim: 5 %
        30..100 => Rgb([240, 225, 205]), // warm (yellowed) paper
        _ => Rgb([40, 20, 25]),          // black print
    });
    let f = seal_fraction(&img, None);
    assert!((f - 0.15).abs() < 0.001, "{f}");
    let grey = RgbImage::from_pixel(50, 50, Rgb([120, 120, 120]));
    assert_eq!(seal_fraction(&grey, None), 0.0);
}

#[test]
fn shadow_is_flattened_and_ink_kept() {
    // Paper fading from 240 to 110 left to right (a shadow), with dark strokes throughout.
    let (w, h) = (1000u32, 600u32);
    let img = GrayImage::from_fn(w, h, |x, y| {
        let paper = 240.0 - 130.0 * x as f32 / w as f32;
        let ink = y % 60 < 4 || (x % 97 < 3 && y % 60 < 40);
        Luma([if ink {
            (paper * 0.15) as u8
        } else {
            paper as u8
        }])
    });
    let f = flatten(&img);
    for x in [20, 500, 980] {
        assert!(
            f.get_pixel(x, 30)[0] > 240,
            "paper at x={x}: {}",
            f.get_pixel(x, 30)[0]
        );
        assert!(
            f.get_pixel(x, 1)[0] < 60,
            "ink at x={x}: {}",
            f.get_pixel(x, 1)[0]
        );
    }
}

#[test]
fn hard_shadow_edge_leaves_no_dark_band() {
    // A shadow with a sharp slanted edge over ruled print: lit paper 235, shaded paper 120.
    // Along the edge, on the shaded side, nothing may come out darker than light grey, and
    // the rulings on both sides stay dark.
    let (w, h) = (1200u32, 1600u32);
    let edge = |y: u32| 300.0 + 0.4 * y as f32;
    let img = GrayImage::from_fn(w, h, |x, y| {
        let paper = if (x as f32) < edge(y) { 120.0 } else { 235.0 };
        let ink = y % 80 < 3 || x % 150 < 3;
        Luma([if ink {
            (paper * 0.15) as u8
        } else {
            paper as u8
        }])
    });
    let f = flatten(&img);
    for y in (41..1560).step_by(80) {
        let e = edge(y) as u32;
        for x in e.saturating_sub(40)..(e + 40).min(w) {
            if x % 150 < 6 || (x % 150) > 146 {
                continue;
            }
            let v = f.get_pixel(x, y)[0];
            assert!(v > 200, "paper at ({x},{y}) beside the edge at {e}: {v}");
        }
    }
    assert!(f.get_pixel(150, 801)[0] < 80, "ruling in shade");
    assert!(f.get_pixel(1050, 801)[0] < 80, "ruling in light");
}

proptest::proptest! {
    #[test]
    fn extremum_filter_matches_the_naive_one(
        v in proptest::collection::vec(0u8..=255, 0..60),
        r in 0usize..8,
        max in proptest::bool::ANY,
    ) {
        let mut out = Vec::new();
        extremum_1d(&v, r, max, &mut out);
        for i in 0..v.len() {
            let win = &v[i.saturating_sub(r)..=(i + r).min(v.len() - 1)];
            let want = if max { *win.iter().max().unwrap() } else { *win.iter().min().unwrap() };
            proptest::prop_assert_eq!(out[i], want, "at {}", i);
        }
    }
}

#[test]
fn light_watermark_is_erased_and_print_kept() {
    let mut img = GrayImage::from_pixel(400, 200, Luma([255]));
    for y in 140..190 {
        for x in 20..100 {
            if x % 10 < 3 || y % 20 < 3 {
                img.put_pixel(x, y, Luma([5])); // print
            }
        }
    }
    for y in 150..200 {
        for x in 250..380 {
            if x % 10 < 3 || y % 20 < 3 {
                img.put_pixel(x, y, Luma([130])); // watermark grey
            }
        }
    }
    // Light grey higher up the page is left alone (it may be faint print).
    img.put_pixel(200, 20, Luma([130]));
    remove_light_marks(&mut img);
    assert_eq!(img.get_pixel(20, 140)[0], 5);
    assert_eq!(img.get_pixel(250, 150)[0], 255);
    assert_eq!(img.get_pixel(200, 20)[0], 130);
}

#[test]
fn tiny_or_blank_pages_do_not_panic() {
    assert_eq!(
        prepare(&RgbImage::new(3, 3), &Config::default())
            .unwrap()
            .gray
            .dimensions(),
        (3, 3)
    );
    let blank = RgbImage::from_pixel(300, 400, Rgb([250, 250, 250]));
    let p = prepare(&blank, &Config::default()).unwrap();
    assert_eq!(p.skew_deg, 0.0);
    let black = RgbImage::from_pixel(300, 400, Rgb([0, 0, 0]));
    assert!(prepare(&black, &Config::default()).is_ok());
}

#[test]
fn faint_characters_beside_print_in_the_margin_are_kept() {
    // The last row of a table reaching the bottom tenth of a phone scan: one character came out
    // light, its neighbours dark.
    let mut img = GrayImage::from_pixel(400, 200, Luma([255]));
    for (x0, v) in [(20u32, 5u8), (45, 170), (70, 5)] {
        for y in 182..196 {
            for x in x0..x0 + 18 {
                if (x - x0) % 6 < 2 || (y - 182) % 7 < 2 {
                    img.put_pixel(x, y, Luma([v]));
                }
            }
        }
    }
    // The page needs some dark print for its ink level.
    for x in 20..380 {
        img.put_pixel(x, 40, Luma([5]));
    }
    remove_light_marks(&mut img);
    assert_eq!(img.get_pixel(45, 182)[0], 170);
}
