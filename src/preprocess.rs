//! Page image clean-up before the grid: red-seal suppression, illumination flattening, deskew,
//! perspective (page quad), watermark. Every geometric correction is kept in a [`Transform`] so
//! boxes found on the cleaned image can be mapped back to the page as it came out of the PDF.
//!
//! STUB: signatures are the contract; bodies are being written (issue 3).

use crate::config::Config;
use crate::error::Result;

/// Maps pixel coordinates of the prepared image back to the original raster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transform {
    /// Row-major 3×3 homography from prepared to original pixel coordinates; `None` = identity.
    pub homography: Option<[f64; 9]>,
}

impl Transform {
    /// Prepared-image pixel (x, y) → original-raster pixel (x, y).
    pub fn to_original(&self, x: f64, y: f64) -> (f64, f64) {
        match self.homography {
            None => (x, y),
            Some(h) => {
                let w = h[6] * x + h[7] * y + h[8];
                let w = if w.abs() < 1e-12 { 1e-12 } else { w };
                (
                    (h[0] * x + h[1] * y + h[2]) / w,
                    (h[3] * x + h[4] * y + h[5]) / w,
                )
            }
        }
    }
}

/// A page ready for grid detection and OCR.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Cleaned grey image: paper ≈ 255, ink ≈ 0; seals and shading removed, upright, flat.
    pub gray: image::GrayImage,
    /// The same geometry in colour-free RGB for the recogniser (grey replicated is fine).
    pub rgb: image::RgbImage,
    pub transform: Transform,
    /// Skew that was corrected, in degrees (positive = counter-clockwise on the original).
    pub skew_deg: f32,
}

/// Cleans one page raster.
pub fn prepare(raster: &image::RgbImage, cfg: &Config) -> Result<Prepared> {
    let _ = cfg;
    let gray = image::imageops::grayscale(raster);
    Ok(Prepared {
        rgb: raster.clone(),
        gray,
        transform: Transform::default(),
        skew_deg: 0.0,
    })
}
