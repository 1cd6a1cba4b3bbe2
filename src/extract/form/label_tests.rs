use super::header::*;
use super::indicators::*;
use super::labels::*;
use super::*;
use crate::model::Period;
use crate::normalise::MoneyUnit;

/// One row of cells with these texts, in columns 0, 1, 2, …
pub(super) fn cells(texts: &[&str]) -> Vec<SCell> {
    texts
        .iter()
        .enumerate()
        .map(|(col, t)| SCell {
            text: t.to_string(),
            col,
            row: 0,
        })
        .collect()
}

#[test]
fn the_funds_label_survives_one_misread_character() {
    assert_eq!(
        label_of("项日资金(元)"),
        Some(Lab::FundsUnit(Some(MoneyUnit::Yuan)))
    );
    assert_eq!(
        label_of("项目资金(万元)"),
        Some(Lab::FundsUnit(Some(MoneyUnit::Wan)))
    );
    assert_eq!(
        label_of("项目资金(方\n元)"),
        Some(Lab::FundsUnit(Some(MoneyUnit::Wan)))
    );
    assert_ne!(label_of("项目资金总额"), label_of("项日资金(元)"));
    assert!(!matches!(label_of("其他资金"), Some(Lab::FundsUnit(_))));
}

#[test]
fn three_level_headers_side_by_side_are_one_two_three() {
    let want = vec![None, Some(1), Some(2), Some(3), None];
    for read in [
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["绩效指标", "级指标", "二级指标", "二级指标", "指标值"],
        ["绩效指标", "二级指标", "二级指标", "二级指标", "指标值"],
    ] {
        assert_eq!(header_levels(&cells(&read)), want, "{read:?}");
    }
    // Two levels only (no 一级 column): read, then ordered.
    assert_eq!(
        header_levels(&cells(&["二级指标", "二级指标", "指标值"])),
        vec![Some(2), Some(3), None]
    );
}

#[test]
fn a_decimal_point_read_as_a_comma_is_restored_only_where_unambiguous() {
    assert_eq!(
        misread_point("4,563,800,00").as_deref(),
        Some("4,563,800.00")
    );
    assert_eq!(
        misread_point("7595500,00元").as_deref(),
        Some("7595500.00元")
    );
    // A thousands group, a point already present, or not two decimals: left alone.
    assert_eq!(misread_point("4,563,800"), None);
    assert_eq!(misread_point("4,563.80,0"), None);
    assert_eq!(misread_point("4,563,8000"), None);
    assert_eq!(misread_point(",00"), None);
    // a speck beside the point reads as a colon
    assert_eq!(misread_point("31:79").as_deref(), Some("31.79"));
    assert_eq!(misread_point("0：00").as_deref(), Some("0.00"));
    assert_eq!(misread_point("12:30:00"), None);
}

#[test]
fn specks_in_an_amount_are_dropped_only_where_unambiguous() {
    let f = |s: &str| speckled_amount(s).map(|(t, _)| t);
    assert_eq!(f("5.00.-").as_deref(), Some("5.00"));
    assert_eq!(f("5.00-").as_deref(), Some("5.00"));
    assert_eq!(f("5.0.0").as_deref(), Some("5.00"));
    assert_eq!(f("1.234.5.6").as_deref(), Some("1234.56"));
    assert_eq!(f("1,2.34.5.6").as_deref(), Some("1,234.56"));
    // Nothing to repair, no single point leaving two decimals, or not an amount.
    assert_eq!(f("5.00"), None);
    assert_eq!(f("5.000.000"), None);
    assert_eq!(f("5..0"), None);
    assert_eq!(f("一"), None);
    assert_eq!(f("五.00."), None);
}

#[test]
fn labels_survive_one_misread_character() {
    assert_eq!(label_of("计划川始日期"), Some(Lab::Start));
    assert_eq!(label_of("实施单拉"), Some(Lab::Impl));
    assert_eq!(label_of("其中:当年财玫拨款"), label_of("当年财政拨款"));
    // the colon misread as another small sign, or lost with the space printed for it
    assert_eq!(label_of("其中·财政拨款"), label_of("财政拨款"));
    assert_eq!(label_of("其中 中央财政资金"), label_of("中央财政资金"));
    assert_eq!(label_of("其中."), None);
    // specks read as signs inside a label
    assert_eq!(label_of("项目·资金(元)"), label_of("项目资金(元)"));
    assert_eq!(label_of("市县(区)财政:资金"), label_of("市县(区)财政资金"));
    assert_eq!(label_of("“项目期"), Some(Lab::Term));
    // a goal label's span keeps its points
    assert_eq!(
        label_of("实施期目标(2024.1-2026.12)"),
        Some(Lab::Goal(Period::Midterm, Some("2024.1-2026.12".into())))
    );
    assert_eq!(
        label_of("年度总体日标"),
        Some(Lab::Goal(Period::Annual, None))
    );
}

#[test]
fn misread_labels_are_not_guessed() {
    // Two characters off, or too short for one character to be a small part.
    assert_eq!(label_of("计划川始日朝"), None);
    assert_eq!(label_of("项目斯"), None);
    assert!(!near("项目名称", "项目名称"));
    assert!(!near("项目名", "项目名称"));
    // Equally near two labels: neither.
    assert_eq!(
        unique_near("abcd", [("abcx", 1), ("abxd", 2)].into_iter()),
        None
    );
}

#[test]
fn a_fund_label_without_its_period_takes_it_from_the_form() {
    // single-period form: annual
    assert_eq!(fund_period(false, (0, 1), 3, &[]), Period::Annual);
    // two labels in a row of a two-period form: midterm first, then annual
    assert_eq!(fund_period(true, (0, 2), 2, &[]), Period::Midterm);
    assert_eq!(fund_period(true, (1, 2), 6, &[]), Period::Annual);
    // alone in its row: the period of the nearest 总额 column
    let totals = [(Period::Midterm, 2), (Period::Annual, 6)];
    assert_eq!(fund_period(true, (0, 1), 5, &totals), Period::Annual);
    assert_eq!(fund_period(true, (0, 1), 3, &totals), Period::Midterm);
}

#[test]
fn a_fund_amount_is_repaired_with_a_warning_or_left_unread_with_one() {
    let mut w = Vec::new();
    let n = fund_amount(
        "4,563:800.00",
        MoneyUnit::Yuan,
        "funds.annual.total",
        &mut w,
    );
    assert_eq!(
        n.map(|n| n.0.normalize().to_string()).as_deref(),
        Some("4563800")
    );
    assert!(
        w[0].starts_with("funds.annual.total: \"4,563:800.00\" read as 4563800"),
        "{w:?}"
    );
    let n = fund_amount("0.0c", MoneyUnit::Wan, "funds.midterm.other", &mut w);
    assert_eq!(n, None);
    assert_eq!(w[1], "funds.midterm.other: unparseable amount \"0.0c\"");
    // a clean amount: no warning
    let n = fund_amount("12.5", MoneyUnit::Wan, "funds.annual.fiscal", &mut w);
    assert_eq!(
        n.map(|n| n.0.normalize().to_string()).as_deref(),
        Some("125000")
    );
    assert_eq!(w.len(), 2);
}

#[test]
fn an_unread_unit_is_taken_from_the_amounts() {
    let unit = |v: &[&str]| unit_from_amounts(v.iter().copied());
    assert_eq!(unit(&["1,260,000", "0", "300,000"]), MoneyUnit::Yuan);
    assert_eq!(unit(&["456.80", "420.00", "36.80"]), MoneyUnit::Wan);
    // one amount with decimals, or all small: the commoner 万元
    assert_eq!(unit(&["1,260,000.00", "300,000"]), MoneyUnit::Wan);
    assert_eq!(unit(&["245", "0"]), MoneyUnit::Wan);
    assert_eq!(unit(&[]), MoneyUnit::Wan);
}

#[test]
fn amounts_with_cents_under_ten_thousand_are_wan_amounts() {
    let wan = |v: &[&str]| amounts_look_wan(v.iter().copied());
    assert!(wan(&["456.80", "420.00", "36.80"]));
    assert!(!wan(&["420.00", "36.00"]), "no cents: no evidence");
    assert!(!wan(&["1,260,000", "300,000.50"]), "a 元 amount");
    assert!(!wan(&[]));
}
