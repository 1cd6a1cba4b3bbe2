//! Finding the inputs of a run and telling what each one is.
//!
//! Files named on the command line are always taken (like ripgrep, an explicit path is never
//! filtered); directories are walked recursively and their files kept when they match an
//! include glob and no exclude glob. What a file is comes from its bytes, not its name: a `.txt`
//! holding a PDF is read as a PDF, and a `.pdf` holding anything but a PDF is an error (it is
//! usually an HTML error page saved under the wrong name, which must not pass silently as text).

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::InputConfig;
use crate::error::{Error, Result};

/// One input file of a run, in command-line order (directory contents sorted by path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// As written to `source.path`: the path as given, or joined onto the directory given.
    pub display: String,
}

/// The kinds of input the pipeline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Text,
    Pdf,
    Image,
}

/// Globs match without regard to ASCII case: scanners and Windows tools write `SCAN.JPG` and
/// `Form.PDF`, and a `*.pdf` that silently skipped them would leave a directory with "0 inputs".
fn glob_set(patterns: &[String], what: &str) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = GlobBuilder::new(p)
            .case_insensitive(true)
            .build()
            .map_err(|e| Error::Config(format!("{what} glob {p:?}: {e}")))?;
        b.add(g);
    }
    b.build()
        .map_err(|e| Error::Config(format!("{what} globs: {e}")))
}

/// Include/exclude filter for files found by walking a directory.
pub struct Filter {
    include: GlobSet,
    exclude: GlobSet,
}

impl Filter {
    pub fn new(cfg: &InputConfig) -> Result<Self> {
        Ok(Filter {
            include: glob_set(&cfg.include, "include")?,
            exclude: glob_set(&cfg.exclude, "exclude")?,
        })
    }

    /// `rel` is the path below the walked directory. A glob without '/' ("*.pdf") matches the
    /// file name at any depth; one with '/' ("2023/**") matches the relative path.
    pub fn accepts(&self, rel: &Path) -> bool {
        let name = rel.file_name().map(Path::new).unwrap_or(rel);
        let hit = |s: &GlobSet| s.is_match(rel) || s.is_match(name);
        (self.include.is_empty() || hit(&self.include)) && !hit(&self.exclude)
    }
}

/// Expands the command-line inputs. A path that does not exist is returned as is: reading it
/// then fails and becomes that input's error, so one typo does not stop a nightly batch.
pub fn discover(args: &[PathBuf], cfg: &InputConfig) -> Result<Vec<InputFile>> {
    let filter = Filter::new(cfg)?;
    let mut out = Vec::new();
    for arg in args {
        if !arg.is_dir() {
            out.push(InputFile {
                path: arg.clone(),
                display: arg.to_string_lossy().into_owned(),
            });
            continue;
        }
        let mut found: Vec<PathBuf> = walkdir::WalkDir::new(arg)
            .follow_links(true)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| {
                let rel = p.strip_prefix(arg).unwrap_or(p);
                // Our own state directory when OUT lies inside an input directory.
                !rel.components().any(|c| c.as_os_str() == super::STATE_DIR) && filter.accepts(rel)
            })
            .collect();
        found.sort();
        out.extend(found.into_iter().map(|p| InputFile {
            display: p.to_string_lossy().into_owned(),
            path: p,
        }));
    }
    Ok(out)
}

/// Hex sha256 and size of a file, streamed (the file is not held in memory), and its first
/// `head` bytes for sniffing.
pub fn sha256_file(path: &Path, head: usize) -> std::io::Result<(String, u64, Vec<u8>)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut first = Vec::with_capacity(head);
    let mut n_total = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        n_total += n as u64;
        h.update(&buf[..n]);
        let want = head.saturating_sub(first.len()).min(n);
        first.extend_from_slice(&buf[..want]);
    }
    Ok((hex::encode(h.finalize()), n_total, first))
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What the bytes are. `Err` is the reason the file cannot be read as anything.
pub fn sniff(bytes: &[u8], path: &Path) -> std::result::Result<InputKind, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    // The PDF header may follow a little junk (the spec's readers accept up to 1 KiB of it).
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(InputKind::Pdf);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
    {
        return Ok(InputKind::Image);
    }
    if let Some(format) = unsupported_image(bytes) {
        return Err(format!(
            "{format} image: not a format jixiao reads (convert it to PNG, JPEG or TIFF)"
        ));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(
        ext.as_str(),
        "pdf" | "jpg" | "jpeg" | "png" | "tif" | "tiff"
    ) {
        return Err(format!(
            "named .{ext} but the content is not a {} (starts with {})",
            if ext == "pdf" {
                "PDF"
            } else {
                "JPEG/PNG/TIFF image"
            },
            describe_head(bytes)
        ));
    }
    if looks_binary(bytes) {
        return Err(format!(
            "not a PDF, image or text file (starts with {})",
            describe_head(bytes)
        ));
    }
    Ok(InputKind::Text)
}

/// Image formats recognised by their signature but not read, named for the error.
fn unsupported_image(b: &[u8]) -> Option<&'static str> {
    if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Some("a WebP");
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return match &b[8..12] {
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Some("a HEIC/HEIF")
            }
            b"avif" | b"avis" => Some("an AVIF"),
            _ => None,
        };
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Some("a GIF");
    }
    if b.starts_with(b"\0\0\0\x0cjP  \r\n\x87\n") || b.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
        return Some("a JPEG 2000");
    }
    // BMP: "BM" and the file's own length in the header.
    if b.len() >= 26 && b.starts_with(b"BM") {
        let n = u32::from_le_bytes([b[2], b[3], b[4], b[5]]) as usize;
        if n == b.len() {
            return Some("a BMP");
        }
    }
    None
}

/// NUL bytes outside UTF-16 mean a binary format we do not read.
fn looks_binary(bytes: &[u8]) -> bool {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    !utf16 && bytes[..bytes.len().min(8192)].contains(&0)
}

fn describe_head(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(16)];
    let printable = head
        .iter()
        .all(|b| b.is_ascii_graphic() || *b == b' ' || *b == b'\n' || *b == b'\r' || *b == b'\t');
    if printable {
        format!("{:?}", String::from_utf8_lossy(head))
    } else {
        format!("bytes {}", hex::encode(head))
    }
}

/// Text file bytes to a string: UTF-8 (BOM dropped), UTF-16 with a BOM, or GB18030 (what
/// Chinese Windows tools save as "ANSI"). The second value names a non-UTF-8 encoding used.
pub fn decode_text(bytes: &[u8]) -> std::result::Result<(String, Option<&'static str>), String> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok((s.to_owned(), None));
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, had_errors) = enc.decode_with_bom_removal(bytes);
        if !had_errors {
            return Ok((s.into_owned(), Some(enc.name())));
        }
    }
    let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok((s.into_owned(), Some("GB18030")));
    }
    let bad = std::str::from_utf8(body)
        .err()
        .map(|e| e.valid_up_to())
        .unwrap_or(0);
    Err(format!(
        "text is neither UTF-8 nor GB18030 (invalid byte at offset {bad})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_the_kind_not_the_name() {
        let p = Path::new("a.txt");
        assert_eq!(sniff(b"%PDF-1.7\n", p), Ok(InputKind::Pdf));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0xx", p), Ok(InputKind::Image));
        assert_eq!(sniff("项目名称\t甲".as_bytes(), p), Ok(InputKind::Text));
        let err = sniff(b"<html>404</html>", Path::new("x.PDF")).unwrap_err();
        assert!(err.contains("not a PDF") && err.contains("<html>"), "{err}");
        assert!(sniff(b"", p).unwrap_err().contains("empty"));
        assert!(sniff(b"\x00\x01\x02garbage", p).is_err());
    }

    #[test]
    fn gbk_text_is_decoded_and_garbage_is_refused() {
        let (gbk, _, _) = encoding_rs::GBK.encode("项目名称");
        assert_eq!(
            decode_text(&gbk).unwrap(),
            ("项目名称".to_string(), Some("GB18030"))
        );
        assert_eq!(
            decode_text("\u{feff}年度".as_bytes()).unwrap(),
            ("年度".to_string(), None)
        );
        assert!(decode_text(&[0x81, 0x20, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn globs_match_names_at_any_depth_and_exclude_wins() {
        let f = Filter::new(&InputConfig {
            include: vec!["*.pdf".into(), "*.txt".into()],
            exclude: vec!["draft*".into(), "old/**".into()],
        })
        .unwrap();
        assert!(f.accepts(Path::new("a/b/c.pdf")));
        assert!(!f.accepts(Path::new("a/b/c.docx")));
        assert!(!f.accepts(Path::new("a/draft1.pdf")));
        assert!(!f.accepts(Path::new("old/x/c.pdf")));
        assert!(f.accepts(Path::new("a/FORM.PDF")));
        assert!(f.accepts(Path::new("Notes.Txt")));
        assert!(!f.accepts(Path::new("a/Draft2.PDF")));
        assert!(Filter::new(&InputConfig {
            include: vec!["[".into()],
            exclude: vec![]
        })
        .is_err());
    }
}
