#!/usr/bin/env python3
"""Generates samples/scan/: small scanned-style pages of FICTIONAL 项目支出绩效目标表 forms.

For every sample it writes
  NAME.pdf | NAME.png      the page(s): one JPEG per PDF page (CamScanner style: the whole page is
                           one DCTDecode image), or one PNG image
  NAME.expected.jsonl      the performance_target records jixiao must produce (output contract v1)
  NAME.cells.json          per-cell truth in the format of shared/dev/*.cells.json: grid row/col/
                           spans, text, bbox and corner quad in final page-image pixels, text lines

The generator draws the forms itself, so it knows the truth exactly; nothing here is copied from a
real or development document (departments, projects and amounts are invented; the city 云溪市 does
not exist). The layout families are those of the disclosures jixiao reads: two-period 申报表 in 万元,
single-period 目标表 with 上年结转 after numbered paragraphs, coded level names, and the 元 form with
funding-source rows, narrative rows and a contact footer.

The outputs are committed; run this only to regenerate them (`make samples`). Needs Pillow and
the Debian fonts fonts-noto-cjk and fonts-wqy-zenhei. Output is deterministic for a given Pillow
version and font build.

usage: python3 tools/make_samples.py [--out samples/scan] [--only NAME]
       python3 tools/make_samples.py --out DIR --font "AR PL UKai" [--body-pt 9] [--dpi 300]
         (held-out copies: every form clean, in another face and size, as one PDF each; the
          fonts-noto-cjk-extra and fonts-arphic-uming/ukai packages hold the extra faces)
"""
import argparse
import hashlib
import io
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONTS = {
    "Noto Sans CJK SC": [("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
                         ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2)],
    "WenQuanYi Zen Hei": [("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
                          ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)],
    # Faces the committed samples do not use, for held-out copies (--font; scripts/unseen-fonts.sh):
    # a Song (serif) face as most disclosures print, a Ming face with thin strokes, a Kai (brush) face.
    "Noto Serif CJK SC": [("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
                          ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2)],
    "AR PL UMing": [("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
                    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)],
    "AR PL UKai": [("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
                   ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0)],
}
A4_IN = (8.27, 11.69)
FIXED_DATE = time.gmtime(1740816000)  # 2025-03-01: fixed so the PDFs are reproducible


# ---------------------------------------------------------------- values (contract v1 `value`)

def q(op, number, unit, kind="quantity"):
    return {"op": op, "number": number, "unit": unit, "kind": kind}


def money(op, number, unit):
    return q(op, number, unit, "money")


def pct(op, number):
    return q(op, number, "%", "percent")


def date(op, d):
    return {"op": op, "date": d, "kind": "date"}


TEXT = {"kind": "text"}


def ind(name, raw, value, level2_code=None):
    d = {"name": name, "value_raw": raw, "value": value}
    if level2_code:
        d["level2_code"] = level2_code
    return d


# ---------------------------------------------------------------- grid description

@dataclass
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    role: str
    ind: int = None          # index into the record's indicators
    align: str = "center"    # center | left
    bold: bool = False


@dataclass
class Form:
    """One form: texts above the table, the table grid, and the record it stands for."""
    style: dict
    col_fracs: list
    cells: list
    record: dict
    above: list = field(default_factory=list)   # [(kind, text)] before title
    title: str = ""
    year_line: str = ""
    sign: tuple = None                           # (left text, right text) between year and table
    min_row_lines: int = 1


class Grid:
    def __init__(self):
        self.cells, self.row = [], 0

    def add(self, col, text, role, colspan=1, rowspan=1, **kw):
        self.cells.append(Cell(self.row, col, rowspan, colspan, text, role, **kw))

    def next(self, n=1):
        self.row += n


CANON_L2 = {"社会效益": "社会效益指标", "可持续影响": "可持续影响指标", "服务对象满意度": "服务对象满意度指标",
            "数量指标": "数量指标", "质量指标": "质量指标", "时效指标": "时效指标"}


def canon_level2(printed):
    s = printed
    if "-" in s and s.split("-", 1)[0].isdigit():
        s = s.split("-", 1)[1]
    s = s.split("（")[0].split("(")[0]
    return CANON_L2.get(s, s)


def finish_indicators(indicators):
    out = []
    for it in indicators:
        printed = it.pop("_level2_printed")
        d = {"period": it["period"], "level1": it["level1"], "level2": canon_level2(printed)}
        if "level2_code" in it:
            d["level2_code"] = it["level2_code"]
        d.update(name=it["name"], name_raw=it["name"], value_raw=it["value_raw"], value=it["value"])
        out.append(d)
    return out


def project(name, code, dept, impl, attribute=None, origin=None, term=None):
    return {"name": name, "department_code": code, "department": dept, "implementer": impl,
            "attribute": attribute, "origin": origin, "term": term, "category": None,
            "start_date": None, "end_date": None}


# ---------------------------------------------------------------- the samples' forms

def form_two_period(style):
    """Family a: 项目支出绩效目标申报表, 万元, 中期 and 年度 side by side; long enough to split."""
    g = Grid()
    cols = [0.11, 0.075, 0.10, 0.1975, 0.11, 0.10, 0.1975, 0.11]
    proj = project("公共服务类-社区养老驿站运营补助", "128", "云溪市民政局", "云溪市养老服务指导中心",
                   attribute="延续项目", term="3年")
    g.add(0, "项目名称", "label"); g.add(1, proj["name"], "project.name", colspan=7); g.next()
    g.add(0, "主管部门及代码", "label"); g.add(1, "[128]云溪市民政局", "project.department", colspan=3)
    g.add(4, "实施单位", "label", colspan=2); g.add(6, proj["implementer"], "project.implementer", colspan=2); g.next()
    g.add(0, "项目属性", "label"); g.add(1, "延续项目", "project.attribute", colspan=3)
    g.add(4, "项目期", "label", colspan=2); g.add(6, "3年", "project.term", colspan=2); g.next()
    g.add(0, "项目资金(万元)", "label", rowspan=3)
    rows = [("中期资金总额:", "456.80", "年度资金总额:", "152.30", "total"),
            ("其中:财政拨款", "420.00", "其中:财政拨款", "140.00", "fiscal"),
            ("其他资金", "36.80", "其他资金", "12.30", "other")]
    for ml, mv, al, av, key in rows:
        g.add(1, ml, "label", colspan=2); g.add(3, mv, f"funds.midterm.{key}")
        g.add(4, al, "label", colspan=2); g.add(6, av, f"funds.annual.{key}", colspan=2); g.next()
    goal_mid = ("通过项目实施,实现城区社区养老驿站全覆盖,为居家老年人提供助餐、助浴、助洁和日间照料服务,"
                "建立驿站运营评价和补助挂钩机制,逐步形成可持续的社区养老服务网络。")
    goal_ann = ("年内新增社区养老驿站8个,驿站覆盖社区数达到40个,开展助餐服务3.5万人次,"
                "服务规范达标率不低于95%,老年人满意度不低于90%。")
    g.add(0, "总体目标", "label", rowspan=2)
    g.add(1, "中期目标(2024年—2026年)", "label", colspan=4); g.add(5, "年度目标", "label", colspan=3); g.next()
    g.add(1, goal_mid, "goals.midterm", colspan=4, align="left")
    g.add(5, goal_ann, "goals.annual", colspan=3, align="left"); g.next()
    head = g.row
    g.add(1, "一级指标", "header"); g.add(2, "二级指标", "header"); g.add(3, "三级指标", "header")
    g.add(4, "指标值", "header"); g.add(5, "二级指标", "header"); g.add(6, "三级指标", "header")
    g.add(7, "指标值", "header"); g.next()
    mid = [
        ("产出指标", [
            ("数量指标", [ind("驿站覆盖社区数", "≥48个", q("≥", 48, "个")),
                         ind("新增社区养老驿站数", "≥16个", q("≥", 16, "个")),
                         ind("年度服务老年人人次", "≥12万人次", q("≥", 120000, "人次"))]),
            ("质量指标", [ind("服务规范达标率", "≥95%", pct("≥", 95)),
                         ind("安全责任事故发生次数", "0次", q("=", 0, "次"))]),
            ("时效指标", [ind("补助资金拨付及时率", "100%", pct("=", 100))]),
            ("成本指标", [ind("单个驿站年度运营补助", "≤3.2万元/个", money("≤", 32000, "元/个"))]),
        ]),
        ("效益指标", [
            ("经济效益指标", []),
            ("社会效益指标", [ind("老年人居家养老服务可及性", "明显提升", TEXT),
                            ind("失能老年人家庭照护负担", "有所减轻", TEXT)]),
            ("生态效益指标", []),
            ("可持续影响指标", [ind("社区养老服务长效运营机制建设", "逐步健全", TEXT)]),
        ]),
        ("满意度指标", [("服务对象满意度指标", [ind("服务老年人满意度", "≥90%", pct("≥", 90))])]),
    ]
    ann = [
        ("产出指标", [
            ("数量指标", [ind("驿站覆盖社区数", "≥40个", q("≥", 40, "个")),
                         ind("新增社区养老驿站数", "≥8个", q("≥", 8, "个")),
                         ind("助餐服务人次", "≥3.5万人次", q("≥", 35000, "人次"))]),
            ("质量指标", [ind("服务规范达标率", "≥95%", pct("≥", 95)),
                         ind("安全责任事故发生次数", "0次", q("=", 0, "次"))]),
            ("时效指标", [ind("补助资金拨付时间", "2025年6月底前", date("≤", "2025-06-30"))]),
            ("成本指标", [ind("单个驿站年度运营补助", "≤3.2万元/个", money("≤", 32000, "元/个"))]),
        ]),
        ("效益指标", [
            ("经济效益指标", []),
            ("社会效益指标", [ind("老年人居家养老服务可及性", "明显提升", TEXT),
                            ind("失能老年人家庭照护负担", "有所减轻", TEXT)]),
            ("生态效益指标", []),
            ("可持续影响指标", [ind("社区养老服务长效运营机制建设", "逐步健全", TEXT)]),
        ]),
        ("满意度指标", [("服务对象满意度指标", [ind("服务老年人满意度", "≥90%", pct("≥", 90))])]),
    ]
    # Both periods share rows: pad each 二级 group to the longer side, as the exporter does.
    for (l1m, gm), (l1a, ga) in zip(mid, ann):
        for i, ((l2m, im), (l2a, ia)) in enumerate(zip(gm, ga)):
            n = max(len(im), len(ia))
            gm[i] = (l2m, im + [None] * (n - len(im)))
            ga[i] = (l2a, ia + [None] * (n - len(ia)))
    indicators_mid, indicators_ann = [], []
    body = g.row
    _two_side(g, mid, (1, 2, 3, 4), indicators_mid, "midterm", 0)
    n_mid = len(indicators_mid)
    g.row = body
    _two_side(g, ann, (None, 5, 6, 7), indicators_ann, "annual", n_mid)
    g.cells.append(Cell(head, 0, g.row - head, 1, "绩效指标", "label"))
    rec = {
        "title": "项目支出绩效目标申报表", "fiscal_year": 2025, "project": proj,
        "funds": {"declared_unit": "万元",
                  "midterm": {"total": 4568000, "fiscal": 4200000, "other": 368000},
                  "annual": {"total": 1523000, "fiscal": 1400000, "other": 123000}},
        "goals": {"midterm": goal_mid, "annual": goal_ann, "midterm_span": "2024年—2026年"},
        "indicators": finish_indicators(indicators_mid + indicators_ann),
        "narrative": {}, "contact": {},
    }
    return Form(style, cols, g.cells, rec, title="项目支出绩效目标申报表", year_line="(2025年度)",
                sign=("项目负责人(签字):", "单位(盖章):"))


def _two_side(g, groups, cols, indicators, period, base):
    """One period's columns of a two-period form; None items are padding rows (empty cells)."""
    c1, l2c, nc, vc = cols
    for level1, l2groups in groups:
        n1 = sum(len(items) or 1 for _, items in l2groups)
        if c1 is not None:
            g.add(c1, level1, "ind.level1", rowspan=n1)
        for level2, items in l2groups:
            n = len(items) or 1
            g.add(l2c, level2, "ind.level2", rowspan=n)
            for it in (items or [None]):
                if it is None:
                    g.add(nc, "", "empty"); g.add(vc, "", "empty")
                else:
                    k = base + len(indicators)
                    indicators.append(dict(period=period, level1=level1, **it, _level2_printed=level2))
                    g.add(nc, it["name"], "ind.name", ind=k)
                    g.add(vc, it["value_raw"], "ind.value", ind=k)
                g.next()


def form_single_period(style):
    """Family b: numbered paragraphs, then 项目支出绩效目标表 with 上年结转, one period."""
    g = Grid()
    cols = [0.15, 0.17, 0.17, 0.29, 0.22]
    proj = project("公共文化惠民演出", "047", "云溪市青禾区文化和旅游局", "云溪市青禾区文化馆",
                   origin="本级申报项目", term="1年")
    g.add(0, "项目名称", "label"); g.add(1, proj["name"], "project.name", colspan=4); g.next()
    g.add(0, "主管部门及代码", "label"); g.add(1, "[047]云溪市青禾区文化和旅游局", "project.department", colspan=2)
    g.add(3, "实施单位", "label"); g.add(4, proj["implementer"], "project.implementer"); g.next()
    g.add(0, "项目来源", "label"); g.add(1, "本级申报项目", "project.origin", colspan=2)
    g.add(3, "项目期", "label"); g.add(4, "1年", "project.term"); g.next()
    g.add(0, "项目资金 (万元)", "label", rowspan=4)
    for label, v, key in [("年度资金总额:", "86.00", "total"), ("其中:财政拨款", "80.00", "fiscal"),
                          ("上年结转", "6.00", "carryover"), ("其他资金", "0.00", "other")]:
        g.add(1, label, "label"); g.add(2, v, f"funds.annual.{key}", colspan=3); g.next()
    goal = "全年组织公益演出进社区、进乡村不少于60场,丰富基层群众文化生活,提升公共文化服务覆盖面和群众参与度。"
    g.add(0, "年度目标", "label"); g.add(1, goal, "goals.annual", colspan=4, align="left"); g.next()
    head = g.row
    g.add(1, "一级指标", "header"); g.add(2, "二级指标", "header"); g.add(3, "三级指标", "header")
    g.add(4, "指标值", "header"); g.next()
    groups = [
        ("产出指标", [
            ("数量指标", [ind("公益演出场次", "≥60场", q("≥", 60, "场")),
                         ind("观演群众人次", "≥1.8万人次", q("≥", 18000, "人次"))]),
            ("质量指标", [ind("演出节目审查通过率", "100%", pct("=", 100))]),
            ("时效指标", [ind("演出任务完成时间", "2025年11月底前", date("≤", "2025-11-30"))]),
            ("成本指标", [ind("单场演出补助标准", "≤1.2万元/场", money("≤", 12000, "元/场"))]),
        ]),
        ("效益指标", [
            ("社会效益指标", [ind("基层群众文化获得感", "显著增强", TEXT)]),
            ("可持续影响指标", [ind("公共文化服务供给机制", "长期", TEXT)]),
        ]),
        ("满意度指标", [("满意度指标", [ind("观演群众满意度", "≥92%", pct("≥", 92))])]),
    ]
    indicators = []
    _two_side(g, groups, (1, 2, 3, 4), indicators, "annual", 0)
    g.cells.append(Cell(head, 0, g.row - head, 1, "绩效指标", "label"))
    paras = [("overview", "(1) 项目概述。", "以政府购买服务方式组织专业院团和群众文艺团队开展公益演出。"),
             ("basis", "(2) 立项依据。", "《云溪市青禾区公共文化服务保障实施办法》第九条。"),
             ("implementer_note", "(3) 实施主体。", "青禾区文化馆。"),
             ("dates", "(4) 起止时间。", "20250101-20251231。"),
             ("content", "(5) 项目内容。", "组织戏曲、歌舞、曲艺等公益演出进社区、进乡村、进学校。"),
             ("budget_note", "(6) 年度预算安排。", "86万元。")]
    above = [("dochead", "云溪市青禾区文化和旅游局"), ("dochead", "2025年部门项目及绩效目标情况"),
             ("heading", "1. 公共文化惠民演出项目")]
    above += [("para", head_ + body) for _, head_, body in paras]
    above.append(("para", "(7) 绩效目标。"))
    rec = {
        "title": "项目支出绩效目标表", "fiscal_year": 2025, "project": proj,
        "funds": {"declared_unit": "万元",
                  "annual": {"total": 860000, "fiscal": 800000, "carryover": 60000, "other": 0}},
        "goals": {"annual": goal},
        "indicators": finish_indicators(indicators),
        "narrative": {k: body for k, _, body in paras}, "contact": {},
    }
    return Form(style, cols, g.cells, rec, above=above, title="项目支出绩效目标表", year_line="(2025年度)")


def form_yuan(style):
    """元 form: funding-source rows, narrative rows, two periods, contact footer inside the table."""
    g = Grid()
    cols = [0.11, 0.08, 0.11, 0.195, 0.10, 0.11, 0.195, 0.10]
    proj = project("退役军人就业创业培训补助", "231", "云溪市退役军人事务局", "云溪市退役军人服务中心",
                   attribute="延续性项目(阶段开展)", term="2年")
    g.add(0, "项目名称", "label"); g.add(1, proj["name"], "project.name", colspan=7); g.next()
    g.add(0, "主管部门及代码", "label"); g.add(1, "231-云溪市退役军人事务局", "project.department", colspan=3)
    g.add(4, "实施单位", "label"); g.add(5, proj["implementer"], "project.implementer", colspan=3); g.next()
    g.add(0, "项目属性", "label"); g.add(1, proj["attribute"], "project.attribute", colspan=3)
    g.add(4, "项目期", "label"); g.add(5, "2年", "project.term", colspan=3); g.next()
    g.add(0, "项目资金 (元)", "label", rowspan=6)
    rows = [("实施期资金总额:", "1,260,000", "年度资金总额:", "630,000", "total"),
            ("其中:中央财政资金", "0", "其中:中央财政资金", "0", "central"),
            ("省级财政资金", "300,000", "省级财政资金", "150,000", "provincial"),
            ("市县(区)财政资金", "960,000", "市县(区)财政资金", "480,000", "local"),
            ("单位自筹", "0", "单位自筹", "0", "self_raised"),
            ("其他资金", "", "其他资金", "", "other")]
    for ml, mv, al, av, key in rows:
        g.add(1, ml, "label", colspan=2); g.add(3, mv, f"funds.midterm.{key}")
        g.add(4, al, "label", colspan=2); g.add(6, av, f"funds.annual.{key}", colspan=2); g.next()
    narrative = [("项目概况", "overview", "面向自主就业退役士兵开展职业技能和创业培训,按培训合格人数给予补助。"),
                 ("立项依据", "basis", "云溪市退役士兵教育培训实施细则(云退役发〔2023〕12号)。"),
                 ("项目设立必要性", "necessity", "提升退役士兵就业创业能力,促进退役士兵稳定就业。"),
                 ("保证项目实施的制度、措施", "safeguards", "培训机构公开遴选,补助按合格人数据实结算。"),
                 ("项目实施计划", "plan", "上半年完成机构遴选,下半年分三期组织培训并结算补助。")]
    for label, _, text in narrative:
        g.add(0, label, "label"); g.add(1, text, f"narrative.{_}", colspan=7, align="left"); g.next()
    goal = "完成退役士兵职业技能培训525人次,培训合格率不低于90%,培训后半年内就业率不低于80%。"
    goal_mid = "两年内完成退役士兵职业技能培训1050人次,建立稳定的培训机构名录和就业跟踪服务机制。"
    g.add(0, "总体目标", "label", rowspan=2)
    g.add(1, "实施期目标", "label", colspan=3); g.add(4, "年度目标", "label", colspan=4); g.next()
    g.add(1, goal_mid, "goals.midterm", colspan=3, align="left")
    g.add(4, goal, "goals.annual", colspan=4, align="left"); g.next()
    head = g.row
    for c, t in [(1, "一级指标"), (2, "二级指标"), (3, "三级指标"), (4, "指标值"), (5, "二级指标"),
                 (6, "三级指标"), (7, "指标值")]:
        g.add(c, t, "header")
    g.next()
    mid = [
        ("产出指标", [
            ("数量指标", [ind("职业技能培训人次", "1050人次", q("=", 1050, "人次"))]),
            ("质量指标", [ind("培训合格率", "≥90%", pct("≥", 90))]),
            ("时效指标", [ind("补助结算时限", "≤60天", q("≤", 60, "天"))]),
        ]),
        ("成本指标", [("经济成本指标", [ind("人均培训补助标准", "2400元/人", money("=", 2400, "元/人"))])]),
        ("效益指标", [("社会效益指标", [ind("培训后半年内就业率", "≥80%", pct("≥", 80))])]),
        ("满意度指标", [("服务对象满意度指标", [ind("参训退役士兵满意度", "≥95%", pct("≥", 95))])]),
    ]
    ann = [
        ("产出指标", [
            ("数量指标", [ind("职业技能培训人次", "525人次", q("=", 525, "人次"))]),
            ("质量指标", [ind("培训合格率", "≥90%", pct("≥", 90))]),
            ("时效指标", [ind("补助结算时限", "≤60天", q("≤", 60, "天"))]),
        ]),
        ("成本指标", [("经济成本指标", [ind("人均培训补助标准", "2400元/人", money("=", 2400, "元/人"))])]),
        ("效益指标", [("社会效益指标", [ind("培训后半年内就业率", "≥80%", pct("≥", 80))])]),
        ("满意度指标", [("服务对象满意度指标", [ind("参训退役士兵满意度", "≥95%", pct("≥", 95))])]),
    ]
    im, ia = [], []
    body = g.row
    _two_side(g, mid, (1, 2, 3, 4), im, "midterm", 0)
    g.row = body
    _two_side(g, ann, (None, 5, 6, 7), ia, "annual", len(im))
    g.cells.append(Cell(head, 0, g.row - head, 1, "绩效指标", "label"))
    for c, t, role in [(0, "负责人:", "label"), (1, "周立新", "contact.leader"), (2, "经办人:", "label"),
                       (3, "韩晓雯", "contact.handler"), (4, "联系电话:", "label"),
                       (5, "0771-5862034", "contact.phone"), (6, "填报日期:", "label"),
                       (7, "20241118093015", "contact.filled_at")]:
        g.add(c, t, role)
    g.next()
    rec = {
        "title": "云溪市市级预算部门(单位)项目支出绩效目标申报表", "fiscal_year": 2025, "project": proj,
        "funds": {"declared_unit": "元",
                  "midterm": {"total": 1260000, "central": 0, "provincial": 300000, "local": 960000,
                              "self_raised": 0, "other": None},
                  "annual": {"total": 630000, "central": 0, "provincial": 150000, "local": 480000,
                             "self_raised": 0, "other": None}},
        "goals": {"midterm": goal_mid, "annual": goal},
        "indicators": finish_indicators(im + ia),
        "narrative": {k: t for _, k, t in narrative},
        "contact": {"leader": "周立新", "handler": "韩晓雯", "phone": "0771-5862034",
                    "filled_at": "2024-11-18T09:30:15"},
    }
    return Form(style, cols, g.cells, rec, title=rec["title"], year_line="(2025年度)")


def form_coded(style):
    """Coded level names (11-数量指标, 22-社会效益) and a code-only department cell."""
    g = Grid()
    cols = [0.15, 0.14, 0.21, 0.32, 0.18]
    proj = project("基层劳动保障监察专项经费", "086012", "", "云溪市青禾区劳动保障监察大队",
                   attribute="0101-一年期项目", term="1年")
    g.add(0, "项目名称", "label"); g.add(1, proj["name"], "project.name", colspan=4); g.next()
    g.add(0, "主管部门及代码", "label"); g.add(1, "086012", "project.department", colspan=2)
    g.add(3, "实施单位", "label"); g.add(4, proj["implementer"], "project.implementer"); g.next()
    g.add(0, "项目属性", "label"); g.add(1, "0101-一年期项目", "project.attribute", colspan=2)
    g.add(3, "项目期", "label"); g.add(4, "1年", "project.term"); g.next()
    g.add(0, "项目资金 (万元)", "label", rowspan=3)
    for label, v, key in [("年度资金总额:", "24.5", "total"), ("其中:财政拨款", "24.5", "fiscal"),
                          ("其他资金", "0", "other")]:
        g.add(1, label, "label"); g.add(2, v, f"funds.annual.{key}", colspan=3); g.next()
    goal = "完成辖区用人单位劳动保障书面审查和日常巡查,及时处理劳动保障违法举报投诉,维护劳动者合法权益。"
    g.add(0, "年度总体目标", "label"); g.add(1, goal, "goals.annual", colspan=4, align="left"); g.next()
    head = g.row
    g.add(0, "名称", "header"); g.add(1, "一级指标", "header"); g.add(2, "二级指标", "header")
    g.add(3, "三级指标", "header"); g.add(4, "指标值", "header"); g.next()
    groups = [
        ("产出指标", [
            ("11-数量指标（必填硬性指标）", [ind("用人单位书面审查户数", "≥320户", q("≥", 320, "户"), "11"),
                                     ind("专项执法检查次数", "2次", q("=", 2, "次"), "11")]),
            ("12-质量指标", [ind("举报投诉案件按期结案率", "≥98%", pct("≥", 98), "12")]),
            ("13-时效指标", [ind("目标完成年度", "2025年", date("=", "2025"), "13")]),
            ("14-成本指标", [ind("执法文书印制费用", "1万元", money("=", 10000, "元"), "14")]),
        ]),
        ("效益指标", [
            ("22-社会效益", [ind("劳动者合法权益保障水平", "有效提升", TEXT, "22")]),
            ("24-可持续影响", [ind("用人单位守法用工意识", "明显提高", TEXT, "24")]),
        ]),
        ("满意度指标", [("31-服务对象满意度", [ind("投诉举报人满意度", "≥95%", pct("≥", 95), "31")])]),
    ]
    indicators = []
    body = g.row
    _two_side(g, groups, (1, 2, 3, 4), indicators, "annual", 0)
    g.cells.append(Cell(body, 0, g.row - body, 1, "绩效指标", "label"))
    rec = {
        "title": "部门项目支出预算绩效目标表", "fiscal_year": 2025, "project": proj,
        "funds": {"declared_unit": "万元", "annual": {"total": 245000, "fiscal": 245000, "other": 0}},
        "goals": {"annual": goal},
        "indicators": finish_indicators(indicators),
        "narrative": {}, "contact": {},
    }
    return Form(style, cols, g.cells, rec, title="部门项目支出预算绩效目标表", year_line="( 2025 年度)")


# ---------------------------------------------------------------- layout and drawing

class Fonts:
    def __init__(self, family, dpi, body_pt, title_pt):
        (reg, ri), (bold, bi) = FONTS[family]
        px = lambda pt: max(8, round(pt / 72 * dpi))
        self.body = ImageFont.truetype(reg, px(body_pt), index=ri)
        self.bold = ImageFont.truetype(bold, px(body_pt), index=bi)
        self.title = ImageFont.truetype(bold, px(title_pt), index=bi)
        self.sub = ImageFont.truetype(reg, px(body_pt + 1), index=ri)
        self.para = ImageFont.truetype(reg, px(body_pt + 1.5), index=ri)
        self.head = ImageFont.truetype(bold, px(body_pt + 4), index=bi)
        self.size = px(body_pt)


def wrap(text, font, width):
    """Greedy character wrap (Chinese has no spaces to break at)."""
    lines, cur = [], ""
    for ch in text:
        if cur and font.getlength(cur + ch) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def layout_rows(form, fonts, x0, width, lh, padx, pady):
    colx = [x0]
    for f in form.col_fracs:
        colx.append(colx[-1] + f * width)
    nrows = max(c.row + c.rowspan for c in form.cells)
    heights = [lh + 2 * pady] * nrows
    wrapped = {}
    for c in form.cells:
        w = colx[c.col + c.colspan] - colx[c.col] - 2 * padx
        font = fonts.bold if c.bold else fonts.body
        wrapped[id(c)] = wrap(c.text, font, w) if c.text else []
    for c in sorted(form.cells, key=lambda c: c.rowspan):
        need = len(wrapped[id(c)]) * lh + 2 * pady
        have = sum(heights[c.row:c.row + c.rowspan])
        if need > have:
            heights[c.row + c.rowspan - 1] += need - have
    return colx, heights, wrapped


def paginate(heights, y_start, y_limit, y_cont):
    """Row tops per page: [(page_index, y_top)], breaking before a row that would cross y_limit."""
    out, page, y = [], 0, y_start
    for h in heights:
        if y + h > y_limit and out and out[-1][0] == page:
            page, y = page + 1, y_cont
        out.append((page, y))
        y += h
    return out


@dataclass
class Page:
    img: Image.Image
    cells: list = field(default_factory=list)
    texts: list = field(default_factory=list)


def draw_text_line(draw, x, y, text, font, fill=(20, 20, 20)):
    draw.text((x, y), text, font=font, fill=fill)


def render_form(form, pages, rid, dpi, page_offset):
    """Draws `form` starting on a fresh page; appends Page objects; returns (page numbers)."""
    W, H = round(A4_IN[0] * dpi), round(A4_IN[1] * dpi)
    st = form.style
    fonts = Fonts(st["font"], dpi, st["body_pt"], st["title_pt"])
    lh = round(fonts.size * 1.38)
    padx, pady = round(fonts.size * 0.35), round(fonts.size * 0.32)
    ml, mt = round(0.6 * dpi), round(0.7 * dpi)
    width = W - 2 * ml
    colx, heights, wrapped = layout_rows(form, fonts, ml, width, lh, padx, pady)

    def new_page():
        img = Image.new("RGB", (W, H), (255, 255, 255))
        pages.append(Page(img))
        return pages[-1]

    page = new_page()
    draw = ImageDraw.Draw(page.img)
    y = mt

    def text_block(kind, text, font, align, gap=0.25):
        nonlocal y
        lines = wrap(text, font, width) if align == "left" else [text]
        lhh = round(font.size * 1.45)
        top = y
        lrecs = []
        for ln in lines:
            tw = font.getlength(ln)
            x = ml if align == "left" else ml + (width - tw) / 2
            draw_text_line(draw, x, y, ln, font)
            lrecs.append({"text": ln, "bbox": [x, y, x + tw, y + lhh]})
            y += lhh
        t = {"kind": kind, "form": None if kind == "dochead" else 1, "text": text,
             "bbox": [ml, top, ml + width, y], "lines": lrecs}
        if kind != "dochead":
            t["record_id"] = rid
        page.texts.append(t)
        y += round(font.size * gap)

    for kind, text in form.above:
        f = {"dochead": fonts.head, "heading": fonts.head, "para": fonts.para}[kind]
        text_block(kind, text, f, "center" if kind == "dochead" else "left")
    y += round(fonts.size * 0.4)
    text_block("title", form.title, fonts.title, "center", 0.2)
    text_block("year", form.year_line, fonts.sub, "center", 0.5)
    if form.sign:
        left, right = form.sign
        tw = fonts.body.getlength(right)
        draw_text_line(draw, ml + width * 0.03, y, left, fonts.body)
        draw_text_line(draw, ml + width * 0.97 - tw - fonts.size * 4, y, right, fonts.body)
        page.texts.append({"kind": "sign", "form": 1, "text": left, "record_id": rid, "lines": [],
                           "bbox": [ml + width * 0.03, y, ml + width * 0.03 + fonts.body.getlength(left), y + lh]})
        page.texts.append({"kind": "seal_line", "form": 1, "text": right, "record_id": rid, "lines": [],
                           "bbox": [ml + width * 0.97 - tw - fonts.size * 4, y,
                                    ml + width * 0.97 - fonts.size * 4, y + lh]})
        y += lh + round(fonts.size * 0.2)

    tops = paginate(heights, y, H - round(0.6 * dpi), round(0.55 * dpi))
    n_pages = tops[-1][0] + 1
    form_pages = [page] + [new_page() for _ in range(n_pages - 1)]
    lw = max(2, round(dpi / 110))
    for c in form.cells:
        rows = list(range(c.row, c.row + c.rowspan))
        segs = {}
        for r in rows:
            segs.setdefault(tops[r][0], []).append(r)
        seg_items = sorted(segs.items())
        for si, (pi, rs) in enumerate(seg_items):
            pg = form_pages[pi]
            d = ImageDraw.Draw(pg.img)
            x0, x1 = colx[c.col], colx[c.col + c.colspan]
            y0 = tops[rs[0]][1]
            y1 = tops[rs[-1]][1] + heights[rs[-1]]
            d.rectangle([x0, y0, x1, y1], outline=(25, 25, 25), width=lw)
            show = si == 0
            lines = wrapped[id(c)] if show else []
            font = fonts.bold if c.bold else fonts.body
            block = len(lines) * lh
            ty = y0 + (y1 - y0 - block) / 2
            lrecs = []
            for ln in lines:
                tw = font.getlength(ln)
                tx = x0 + padx if c.align == "left" else x0 + (x1 - x0 - tw) / 2
                d.text((tx, ty + (lh - fonts.size) / 2 - fonts.size * 0.12), ln, font=font, fill=(20, 20, 20))
                lrecs.append({"text": ln, "bbox": [tx, ty, tx + tw, ty + lh]})
                ty += lh
            rec = {"form": 1, "record_id": rid, "table": "form", "role": c.role,
                   "row": rs[0], "col": c.col, "rowspan": len(rs), "colspan": c.colspan,
                   "text": c.text if show else "", "bbox": [x0, y0, x1, y1], "lines": lrecs}
            if c.ind is not None:
                rec["ind"] = c.ind
            if len(seg_items) > 1:
                rec["split"] = {"row": c.row, "rowspan": c.rowspan}
                if not show:
                    rec["text_on_other_page"] = True
            pg.cells.append(rec)
    return [page_offset + i + 1 for i in range(n_pages)]


# ---------------------------------------------------------------- scan effects

def solve_h(src, dst):
    """Homography mapping 4 src points to 4 dst points (pure Python Gauss-Jordan)."""
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    n = 8
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(a[r][i]))
        a[i], a[p] = a[p], a[i]
        for r in range(n):
            if r != i:
                f = a[r][i] / a[i][i]
                a[r] = [x - f * y for x, y in zip(a[r], a[i])]
    h = [a[i][8] / a[i][i] for i in range(n)] + [1.0]
    return [h[0:3], h[3:6], h[6:9]]


def inv3(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    r = [[e * i - f * h, c * h - b * i, b * f - c * e],
         [f * g - d * i, a * i - c * g, c * d - a * f],
         [d * h - e * g, b * g - a * h, a * e - b * d]]
    return [[x / det for x in row] for row in r]


def apply_h(h, x, y):
    w = h[2][0] * x + h[2][1] * y + h[2][2]
    return ((h[0][0] * x + h[0][1] * y + h[0][2]) / w, (h[1][0] * x + h[1][1] * y + h[1][2]) / w)


def quad_of(h, b):
    x0, y0, x1, y1 = b
    return [list(apply_h(h, x, y)) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]


def hull(qd):
    xs, ys = [p[0] for p in qd], [p[1] for p in qd]
    return [min(xs), min(ys), max(xs), max(ys)]


def draw_seal(img, cx, cy, r, text, font_path, font_index):
    """A red round seal: ring, star, text around the top; multiplied onto the page like ink."""
    size = 2 * r + 8
    layer = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(layer)
    c = size / 2
    d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=max(3, r // 16))
    star = []
    for k in range(10):
        rr = r * (0.28 if k % 2 == 0 else 0.11)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    d.polygon(star, fill=255)
    fsz = round(r * 0.26)
    font = ImageFont.truetype(font_path, fsz, index=font_index)
    n = len(text)
    span = math.radians(220)
    for k, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * (k + 0.5) / n
        g = Image.new("L", (fsz * 2, fsz * 2), 0)
        ImageDraw.Draw(g).text((fsz * 0.5, fsz * 0.4), ch, font=font, fill=255)
        g = g.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        rr = r * 0.72
        layer.paste(255, (round(c + rr * math.cos(a) - fsz), round(c + rr * math.sin(a) - fsz)), g)
    layer = layer.filter(ImageFilter.GaussianBlur(0.8)).point(lambda v: int(v * 0.82))
    red = Image.new("RGB", (size, size), (214, 40, 46))
    box = (round(cx - c), round(cy - c))
    region = img.crop((box[0], box[1], box[0] + size, box[1] + size))
    inked = ImageChops.multiply(region, red)
    region.paste(inked, (0, 0), layer)
    img.paste(region, box)


def camscanner(page, skew_deg, persp, seal=None):
    """Warps the flat page like a phone photo flattened by the app, keeps the truth in step."""
    img = page.img
    W, H = img.size
    if seal:
        draw_seal(img, *seal)
    t = math.radians(skew_deg)
    cx, cy = W / 2, H / 2

    def rot(x, y):
        return (cx + (x - cx) * math.cos(t) - (y - cy) * math.sin(t),
                cy + (x - cx) * math.sin(t) + (y - cy) * math.cos(t))
    src = [(0, 0), (W, 0), (W, H), (0, H)]
    dst = [rot(x, y) for x, y in src]
    # Perspective: the top edge a little narrower than the bottom, as when the phone leans back.
    dst[0] = (dst[0][0] + persp * W, dst[0][1] + persp * 0.3 * H)
    dst[1] = (dst[1][0] - persp * W, dst[1][1] + persp * 0.3 * H)
    h = solve_h(src, dst)
    hi = inv3(h)
    coeffs = [hi[0][0], hi[0][1], hi[0][2], hi[1][0], hi[1][1], hi[1][2], hi[2][0], hi[2][1]]
    s = hi[2][2]
    coeffs = [v / s for v in coeffs]
    out = img.transform((W, H), Image.Transform.PERSPECTIVE, coeffs, resample=Image.BICUBIC,
                        fillcolor=(232, 232, 228))
    # Uneven light the app's enhance filter did not quite remove, and sensor noise.
    shade = Image.linear_gradient("L").resize((W, H)).point(lambda v: 255 - v // 14)
    out = Image.composite(out, Image.new("RGB", (W, H), (236, 234, 228)), shade)
    noise = Image.effect_noise((W, H), 9).convert("RGB")
    out = Image.blend(out, ImageChops.soft_light(out, noise), 0.08)
    page.img = out
    for c in page.cells + page.texts:
        c["quad"] = quad_of(h, c["bbox"])
        c["bbox"] = hull(c["quad"])
        for ln in c.get("lines", []):
            ln["quad"] = quad_of(h, ln["bbox"])
            ln["bbox"] = hull(ln["quad"])
    return h, [list(apply_h(h, x, y)) for x, y in src]


def watermark(page, dpi, font_path, font_index):
    img = page.img
    W, H = img.size
    d = ImageDraw.Draw(img)
    fs = round(dpi * 0.075)
    font = ImageFont.truetype(font_path, fs, index=font_index)
    text = "扫描全能王 创建"
    tw = font.getlength(text)
    x1, y1 = W - round(dpi * 0.28), H - round(dpi * 0.3)
    x0 = x1 - tw
    logo = fs * 1.15
    lx = x0 - logo - fs * 0.4
    d.rounded_rectangle([lx, y1 - logo, lx + logo, y1], radius=fs * 0.25, fill=(58, 186, 170))
    d.text((lx + logo * 0.14, y1 - logo * 0.86), "CS", font=ImageFont.truetype(font_path, round(fs * 0.62), index=font_index), fill=(255, 255, 255))
    d.text((x0, y1 - logo * 0.95), text, font=font, fill=(120, 120, 120))
    b = [lx, y1 - logo, x1, y1]
    page.texts.append({"kind": "watermark", "form": None, "text": text, "bbox": b,
                       "quad": [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]], "lines": []})


def identity_truth(page):
    for c in page.cells + page.texts:
        if "quad" not in c:
            c["quad"] = quad_of([[1, 0, 0], [0, 1, 0], [0, 0, 1]], c["bbox"])
        for ln in c.get("lines", []):
            ln.setdefault("quad", quad_of([[1, 0, 0], [0, 1, 0], [0, 0, 1]], ln["bbox"]))


def rounded(o):
    if isinstance(o, float):
        return round(o, 1)
    if isinstance(o, list):
        return [rounded(x) for x in o]
    if isinstance(o, dict):
        return {k: rounded(v) for k, v in o.items()}
    return o


# ---------------------------------------------------------------- samples

SAMPLES = [
    {"name": "a-two-period-split", "family": "two-period-wanyuan", "kind": "pdf", "form": form_two_period, "dpi": 160, "quality": 62,
     "style": {"font": "Noto Sans CJK SC", "body_pt": 10.5, "title_pt": 17}, "scan": None},
    {"name": "b-single-period-camscanner", "family": "single-period-carryover", "kind": "pdf", "form": form_single_period, "dpi": 180,
     "quality": 68, "style": {"font": "WenQuanYi Zen Hei", "body_pt": 10.5, "title_pt": 17},
     "scan": {"skew": 1.4, "persp": 0.006, "seal": "云溪市青禾区文化和旅游局"}},
    {"name": "c-yuan-form", "family": "yuan-funding-sources", "kind": "pdf", "form": form_yuan, "dpi": 200, "quality": 70,
     "style": {"font": "Noto Sans CJK SC", "body_pt": 9.0, "title_pt": 14}, "scan": None},
    {"name": "d-coded-levels", "family": "coded-levels", "kind": "png", "form": form_coded, "dpi": 150,
     "style": {"font": "WenQuanYi Zen Hei", "body_pt": 10.5, "title_pt": 16}, "scan": None},
]


def check_truth(form):
    """The printed cells and the expected record must agree; catches typos in the truth."""
    from decimal import Decimal
    r = form.record
    scale = Decimal(10000) if r["funds"]["declared_unit"] == "万元" else Decimal(1)
    for c in form.cells:
        if c.role.startswith("funds."):
            _, period, key = c.role.split(".")
            want = r["funds"][period][key]
            got = None if c.text == "" else int(Decimal(c.text.replace(",", "")) * scale)
            assert got == want, (c.role, c.text, want)
        if c.ind is not None:
            it = r["indicators"][c.ind]
            assert c.text == (it["name"] if c.role == "ind.name" else it["value_raw"]), (c.text, it)
    for period, fs in r["funds"].items():
        if isinstance(fs, dict) and "total" in fs:
            parts = sum(v or 0 for k, v in fs.items() if k != "total")
            assert parts == fs["total"], (period, fs)
    n_cells = {c.ind for c in form.cells if c.ind is not None}
    assert n_cells == set(range(len(r["indicators"]))), "every indicator printed once"


def make(sample, out_dir):
    name, dpi = sample["name"], sample["dpi"]
    form = sample["form"](sample["style"])
    check_truth(form)
    pages = []
    rid = "RID"
    page_nums = render_form(form, pages, rid, dpi, 0)
    meta_pages = []
    for i, pg in enumerate(pages):
        sc = sample["scan"]
        hmat = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        W, H = pg.img.size
        sheet = [[0.0, 0.0], [float(W), 0.0], [float(W), float(H)], [0.0, float(H)]]
        skew = 0.0
        if sc:
            seal = None
            if sc.get("seal"):
                path, idx = FONTS[sample["style"]["font"]][0]
                r = round(dpi * 0.78)
                # Over the lower right of the table, where a real seal lands on text.
                cells = [c for c in pg.cells if c["role"] == "ind.value"]
                last = max(cells, key=lambda c: c["bbox"][3])
                seal = (last["bbox"][0] - r * 0.2, last["bbox"][3] - r * 0.9, r, sc["seal"], path, idx)
            hmat, sheet = camscanner(pg, sc["skew"], sc["persp"], seal)
            skew = sc["skew"]
            path, idx = FONTS[sample["style"]["font"]][0]
            watermark(pg, dpi, path, idx)
        identity_truth(pg)
        meta_pages.append({"page": i + 1, "width": W, "height": H, "dpi": dpi, "H": hmat,
                           "sheet_quad": sheet, "skew_deg": skew,
                           "jpeg_quality": sample.get("quality"), "cells": pg.cells, "texts": pg.texts})

    ext = sample["kind"]
    path = os.path.join(out_dir, f"{name}.{ext}")
    buf = io.BytesIO()
    if ext == "pdf":
        imgs = [p.img.convert("RGB") for p in pages]
        imgs[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=imgs[1:],
                     quality=sample["quality"], title=name, producer="jixiao tools/make_samples.py",
                     creationDate=FIXED_DATE, modDate=FIXED_DATE)
    else:
        # A greyscale PNG with few levels, as a scanner's "document" mode saves it: small and sharp.
        pages[0].img.convert("L").quantize(16).save(buf, "PNG", optimize=True, dpi=(dpi, dpi))
    data = buf.getvalue()
    with open(path, "wb") as f:
        f.write(data)
    sha = hashlib.sha256(data).hexdigest()

    rel = f"samples/scan/{name}.{ext}"
    table_ids = [f"{sha[:8]}-p{p}-t1" for p in page_nums]
    rid = table_ids[0]
    for mp in meta_pages:
        for c in mp["cells"] + mp["texts"]:
            if c.get("record_id") == "RID":
                c["record_id"] = rid
    rec = {"kind": "performance_target", "id": rid,
           "source": {"path": rel, "sha256": sha, "pages": page_nums, "tables": table_ids}}
    r = form.record
    rec.update(title=r["title"], fiscal_year=r["fiscal_year"], project=r["project"], funds=r["funds"],
               goals=r["goals"], indicators=r["indicators"], narrative=r["narrative"],
               contact=r["contact"], warnings=[])
    with open(os.path.join(out_dir, f"{name}.expected.jsonl"), "w", encoding="utf-8") as f:
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    cells = {"pdf": f"{name}.{ext}", "sha256": sha, "style": "camscanner" if sample["scan"] else "clean",
             "dpi": dpi, "font": sample["style"]["font"], "generator": "tools/make_samples.py",
             "coords": "final page-image pixels (x right, y down); bbox=[x0,y0,x1,y1] axis-aligned hull "
                       "of quad; quad=cell corners TL,TR,BR,BL after skew/perspective; H maps the flat "
                       "rendered page to final px",
             "forms": [{"form": 1, "record_id": rid, "family": sample["family"], "pages": page_nums}],
             "pages": rounded(meta_pages)}
    for mp in cells["pages"]:
        mp["H"] = [[round(v, 9) for v in row] for row in next(
            m["H"] for m in meta_pages if m["page"] == mp["page"])]
    with open(os.path.join(out_dir, f"{name}.cells.json"), "w", encoding="utf-8") as f:
        json.dump(cells, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {len(pages)} page(s), {len(data) // 1024} KB, {len(r['indicators'])} indicators")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="samples/scan")
    ap.add_argument("--only")
    ap.add_argument("--font", help="draw every form in this face, clean, as a PDF")
    ap.add_argument("--body-pt", type=float, help="with --font: body size in points")
    ap.add_argument("--dpi", type=int, default=300, help="with --font: rendering resolution")
    a = ap.parse_args()
    used = [a.font] if a.font else ["Noto Sans CJK SC", "WenQuanYi Zen Hei"]
    for fam in used:
        if fam not in FONTS:
            sys.exit(f"unknown font {fam}: one of {', '.join(FONTS)}")
        for p, _ in FONTS[fam]:
            if not os.path.exists(p):
                sys.exit(f"missing font {p}: apt-get install fonts-noto-cjk fonts-noto-cjk-extra "
                         "fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai")
    os.makedirs(a.out, exist_ok=True)
    for s in SAMPLES:
        if a.only and s["name"] != a.only:
            continue
        if a.font:
            style = dict(s["style"], font=a.font)
            if a.body_pt:
                scale = a.body_pt / style["body_pt"]
                style.update(body_pt=a.body_pt, title_pt=round(style["title_pt"] * scale, 1))
            s = dict(s, kind="pdf", dpi=a.dpi, quality=90, scan=None, style=style)
        make(s, a.out)


if __name__ == "__main__":
    main()
