//! Builders for the inputs that tests make in code (PDF page trees, JPEG pages), shared by the
//! unit tests and the integration tests in `tests/`, so that no test carries its own copy of
//! the lopdf page-tree boilerplate and no binary blob is committed.
//!
//! Not part of the library's API: hidden from the docs, changes with the tests. It panics on
//! failure, as a test helper should.

use image::RgbImage;
use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream};

/// An A4 portrait page in points, as a `/MediaBox`.
pub fn a4() -> Object {
    Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()])
}

/// Builds a PDF page by page: [`PdfBuilder::page`] per page, then [`PdfBuilder::finish`]
/// writes the page tree (`/Pages` with `/Kids` and `/Count`), the catalog and the trailer.
/// `doc` is open for objects a test needs beyond the helpers.
pub struct PdfBuilder {
    pub doc: Document,
    pages_id: ObjectId,
    kids: Vec<Object>,
    pages: Dictionary,
}

impl Default for PdfBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl PdfBuilder {
    pub fn new() -> Self {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        PdfBuilder {
            doc,
            pages_id,
            kids: Vec::new(),
            pages: Dictionary::new(),
        }
    }

    /// The standard Helvetica font (no embedding), for text in born-digital pages.
    pub fn helvetica(&mut self) -> ObjectId {
        self.doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        })
    }

    /// A content stream of page operators.
    pub fn content(&mut self, ops: impl Into<Vec<u8>>) -> ObjectId {
        self.doc
            .add_object(Stream::new(Dictionary::new(), ops.into()))
    }

    /// A `w`×`h` JPEG image XObject (DeviceRGB, DCTDecode: the bytes are stored as they are).
    pub fn jpeg(&mut self, data: Vec<u8>, w: u32, h: u32) -> ObjectId {
        self.doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => w as i64,
                "Height" => h as i64,
                "ColorSpace" => "DeviceRGB",
                "BitsPerComponent" => 8,
                "Filter" => "DCTDecode",
            },
            data,
        ))
    }

    /// Adds a page after the others. `page` holds everything but `/Type` and `/Parent`, which
    /// are set here (`/MediaBox`, `/Contents`, `/Resources`, `/Rotate` are the caller's).
    pub fn page(&mut self, mut page: Dictionary) -> ObjectId {
        page.set("Type", "Page");
        page.set("Parent", self.pages_id);
        let id = self.doc.add_object(page);
        self.kids.push(Object::Reference(id));
        id
    }

    /// Sets a key on the `/Pages` node, for what pages inherit (`/MediaBox`, `/Rotate`).
    pub fn pages_set(&mut self, key: &str, value: impl Into<Object>) {
        self.pages.set(key, value);
    }

    /// The finished document (still open to changes such as encryption).
    pub fn finish(mut self) -> Document {
        let count = self.kids.len() as i64;
        let mut pages = dictionary! { "Type" => "Pages", "Kids" => self.kids, "Count" => count };
        for (k, v) in self.pages {
            pages.set(k, v);
        }
        self.doc
            .objects
            .insert(self.pages_id, Object::Dictionary(pages));
        let catalog = self
            .doc
            .add_object(dictionary! { "Type" => "Catalog", "Pages" => self.pages_id });
        self.doc.trailer.set("Root", catalog);
        self.doc
    }

    /// The finished document's bytes.
    pub fn bytes(self) -> Vec<u8> {
        pdf_bytes(self.finish())
    }
}

/// A document's bytes as a PDF file.
pub fn pdf_bytes(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write test PDF");
    out
}

/// `img` encoded as a baseline JPEG at `quality`.
pub fn jpeg_bytes(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("encode test JPEG");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_tree_holds_every_page_with_inherited_keys() {
        let mut b = PdfBuilder::new();
        let c = b.content("BT ET");
        b.page(dictionary! { "MediaBox" => a4(), "Contents" => c });
        b.page(dictionary! { "Rotate" => 90 });
        b.pages_set("MediaBox", a4());
        let doc = Document::load_mem(&b.bytes()).expect("reload");
        assert_eq!(doc.get_pages().len(), 2);
        let root = doc.catalog().expect("catalog");
        let pages = doc
            .get_dictionary(root.get(b"Pages").unwrap().as_reference().unwrap())
            .unwrap();
        assert_eq!(pages.get(b"Count").unwrap().as_i64().unwrap(), 2);
        assert!(pages.get(b"MediaBox").is_ok());
    }

    #[test]
    fn a_jpeg_decodes_to_its_size() {
        let j = jpeg_bytes(&RgbImage::new(16, 8), 90);
        let img = image::load_from_memory(&j).expect("decodes");
        assert_eq!((img.width(), img.height()), (16, 8));
    }
}
