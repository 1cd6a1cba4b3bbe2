//! Indicator rows, read by the closed vocabulary of level names.

use crate::extract::vocab::{self, compact, LevelCell};
use crate::extract::SCell;
use crate::model::{Indicator, Period, Record};
use crate::normalise;

use super::header::{set_contact, value_text};
use super::labels::{expand_cells, segments, Lab};
use super::Ctx;

// ---------------------------------------------------------------------------------------------
// Indicators

#[derive(Debug, Clone, Default)]
struct Side {
    l1: Option<&'static str>,
    l2: Option<&'static str>,
    code: Option<String>,
}

#[derive(Debug, Clone)]
enum Tok<'a> {
    Level(LevelCell, &'a SCell),
    Text(&'a SCell),
}

struct Layout {
    two_period: bool,
    /// Header column of the midterm and annual 二级指标.
    mid_l2: usize,
    ann_l2: usize,
    /// (name col, value col) pairs seen on each side, for rows without level cells.
    mid_pairs: Vec<(usize, usize)>,
    ann_pairs: Vec<(usize, usize)>,
}

fn tokens(cells: &[SCell]) -> Vec<Tok<'_>> {
    cells
        .iter()
        .filter(|c| {
            let t = compact(&c.text);
            t != "绩效指标" && t != "名称" && !vocab::is_level_fragment(&c.text)
        })
        .map(|c| match vocab::level_cell(&c.text) {
            Some(l) => Tok::Level(l, c),
            None => Tok::Text(c),
        })
        .collect()
}

/// A row split into sides: levels and texts of each.
#[derive(Default)]
struct Split<'a> {
    mid_levels: Vec<LevelCell>,
    mid_texts: Vec<&'a SCell>,
    ann_levels: Vec<LevelCell>,
    ann_texts: Vec<&'a SCell>,
    has_levels: bool,
    /// The midterm levels printed in this row are the midterm side's own (its 三级 cell is
    /// empty), not levels printed once for both sides.
    mid_levels_own: bool,
}

fn l2_of(l: &LevelCell) -> Option<&'static str> {
    match l {
        LevelCell::L2 { name, .. } => Some(name),
        LevelCell::L1(_) => None,
    }
}

fn can_be_l1(l: &LevelCell) -> bool {
    match l {
        LevelCell::L1(_) => true,
        LevelCell::L2 { l1_capable, .. } => *l1_capable,
    }
}

/// Level cells (with their columns) and the texts printed after them.
type Run<'a> = (Vec<(LevelCell, usize)>, Vec<&'a SCell>);

fn split_row<'a>(toks: &[Tok<'a>], lay: &Layout) -> Split<'a> {
    let (pre, runs) = level_runs(toks);
    let mut sp = Split {
        has_levels: !runs.is_empty(),
        ..Split::default()
    };
    if lay.two_period {
        split_two_periods(toks, pre, runs, lay, &mut sp);
    } else {
        split_one_period(toks, pre, runs, &mut sp);
    }
    sp
}

/// A row's runs of level cells, each with the texts after it, and the texts before the first
/// run. A level name completed from a partial print, or repeating the level before it, with
/// one value after it is demoted to a name; a run left without levels joins the texts before it.
fn level_runs<'a>(toks: &[Tok<'a>]) -> (Vec<&'a SCell>, Vec<Run<'a>>) {
    // Runs of level cells, with the texts after each run.
    let mut runs: Vec<Run<'a>> = Vec::new();
    let mut pre: Vec<&'a SCell> = Vec::new();
    for t in toks {
        match t {
            Tok::Level(l, c) => {
                let new_run = runs
                    .last()
                    .map(|(_, texts)| !texts.is_empty())
                    .unwrap_or(true);
                if new_run {
                    runs.push((Vec::new(), Vec::new()));
                }
                if let Some(last) = runs.last_mut() {
                    last.0.push((l.clone(), c.col));
                }
            }
            Tok::Text(c) => match runs.last_mut() {
                Some(last) => last.1.push(c),
                None => pre.push(c),
            },
        }
    }
    // A level name completed from a partial print ("服务对象满意度"), or a repeat of the level
    // before it, followed by one value is the 三级 name of that value, not a level.
    for run in runs.iter_mut() {
        let n = run.0.len();
        let demote = match run.0.last() {
            Some((LevelCell::L2 { exact: false, .. }, _)) => true,
            Some((last, _)) if n >= 2 => {
                l2_of(last).is_some() && l2_of(last) == l2_of(&run.0[n - 2].0)
            }
            _ => false,
        };
        if demote && run.1.len() == 1 && vocab::looks_like_value(&run.1[0].text) {
            if let Some((_, col)) = run.0.pop() {
                if let Some(c) = toks.iter().find_map(|t| match t {
                    Tok::Level(_, c) if c.col == col => Some(*c),
                    _ => None,
                }) {
                    run.1.insert(0, c);
                }
            }
        }
    }
    // A run left without levels joins the texts before it.
    let mut merged: Vec<Run<'a>> = Vec::new();
    for run in runs {
        if run.0.is_empty() {
            match merged.last_mut() {
                Some(prev) => prev.1.extend(run.1),
                None => pre.extend(run.1),
            }
        } else {
            merged.push(run);
        }
    }
    (pre, merged)
}

/// One side (a single-period form): the first run holds the levels (一级 at most once, 二级
/// once); extra level cells are names.
fn split_one_period<'a>(
    toks: &[Tok<'a>],
    pre: Vec<&'a SCell>,
    runs: Vec<Run<'a>>,
    sp: &mut Split<'a>,
) {
    // One side: the first run holds the levels (一级 at most once, 二级 once); extra level
    // cells are names ("生态效益指标 | 生态效益指标 | 不适用": the second is the 三级).
    sp.ann_texts.extend(pre);
    for (i, (levels, texts)) in runs.into_iter().enumerate() {
        if i == 0 {
            let mut keep: Vec<LevelCell> = Vec::new();
            let mut extra: Vec<usize> = Vec::new();
            for (j, (l, _)) in levels.iter().enumerate() {
                let has_l2 = keep.iter().any(|k| l2_of(k).is_some());
                let ok = match l {
                    LevelCell::L1(_) => keep.is_empty(),
                    // A second 二级 only after one that can stand as 一级
                    // ("满意度指标 | 满意度指标": 一级 then 二级).
                    LevelCell::L2 { .. } => !has_l2 || (keep.len() == 1 && can_be_l1(&keep[0])),
                };
                if ok && keep.len() < 2 {
                    keep.push(l.clone());
                } else {
                    extra.push(j);
                }
            }
            // A doubled 二级 with only one text after it: the second copy is the name;
            // with a name and a value after it, it is a level printed twice.
            if texts.len() >= 2 {
                extra.clear();
            }
            if keep.len() == 2 && texts.len() <= 1 && extra.is_empty() {
                if let (Some(a), Some(b)) = (l2_of(&keep[0]), l2_of(&keep[1])) {
                    if a == b && vocab::level1(a).is_none() {
                        extra.push(1);
                        keep.truncate(1);
                    }
                }
            }
            let mut name_cells: Vec<&'a SCell> = Vec::new();
            for (j, (_, col)) in levels.iter().enumerate() {
                if extra.contains(&j) {
                    // Find the original cell by column among the row's tokens.
                    if let Some(c) = toks.iter().find_map(|t| match t {
                        Tok::Level(_, c) if c.col == *col => Some(*c),
                        _ => None,
                    }) {
                        name_cells.push(c);
                    }
                }
            }
            sp.ann_levels = keep;
            sp.ann_texts.extend(name_cells);
            sp.ann_texts.extend(texts);
        } else {
            level_cells_as_texts(toks, levels, &mut sp.ann_texts);
            sp.ann_texts.extend(texts);
        }
    }
}

/// Two sides: the runs of level cells and the texts divided between midterm and annual.
fn split_two_periods<'a>(
    toks: &[Tok<'a>],
    pre: Vec<&'a SCell>,
    mut runs: Vec<Run<'a>>,
    lay: &Layout,
    sp: &mut Split<'a>,
) {
    match runs.len() {
        0 => {
            sp.mid_texts = pre;
        }
        1 => {
            let (levels, texts) = runs.remove(0);
            sp.mid_texts = pre;
            let n = levels.len();
            let split_at = if n >= 3 {
                Some(n - 1)
            } else if n == 2 {
                let (a, b) = (&levels[0].0, &levels[1].0);
                if !can_be_l1(a) {
                    Some(1)
                } else if matches!(a, LevelCell::L1(_)) {
                    None
                } else if l2_of(a) == l2_of(b) {
                    // "满意度指标 | 满意度指标" / "成本指标 | 成本指标": 一级+二级 unless the second
                    // copy stands in the annual 二级 column.
                    let c = levels[1].1;
                    (c.abs_diff(lay.ann_l2) < c.abs_diff(lay.mid_l2)).then_some(1)
                } else {
                    Some(1)
                }
            } else {
                let c = levels[0].1;
                (c.abs_diff(lay.ann_l2) < c.abs_diff(lay.mid_l2)).then_some(0)
            };
            match split_at {
                Some(k) => {
                    sp.mid_levels = levels[..k].iter().map(|x| x.0.clone()).collect();
                    sp.ann_levels = levels[k..].iter().map(|x| x.0.clone()).collect();
                    sp.ann_texts = texts;
                }
                None => {
                    sp.mid_levels = levels.iter().map(|x| x.0.clone()).collect();
                    // A 二级 printed on the midterm side without a 三级 name, beside an annual
                    // indicator: with every level cell left of the annual 二级 column and the
                    // name at or right of it, the name and value are the annual side's (seed
                    // 004: the last 满意度 row of a 元 form went to the midterm side, which
                    // then had one indicator more than it prints; seeds 001-003 unchanged).
                    let levels_left = levels.iter().all(|(_, c)| *c < lay.ann_l2);
                    if texts.len() <= 2
                        && sp.mid_texts.is_empty()
                        && levels_left
                        && texts.first().is_some_and(|t| t.col >= lay.ann_l2)
                    {
                        sp.ann_texts = texts;
                        sp.mid_levels_own = true;
                    } else if texts.len() >= 4 && sp.mid_texts.is_empty() {
                        // Levels printed once, merged across both periods.
                        sp.mid_texts.extend(texts[..2].iter().copied());
                        sp.ann_texts = texts[2..].to_vec();
                    } else {
                        sp.mid_texts.extend(texts);
                    }
                }
            }
        }
        _ => {
            let mut it = runs.into_iter();
            if let Some((levels, texts)) = it.next() {
                sp.mid_texts = pre;
                sp.mid_levels = levels.into_iter().map(|x| x.0).collect();
                sp.mid_texts.extend(texts);
            }
            if let Some((levels, texts)) = it.next() {
                sp.ann_levels = levels.into_iter().map(|x| x.0).collect();
                sp.ann_texts = texts;
            }
            for (levels, texts) in it {
                level_cells_as_texts(toks, levels, &mut sp.ann_texts);
                sp.ann_texts.extend(texts);
            }
        }
    }
}

/// See the call: `texts` is one side's row with no level printed, `twin` the other side's
/// printed levels, `l2_col` this side's 二级 column.
fn twin_level(side: &mut Side, texts: &mut Vec<&SCell>, twin: &[LevelCell], l2_col: usize) {
    let Some(l2) = twin.iter().find(|l| l2_of(l).is_some()) else {
        return;
    };
    if texts.len() < 3 || side.l2 == l2_of(l2) {
        return;
    }
    let garbled = |t: &SCell| {
        t.col == l2_col
            && !vocab::looks_like_value(&t.text)
            && vocab::level_cell(&t.text).is_none()
            && t.text.chars().filter(|c| !c.is_whitespace()).count() <= 8
    };
    if let Some(k) = texts.iter().position(|t| garbled(t)) {
        texts.remove(k);
        apply_levels(side, std::slice::from_ref(l2));
    }
}

/// Applies a side's printed levels to its fill-down state.
fn apply_levels(side: &mut Side, levels: &[LevelCell]) {
    let mut printed_l1: Option<&'static str> = None;
    let mut printed_l2: Option<(&'static str, Option<String>)> = None;
    match levels {
        [] => return,
        [one] => match one {
            LevelCell::L1(l) => printed_l1 = Some(l),
            LevelCell::L2 { name, code, .. } => printed_l2 = Some((name, code.clone())),
        },
        [a, b, ..] => {
            printed_l1 = match a {
                LevelCell::L1(l) => Some(l),
                LevelCell::L2 { name, .. } => vocab::level1(name),
            };
            if let LevelCell::L2 { name, code, .. } = b {
                printed_l2 = Some((name, code.clone()));
            }
        }
    }
    match printed_l2 {
        Some((l2, code)) => {
            let parent = vocab::parent(l2);
            side.l1 = match (printed_l1, parent) {
                // 成本指标 is a 一级 only where printed as one.
                (Some("成本指标"), _) if l2 == "成本指标" => Some("成本指标"),
                (_, Some(p)) if l2 == "成本指标" => {
                    if side.l1 == Some("成本指标") && printed_l1.is_none() {
                        Some("成本指标")
                    } else {
                        Some(p)
                    }
                }
                (_, Some(p)) => Some(p),
                (l1, None) => l1.or(side.l1),
            };
            side.l2 = Some(l2);
            side.code = code;
        }
        None => {
            if let Some(l1) = printed_l1 {
                if side.l1 != Some(l1) {
                    side.l2 = None;
                    side.code = None;
                }
                side.l1 = Some(l1);
            }
        }
    }
}

#[derive(Default)]
struct Acc {
    list: Vec<Indicator>,
    /// Whether the last indicator came from the row just before (for wrapped names).
    last_row: Option<usize>,
    /// Indices (in `list`) of indicators whose value was split off their name cell.
    fused: Vec<usize>,
}

#[allow(clippy::too_many_arguments)]
fn push_indicator(
    ctx: &Ctx<'_>,
    acc: &mut Acc,
    period: Period,
    side: &Side,
    table: usize,
    name: Option<&SCell>,
    value: Option<&SCell>,
    row_no: usize,
) {
    let mut name_raw = name.map(|c| c.text.trim().to_string()).unwrap_or_default();
    let mut value_raw = value
        .map(|c| vocab::value_text(&c.text))
        .unwrap_or_default();
    if value_raw.is_empty() {
        // The exporter fused name and value into one cell and left the value cell empty.
        if let Some((n, v)) = vocab::split_fused_value(&name_raw) {
            name_raw = n;
            value_raw = v;
            acc.fused.push(acc.list.len());
        }
    }
    let at = name.or(value);
    acc.list.push(Indicator {
        period,
        level1: side.l1.map(String::from),
        level2: side.l2.map(String::from),
        level2_code: side.code.clone(),
        name: vocab::indicator_name(&name_raw),
        name_raw,
        value: normalise::parse_value(&value_raw),
        value_raw,
        cell: at.and_then(|c| ctx.cref(table, c)),
    });
    acc.last_row = Some(row_no);
}

/// Reads one side's texts into indicators (or continuations of the previous one).
#[allow(clippy::too_many_arguments)]
fn side_texts(
    ctx: &Ctx<'_>,
    acc: &mut Acc,
    period: Period,
    side: &Side,
    table: usize,
    texts: &[&SCell],
    had_levels: bool,
    row_no: usize,
) {
    match texts {
        [] => {}
        [one] => {
            let prev_adjacent = acc.last_row.is_some_and(|r| r + 1 == row_no);
            if !had_levels && prev_adjacent {
                if let Some(prev) = acc.list.last_mut() {
                    if vocab::looks_like_value(&one.text) && prev.value_raw.is_empty() {
                        prev.value_raw = vocab::value_text(&one.text);
                        prev.value = normalise::parse_value(&prev.value_raw);
                        acc.last_row = Some(row_no);
                        return;
                    }
                    if !vocab::looks_like_value(&one.text) && !prev.value_raw.is_empty() {
                        // A name wrapped onto the next row.
                        prev.name_raw.push_str(one.text.trim());
                        prev.name = vocab::indicator_name(&prev.name_raw);
                        acc.last_row = Some(row_no);
                        return;
                    }
                }
            }
            if vocab::looks_like_value(&one.text) && !had_levels {
                push_indicator(ctx, acc, period, side, table, None, Some(one), row_no);
            } else {
                push_indicator(ctx, acc, period, side, table, Some(one), None, row_no);
            }
        }
        [n, v, ..] => push_indicator(ctx, acc, period, side, table, Some(n), Some(v), row_no),
    }
}

/// The level cells at `levels`' columns, read as plain texts (a row's annual side where level
/// names are names, not levels).
fn level_cells_as_texts<'a, L>(
    toks: &[Tok<'a>],
    levels: impl IntoIterator<Item = (L, usize)>,
    out: &mut Vec<&'a SCell>,
) {
    for (_, col) in levels {
        if let Some(c) = toks.iter().find_map(|t| match t {
            Tok::Level(_, c) if c.col == col => Some(*c),
            _ => None,
        }) {
            out.push(c);
        }
    }
}

/// Level of each cell of a 绩效指标 header row: 1, 2 or 3 for 一级/二级/三级指标, `None` for
/// other cells. OCR easily confuses 一/二/三, so the printed order is trusted over the digit read:
/// the level header right after a 二级指标 is the 三级 one, the one right after 一级 the 二级.
pub(super) fn header_levels(cells: &[SCell]) -> Vec<Option<u8>> {
    let mut prev: Option<u8> = None;
    let mut levels: Vec<Option<u8>> = cells
        .iter()
        .map(|c| {
            let t = compact(&c.text);
            let lvl = t
                .find("级指标")
                .filter(|_| t.chars().count() <= 8)
                .map(|i| {
                    let read = match t[..i].chars().last() {
                        Some('一') => 1,
                        Some('二') => 2,
                        Some('三') => 3,
                        _ => 0,
                    };
                    match (prev, read) {
                        (Some(1), _) => 2,
                        (Some(2), _) => 3,
                        (_, 0) => 2,
                        (_, r) => r,
                    }
                });
            if lvl.is_some() || !t.is_empty() {
                prev = lvl;
            }
            lvl
        })
        .collect();
    // Three level headers side by side are 一级, 二级, 三级 whatever was read: a phone scan
    // read [级指标, 二级指标, 二级指标] (一 lost, 三 as 二).
    let mut i = 0;
    while i < levels.len() {
        let run = levels[i..].iter().take_while(|l| l.is_some()).count();
        if run == 3 {
            levels[i..i + 3].copy_from_slice(&[Some(1), Some(2), Some(3)]);
        }
        i += run.max(1);
    }
    levels
}

/// The indicator rows of a form (after its header row `hcells`) into `r.indicators`, contact
/// rows into `r.contact`. Steps: the layout from the header, the body rows, where names and
/// values stand on each side, then each row's levels and texts by side.
pub(super) fn read_indicators(
    ctx: &Ctx<'_>,
    hcells: &[SCell],
    rows: &[(usize, Vec<SCell>)],
    r: &mut Record,
) {
    let mut lay = layout_of(hcells);
    let two_period = lay.two_period;
    let body = body_rows(rows, r);
    if two_period {
        learn_pairs(&body, &mut lay);
    }
    let mut p = Periods::default();
    for (row_no, table, toks) in &body {
        let (row_no, table) = (*row_no, *table);
        let mut sp = split_row(toks, &lay);
        if !two_period {
            apply_levels(&mut p.ann_side, &sp.ann_levels);
            p.texts(
                ctx,
                Period::Annual,
                table,
                &sp.ann_texts,
                sp.has_levels,
                row_no,
            );
        } else if !sp.has_levels {
            p.texts_only_row(ctx, &lay, table, &sp.mid_texts, row_no);
        } else {
            p.levelled_row(ctx, &lay, table, &mut sp, row_no);
        }
    }
    p.into_record(r);
}

/// Both periods as a form is read: each side's current levels and its indicators so far.
#[derive(Default)]
struct Periods {
    mid_side: Side,
    ann_side: Side,
    mid: Acc,
    ann: Acc,
}

impl Periods {
    /// Reads texts of one row into `period`'s indicators, under that side's levels.
    fn texts(
        &mut self,
        ctx: &Ctx<'_>,
        period: Period,
        table: usize,
        texts: &[&SCell],
        had_levels: bool,
        row_no: usize,
    ) {
        let (acc, side) = match period {
            Period::Midterm => (&mut self.mid, &self.mid_side),
            Period::Annual => (&mut self.ann, &self.ann_side),
        };
        side_texts(ctx, acc, period, side, table, texts, had_levels, row_no);
    }

    /// Reads a row's midterm and annual texts, each side's under its levels.
    fn both_texts(
        &mut self,
        ctx: &Ctx<'_>,
        table: usize,
        mid: &[&SCell],
        ann: &[&SCell],
        row_no: usize,
    ) {
        self.texts(ctx, Period::Midterm, table, mid, true, row_no);
        self.texts(ctx, Period::Annual, table, ann, true, row_no);
    }

    /// A two-period row without level cells (all its texts in `texts`): one or two texts go
    /// to the side they stand on, more are split between the sides.
    fn texts_only_row(
        &mut self,
        ctx: &Ctx<'_>,
        lay: &Layout,
        table: usize,
        texts: &[&SCell],
        row_no: usize,
    ) {
        match texts.len() {
            0 => {}
            1 | 2 => {
                let period = side_of_texts(lay, texts, &self.mid.list, &self.mid_side);
                self.texts(ctx, period, table, texts, false, row_no);
            }
            n => {
                // Three texts are (name, value | name) or (name | name, value): a value in
                // second place, or a second cell left of the annual 二级 column, closes the
                // midterm pair. Four or more split evenly.
                let split = if n == 3
                    && !(vocab::looks_like_value(&texts[1].text) || texts[1].col < lay.ann_l2)
                {
                    1
                } else {
                    2
                };
                let (m, a) = texts.split_at(split);
                self.both_texts(ctx, table, m, a, row_no);
            }
        }
    }

    /// A two-period row with level cells: each side's levels (shared or printed once for
    /// both), a garbled 二级 taken from its twin, then each side's texts.
    fn levelled_row(
        &mut self,
        ctx: &Ctx<'_>,
        lay: &Layout,
        table: usize,
        sp: &mut Split<'_>,
        row_no: usize,
    ) {
        let (mid_side, ann_side) = (&mut self.mid_side, &mut self.ann_side);
        apply_levels(mid_side, &sp.mid_levels);
        if !sp.ann_levels.is_empty() {
            // The annual side shares a printed 一级 "成本指标" of the row.
            let shared_cost = mid_side.l1 == Some("成本指标") && sp.mid_levels.len() >= 2;
            apply_levels(ann_side, &sp.ann_levels);
            if shared_cost && ann_side.l2 == Some("成本指标") {
                ann_side.l1 = Some("成本指标");
            }
        } else if !sp.mid_levels.is_empty() && !sp.ann_texts.is_empty() && !sp.mid_levels_own {
            // Levels printed once for both sides (merged across the period columns).
            let before = ann_side.l2;
            apply_levels(ann_side, &sp.mid_levels);
            if ann_side.l2.is_none() {
                ann_side.l2 = before;
            }
        }
        // One side's 二级 cell read as garbage (a shadow or speckle over it: '“从') while the
        // other side prints its 二级 in the same row: the two periods print the same 二级 side
        // by side, so the twin's label is this side's too, and the garbage is no indicator's
        // text. Without it the label above was carried down over the rows (held-out photo
        // copy: 时效指标 rows read as 质量指标).
        if sp.mid_levels.is_empty() {
            twin_level(mid_side, &mut sp.mid_texts, &sp.ann_levels, lay.mid_l2);
        } else if sp.ann_levels.is_empty() {
            twin_level(ann_side, &mut sp.ann_texts, &sp.mid_levels, lay.ann_l2);
        }
        self.both_texts(ctx, table, &sp.mid_texts, &sp.ann_texts, row_no);
    }

    /// The indicators into `r`, midterm then annual, with a warning for every value split
    /// off its name cell.
    fn into_record(self, r: &mut Record) {
        let (mid, ann) = (self.mid, self.ann);
        // A reviewer sees every split (indicator numbers are 1-based over midterm then annual).
        let fused = mid
            .fused
            .iter()
            .copied()
            .chain(ann.fused.iter().map(|k| k + mid.list.len()));
        for k in fused {
            r.warnings.push(format!(
                "indicator {}: value split off its name cell",
                k + 1
            ));
        }
        r.indicators = mid.list;
        r.indicators.extend(ann.list);
    }
}

/// The header's level columns: one period or two, and where each side's 二级 column is.
fn layout_of(hcells: &[SCell]) -> Layout {
    let levels = header_levels(hcells);
    let l2_cols: Vec<usize> = hcells
        .iter()
        .zip(&levels)
        .filter(|(_, l)| **l == Some(2))
        .map(|(c, _)| c.col)
        .collect();
    let l3 = levels.iter().filter(|l| **l == Some(3)).count();
    let two_period = l3 >= 2 || l2_cols.len() >= 2;
    Layout {
        two_period,
        mid_l2: l2_cols.first().copied().unwrap_or(2),
        ann_l2: l2_cols.get(1).copied().unwrap_or(usize::MAX / 2),
        mid_pairs: Vec::new(),
        ann_pairs: Vec::new(),
    }
}

/// A body row: (index among the rows, table, tokens).
type BodyRow<'a> = (usize, usize, Vec<Tok<'a>>);

/// Body rows up to the footer; contact rows are read as labels into `r.contact`.
fn body_rows<'a>(rows: &'a [(usize, Vec<SCell>)], r: &mut Record) -> Vec<BodyRow<'a>> {
    let mut body: Vec<BodyRow<'a>> = Vec::new();
    for (i, (t, cells)) in rows.iter().enumerate() {
        let cells_x = expand_cells(cells);
        let sg = segments(&cells_x);
        if sg.segs.iter().any(|(l, _, _)| matches!(l, Lab::Contact(_))) {
            for (lab, _, vals) in &sg.segs {
                if let Lab::Contact(k) = lab {
                    set_contact(r, k, value_text(vals));
                }
            }
            continue;
        }
        body.push((i, *t, tokens(cells)));
    }
    body
}

/// Pass 1 of a two-period form: where names and values stand on each side, from rows that say
/// so (four texts and no level, or two texts beside a side's levels).
fn learn_pairs(body: &[BodyRow<'_>], lay: &mut Layout) {
    for (_, _, toks) in body {
        let sp = split_row(toks, lay);
        let texts_only = !sp.has_levels;
        if texts_only && sp.mid_texts.len() == 4 {
            lay.mid_pairs
                .push((sp.mid_texts[0].col, sp.mid_texts[1].col));
            lay.ann_pairs
                .push((sp.mid_texts[2].col, sp.mid_texts[3].col));
        } else if sp.has_levels {
            if sp.mid_texts.len() == 2 {
                lay.mid_pairs
                    .push((sp.mid_texts[0].col, sp.mid_texts[1].col));
            }
            if sp.ann_texts.len() == 2 {
                lay.ann_pairs
                    .push((sp.ann_texts[0].col, sp.ann_texts[1].col));
            }
        }
    }
}

/// The most frequent pair (the first of equally frequent ones).
fn modal(pairs: &[(usize, usize)]) -> Option<(usize, usize)> {
    let mut best: Option<((usize, usize), usize)> = None;
    for p in pairs {
        let n = pairs.iter().filter(|q| *q == p).count();
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((*p, n));
        }
    }
    best.map(|(p, _)| p)
}

/// The period of a row of one or two texts without level cells: the side whose known
/// (name, value) columns it matches, else an identical indicator already listed on the
/// midterm side sends it to the annual one, else the nearer side by the columns of both
/// cells (by the name's column for a lone text).
fn side_of_texts(lay: &Layout, texts: &[&SCell], mid: &[Indicator], mid_side: &Side) -> Period {
    if texts.len() == 2 {
        let pair = (texts[0].col, texts[1].col);
        let in_mid = lay.mid_pairs.contains(&pair);
        let in_ann = lay.ann_pairs.contains(&pair);
        if in_mid != in_ann {
            return if in_ann {
                Period::Annual
            } else {
                Period::Midterm
            };
        }
        let dup = mid.iter().any(|i| {
            i.level2.as_deref() == mid_side.l2
                && i.name_raw == texts[0].text.trim()
                && i.value_raw == texts[1].text.trim()
        });
        if dup {
            return Period::Annual;
        }
    }
    let c = texts[0].col;
    // A name and a value are placed by both columns, measured from each side's usual pair
    // (its most frequent (name, value) columns): the nearer side in sum, and on a tie the
    // side of the value's column. Seed 004: two last 满意度 rows of 元 forms, printed at the
    // midterm value and annual name columns, went to the midterm side by their name column
    // alone. Measured from every pair seen instead of the usual one, a shifted annual pair
    // seen once pulled two seed-001 rows a column right of the midterm pair to the annual
    // side (field_acc 1.0 -> 0.997).
    if let [n, v] = texts {
        if let (Some(m), Some(a)) = (modal(&lay.mid_pairs), modal(&lay.ann_pairs)) {
            let both = |p: (usize, usize)| p.0.abs_diff(n.col) + p.1.abs_diff(v.col);
            let value = |p: (usize, usize)| p.1.abs_diff(v.col);
            if both(a) != both(m) || value(a) != value(m) {
                return if both(a) < both(m) || (both(a) == both(m) && value(a) < value(m)) {
                    Period::Annual
                } else {
                    Period::Midterm
                };
            }
        }
    }
    let dm = lay.mid_pairs.iter().map(|p| p.0.abs_diff(c)).min();
    let da = lay.ann_pairs.iter().map(|p| p.0.abs_diff(c)).min();
    match (dm, da) {
        (Some(m), Some(a)) if a < m => Period::Annual,
        (Some(_), _) => Period::Midterm,
        (None, Some(_)) => Period::Annual,
        (None, None) => {
            if c.abs_diff(lay.ann_l2) < c.abs_diff(lay.mid_l2) {
                Period::Annual
            } else {
                Period::Midterm
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::label_tests::cells;
    use super::*;

    #[test]
    fn the_header_tells_one_period_from_two() {
        let one = layout_of(&cells(&["一级指标", "二级指标", "三级指标", "指标值"]));
        assert!(!one.two_period);
        assert_eq!(one.mid_l2, 1);
        let two = layout_of(&cells(&[
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
        ]));
        assert!(two.two_period);
        assert_eq!((two.mid_l2, two.ann_l2), (1, 5));
    }

    #[test]
    fn a_row_is_runs_of_levels_each_with_its_texts() {
        let row = cells(&[
            "说明",
            "产出指标",
            "数量指标",
            "培训人数",
            "100人",
            "质量指标",
            "合格率",
        ]);
        let toks = tokens(&row);
        let (pre, runs) = level_runs(&toks);
        assert_eq!(pre.iter().map(|c| c.col).collect::<Vec<_>>(), vec![0]);
        let shape: Vec<(Vec<usize>, Vec<usize>)> = runs
            .iter()
            .map(|(l, t)| {
                (
                    l.iter().map(|x| x.1).collect(),
                    t.iter().map(|c| c.col).collect(),
                )
            })
            .collect();
        assert_eq!(shape, vec![(vec![1, 2], vec![3, 4]), (vec![5], vec![6])]);
    }

    #[test]
    fn contact_rows_are_read_as_labels_not_body() {
        let rows = vec![
            (0, cells(&["产出指标", "数量指标", "培训人数", "100人"])),
            (0, cells(&["负责人", "张三", "联系电话", "12345"])),
        ];
        let mut r = Record::default();
        let body = body_rows(&rows, &mut r);
        assert_eq!(body.len(), 1);
        assert_eq!(body[0].0, 0);
        assert_eq!(r.contact.get("leader").map(String::as_str), Some("张三"));
        assert_eq!(r.contact.get("phone").map(String::as_str), Some("12345"));
    }
}
