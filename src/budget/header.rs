//! A budget table's grid, its header rows and what each column holds: a code (科目编码, or its
//! 类/款/项 parts), a name, or amounts under a key of the closed vocabulary ([`ColKey`]).
//!
//! A multi-level header (项目 / 2023年预算数 / 合计 …) is read top-down per column; the deepest
//! header text that names a key wins, and a generic one (合计, 小计, 金额, 预算数) takes the key
//! of an enclosing sum group when there is one ("三公"经费 / 小计 → `three_public`) and
//! `total` otherwise.

use serde::Serialize;

use super::kind::squash;
use crate::model::TableRecord;
use crate::normalise::{parse_amount, MoneyUnit};

/// Column keys, one closed vocabulary for all kinds (each kind uses its subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColKey {
    Total,
    Basic,
    Project,
    /// 单位预留机动经费.
    Reserve,
    /// 结转下年资金 / 年终结转.
    CarryoverOut,
    /// 上年结转 (安排).
    Carryover,
    /// 当年预算安排.
    CurrentYear,
    GeneralBudget,
    FundBudget,
    StateCapitalBudget,
    FiscalGrant,
    /// 财政专户管理资金.
    SpecialAccount,
    /// 单位资金.
    UnitFunds,
    /// 事业收入.
    BusinessIncome,
    /// 经营收入 / 事业单位经营收入.
    OperatingIncome,
    OtherIncome,
    /// 上级补助收入.
    SuperiorSubsidy,
    /// 附属单位上缴收入.
    AffiliatedRemit,
    /// 上缴上级支出.
    RemitSuperior,
    /// 经营支出.
    OperatingExpense,
    /// 对附属单位补助支出.
    SubsidyAffiliated,
    /// 人员经费.
    Personnel,
    /// 公用经费.
    PublicExpense,
    /// "三公"经费 (sum of the three).
    ThreePublic,
    /// 因公出国(境)费.
    Outbound,
    /// 公务接待费.
    Reception,
    /// 公务用车购置及运行(维护)费.
    Vehicles,
    VehiclePurchase,
    VehicleOperation,
    Meeting,
    Training,
    /// 机关运行经费.
    OperatingCosts,
    /// 本年收入 as a column of its own (a 决算 fund table: 年初结转 | 本年收入 | 本年支出 …).
    Income,
    /// An amount column whose header names none of the above (kept, with a warning).
    Unknown,
}

impl ColKey {
    pub fn as_str(self) -> &'static str {
        use ColKey::*;
        match self {
            Total => "total",
            Basic => "basic",
            Project => "project",
            Reserve => "reserve",
            CarryoverOut => "carryover_out",
            Carryover => "carryover",
            CurrentYear => "current_year",
            GeneralBudget => "general_budget",
            FundBudget => "fund_budget",
            StateCapitalBudget => "state_capital_budget",
            FiscalGrant => "fiscal_grant",
            SpecialAccount => "special_account",
            UnitFunds => "unit_funds",
            BusinessIncome => "business_income",
            OperatingIncome => "operating_income",
            OtherIncome => "other_income",
            SuperiorSubsidy => "superior_subsidy",
            AffiliatedRemit => "affiliated_remit",
            RemitSuperior => "remit_superior",
            OperatingExpense => "operating_expense",
            SubsidyAffiliated => "subsidy_affiliated",
            Personnel => "personnel",
            PublicExpense => "public_expense",
            ThreePublic => "three_public",
            Outbound => "outbound",
            Reception => "reception",
            Vehicles => "vehicles",
            VehiclePurchase => "vehicle_purchase",
            VehicleOperation => "vehicle_operation",
            Meeting => "meeting",
            Training => "training",
            OperatingCosts => "operating_costs",
            Income => "income",
            Unknown => "unknown",
        }
    }
}

/// What one header text says about its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderWord {
    Key(ColKey),
    /// 合计, 小计, 金额, 预算数, 2023年 …: an amount, whose key comes from the context.
    Generic,
    /// 科目编码, 功能分类科目编码.
    Code,
    /// 类, 款, 项 under a code header.
    CodePart,
    /// 科目名称, 项目(名称), 单位名称.
    Name,
    Nothing,
}

/// The meaning of one header text. Order matters: the specific before the general.
pub fn header_word(text: &str) -> HeaderWord {
    use ColKey::*;
    use HeaderWord::*;
    let t = squash(text);
    if t.is_empty() {
        return Nothing;
    }
    if matches!(t.as_str(), "类" | "款" | "项") {
        return CodePart;
    }
    if t.contains("编码") || t.contains("代码") {
        return Code;
    }
    let keys: &[(&str, ColKey)] = &[
        ("基本支出", Basic),
        ("项目支出", Project),
        ("预留机动", Reserve),
        ("结转下年", CarryoverOut),
        ("年终结转", CarryoverOut),
        ("年末结转", CarryoverOut),
        ("上年结转", Carryover),
        ("年初结转", Carryover),
        ("上年结余", Carryover),
        ("当年预算", CurrentYear),
        ("本年预算安排", CurrentYear),
        ("人员经费", Personnel),
        ("公用经费", PublicExpense),
        ("因公出国", Outbound),
        ("公务接待", Reception),
        ("公务用车购置及运行", Vehicles),
        ("公务用车购置和运行", Vehicles),
        ("运行维护费", VehicleOperation),
        ("运行费", VehicleOperation),
        ("购置费", VehiclePurchase),
        ("三公", ThreePublic),
        ("会议费", Meeting),
        ("培训费", Training),
        ("机关运行经费", OperatingCosts),
        ("一般公共预算", GeneralBudget),
        ("公共财政拨款", GeneralBudget),
        ("政府性基金", FundBudget),
        ("国有资本经营", StateCapitalBudget),
        ("财政专户", SpecialAccount),
        ("单位资金", UnitFunds),
        ("上级补助", SuperiorSubsidy),
        ("附属单位上缴", AffiliatedRemit),
        ("上缴上级", RemitSuperior),
        ("对附属单位补助", SubsidyAffiliated),
        ("经营支出", OperatingExpense),
        ("经营收入", OperatingIncome),
        ("事业收入", BusinessIncome),
        ("其他收入", OtherIncome),
        ("其他资金", OtherIncome),
        ("财政拨款", FiscalGrant),
    ];
    for (k, key) in keys {
        if t.contains(k) {
            return Key(*key);
        }
    }
    // A scan's one misread character in a key of four characters or more ("项耳支出").
    for (k, key) in keys {
        if k.chars().count() >= 4 && super::kind::fuzzy_contains(&t, k) {
            return Key(*key);
        }
    }
    let totalish = t.contains("合计") || t.contains("总计") || t.contains("小计");
    if t.contains("本年收入") && !totalish {
        return Key(Income);
    }
    if t.contains("名称") || t == "项目" || t == "科目" || t.contains("单位") {
        return Name;
    }
    let generic = [
        "合计",
        "小计",
        "总计",
        "金额",
        "预算数",
        "决算数",
        "预算",
        "决算",
        "本年收入",
        "本年支出",
    ];
    if generic.iter().any(|g| t.contains(g)) || is_year_word(&t) {
        return Generic;
    }
    Nothing
}

/// "2023年", "2023": a year heading an amount column.
fn is_year_word(t: &str) -> bool {
    let d: String = t.chars().take_while(char::is_ascii_digit).collect();
    d.len() == 4 && (t.len() == 4 || t[4..].starts_with('年'))
}

/// Keys a generic child inherits from an enclosing header: sums of their own sub-columns.
fn is_group_key(k: ColKey) -> bool {
    matches!(
        k,
        ColKey::ThreePublic | ColKey::Vehicles | ColKey::OperatingCosts
    )
}

/// The key of a column from its header texts, top to bottom.
pub fn key_of_path(path: &[String]) -> Option<ColKey> {
    let words: Vec<HeaderWord> = path.iter().map(|t| header_word(t)).collect();
    for (i, w) in words.iter().enumerate().rev() {
        match w {
            HeaderWord::Key(k) => return Some(*k),
            HeaderWord::Generic => {
                let group = words[..i].iter().rev().find_map(|w| match w {
                    HeaderWord::Key(k) if is_group_key(*k) => Some(*k),
                    _ => None,
                });
                return Some(group.unwrap_or(ColKey::Total));
            }
            HeaderWord::Code | HeaderWord::CodePart | HeaderWord::Name => return None,
            HeaderWord::Nothing => {}
        }
    }
    None
}

/// The first column of a header group whose own heading is unreadable ("△口口", "入计日" for a
/// scanned 合计) while the column after it, under the same group heading, names a key of its
/// own (人员经费 after 合计 under 基本支出): it is the group's 合计, keyed as 合计 would be,
/// not by the group heading above it (which would give it the key of the group's parts).
fn misread_group_total(paths: &[Vec<String>], c: usize) -> Option<ColKey> {
    let path = &paths[c];
    let (leaf, parent) = path.split_last()?;
    if parent.is_empty()
        || squash(leaf).is_empty()
        || header_word(leaf) != HeaderWord::Nothing
        || !parent.iter().any(|t| !squash(t).is_empty())
    {
        return None;
    }
    let first_in_group = c == 0 || paths[c - 1].split_last().map(|(_, p)| p) != Some(parent);
    let next = paths.get(c + 1)?;
    let (next_leaf, next_parent) = next.split_last()?;
    let sibling_keyed =
        next_parent == parent && matches!(header_word(next_leaf), HeaderWord::Key(_));
    if !(first_in_group && sibling_keyed) {
        return None;
    }
    let mut as_total = parent.to_vec();
    as_total.push("合计".to_string());
    key_of_path(&as_total)
}

/// One slot of the grid: the cell covering it (index into `TableRecord::cells`) and whether
/// the slot is that cell's own top-left corner.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    pub cell: usize,
    pub origin: bool,
}

/// A table's cells laid out row by row with spans filled in.
pub struct Grid<'a> {
    pub table: &'a TableRecord,
    pub slots: Vec<Vec<Option<Slot>>>,
}

impl<'a> Grid<'a> {
    pub fn new(table: &'a TableRecord) -> Self {
        let (nr, nc) = (table.n_rows, table.n_cols);
        let mut slots = vec![vec![None; nc]; nr];
        for (i, c) in table.cells.iter().enumerate() {
            let rows = c.row..(c.row + c.rowspan.max(1)).min(nr);
            for (r, row) in slots.iter_mut().enumerate().take(rows.end).skip(rows.start) {
                let cols = c.col..(c.col + c.colspan.max(1)).min(nc);
                for (k, slot) in row.iter_mut().enumerate().take(cols.end).skip(cols.start) {
                    *slot = Some(Slot {
                        cell: i,
                        origin: r == c.row && k == c.col,
                    });
                }
            }
        }
        Grid { table, slots }
    }

    pub fn n_rows(&self) -> usize {
        self.slots.len()
    }

    pub fn n_cols(&self) -> usize {
        self.table.n_cols
    }

    /// Text covering a slot (a spanning cell's text in every slot it covers).
    pub fn text(&self, r: usize, c: usize) -> &str {
        self.slots
            .get(r)
            .and_then(|row| row.get(c).copied().flatten())
            .map(|s| self.table.cells[s.cell].text.as_str())
            .unwrap_or("")
    }

    /// Text of a slot only when the slot is its cell's own corner (spans give "").
    pub fn own_text(&self, r: usize, c: usize) -> &str {
        match self
            .slots
            .get(r)
            .and_then(|row| row.get(c).copied().flatten())
        {
            Some(s) if s.origin => self.table.cells[s.cell].text.as_str(),
            _ => "",
        }
    }

    pub fn slot(&self, r: usize, c: usize) -> Option<Slot> {
        self.slots
            .get(r)
            .and_then(|row| row.get(c).copied().flatten())
    }
}

/// A cell's text parses as a printed amount (not empty, not a dash).
pub fn is_amount(t: &str) -> bool {
    matches!(parse_amount(t, MoneyUnit::Yuan), Ok(Some(_))) && t.chars().any(|c| c.is_ascii_digit())
}

/// Holds a Chinese character.
pub fn has_han(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'))
}

/// An amount a scan misread with specks or a comma/colon for its point ("18,330::37",
/// "363,38"): still an amount, so its column is one of figures, not of names.
pub fn is_speckled_amount(t: &str) -> bool {
    crate::normalise::speckled_amount(t).is_some_and(|(f, _)| is_amount(&f))
}

/// A code cell a scan misread: O, Q, D, 〇 for 0, l, I, | for 1, specks before or after it
/// ("302Q1", "3Q211", "302,", "301 08:") — the digits when that leaves a whole 3-, 5- or
/// 7-digit code, else `None` (a speck inside it, "30.1", is not guessed through).
pub fn misread_code(t: &str) -> Option<String> {
    let t: String = crate::normalise::fold_width(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = t.trim_matches(['.', ',', ':', ';', '·', '\'', '`', '、', '。', '-', '_']);
    let d: String = t
        .chars()
        .map(|c| match c {
            'O' | 'o' | 'Q' | 'D' | '〇' => '0',
            'l' | 'I' | '|' => '1',
            _ => c,
        })
        .collect();
    (d.chars().all(|c| c.is_ascii_digit()) && matches!(d.len(), 3 | 5 | 7)).then_some(d)
}

/// A row of column numbers ("1 | 2 | 3 …"), printed under some headers.
pub fn is_numbering_row(g: &Grid<'_>, r: usize) -> bool {
    let vals: Vec<&str> = (0..g.n_cols())
        .map(|c| g.own_text(r, c).trim())
        .filter(|t| !t.is_empty())
        .collect();
    if vals.len() < 3 {
        return false;
    }
    let nums: Vec<u32> = vals.iter().filter_map(|t| t.parse().ok()).collect();
    nums.len() == vals.len() && nums.windows(2).all(|w| w[1] == w[0] + 1)
}

/// A label that makes a row a table total: 合计, 总计, 本年收入合计, 部门合计 …
pub fn is_total_label(t: &str) -> bool {
    let t = squash(t);
    (t.ends_with("合计") || t.ends_with("总计") || t.ends_with("小计")) && t.chars().count() <= 10
}

/// A printed classification code: 3, 5 or 7 digits (类/款/项), or 2 digits in a split column.
pub fn code_digits(t: &str) -> Option<String> {
    let t: String = crate::normalise::fold_width(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !t.is_empty() && t.len() <= 9 && t.chars().all(|c| c.is_ascii_digit()) {
        Some(t)
    } else {
        None
    }
}

/// The number of header rows: the rows before the first one that holds an amount, a code
/// under a code header, a total label or 无 (an empty table's placeholder). Column-number rows
/// count as header.
pub fn header_rows(g: &Grid<'_>) -> usize {
    for r in 0..g.n_rows() {
        if is_numbering_row(g, r) {
            continue;
        }
        let cells: Vec<&str> = (0..g.n_cols()).map(|c| g.own_text(r, c)).collect();
        let any_amount = cells.iter().any(|t| is_amount(t) && t.contains(['.', ',']));
        let first = cells.iter().find(|t| !t.trim().is_empty()).copied();
        let first_is_data = first.is_some_and(|t| {
            is_total_label(t) || squash(t) == "无" || code_digits(t).is_some_and(|d| d.len() >= 3)
        });
        // A header never has a bare integer amount in every non-empty cell (三公 tables printed
        // as one row of figures with "0" for the empty ones).
        let all_numbers = cells.iter().filter(|t| !t.trim().is_empty()).count() >= 2
            && cells
                .iter()
                .filter(|t| !t.trim().is_empty())
                .all(|t| is_amount(t));
        // "合计 | 基本支出 | 项目支出" is a header whose first word happens to be a total.
        let words: Vec<&&str> = cells.iter().filter(|t| !t.trim().is_empty()).collect();
        let header_like = words.len() >= 2
            && words.iter().all(|t| {
                matches!(
                    header_word(t),
                    HeaderWord::Key(_)
                        | HeaderWord::Generic
                        | HeaderWord::Code
                        | HeaderWord::CodePart
                )
            });
        if any_amount || all_numbers || (first_is_data && !header_like) {
            return r;
        }
    }
    g.n_rows()
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColRole {
    Code,
    Name,
    Value(ColKey),
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub col: usize,
    /// The printed header, levels joined by " / ".
    pub header: String,
    #[serde(skip)]
    pub role: ColRole,
    /// `code`, `name` or the column key.
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// The header path of each column (distinct texts from top to bottom).
pub fn header_paths(g: &Grid<'_>, n_header: usize) -> Vec<Vec<String>> {
    (0..g.n_cols())
        .map(|c| {
            let mut p: Vec<String> = Vec::new();
            for r in 0..n_header {
                if is_numbering_row(g, r) {
                    continue;
                }
                let t = g.text(r, c).trim().replace('\n', "");
                if !t.is_empty() && p.last() != Some(&t) {
                    p.push(t);
                }
            }
            p
        })
        .collect()
}

/// The roles of the columns: from the header, and from the data where the header says
/// nothing (a column of figures is an amount column, a column of text a name column).
pub fn column_roles(g: &Grid<'_>, n_header: usize, paths: &[Vec<String>]) -> Vec<ColRole> {
    (0..g.n_cols())
        .map(|c| {
            let words: Vec<HeaderWord> = paths[c].iter().map(|t| header_word(t)).collect();
            let data: Vec<&str> = (n_header..g.n_rows())
                .map(|r| g.own_text(r, c).trim())
                .filter(|t| !t.is_empty())
                .collect();
            let numeric = data
                .iter()
                .filter(|t| is_amount(t) || is_speckled_amount(t))
                .count();
            let texty = data.len() - numeric;
            // Names are Chinese; specks in a mostly empty amount column ("è", "i1", "■") are not.
            let named = data.iter().filter(|t| has_han(t)).count();
            if words.contains(&HeaderWord::Code) || words.contains(&HeaderWord::CodePart) {
                return ColRole::Code;
            }
            if let Some(k) = misread_group_total(paths, c).or_else(|| key_of_path(&paths[c])) {
                // A name column under a heading like "项目支出" has text in it, not figures.
                if texty > numeric && named > 1 {
                    return ColRole::Name;
                }
                return ColRole::Value(k);
            }
            if words.contains(&HeaderWord::Name) {
                if numeric > texty && numeric > 0 {
                    return ColRole::Value(ColKey::Unknown);
                }
                return ColRole::Name;
            }
            if data.is_empty() {
                return ColRole::Skip;
            }
            if numeric * 2 >= data.len()
                && data
                    .iter()
                    .all(|t| code_digits(t).is_none_or(|d| d.len() < 3 || t.contains([',', '.'])))
            {
                ColRole::Value(ColKey::Unknown)
            } else if data.iter().all(|t| code_digits(t).is_some()) {
                ColRole::Code
            } else {
                ColRole::Name
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn multi_level_headers_map_to_keys() {
        use ColKey::*;
        let cases: &[(&[&str], Option<ColKey>)] = &[
            (&["项目", "2023年预算数", "合计"], Some(Total)),
            (&["2023年预算数", "基本支出"], Some(Basic)),
            (&["本年收入", "一般公共预算"], Some(GeneralBudget)),
            (&["本年收入", "财政专户管理资金"], Some(SpecialAccount)),
            (&["上年结转"], Some(Carryover)),
            (&["支出", "2023年合计"], Some(Total)),
            (&["支出", "当年预算安排"], Some(CurrentYear)),
            (&["财政拨款支出", "合计"], Some(Total)),
            (&["一般公共预算支出", "合计"], Some(Total)),
            (&["“三公”经费", "小计"], Some(ThreePublic)),
            (
                &["“三公”经费", "公务用车购置及运行维护费", "小计"],
                Some(Vehicles),
            ),
            (
                &[
                    "“三公”经费",
                    "公务用车购置及运行维护费",
                    "公务用车\n运行维护\n费",
                ],
                Some(VehicleOperation),
            ),
            (
                &["“三公”经费预算数", "公务用车购置及运行费", "购置费"],
                Some(VehiclePurchase),
            ),
            (&["机关运行经费预算数"], Some(OperatingCosts)),
            (&["合计"], Some(Total)),
            (&["会议费"], Some(Meeting)),
            (&["2023年预算数", "人员经费"], Some(Personnel)),
            (&["收入", "决算数"], Some(Total)),
            (&["本年收入合计"], Some(Total)),
            (&["本年收入"], Some(Income)),
            (&["本年收入", "合计"], Some(Total)),
            (&["本年支出", "合计"], Some(Total)),
            (&["财政拨款收入"], Some(FiscalGrant)),
            (&["事业单位经营收入"], Some(OperatingIncome)),
            (&["支出", "金额", "小计"], Some(Total)),
            (&["2023年财政拨款", "政府性基金预算"], Some(FundBudget)),
            (&["科目编码"], None),
            (&["功能分类科目名称"], None),
        ];
        for (path, key) in cases {
            assert_eq!(key_of_path(&p(path)), *key, "{path:?}");
        }
    }

    #[test]
    fn a_misread_group_total_heading_is_the_groups_total() {
        use ColKey::*;
        let paths = vec![
            p(&["项目", "经济分类科目名称"]),
            p(&["一般公共预算基本支出", "入计日"]),
            p(&["一般公共预算基本支出", "人员经费"]),
            p(&["一般公共预算基本支出", "公用经费"]),
            p(&["“三公”经费", "△口口"]),
            p(&["“三公”经费", "因公出国(境)费"]),
        ];
        assert_eq!(misread_group_total(&paths, 1), Some(Total));
        assert_eq!(misread_group_total(&paths, 4), Some(ThreePublic));
        // Readable headings, and a garbled heading that is not first in its group, keep theirs.
        assert_eq!(misread_group_total(&paths, 2), None);
        let later = vec![
            p(&["基本支出", "人员经费"]),
            p(&["基本支出", "△口口"]),
            p(&["基本支出", "公用经费"]),
        ];
        assert_eq!(misread_group_total(&later, 1), None);
    }

    #[test]
    fn a_header_key_with_one_misread_character() {
        use ColKey::*;
        assert_eq!(header_word("项耳支出"), HeaderWord::Key(Project));
        assert_eq!(header_word("基本支岀"), HeaderWord::Key(Basic));
        assert_eq!(header_word("人员经费"), HeaderWord::Key(Personnel));
        // Three-character keys must match exactly: 会议费 is not 培训费.
        assert_eq!(header_word("会训费"), HeaderWord::Nothing);
    }

    #[test]
    fn header_words() {
        assert_eq!(header_word("类"), HeaderWord::CodePart);
        assert_eq!(header_word("功能分类科目编码"), HeaderWord::Code);
        assert_eq!(header_word("项目名称"), HeaderWord::Name);
        assert_eq!(header_word("2023年"), HeaderWord::Generic);
    }

    #[test]
    fn totals_codes_and_numbering() {
        assert!(is_total_label("本年收入合计"));
        assert!(is_total_label("合 计"));
        assert!(!is_total_label("工资福利支出"));
        assert_eq!(code_digits("2080101").as_deref(), Some("2080101"));
        assert_eq!(code_digits("208 01"), Some("20801".into()));
        assert_eq!(code_digits("行政运行"), None);
        for (read, code) in [
            ("302Q1", "30201"),
            ("3Q211", "30211"),
            ("302,", "302"),
            ("301 08:", "30108"),
            ("20101O4", "2010104"),
        ] {
            assert_eq!(misread_code(read).as_deref(), Some(code), "{read}");
        }
        for read in ["30.1:", "201010F", "3021", "行政运行", "1.5"] {
            assert_eq!(misread_code(read), None, "{read}");
        }
        assert!(is_speckled_amount("18,330::37") && is_speckled_amount("363,38"));
        assert!(!is_speckled_amount("行政运行") && !is_speckled_amount("2080101"));
        assert!(is_amount("1,463.84"));
        assert!(!is_amount(""));
        assert!(!is_amount("-"));
    }
}
