//! The header rows of a form: label/value segments into the record's fields.

use std::collections::BTreeMap;

use crate::extract::vocab::{self, compact};
use crate::extract::{FormInput, SCell};
use crate::model::{FundKey, FundSet, Period, Record};
use crate::normalise::{self, MoneyUnit};

use super::labels::*;
use super::Ctx;

/// A header value's text. A value never ends with a colon (its label does), an enumeration
/// comma or a semicolon: on a scan one there is a speck beside the last character
/// ("…社会保障局：", "…社会保障局、").
pub(super) fn value_text(vals: &[&SCell]) -> Option<String> {
    vals.first().map(|c| {
        vocab::tidy(&c.text)
            .trim_end_matches([':', '：', '、', ',', '，', ';', '；'])
            .to_string()
    })
}

/// The header rows of a form into `r`: project fields, funds (in the unit settled once all
/// rows are read), goals, narrative and contact.
pub(super) fn read_header(
    _ctx: &Ctx<'_>,
    rows: &[(usize, Vec<SCell>)],
    fi: &FormInput,
    r: &mut Record,
) {
    let expanded: Vec<Vec<SCell>> = rows.iter().map(|(_, c)| expand_cells(c)).collect();
    let two_period = prints_midterm_total(&expanded);
    let mut h = HeaderRead::default();
    for (ri, cells) in expanded.iter().enumerate() {
        h.row(r, fi, rows, ri, cells, two_period);
    }
    set_funds(r, h.unit, h.fund_raw);
    if r.project.name.is_none() {
        r.project.name = fi.name_above.as_deref().map(vocab::tidy);
    }
}

/// A form is of two periods when a label of its header rows names the midterm 总额.
fn prints_midterm_total(expanded: &[Vec<SCell>]) -> bool {
    expanded.iter().any(|cells| {
        cells.iter().any(|c| {
            matches!(
                label_of(&c.text),
                Some(Lab::Fund(FundKey::Total, Some(Period::Midterm)))
            )
        })
    })
}

/// A fund label's cell and its amount's cell (if any), with the label's period.
type FundRaw<'c> = (Period, FundKey, &'c SCell, Option<&'c SCell>);

/// What reading the header rows carries from one row to the next: the fund unit, the fund
/// labels and amounts (read into amounts once the unit is known), goal labels awaiting their
/// texts.
#[derive(Default)]
struct HeaderRead<'c> {
    unit: Option<MoneyUnit>,
    unit_seen: bool,
    total_cols: Vec<(Period, usize)>,
    fund_raw: Vec<FundRaw<'c>>,
    pending_goals: Vec<(Period, usize)>,
    goals_open: bool,
}

impl<'c> HeaderRead<'c> {
    /// Reads one header row (`cells`, the `ri`th of `rows` with labels and values split) into
    /// `r`, keeping its fund labels for [`set_funds`].
    fn row(
        &mut self,
        r: &mut Record,
        fi: &FormInput,
        rows: &[(usize, Vec<SCell>)],
        ri: usize,
        cells: &'c [SCell],
        two_period: bool,
    ) {
        let sg = segments(cells);
        // Orphan cells before any label: a unit line "(万元)" or goal texts under their labels.
        if !sg.pre.is_empty() {
            let joined = compact(&sg.pre.iter().map(|c| c.text.as_str()).collect::<String>());
            if self.unit_seen && self.unit.is_none() && joined.contains("万元") {
                self.unit = Some(MoneyUnit::Wan);
            } else if self.goals_open {
                assign_goals(r, &mut self.pending_goals, &sg.pre);
            }
        }
        let mut fund_segs: Vec<(FundKey, Option<Period>, &SCell, Option<&SCell>)> = Vec::new();
        for (lab, lc, vals) in &sg.segs {
            let v = value_text(vals);
            match lab {
                Lab::FundsUnit(u) => self.funds_unit(*u, rows.get(ri + 1)),
                Lab::Fund(k, p) => fund_segs.push((*k, *p, lc, vals.first().copied())),
                Lab::GoalsHead => {
                    self.goals_open = true;
                    if !vals.is_empty() {
                        assign_goals(r, &mut self.pending_goals, vals);
                    }
                }
                Lab::Goal(p, span) => {
                    self.goals_open = true;
                    if *p == Period::Midterm && span.is_some() {
                        r.goals.midterm_span = span.clone();
                    }
                    match v {
                        Some(t) if !t.is_empty() => set_goal(r, *p, t),
                        _ => self.pending_goals.push((*p, lc.col)),
                    }
                }
                Lab::Narr(k) => {
                    r.narrative.insert(k.to_string(), v.unwrap_or_default());
                }
                Lab::Contact(k) => set_contact(r, k, v),
                project => set_project_field(r, fi, project, v),
            }
        }
        // Which period each fund label of this row belongs to.
        let n = fund_segs.len();
        for (i, (k, p, lc, vc)) in fund_segs.into_iter().enumerate() {
            let period =
                p.unwrap_or_else(|| fund_period(two_period, (i, n), lc.col, &self.total_cols));
            if k == FundKey::Total {
                self.total_cols.push((period, lc.col));
            }
            self.fund_raw.push((period, k, lc, vc));
        }
    }

    /// The 项目资金 label's unit `u`; when it prints none, the unit the next row starts with.
    fn funds_unit(&mut self, u: Option<MoneyUnit>, next_row: Option<&(usize, Vec<SCell>)>) {
        self.unit_seen = true;
        self.unit = self.unit.or(u);
        if u.is_none() {
            // "项目资金" with its unit on the next row "(万元)".
            if let Some((_, next)) = next_row {
                let t: String = next.iter().map(|c| compact(&c.text)).collect();
                if t.starts_with("(万元)") {
                    self.unit = Some(MoneyUnit::Wan);
                } else if t.starts_with("(元)") {
                    self.unit = Some(MoneyUnit::Yuan);
                }
            }
        }
    }
}

/// A project field's label and its value `v` into `r.project` (the name falls back to the
/// name printed above the form); labels of funds, goals, narrative and contact are read by
/// [`HeaderRead::row`].
fn set_project_field(r: &mut Record, fi: &FormInput, lab: &Lab, v: Option<String>) {
    match lab {
        Lab::Name => {
            r.project.name = v.or_else(|| fi.name_above.as_deref().map(vocab::tidy));
        }
        Lab::Dept => {
            let (code, name) = split_department(&v.unwrap_or_default());
            r.project.department_code = code;
            r.project.department = Some(name);
        }
        Lab::Impl => r.project.implementer = Some(v.unwrap_or_default()),
        Lab::Attr => r.project.attribute = Some(v.unwrap_or_default()),
        Lab::Origin => r.project.origin = Some(v.unwrap_or_default()),
        Lab::Term => r.project.term = Some(v.unwrap_or_default()),
        Lab::Category => r.project.category = Some(v.unwrap_or_default()),
        Lab::Start => r.project.start_date = v.map(|t| normalise::iso_date(&t).unwrap_or(t)),
        Lab::End => r.project.end_date = v.map(|t| normalise::iso_date(&t).unwrap_or(t)),
        Lab::FundsUnit(_)
        | Lab::Fund(..)
        | Lab::GoalsHead
        | Lab::Goal(..)
        | Lab::Narr(_)
        | Lab::Contact(_) => {}
    }
}

/// The fund amounts into `r.funds` by period (the first amount of each key and period), in
/// the unit [`fund_unit`] settles from the one `read` and the amounts' shape.
fn set_funds(r: &mut Record, read: Option<MoneyUnit>, fund_raw: Vec<FundRaw<'_>>) {
    let mut mid: FundSet = BTreeMap::new();
    let mut ann: FundSet = BTreeMap::new();
    let raws: Vec<&str> = fund_raw
        .iter()
        .filter_map(|(_, _, _, vc)| vc.map(|c| c.text.as_str()))
        .collect();
    let (unit, why) = fund_unit(read, &raws);
    if let Some(why) = why.filter(|_| !fund_raw.is_empty()) {
        r.warnings.push(format!("funds: {why}"));
    }
    r.funds.declared_unit = Some(
        match unit {
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yuan => "元",
        }
        .to_string(),
    );
    for (period, k, _lc, vc) in fund_raw {
        let set = if period == Period::Midterm {
            &mut mid
        } else {
            &mut ann
        };
        if set.contains_key(&k) {
            continue;
        }
        let raw = vc.map(|c| c.text.as_str()).unwrap_or("");
        let v = fund_amount(
            raw,
            unit,
            &format!("funds.{}.{}", period.as_str(), k.as_str()),
            &mut r.warnings,
        );
        set.insert(k, v);
    }
    if !mid.is_empty() {
        r.funds.midterm = Some(mid);
    }
    if !ann.is_empty() {
        r.funds.annual = Some(ann);
    }
}

/// The unit the fund amounts are in: the one read from the 项目资金 label, checked against the
/// amounts' shape, with why when it is not simply the one read.
/// - Not read (a speck in "项目资金(元)"): amounts in 元 are whole numbers of six digits or more
///   ("1,260,000"); amounts in 万元 carry decimals ("456.80") and stay under 100,000 (a billion
///   yuan). Taking a 元 form for 万元 multiplies every amount by 10,000, so 元 is taken when no
///   amount has a decimal point and the largest is at least 100,000; 万元, the commoner unit of
///   these forms, otherwise.
/// - Read as 元 while the amounts have cents and are all under 10,000: a 万 lost from a
///   thin-stroked label ("项目资金()元)" on a bilevel copy; "456.80" 万元 had become 456.80 元).
///   Project funds in 元 of that shape are not what these forms print: 万元.
pub(super) fn fund_unit(
    read: Option<MoneyUnit>,
    raws: &[&str],
) -> (MoneyUnit, Option<&'static str>) {
    match read {
        None => match unit_from_amounts(raws.iter().copied()) {
            MoneyUnit::Yuan => (
                MoneyUnit::Yuan,
                Some("unit not printed or not read, taken as 元 from the amounts (whole numbers, the largest over 100,000)"),
            ),
            MoneyUnit::Wan => (MoneyUnit::Wan, Some("unit not printed or not read, assumed 万元")),
        },
        Some(MoneyUnit::Yuan) if amounts_look_wan(raws.iter().copied()) => (
            MoneyUnit::Wan,
            Some("the unit reads 元 but the amounts are 万元 amounts (cents, all under 10,000), taken as 万元"),
        ),
        Some(u) => (u, None),
    }
}

/// A fund cell's printed amount as (integer part, has a point, has cents other than ".00"), when
/// it is digits with thousands commas and at most a point; `None` for other text. The integer
/// part is `None` when it does not parse (".5").
fn amount_shape(raw: &str) -> Option<(Option<u64>, bool, bool)> {
    let c: String = compact(raw).chars().filter(|&ch| ch != ',').collect();
    if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_digit() || ch == '.') {
        return None;
    }
    let (int, frac) = c.split_once('.').unwrap_or((&c, ""));
    Some((
        int.parse().ok(),
        c.contains('.'),
        frac.chars().any(|ch| ch != '0'),
    ))
}

/// [`fund_unit`]'s guess for a unit not read.
pub(super) fn unit_from_amounts<'a>(raws: impl Iterator<Item = &'a str>) -> MoneyUnit {
    let mut largest = 0u64;
    for (int, point, _) in raws.filter_map(amount_shape) {
        if point {
            return MoneyUnit::Wan;
        }
        largest = largest.max(int.unwrap_or(0));
    }
    if largest >= 100_000 {
        MoneyUnit::Yuan
    } else {
        MoneyUnit::Wan
    }
}

/// Fund amounts shaped as 万元 amounts: every one under 10,000 and at least one with cents that
/// are not ".00" ("456.80", "12.30").
pub(super) fn amounts_look_wan<'a>(raws: impl Iterator<Item = &'a str>) -> bool {
    let mut cents = false;
    for (int, _, c) in raws.filter_map(amount_shape) {
        if int.is_none_or(|n| n >= 10_000) {
            return false;
        }
        cents |= c;
    }
    cents
}

/// The period of a fund label printed without one: the annual column on a single-period form;
/// on a two-period form the first of a row's labels is the midterm and the others annual, and a
/// label alone in its row takes the period of the nearest 总额 column above it.
pub(super) fn fund_period(
    two_period: bool,
    (i, n): (usize, usize),
    col: usize,
    total_cols: &[(Period, usize)],
) -> Period {
    if !two_period {
        Period::Annual
    } else if n >= 2 {
        if i == 0 {
            Period::Midterm
        } else {
            Period::Annual
        }
    } else {
        total_cols
            .iter()
            .min_by_key(|(_, c)| c.abs_diff(col))
            .map(|(p, _)| *p)
            .unwrap_or(Period::Midterm)
    }
}

/// A fund cell's amount in `unit`; text that is no amount as read is repaired where a scan's
/// misreading is unambiguous (a comma or colon for the point, specks read as signs), with a
/// warning naming `field`, and left `None` with an "unparseable amount" warning otherwise.
pub(super) fn fund_amount(
    raw: &str,
    unit: MoneyUnit,
    field: &str,
    warnings: &mut Vec<String>,
) -> Option<crate::normalise::Num> {
    match amount(raw, unit) {
        Ok(v) => v,
        Err(_) => {
            let repaired = misread_point(raw)
                .map(|f| (f, "its last comma or colon taken for a decimal point"))
                .or_else(|| speckled_amount(raw))
                .or_else(|| crate::normalise::speckled_amount(raw));
            match repaired.and_then(|(f, why)| Some((amount(&f, unit).ok().flatten()?, why))) {
                Some((n, why)) => {
                    warnings.push(format!(
                        "{field}: {raw:?} read as {} ({why})",
                        n.0.normalize()
                    ));
                    Some(n)
                }
                None => {
                    warnings.push(format!("{field}: unparseable amount {raw:?}"));
                    None
                }
            }
        }
    }
}

/// A fund cell in yuan; a unit printed in the cell ("850万元", "21 万") overrides the declared one.
pub(super) fn amount(raw: &str, unit: MoneyUnit) -> Result<Option<crate::normalise::Num>, String> {
    let c = compact(raw);
    let (num, u) = if let Some(n) = c.strip_suffix("万元").or_else(|| c.strip_suffix('万')) {
        (n, MoneyUnit::Wan)
    } else if let Some(n) = c.strip_suffix('元') {
        (n, MoneyUnit::Yuan)
    } else {
        (c.as_str(), unit)
    };
    normalise::parse_amount(num, u)
}

/// "4,563,800,00" / "7595500,00" / "31:79": OCR reads the decimal point of a printed amount as a
/// comma, or a speck beside it makes it a colon.
/// Thousands groups have three digits, so a last group of exactly two after a comma, with no
/// point anywhere, can only be the decimals. The amount with that comma made a point.
pub(super) fn misread_point(raw: &str) -> Option<String> {
    let c = compact(raw);
    if c.contains('.') {
        return None;
    }
    // A comma for the point is a locale's habit; a colon or semicolon is a speck beside the
    // point on a scan ("31:79", "0:00").
    let i = c.rfind([',', ':', ';'])?;
    let tail = &c[i + 1..];
    let cents = tail.chars().take_while(char::is_ascii_digit).count();
    let before = c[..i].ends_with(|ch: char| ch.is_ascii_digit()) && !c[..i].contains([':', ';']);
    (cents == 2 && before).then(|| format!("{}.{}", &c[..i], tail))
}

/// "5.00.-" / "5.0.0": specks read as signs after an amount's last digit or as a second point
/// between its digits. Signs after the last digit are dropped (a unit is stripped before this).
/// Of two or more points the one that leaves two decimals, as fund amounts are printed, is
/// the point and the others are specks; when no single point does, the amount stays
/// unreadable (and is flagged) rather than guessed. Returns the amount and why it was read so.
pub(super) fn speckled_amount(raw: &str) -> Option<(String, &'static str)> {
    let c = compact(raw);
    let body = c.trim_end_matches(['.', '-', '_', '·', ',', '\'', '`', '~', '一']);
    let stripped = body.len() < c.len();
    let points: Vec<usize> = body.match_indices('.').map(|(i, _)| i).collect();
    let ok = |t: &str| {
        t.starts_with(|ch: char| ch.is_ascii_digit())
            && t.chars()
                .all(|ch| ch.is_ascii_digit() || ch == ',' || ch == '.')
    };
    if !ok(body) {
        return None;
    }
    if points.len() <= 1 {
        return stripped.then(|| {
            (
                body.to_string(),
                "signs after its last digit taken for specks",
            )
        });
    }
    let two_decimals: Vec<usize> = points
        .iter()
        .copied()
        .filter(|&i| body[i + 1..].chars().filter(char::is_ascii_digit).count() == 2)
        .collect();
    let [keep] = two_decimals[..] else {
        return None;
    };
    let fixed: String = body
        .char_indices()
        .filter(|&(i, ch)| ch != '.' || i == keep)
        .map(|(_, ch)| ch)
        .collect();
    Some((fixed, "a second point between its digits taken for a speck"))
}

fn set_goal(r: &mut Record, p: Period, t: String) {
    match p {
        Period::Midterm => r.goals.midterm = Some(t),
        Period::Annual => r.goals.annual = Some(t),
    }
}

fn assign_goals(r: &mut Record, pending: &mut Vec<(Period, usize)>, vals: &[&SCell]) {
    if pending.is_empty() {
        // No period labels seen: a single-period form's 总体目标 is the annual goal.
        if let Some(v) = vals.first() {
            set_goal(r, Period::Annual, vocab::tidy(&v.text));
        }
        return;
    }
    if vals.len() >= pending.len() {
        for (i, (p, _)) in pending.iter().enumerate() {
            set_goal(r, *p, vocab::tidy(&vals[i].text));
        }
    } else {
        for v in vals {
            if let Some((p, _)) = pending.iter().min_by_key(|(_, c)| c.abs_diff(v.col)) {
                set_goal(r, *p, vocab::tidy(&v.text));
            }
        }
    }
    pending.clear();
}

pub(super) fn set_contact(r: &mut Record, k: &str, v: Option<String>) {
    let v = v.unwrap_or_default();
    let v = if k == "filled_at" {
        normalise::compact_datetime(&v).unwrap_or(v)
    } else {
        v
    };
    r.contact.insert(k.to_string(), v);
}
