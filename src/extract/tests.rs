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
fn signature_labels_read_as_one_line_are_junk_not_a_title() {
    assert!(is_junk_line("项目负责人(签字):单位(盖章):"));
    assert!(is_junk_line("单位(盖章):"));
    assert!(!is_junk_line("项目负责人签字确认的绩效目标调整情况说明"));
    // scan debris and a scanning app's watermark
    for t in [
        "L",
        "=",
        "扫",
        "3+",
        "S=",
        "PRF",
        "扫描全能王 创建",
        "CS扫描全能王",
        "9扫能干创建",
    ] {
        assert!(is_junk_line(t), "{t}");
    }
    for t in ["附表一", "单位:元", "(2024年度)", "项目支出绩效目标表"] {
        assert!(!is_junk_line(t), "{t}");
    }
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

/// A 财政项目支出绩效目标填报表 as the born-digital reader and the scanned path deliver it: one
/// ruled table, wrapped cell text joined with '\n', heading and year as lines above it.
#[test]
fn shanghai_tianbao_form_from_an_ir_table() {
    use crate::ir::{Cell, Page, PageInfo, TextLine};
    use crate::model::{FundKey, Period};
    let cell = |row: usize, col: usize, text: &str| Cell {
        row,
        col,
        rowspan: 1,
        colspan: 1,
        text: text.to_string(),
        conf: 1.0,
        bbox: None,
    };
    let rows: Vec<Vec<(usize, &str)>> = vec![
        vec![
            (0, "项目名称"),
            (1, "河滨步道\n修缮工程"),
            (2, "项目性质"),
            (3, "阶段性项目"),
            (4, "项目类别"),
            (5, "特定目标类"),
        ],
        vec![
            (0, "主管部门"),
            (1, "某区某街道\n办事处"),
            (2, "实施单位"),
            (3, "某区某街道办事处"),
        ],
        vec![
            (0, "计划开始日期"),
            (1, "2024-03-01"),
            (2, "计划完成日期"),
            (3, "2024-11-30"),
        ],
        vec![
            (0, "项目资金\n（元）"),
            (1, "项目资金总额"),
            (2, "200,000.00"),
            (3, "年度资金申请总额"),
            (4, "150,000.00"),
        ],
        vec![
            (1, "其中：财政资金"),
            (2, "180,000.00"),
            (3, "其中：当年财政拨款"),
            (4, "120,000.00"),
        ],
        vec![(3, "上年结转资金"), (4, "10,000.00")],
        vec![
            (1, "其他资金"),
            (2, "20,000.00"),
            (3, "其他资金"),
            (4, "20,000.00"),
        ],
        vec![
            (0, "项目\n绩效\n目标"),
            (1, "项目总目标"),
            (3, "年度总体目标"),
        ],
        vec![
            (1, "修缮步道全长三公里，\n改善沿河通行环境。"),
            (3, "完成步道一期修缮，\n通行更加便利。"),
        ],
        vec![
            (0, "绩效指标"),
            (1, "一级指标"),
            (2, "二级指标"),
            (3, "三级指标"),
            (4, "年度(/项目)指标值"),
        ],
        vec![
            (1, "产出指标"),
            (2, "数量指标"),
            (3, "修缮步道长度"),
            (4, "≥1.50(公里)"),
        ],
        vec![(2, "质量指标"), (3, "验收合格率"), (4, "=100.00(%)")],
        vec![
            (1, "效益指标"),
            (2, "社会效益指标"),
            (3, "沿河通行\n便利度"),
            (4, "提升"),
        ],
        vec![
            (1, "满意度指标"),
            (2, "服务对象满意度\n指标"),
            (3, "居民满意度"),
            (4, "≥90.00(%)"),
        ],
    ];
    let cells: Vec<Cell> = rows
        .iter()
        .enumerate()
        .flat_map(|(r, cs)| cs.iter().map(move |&(c, t)| cell(r, c, t)))
        .collect();
    let line = |t: &str| {
        Block::Line(TextLine {
            text: t.to_string(),
            conf: 1.0,
            bbox: None,
        })
    };
    let doc = Document {
        path: "f.pdf".into(),
        display_path: "f.pdf".into(),
        sha256: "0123456789abcdef".into(),
        pages: vec![Page {
            number: 7,
            blocks: vec![
                line("财政项目支出绩效目标填报表"),
                line("（2024年度）"),
                Block::Table(Table::from_cells(7, 1, cells)),
            ],
            info: PageInfo::default(),
        }],
    };
    let ex = extract_document(&doc);
    assert_eq!(ex.records.len(), 1);
    let r = &ex.records[0];
    assert_eq!(r.title.as_deref(), Some("财政项目支出绩效目标填报表"));
    assert_eq!(r.fiscal_year, Some(2024));
    let p = &r.project;
    assert_eq!(p.name.as_deref(), Some("河滨步道修缮工程"));
    assert_eq!(p.attribute.as_deref(), Some("阶段性项目"));
    assert_eq!(p.category.as_deref(), Some("特定目标类"));
    assert_eq!(p.department.as_deref(), Some("某区某街道办事处"));
    assert_eq!(p.department_code, None);
    assert_eq!(p.implementer.as_deref(), Some("某区某街道办事处"));
    assert_eq!(p.start_date.as_deref(), Some("2024-03-01"));
    assert_eq!(p.end_date.as_deref(), Some("2024-11-30"));
    assert_eq!(r.funds.declared_unit.as_deref(), Some("元"));
    let amt = |s: &Option<crate::model::FundSet>, k: FundKey| {
        s.as_ref()
            .and_then(|m| m.get(&k).cloned().flatten())
            .map(|n| serde_json::to_string(&n).unwrap_or_default())
    };
    assert_eq!(
        amt(&r.funds.midterm, FundKey::Total).as_deref(),
        Some("200000")
    );
    assert_eq!(
        amt(&r.funds.midterm, FundKey::Fiscal).as_deref(),
        Some("180000")
    );
    assert_eq!(
        amt(&r.funds.midterm, FundKey::Other).as_deref(),
        Some("20000")
    );
    assert_eq!(
        amt(&r.funds.annual, FundKey::Total).as_deref(),
        Some("150000")
    );
    assert_eq!(
        amt(&r.funds.annual, FundKey::Fiscal).as_deref(),
        Some("120000")
    );
    assert_eq!(
        amt(&r.funds.annual, FundKey::Carryover).as_deref(),
        Some("10000")
    );
    assert_eq!(
        amt(&r.funds.annual, FundKey::Other).as_deref(),
        Some("20000")
    );
    assert_eq!(
        r.goals.midterm.as_deref(),
        Some("修缮步道全长三公里，改善沿河通行环境。")
    );
    assert_eq!(
        r.goals.annual.as_deref(),
        Some("完成步道一期修缮，通行更加便利。")
    );
    let got: Vec<(Period, &str, &str, &str)> = r
        .indicators
        .iter()
        .map(|i| {
            (
                i.period,
                i.level1.as_deref().unwrap_or(""),
                i.level2.as_deref().unwrap_or(""),
                i.name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Period::Annual, "产出指标", "数量指标", "修缮步道长度"),
            (Period::Annual, "产出指标", "质量指标", "验收合格率"),
            (Period::Annual, "效益指标", "社会效益指标", "沿河通行便利度"),
            (
                Period::Annual,
                "满意度指标",
                "服务对象满意度指标",
                "居民满意度"
            ),
        ]
    );
    let v = serde_json::to_string(&r.indicators[1].value).unwrap_or_default();
    assert!(v.contains("\"percent\""), "{v}");
    let v = serde_json::to_string(&r.indicators[0].value).unwrap_or_default();
    assert!(v.contains("\"公里\"") && v.contains("1.5"), "{v}");
}

#[test]
fn budget_table_titles_units_departments() {
    let l = |s: &str| s.to_string();
    let a = l("表一");
    let b = l("2023年预算收支总表");
    let c = l("编制单位：某区某局          单位：万元");
    assert_eq!(
        title_of(&[&a, &b, &c]).as_deref(),
        Some("2023年预算收支总表")
    );
    assert_eq!(title_of(&[&a, &c]).as_deref(), Some("表一"));
    assert_eq!(unit_of(&c).as_deref(), Some("万元"));
    assert_eq!(department_of(&c).as_deref(), Some("某区某局"));
    assert_eq!(unit_of("金额单位：元").as_deref(), Some("元"));
    assert_eq!(unit_of("编制单位：某局"), None);
    // OCR dropped the colon: still the unit line, never the title.
    let d = l("单位 万元");
    assert_eq!(unit_of(&d).as_deref(), Some("万元"));
    assert_eq!(title_of(&[&b, &d]).as_deref(), Some("2023年预算收支总表"));
    assert_eq!(unit_of("单位名称"), None);
    let e = l("部门名称 某区司法局");
    assert_eq!(department_of(&e).as_deref(), Some("某区司法局"));
    assert_eq!(
        title_of(&[&b, &e, &d]).as_deref(),
        Some("2023年预算收支总表")
    );
    assert_eq!(department_of("部门预算收支总表"), None);
    // A scan reads "部门：" and the department printed far to its right as two lines, in
    // either order, below the title and its number.
    let (n, lab, dep, u) = (
        l("公开表二"),
        l("部门："),
        l("江苏省某某办公厅"),
        l("单位：万元"),
    );
    let t = l("收入预算总表");
    assert_eq!(
        title_of(&[&t, &n, &lab, &dep, &u]).as_deref(),
        Some("收入预算总表")
    );
    assert_eq!(
        title_of(&[&t, &n, &u, &dep, &lab]).as_deref(),
        Some("收入预算总表")
    );
    assert_eq!(title_of(&[&n, &lab]).as_deref(), Some("公开表二"));
    // Prose between a contents line and the table: the old rule (the last line) stands.
    let (toc, prose) = (
        l("九、国有资本经营预算财政拨款收入支出决算表"),
        l("纳入编制范围的单位包括："),
    );
    assert_eq!(
        title_of(&[&toc, &prose]).as_deref(),
        Some("纳入编制范围的单位包括：")
    );
    assert_eq!(
        department_of("部门名称：某区司法局").as_deref(),
        Some("某区司法局")
    );
}

#[test]
fn a_header_whose_level_digit_was_misread_still_opens_the_indicators() {
    // OCR reads 三级指标 as 二级指标 easily; the header's order tells which it is.
    let text = [
        "项目支出绩效目标表".to_string(),
        "(2024年度)".to_string(),
        t(&["项目名称", "测试项目", "", "", ""]),
        t(&["主管部门及代码", "[061]某局", "实施单位", "某局", ""]),
        t(&["绩效指标", "一级指标", "二级指标", "二级指标", "指标值"]),
        t(&["", "产出指标", "数量指标", "人数", "5人"]),
        t(&["", "", "质量指标", "合格率", "100%"]),
    ]
    .join("\n");
    let r = &extract_document(&doc_of(&text)).records[0];
    let names: Vec<&str> = r.indicators.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["人数", "合格率"]);
    assert_eq!(r.indicators[1].level2.as_deref(), Some("质量指标"));
}

#[test]
fn a_form_whose_first_label_is_misread_by_one_character_is_still_found() {
    // Two forms on one page, the second's 项目名称 misread (目 as 自, a speck inside it);
    // both must start a record. A label two characters off is not a form start.
    let form = |name_label: &str, project: &str| {
        vec![
            "项目支出绩效目标表".to_string(),
            t(&[name_label, project, "", ""]),
            t(&["主管部门及代码", "[101]某局", "实施单位", "某中心"]),
            t(&["项目资金(万元)", "年度资金总额:", "8", ""]),
            t(&["绩效指标", "产出指标", "数量指标", "培训人数", "1次"]),
        ]
    };
    let mut lines = form("项目名称", "甲项目");
    lines.extend(form("项自名称", "乙项目"));
    let ex = extract_document(&doc_of(&lines.join("\n")));
    let got: Vec<&str> = ex
        .records
        .iter()
        .filter_map(|r| r.project.name.as_deref())
        .collect();
    assert_eq!(got, ["甲项目", "乙项目"]);

    let mut lines = form("项目名称", "甲项目");
    lines.extend(form("项白石称", "乙项目"));
    let ex = extract_document(&doc_of(&lines.join("\n")));
    assert_eq!(ex.records.len(), 1);
}

#[test]
fn a_form_whose_name_label_carries_a_colon_is_found() {
    // Forms print "项目名称：" (or a speck is read as a colon after the label); the form start
    // reads labels as the form reader does.
    for label in ["项目名称：", "项目名称:", "项目名称;"] {
        let text = [
            "项目支出绩效目标表".to_string(),
            t(&[label, "甲项目", "", ""]),
            // A speck beside a header value's last character reads as 、 or ，.
            t(&["主管部门及代码", "[101]某局、", "实施单位", "某中心，"]),
            t(&["项目资金(万元)", "年度资金总额:", "8", ""]),
            t(&["绩效指标", "产出指标", "数量指标", "培训人数", "1次"]),
        ]
        .join("\n");
        let ex = extract_document(&doc_of(&text));
        let got: Vec<_> = ex.records.iter().map(|r| r.project.name.clone()).collect();
        assert_eq!(got, [Some("甲项目".to_string())], "{label}");
        let p = &ex.records[0].project;
        assert_eq!(p.department.as_deref(), Some("某局"));
        assert_eq!(p.implementer.as_deref(), Some("某中心"));
    }
}

#[test]
fn a_value_fused_onto_its_name_goes_to_the_value_and_completes_the_twin() {
    use crate::model::Period::{Annual, Midterm};
    let text = two_period_form(&[
        t(&[
            "",
            "产出指标",
            "数量指标",
            "巡河次数",
            "≥40次",
            "数量指标",
            "巡河次数",
            "≥20次",
        ]),
        // Midterm name and value in one cell, its value cell gone; annual name clipped.
        t(&[
            "",
            "效益指标",
            "社会效益指标",
            "河道垃圾清运到位率(98%",
            "社会效益指标",
            "河道垃圾清运",
            "98%",
        ]),
    ]);
    let ex = extract_document(&doc_of(&text));
    let mut rs = ex.records;
    assert_eq!(rs.len(), 1);
    assert_eq!(
        names(&rs[0], Midterm)[1],
        (
            "社会效益指标".into(),
            "河道垃圾清运到位率".into(),
            "98%".into()
        )
    );
    let v = rs[0].indicators[1].value.clone().unwrap_or_default();
    assert_eq!(v.kind, crate::normalise::ValueKind::Percent);
    assert_eq!(
        rs[0].warnings,
        vec!["indicator 2: value split off its name cell".to_string()]
    );
    crate::repair::repair_run(&mut rs);
    assert_eq!(names(&rs[0], Annual)[1].1, "河道垃圾清运到位率");
}

#[test]
fn a_midterm_level_without_a_name_beside_an_annual_indicator_leaves_it_annual() {
    use crate::model::Period::{Annual, Midterm};
    let text = two_period_form(&[
        t(&[
            "",
            "产出指标",
            "数量指标",
            "巡河次数",
            "≥40次",
            "数量指标",
            "巡河次数",
            "≥20次",
        ]),
        // Shifted one column left, as the last rows of some exported forms are.
        t(&[
            "满意度指标",
            "沿河居民满意度",
            "≥90%",
            "",
            "服务对象满意度指标",
            "沿河居民满意度",
            "≥90%",
        ]),
        // The midterm 二级 printed alone; the name and value are the annual side's.
        t(&["", "服务对象满意度", "", "", "", "游客满意度", "≥85%"]),
    ]);
    let ex = extract_document(&doc_of(&text));
    let r = &ex.records[0];
    assert_eq!(names(r, Midterm).len(), 2);
    let a = names(r, Annual);
    assert_eq!(a.len(), 3);
    assert_eq!(
        a[2],
        (
            "服务对象满意度指标".into(),
            "游客满意度".into(),
            "≥85%".into()
        )
    );
}

#[test]
fn a_name_and_value_off_the_known_columns_go_to_the_nearer_side_of_both() {
    use crate::model::Period::{Annual, Midterm};
    let text = two_period_form(&[
        t(&[
            "",
            "产出指标",
            "数量指标",
            "巡河次数",
            "≥40次",
            "数量指标",
            "巡河次数",
            "≥20次",
        ]),
        t(&[
            "",
            "",
            "质量指标",
            "河面保洁达标率",
            "≥95%",
            "质量指标",
            "河面保洁达标率",
            "≥95%",
        ]),
        t(&[
            "",
            "满意度指标",
            "服务对象满意度",
            "沿河居民满意度",
            "≥90%",
            "服务对象满意度",
            "沿河居民满意度",
            "≥90%",
        ]),
        // At the midterm value and annual name columns: as near both sides by the name and
        // the value together, nearer the annual one by the value.
        t(&["", "", "", "", "游客满意度", "", "≥85%"]),
        // One column right of the midterm pair: midterm.
        t(&["", "", "", "", "志愿者满意度", "≥80%"]),
    ]);
    let ex = extract_document(&doc_of(&text));
    let r = &ex.records[0];
    let m = names(r, Midterm);
    let a = names(r, Annual);
    assert_eq!((m.len(), a.len()), (4, 4));
    assert_eq!(a[3].1, "游客满意度");
    assert_eq!(a[3].0, "服务对象满意度指标");
    assert_eq!(m[3].1, "志愿者满意度");
}
/// A scanned document as the image track gives it: `text` read as pages, then a line OCR'd
/// at the foot of every page but the last (a scanner app's watermark, or anything else).
fn scanned_with_footer(text: &str, footer: &str) -> Document {
    let mut doc = doc_of(text);
    let n = doc.pages.len();
    for p in &mut doc.pages[..n - 1] {
        p.blocks
            .push(crate::ir::Block::Line(crate::ir::TextLine::new(footer)));
    }
    doc
}

fn continued_form() -> String {
    [
        "项目支出绩效目标表".to_string(),
        "(2024年度)".to_string(),
        t(&["项目名称", "测试项目", "", "", ""]),
        t(&["主管部门及代码", "[061]某局", "实施单位", "某局", ""]),
        t(&["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]),
        t(&["", "产出指标", "数量指标", "人数", "5人"]),
        "\x0c".to_string(),
        t(&["", "", "质量指标", "合格率", "100%"]),
        t(&["", "效益指标", "社会效益指标", "满意度", "≥90%"]),
    ]
    .join("\n")
}

#[test]
fn an_ocrd_watermark_never_breaks_a_continued_form_or_titles_a_table() {
    for mark in ["扫描全能王 创建", "CS扫描全能王", "扫描全能玉 创建"] {
        let ex = extract_document(&scanned_with_footer(&continued_form(), mark));
        let r = &ex.records[0];
        assert_eq!(r.indicators.len(), 3, "{mark}: {:?}", r.indicators);
        assert_eq!(r.source.pages, vec![1, 2], "{mark}");
        assert!(
            r.warnings.iter().all(|w| !w.contains("not joined")),
            "{mark}: {:?}",
            r.warnings
        );
        for t in &ex.tables {
            assert_eq!(t.title.as_deref(), Some("项目支出绩效目标表"), "{mark}");
        }

        // A budget table continued on the next page stays one table, under its own title.
        let text = [
            "2023年项目支出预算表".to_string(),
            "单位：万元".to_string(),
            t(&["项目名称", "合计", "一般公共预算"]),
            t(&["培训费", "9.00", "9.00"]),
            "\x0c".to_string(),
            t(&["购置费", "10.00", "10.00"]),
        ]
        .join("\n");
        let ex = extract_document(&scanned_with_footer(&text, mark));
        assert_eq!(ex.tables.len(), 1, "{mark}: {:?}", ex.tables);
        assert_eq!(ex.tables[0].title.as_deref(), Some("2023年项目支出预算表"));
        assert_eq!(ex.tables[0].source.pages, vec![1, 2]);
    }
}

#[test]
fn a_form_whose_continuation_is_not_joined_says_so() {
    let ex = extract_document(&scanned_with_footer(
        &continued_form(),
        "本表由项目单位据实填写并对内容负责",
    ));
    let r = &ex.records[0];
    assert_eq!(r.indicators.len(), 1);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("page 2") && w.contains("not joined")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_garbled_level2_on_one_side_takes_its_twins_label() {
    use crate::model::Period::{Annual, Midterm};
    let text = two_period_form(&[
        t(&[
            "",
            "产出指标",
            "质量指标",
            "甲合格率",
            "≥90%",
            "质量指标",
            "甲合格率",
            "≥95%",
        ]),
        // The midterm 二级 cell read as garbage under a shadow; the annual one is clear.
        t(&[
            "",
            "",
            "“从",
            "乙完成时间",
            "6月",
            "时效指标",
            "乙完成时间",
            "12月",
        ]),
    ]);
    let ex = extract_document(&doc_of(&text));
    let r = &ex.records[0];
    let m = names(r, Midterm);
    let a = names(r, Annual);
    assert_eq!(m[1], ("时效指标".into(), "乙完成时间".into(), "6月".into()));
    assert_eq!(a[1].0, "时效指标");
    assert_eq!(m.len(), 2);
}

#[test]
fn a_level_cell_cut_by_a_page_break_takes_the_label_printed_on_the_next_page() {
    use crate::ir::{Cell, Page, PageInfo};
    // A single-period form: the 成本指标 merged cell spans the last two rows of page 1 and the
    // first row of page 2, and its label is printed on page 2 only.
    let c = |row: usize, col: usize, rowspan: usize, t: &str| Cell {
        rowspan,
        ..Cell::new(row, col, t)
    };
    let p1 = vec![
        c(0, 0, 1, "项目名称"),
        c(0, 1, 1, "测试项目"),
        c(1, 0, 1, "主管部门及代码"),
        c(1, 1, 1, "[101]某局"),
        c(2, 0, 1, "项目资金(万元)"),
        c(2, 1, 1, "年度资金总额:8"),
        c(3, 0, 1, "一级指标"),
        c(3, 1, 1, "二级指标"),
        c(3, 2, 1, "三级指标"),
        c(3, 3, 1, "指标值"),
        c(4, 0, 3, "产出指标"),
        c(4, 1, 1, "时效指标"),
        c(4, 2, 1, "完成时间"),
        c(4, 3, 1, "6月"),
        c(5, 1, 2, ""),
        c(5, 2, 1, "设备金额"),
        c(5, 3, 1, "≤8万元"),
        c(6, 2, 1, "耗材金额"),
        c(6, 3, 1, "≤2万元"),
    ];
    let p2 = vec![
        c(0, 0, 1, "产出指标"),
        c(0, 1, 1, "成本指标"),
        c(0, 2, 1, "维修金额"),
        c(0, 3, 1, "≤3万元"),
        c(1, 0, 1, "满意度指标"),
        c(1, 1, 1, "满意度指标"),
        c(1, 2, 1, "满意度"),
        c(1, 3, 1, "≥90%"),
    ];
    let page = |n: u32, cells: Vec<Cell>| Page {
        number: n,
        blocks: vec![Block::Table(Table::from_cells(n, 1, cells))],
        info: PageInfo::default(),
    };
    let doc = Document {
        path: "f.pdf".into(),
        display_path: "f.pdf".into(),
        sha256: "0123456789abcdef".into(),
        pages: vec![page(1, p1.clone()), page(2, p2.clone())],
    };
    let ex = extract_document(&doc);
    assert_eq!(ex.records.len(), 1);
    let l2: Vec<(&str, Option<&str>)> = ex.records[0]
        .indicators
        .iter()
        .map(|i| (i.name.as_str(), i.level2.as_deref()))
        .collect();
    assert_eq!(
        l2,
        [
            ("完成时间", Some("时效指标")),
            ("设备金额", Some("成本指标")),
            ("耗材金额", Some("成本指标")),
            ("维修金额", Some("成本指标")),
            ("满意度", Some("满意度指标")),
        ]
    );
    // Not across a gap of pages, nor when the next page's column does not start with a label.
    let doc2 = Document {
        pages: vec![page(1, p1), page(3, p2)],
        ..doc
    };
    let ex = extract_document(&doc2);
    assert_eq!(
        ex.records[0].indicators[1].level2.as_deref(),
        Some("时效指标")
    );
}

#[test]
fn a_level_cell_cut_by_a_page_break_is_matched_by_position_when_the_grids_differ() {
    // Page 1's grid has one column more (the 三级 name spans two grid columns); the 二级
    // column stands at the same place on both pages.
    use crate::ir::{Cell, Page, PageInfo};
    let c = |row: usize, col: usize, rowspan: usize, colspan: usize, x: [f32; 2], t: &str| Cell {
        rowspan,
        colspan,
        bbox: Some([x[0], 0.1 * row as f32, x[1], 0.1 * (row + rowspan) as f32]),
        ..Cell::new(row, col, t)
    };
    let (l1, l2, v) = ([0.0, 0.2], [0.2, 0.4], [0.8, 1.0]);
    let p1 = vec![
        c(0, 0, 1, 1, l1, "项目名称"),
        c(0, 1, 1, 4, [0.2, 1.0], "测试项目"),
        c(1, 0, 1, 1, l1, "主管部门及代码"),
        c(1, 1, 1, 4, [0.2, 1.0], "[101]某局"),
        c(2, 0, 1, 1, l1, "项目资金(万元)"),
        c(2, 1, 1, 4, [0.2, 1.0], "年度资金总额:8"),
        c(3, 0, 1, 1, l1, "一级指标"),
        c(3, 1, 1, 1, l2, "二级指标"),
        c(3, 2, 1, 2, [0.4, 0.8], "三级指标"),
        c(3, 4, 1, 1, v, "指标值"),
        c(4, 0, 2, 1, l1, "产出指标"),
        c(4, 1, 1, 1, l2, "时效指标"),
        c(4, 2, 1, 2, [0.4, 0.8], "完成时间"),
        c(4, 4, 1, 1, v, "6月"),
        c(5, 1, 1, 1, l2, ""),
        c(5, 2, 1, 2, [0.4, 0.8], "设备金额"),
        c(5, 4, 1, 1, v, "≤8万元"),
    ];
    let p2 = vec![
        c(0, 0, 1, 1, l1, "产出指标"),
        c(0, 1, 1, 1, l2, "成本指标"),
        c(0, 2, 1, 1, [0.4, 0.8], "维修金额"),
        c(0, 3, 1, 1, v, "≤3万元"),
    ];
    let page = |n: u32, cells: Vec<Cell>| Page {
        number: n,
        blocks: vec![Block::Table(Table::from_cells(n, 1, cells))],
        info: PageInfo::default(),
    };
    let doc = Document {
        path: "f.pdf".into(),
        display_path: "f.pdf".into(),
        sha256: "0123456789abcdef".into(),
        pages: vec![page(1, p1), page(2, p2)],
    };
    let ex = extract_document(&doc);
    let l2: Vec<Option<&str>> = ex.records[0]
        .indicators
        .iter()
        .map(|i| i.level2.as_deref())
        .collect();
    assert_eq!(l2, [Some("时效指标"), Some("成本指标"), Some("成本指标")]);
}
