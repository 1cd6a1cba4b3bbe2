//! The closed list of budget table kinds, recognised from the printed title (and, when the title
//! is lost or clipped, from the header). Matching is on keywords of the family every province
//! prints (收支总表, 财政拨款, 一般公共预算, 基本支出, 三公, …), each allowed one misread
//! character, so OCR noise ("财政拔款") and the wording of different provinces and years
//! ("收支预算总表", "部门财务收支预算总表", "收入支出决算总表") land on the same kind.

use serde::{Deserialize, Serialize};

/// What a budget table is, in English (the printed title is kept beside it in the outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// 收支(预算)总表, 部门财务收支预算总表, 收入支出决算总表.
    IncomeExpenditureSummary,
    /// 收入(预算)总表, 收入决算表.
    IncomeSummary,
    /// 支出(预算)总表, 支出决算表.
    ExpenditureSummary,
    /// 财政拨款收支(预算)总表, 财政拨款收入支出决算总表.
    FiscalGrantSummary,
    /// 财政拨款支出预算表 (功能科目).
    FiscalGrantExpenditure,
    /// 财政拨款基本支出预算表 (经济科目).
    FiscalGrantBasicExpenditure,
    /// 一般公共预算支出(预算/功能分类)表, 一般公共预算财政拨款支出决算表.
    GeneralBudgetExpenditure,
    /// 一般公共预算基本支出(经济分类)表.
    GeneralBudgetBasicExpenditure,
    /// 政府性基金预算收入表.
    GovernmentFundIncome,
    /// 政府性基金(预算)支出表.
    GovernmentFundExpenditure,
    /// 国有资本经营预算(收支/支出)表.
    StateCapital,
    /// "三公"经费 (with 会议费/培训费 or 机关运行经费 in some provinces).
    ThreePublic,
    /// 机关运行经费.
    OperatingCosts,
    /// 项目支出预算表.
    ProjectExpenditure,
    /// 政府采购预算表.
    Procurement,
}

/// Budget (预算) or final account (决算).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Budget,
    Final,
}

/// The title reduced to what matters for matching: no spaces, quotes, numbering or punctuation.
pub fn squash(s: &str) -> String {
    crate::normalise::fold_width(s)
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '"' | '“'
                        | '”'
                        | '\''
                        | '‘'
                        | '’'
                        | '「'
                        | '」'
                        | '、'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                )
        })
        .collect()
}

/// `needle` occurs in `hay`, exactly or with one character substituted (needles of three
/// characters or more): a scan's 拔/拨, 杈/权 confusions must not lose the table.
pub fn fuzzy_contains(hay: &str, needle: &str) -> bool {
    if hay.contains(needle) {
        return true;
    }
    let n: Vec<char> = needle.chars().collect();
    if n.len() < 3 {
        return false;
    }
    let h: Vec<char> = hay.chars().collect();
    if h.len() < n.len() {
        return false;
    }
    h.windows(n.len())
        .any(|w| w.iter().zip(&n).filter(|(a, b)| a != b).count() <= 1)
}

fn has(t: &str, k: &str) -> bool {
    fuzzy_contains(t, k)
}

/// The kind of a table from its printed title, or `None` for a table that is not one of the
/// budget family (a performance-target form, a table of contents, a list of units).
pub fn classify_title(title: &str) -> Option<TableKind> {
    use TableKind::*;
    let t = squash(title);
    if t.is_empty() || has(&t, "绩效目标") || has(&t, "绩效自评") || t.contains("目录") {
        return None;
    }
    let budgetish = t.contains('表');
    if !budgetish {
        return None;
    }
    if t.contains("三公") || has(&t, "因公出国") {
        return Some(ThreePublic);
    }
    if has(&t, "机关运行经费") {
        return Some(OperatingCosts);
    }
    if has(&t, "政府采购") {
        return Some(Procurement);
    }
    if has(&t, "国有资本经营") {
        return Some(StateCapital);
    }
    if has(&t, "政府性基金") {
        let income = t.contains("收入") && !t.contains("支出") && !t.contains("收支");
        return Some(if income {
            GovernmentFundIncome
        } else {
            GovernmentFundExpenditure
        });
    }
    if has(&t, "项目支出") {
        return Some(ProjectExpenditure);
    }
    let summary = t.contains("总表");
    let both = t.contains("收支") || has(&t, "收入支出");
    if has(&t, "财政拨款") && both && summary {
        return Some(FiscalGrantSummary);
    }
    if has(&t, "基本支出") {
        return Some(if has(&t, "一般公共预算") || !has(&t, "财政拨款") {
            GeneralBudgetBasicExpenditure
        } else {
            FiscalGrantBasicExpenditure
        });
    }
    if has(&t, "一般公共预算") && t.contains("支出") {
        return Some(GeneralBudgetExpenditure);
    }
    if has(&t, "财政拨款") && t.contains("支出") {
        return Some(FiscalGrantExpenditure);
    }
    if both && summary {
        return Some(IncomeExpenditureSummary);
    }
    if t.contains("收入") && (summary || t.contains("预算表") || t.contains("决算表")) {
        return Some(IncomeSummary);
    }
    if t.contains("支出") && (summary || t.contains("预算表") || t.contains("决算表")) {
        return Some(ExpenditureSummary);
    }
    // A scan's misread character in 收入/支出 itself ("部门艾出预算总表").
    if has(&t, "收入预算") || has(&t, "收入决算") {
        return Some(IncomeSummary);
    }
    if has(&t, "支出预算") || has(&t, "支出决算") {
        return Some(ExpenditureSummary);
    }
    None
}

/// The kind from the header when the title says too little (clipped by a page break, lost to
/// OCR): only headers that belong to one kind alone.
pub fn classify_header(header: &str) -> Option<TableKind> {
    use TableKind::*;
    let t = squash(header);
    if has(&t, "因公出国") && has(&t, "公务接待") {
        return Some(ThreePublic);
    }
    if has(&t, "人员经费") && has(&t, "公用经费") {
        return Some(GeneralBudgetBasicExpenditure);
    }
    None
}

/// Budget or final account, from the title and header: 决算 anywhere says final.
pub fn stage_of(title: &str, header: &str) -> Stage {
    if title.contains("决算") || header.contains("决算") {
        Stage::Final
    } else {
        Stage::Budget
    }
}

#[cfg(test)]
mod tests {
    use super::TableKind::*;
    use super::*;

    #[test]
    fn every_kind_from_the_titles_of_several_provinces() {
        let cases = [
            ("2023年预算收支总表", IncomeExpenditureSummary),
            ("一、收支预算总表", IncomeExpenditureSummary),
            ("2026年部门财务收支预算总表", IncomeExpenditureSummary),
            ("收入支出决算总表", IncomeExpenditureSummary),
            ("2023年预算收入总表", IncomeSummary),
            ("收入决算表", IncomeSummary),
            ("2026年部门收入预算总表", IncomeSummary),
            ("三、支出预算总表", ExpenditureSummary),
            ("支出决算表", ExpenditureSummary),
            ("2023年财政拨款收支总表", FiscalGrantSummary),
            ("财政拨款收入支出决算总表", FiscalGrantSummary),
            ("2026年部门财政拨款收支预算总表", FiscalGrantSummary),
            ("财政拨款支出预算表（功能科目）", FiscalGrantExpenditure),
            (
                "财政拨款基本支出预算表（经济科目）",
                FiscalGrantBasicExpenditure,
            ),
            (
                "2023年一般公共预算支出预算表（不含上年结转）",
                GeneralBudgetExpenditure,
            ),
            (
                "2026年部门一般公共预算支出功能分类预算表",
                GeneralBudgetExpenditure,
            ),
            ("一般公共预算财政拨款支出决算表", GeneralBudgetExpenditure),
            (
                "2023年一般公共预算安排基本支出分经济科目表（不含上年结转）",
                GeneralBudgetBasicExpenditure,
            ),
            (
                "一般公共预算财政拨款基本支出决算表",
                GeneralBudgetBasicExpenditure,
            ),
            (
                "2026年部门一般公共预算基本支出部门预算经济分类预算表",
                GeneralBudgetBasicExpenditure,
            ),
            (
                "2023年政府性基金预算收入表（不含上年结转）",
                GovernmentFundIncome,
            ),
            ("财政拨款政府性基金支出预算表", GovernmentFundExpenditure),
            (
                "政府性基金预算财政拨款收入支出决算表",
                GovernmentFundExpenditure,
            ),
            (
                "2023年国有资本经营预算收支预算表（不含上年结转）",
                StateCapital,
            ),
            ("2023年一般公共预算“三公”经费支出预算表", ThreePublic),
            ("“三公”经费、会议费、培训费支出预算表", ThreePublic),
            ("2026年部门“三公”经费和机关运行经费预算表", ThreePublic),
            ("2023年机关运行经费预算财政拨款情况统计表", OperatingCosts),
            ("2023年项目支出预算表（本年预算）", ProjectExpenditure),
            ("2019年政府采购预算表", Procurement),
        ];
        for (title, kind) in cases {
            assert_eq!(classify_title(title), Some(kind), "{title}");
        }
    }

    #[test]
    fn ocr_noise_in_a_keyword_is_tolerated() {
        assert_eq!(
            classify_title("2026年部门艾出预算总表"),
            Some(ExpenditureSummary)
        );
        assert_eq!(classify_title("部门收人预算总表"), Some(IncomeSummary));
        assert_eq!(
            classify_title("2023年财政拔款收支总表"),
            Some(FiscalGrantSummary)
        );
        assert_eq!(
            classify_title("一般公共预箅支出预算表"),
            Some(GeneralBudgetExpenditure)
        );
    }

    #[test]
    fn forms_and_contents_are_not_budget_tables() {
        assert_eq!(
            classify_title("吕梁市市级预算部门（单位）项目支出绩效目标申报表"),
            None
        );
        assert_eq!(classify_title("目录"), None);
        assert_eq!(classify_title("围的单位包括："), None);
    }

    #[test]
    fn a_clipped_title_falls_back_to_the_header() {
        assert_eq!(classify_title("算表"), None);
        assert_eq!(
            classify_header("合计 三公经费 因公出国（境）费 公务接待费"),
            Some(ThreePublic)
        );
    }

    #[test]
    fn stage_from_the_title() {
        assert_eq!(stage_of("支出决算表", ""), Stage::Final);
        assert_eq!(stage_of("支出预算总表", ""), Stage::Budget);
    }
}
