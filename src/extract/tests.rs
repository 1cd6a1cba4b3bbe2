use super::*;
use crate::table::text::read_text;

#[allow(dead_code)]
pub(crate) fn doc_of(text: &str) -> Document {
    Document {
        path: "t.txt".into(),
        display_path: "t.txt".into(),
        sha256: "0123456789abcdef".into(),
        pages: read_text(text),
    }
}

#[test]
fn narrative_lines_are_recognised() {
    assert_eq!(
        narrative_line("(3) 实施主体。旌德县人社局。"),
        Some(("implementer_note", "旌德县人社局。".to_string()))
    );
    assert_eq!(narrative_line("(7) 绩效目标。"), None);
}
