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
    assert_eq!(
        narrative_line("（6）年度预算安排：155 万元。"),
        Some(("budget_note", "155 万元。".to_string()))
    );
}

fn t(cells: &[&str]) -> String {
    cells.join("\t")
}

fn names(r: &Record, p: crate::model::Period) -> Vec<(String, String, String)> {
    r.indicators
        .iter()
        .filter(|i| i.period == p)
        .map(|i| {
            (
                i.level2.clone().unwrap_or_default(),
                i.name.clone(),
                i.value_raw.clone(),
            )
        })
        .collect()
}

fn two_period_form(body: &[String]) -> String {
    let mut v = vec![
        "项目支出绩效目标申报表".to_string(),
        "(2024年度)".to_string(),
        t(&["项目名称", "", "测试项目", "", "", "", ""]),
        t(&[
            "主管部门及代码",
            "",
            "[101]某局",
            "",
            "实施单位",
            "",
            "某中心",
        ]),
        t(&[
            "项目资金(万元)",
            "",
            "中期资金总额:",
            "3.00",
            "年度资金总额:",
            "1.50",
            "",
        ]),
        t(&["", "", "其中:财政拨款", "3.00", "其中:财政拨款", "1.00", ""]),
        t(&["", "", "其他资金", "", "其他资金", "0.50", ""]),
        t(&[
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "二级指标",
            "三级指标",
            "指标值",
        ]),
    ];
    v.extend(body.iter().cloned());
    v.join("\n") + "\n"
}

#[test]
fn two_period_rows_split_by_level_cells_and_known_columns() {
    use crate::model::Period::{Annual, Midterm};
    let text = two_period_form(&[
        t(&[
            "",
            "产出指标",
            "数量指标",
            "甲人数",
            "5人",
            "数量指标",
            "甲人数",
            "2人",
        ]),
        t(&["", "", "", "乙次数", "3次", "", "乙次数", "1次"]),
        // Only the annual side has an indicator here.
        t(&[
            "",
            "",
            "时效指标",
            "",
            "",
            "时效指标",
            "完成时间",
            "2024年12月底前",
        ]),
        // Shifted left, levels printed once for both sides.
        t(&[
            "满意度指标",
            "",
            "群众满意度",
            "≥90%",
            "群众满意度",
            "",
            "≥95%",
        ]),
    ]);
    let ex = extract_document(&doc_of(&text));
    assert_eq!(ex.records.len(), 1);
    let r = &ex.records[0];
    assert_eq!(r.project.department_code.as_deref(), Some("101"));
    assert_eq!(r.fiscal_year, Some(2024));
    let m = names(r, Midterm);
    let a = names(r, Annual);
    assert_eq!(m.len(), 3);
    assert_eq!(a.len(), 4);
    assert_eq!(
        m[2],
        ("满意度指标".into(), "群众满意度".into(), "≥90%".into())
    );
    assert_eq!(
        a[2],
        (
            "时效指标".into(),
            "完成时间".into(),
            "2024年12月底前".into()
        )
    );
    assert_eq!(a[3].2, "≥95%");
    let other = r
        .funds
        .midterm
        .as_ref()
        .and_then(|f| f.get(&crate::model::FundKey::Other));
    assert_eq!(
        other,
        Some(&None),
        "an empty fund cell is null, its key present"
    );
}

#[test]
fn single_period_doubled_levels_wraps_and_shifted_rows() {
    use crate::model::Period::Annual;
    let text = [
        "部门项目支出预算绩效目标表".to_string(),
        "( 2023 年度)".to_string(),
        t(&["项目名称", "测试项目", "", ""]),
        t(&["主管部门及代码", "044001", "实施单位", "某中心"]),
        t(&["项目资金 (万元)", "年度资金总 额:", "8", ""]),
        t(&["名称", "一级指标", "二级指标", "三级指标", "指标值"]),
        t(&[
            "绩效指标",
            "产出指标",
            "<b>11-数量指标</b>",
            "培训人数",
            "1次",
        ]),
        t(&["", "", "14-成本指标", "培训费", "3 万元"]),
        t(&["", "考察费", "", "1 万元", ""]),
        t(&[
            "",
            "效益指标",
            "22-社会效益",
            "每年为急需就业的大学生和",
            "逐步增加",
        ]),
        String::new(),
        t(&["", "", "", "社会人员提供工作岗位", ""]),
        t(&["", "", "生态效益指标", "生态效益指标", "不适用"]),
        t(&[
            "",
            "社会效益指标",
            "社会效益指标",
            "零就业家庭帮扶率",
            "95%以上",
        ]),
    ]
    .join("\n");
    let ex = extract_document(&doc_of(&text));
    let r = &ex.records[0];
    assert_eq!(r.project.department_code.as_deref(), Some("044001"));
    let a = names(r, Annual);
    assert_eq!(a.len(), 6, "{a:?}");
    assert_eq!(a[0].0, "数量指标");
    assert_eq!(r.indicators[0].level2_code.as_deref(), Some("11"));
    assert_eq!(a[2], ("成本指标".into(), "考察费".into(), "1 万元".into()));
    assert_eq!(a[3].1, "每年为急需就业的大学生和社会人员提供工作岗位");
    assert_eq!(
        a[4],
        (
            "生态效益指标".into(),
            "生态效益指标".into(),
            "不适用".into()
        )
    );
    assert_eq!(
        a[5],
        (
            "社会效益指标".into(),
            "零就业家庭帮扶率".into(),
            "95%以上".into()
        )
    );
    assert_eq!(r.indicators[5].level1.as_deref(), Some("效益指标"));
    // The form's two tables (split by a blank line) are one record listing both.
    assert_eq!(r.source.tables.len(), 2);
    assert_eq!(ex.tables.len(), 2);
}

#[test]
fn budget_table_with_a_project_name_column_is_not_a_form() {
    let text = [
        "2023年项目支出预算表".to_string(),
        "单位：万元".to_string(),
        t(&["项目名称", "合计", "一般公共预算"]),
        t(&["培训费", "9.00", "9.00"]),
        String::new(),
        t(&["购置费", "10.00", "10.00"]),
    ]
    .join("\n");
    let ex = extract_document(&doc_of(&text));
    assert!(ex.records.is_empty());
    assert_eq!(
        ex.tables.len(),
        1,
        "a table continued after a blank line is one table"
    );
    let tr = &ex.tables[0];
    assert_eq!(tr.title.as_deref(), Some("2023年项目支出预算表"));
    assert_eq!(tr.unit.as_deref(), Some("万元"));
    assert_eq!(tr.n_rows, 3);
}

#[test]
fn a_form_continues_across_a_page_break_and_page_number() {
    let text = [
        "项目支出绩效目标表".to_string(),
        "(2024年度)".to_string(),
        t(&["项目名称", "测试项目", "", "", ""]),
        t(&["主管部门及代码", "[061]某局", "实施单位", "某局", ""]),
        t(&["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]),
        t(&["", "产出指标", "数量指标", "人数", "5人"]),
        "- 3 -\x0c".to_string(),
        t(&["", "", "质量指标", "合格率", "100%"]),
    ]
    .join("\n");
    let ex = extract_document(&doc_of(&text));
    let r = &ex.records[0];
    assert_eq!(r.indicators.len(), 2);
    assert_eq!(r.source.pages, vec![1, 2]);
    assert_eq!(r.indicators[1].cell.as_ref().map(|c| c.page), Some(2));
    assert!(is_junk_line("第 3 页"));
}

#[test]
fn labels_printed_with_their_values_are_split() {
    let text = [
        "项目支出绩效目标申报表".to_string(),
        "(2023年度)".to_string(),
        t(&["项目名称", "", "测试", "", ""]),
        t(&["主管部门及代码", "", "054-某局", "实施单位", ""]),
        t(&[
            "项目资金（元）",
            "",
            "实施期资金总额：1,697,500",
            "",
            "年度资金总额：1,697,500",
        ]),
        t(&["", "", "其中：中央财政资金 0", "", "其中：中央财政资金 0"]),
        t(&[
            "",
            "",
            "市县（区）财政资金 1,697,500",
            "",
            "市县（区）财政资金 1,697,500",
        ]),
    ]
    .join("\n");
    let r = &extract_document(&doc_of(&text)).records[0];
    use crate::model::FundKey::{Central, Local, Total};
    let num = |p: &Option<crate::model::FundSet>, k| {
        p.as_ref()
            .and_then(|f| f.get(&k).copied().flatten())
            .map(|n| n.0.to_string())
    };
    assert_eq!(num(&r.funds.midterm, Total).as_deref(), Some("1697500"));
    assert_eq!(num(&r.funds.annual, Central).as_deref(), Some("0"));
    assert_eq!(num(&r.funds.annual, Local).as_deref(), Some("1697500"));
    assert_eq!(r.project.department_code.as_deref(), Some("054"));
}
