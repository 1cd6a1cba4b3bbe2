//! Ruling-line detection and the cell graph (rows, cols, spans, pixel boxes) of each table.
//!
//! A pure function of the prepared grey page: binarise against an estimated paper level, find
//! long horizontal and vertical ink runs (tolerant of slight skew and of dotted/faint lines),
//! link them into fitted line segments, keep the ones that form ruled structures, group
//! intersecting segments into tables, and derive each table's cells. A cell is a region bounded
//! by line segments that are really there, so a missing separator gives a row- or column-span.
//!
//! Every threshold is expressed in inches through [`page_unit`] (pixels per inch estimated from
//! the sheet size), never in pixels, so 150 DPI and 300 DPI pages behave alike.

mod cells;
mod mask;
mod rulings;
#[cfg(test)]
mod tests;

pub use cells::{GridCell, GridTable};
pub use mask::{binarize, page_unit, Mask};
pub use rulings::{candidates, find_rulings, Segment};

use cells::build_tables;
use rulings::Params;

use image::GrayImage;

#[derive(Debug, Clone)]
pub struct Grid {
    /// Tables top to bottom.
    pub tables: Vec<GridTable>,
    /// Pixels per inch used for every threshold.
    pub unit: f32,
    pub mask: Mask,
    /// Every accepted ruling (in tables or not: underlines, frames).
    pub rulings: Vec<Segment>,
}

/// Finds the ruled tables of a prepared page.
pub fn detect(gray: &GrayImage) -> Grid {
    let unit = page_unit(gray.width(), gray.height());
    let mask = binarize(gray, unit);
    let (hs, vs) = find_rulings(&mask, unit);
    let p = Params::new(unit);
    let tables = build_tables(&hs, &vs, &p);
    let mut rulings = hs;
    rulings.extend(vs);
    Grid {
        tables,
        unit,
        mask,
        rulings,
    }
}
