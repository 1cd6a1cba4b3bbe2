#!/usr/bin/env python3
"""Scores budget lines read from (degraded) scans against the lines of the same pages' text layer.

usage: score_budget.py GOLD_DIR PRED_DIR [--show=N] [--by-doc]

GOLD_DIR and PRED_DIR are jixiao output directories (budget_lines.jsonl, budget_tables.jsonl,
tables.jsonl). A predicted document is paired with the gold document whose file stem it equals or
starts with followed by "-" (NAME-photo.pdf ↔ NAME.pdf, as tools/degrade.py names its copies);
pages correspond 1:1.

- tables: a gold budget table (document, first page, table_kind) is found when the prediction has
  a table of the same kind in the same document on that page (its id's page or a line's page);
  `tables_wrong_kind` counts the gold tables not found where the page does hold a predicted
  budget table of another kind.
- lines: within each (document, table_kind, section), gold and predicted lines are taken in page
  and row order and aligned (order kept, a line matched at most once) on a similarity of name,
  code and amounts, so misread names and codes still pair up and a lost or split row does not
  shift the rest. A pair needs similarity ≥ 0.5.
- line_recall = matched gold lines / gold lines; line_precision = matched predicted lines /
  predicted lines (in paired documents); value_acc = gold amounts (non-null values) read exactly,
  under the same key, on the matched line / all gold amounts (a lost line's amounts count as
  wrong); name_acc and code_acc = matched lines whose name (NFKC, no spaces) / code is exact;
  line_exact = gold lines matched with the right name, code and every value (nulls included).

Prints one JSON object; --by-doc adds the same figures per document, --show=N prints the first N
mismatches (gold vs pred) to stderr. Standard library only; `python3 -m doctest -v
tools/score_budget.py` runs its tests.
"""
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher

THRESHOLD = 0.5


def load(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def stem(path):
    return os.path.basename(path).rsplit(".", 1)[0]


def table_page(table_id):
    """The page in a table id.

    >>> table_page("d34562c6-p12-t3")
    12
    """
    m = re.search(r"-p(\d+)-t\d+$", table_id)
    return int(m.group(1)) if m else None


def norm(s):
    """A name as compared: NFKC (full-width forms folded), no whitespace.

    >>> norm(" 一、财政拨款（补助） ")
    '一、财政拨款(补助)'
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def same_amount(a, b):
    """Equal amounts (yuan; a float's rounding ignored), or both null.

    >>> same_amount(132971100, 132971100.0), same_amount(1.0, 1.5), same_amount(None, 0)
    (True, False, False)
    """
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 0.005


def line_page(line):
    pages = [c.get("page") for c in (line.get("cell") or {}).values() if c and c.get("page")]
    return min(pages) if pages else (table_page(line.get("table", "")) or 0)


def similarity(g, p):
    """How alike a gold and a predicted line are, 0..1: name, code and amounts, each weighed
    when the gold line has it.

    >>> g = {"name": "一、财政拨款", "code": None, "values": {"total": 100}}
    >>> similarity(g, {"name": "一、财政拨款", "code": None, "values": {"total": 100}})
    1.0
    >>> round(similarity(g, {"name": "一、财政拔款", "code": None, "values": {"total": 700}}), 2)
    0.83
    >>> similarity(g, {"name": "二、事业收入", "code": None, "values": {"total": 5}}) < 0.5
    True
    """
    parts = []
    gn, pn = norm(g.get("name")), norm(p.get("name"))
    if gn or pn:
        parts.append((2.0, SequenceMatcher(None, gn, pn).ratio() if gn and pn else 0.0))
    gc, pc = g.get("code") or "", p.get("code") or ""
    if gc or pc:
        parts.append((1.5, SequenceMatcher(None, gc, pc).ratio() if gc and pc else 0.0))
    gv = {k: v for k, v in (g.get("values") or {}).items() if v is not None}
    pv = p.get("values") or {}
    if gv:
        amount = lambda v: f"{float(v):.2f}"
        got = 0.0
        for k, v in gv.items():
            if same_amount(v, pv.get(k)):
                got += 1.0
            elif any(same_amount(v, x) for x in pv.values() if x is not None):
                got += 0.8  # read right under another key: still the same row
            elif pv.get(k) is not None:
                got += SequenceMatcher(None, amount(v), amount(pv[k])).ratio()  # a misread digit
        parts.append((2.0, got / len(gv)))
    if not parts:
        return 0.0
    return sum(w * s for w, s in parts) / sum(w for w, _ in parts)


def align(gold, pred, threshold=THRESHOLD):
    """Order-keeping alignment of two line lists maximising the summed similarity of the pairs
    (each ≥ threshold). Returns [(gold index, pred index)].

    >>> L = lambda n, v: {"name": n, "code": None, "values": {"total": v}}
    >>> align([L("合计", 9), L("工资福利支出", 5), L("商品和服务支出", 4)],
    ...       [L("合计", 9), L("商品和服务支出", 4)])
    [(0, 0), (2, 1)]
    >>> align([L("甲", 1), L("乙", 2)], [L("丙", 7), L("甲", 1), L("乙", 2)])
    [(0, 1), (1, 2)]
    """
    n, m = len(gold), len(pred)
    sim = [[similarity(g, p) for p in pred] for g in gold]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            b = max(best[i + 1][j], best[i][j + 1])
            if sim[i][j] >= threshold:
                b = max(b, sim[i][j] + best[i + 1][j + 1])
            best[i][j] = b
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if sim[i][j] >= threshold and abs(best[i][j] - (sim[i][j] + best[i + 1][j + 1])) < 1e-9:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif abs(best[i][j] - best[i + 1][j]) < 1e-9:
            i += 1
        else:
            j += 1
    return pairs


class Run:
    """One jixiao output directory: documents by stem, their budget tables and lines."""

    def __init__(self, d):
        self.lines = load(os.path.join(d, "budget_lines.jsonl"))
        self.tables = load(os.path.join(d, "budget_tables.jsonl"))
        doc_of = {}  # table id prefix (sha256[:8]) → document stem
        for t in load(os.path.join(d, "tables.jsonl")) + self.lines:
            src = t.get("source") or {}
            if src.get("path"):
                doc_of[t["id" if "id" in t else "table"].split("-")[0]] = stem(src["path"])
        self.doc_of = doc_of
        # (doc, page) → [table_kind] for every budget table touching the page
        self.kinds_on = defaultdict(list)
        pages_of = defaultdict(set)
        for l in self.lines:
            pages_of[l["table"]].add(line_page(l))
        for t in self.tables:
            doc = doc_of.get(t["table"].split("-")[0])
            pages = pages_of[t["table"]] | {table_page(t["table"])}
            for p in pages:
                self.kinds_on[(doc, p)].append(t["table_kind"])
        self.first_page = {t["table"]: min(pages_of[t["table"]] | {table_page(t["table"])}) for t in self.tables}

    def doc(self, line_or_table):
        return self.doc_of.get(line_or_table["table"].split("-")[0])


def pair_docs(gold_docs, pred_docs):
    """Pred stem → gold stem: equal, or the longest gold stem it starts with followed by "-".

    >>> pair_docs({"npc", "npc-a3"}, {"npc-photo", "npc-a3-plain", "other"})
    {'npc-a3-plain': 'npc-a3', 'npc-photo': 'npc'}
    """
    out = {}
    for p in sorted(pred_docs):
        cands = [g for g in gold_docs if p == g or p.startswith(g + "-")]
        if cands:
            out[p] = max(cands, key=len)
    return out


def fmt(line):
    if line is None:
        return "-"
    vals = {k: v for k, v in (line.get("values") or {}).items() if v is not None}
    return f"p{line_page(line)} r{line.get('row')} {line.get('code') or ''} {line.get('name')!s} {json.dumps(vals, ensure_ascii=False)}"


def score(gold_dir, pred_dir, show=0, by_doc=False):
    G, P = Run(gold_dir), Run(pred_dir)
    docmap = pair_docs(set(G.doc_of.values()), set(P.doc_of.values()))
    g2p = defaultdict(list)
    for p, g in docmap.items():
        g2p[g].append(p)
    stats = defaultdict(lambda: defaultdict(int))
    shown = []

    def note(kind, doc, where, g, p):
        if len(shown) < show:
            shown.append(f"{kind:<12} {doc} {where}: gold {fmt(g)} | pred {fmt(p)}")

    # Tables.
    for t in G.tables:
        gdoc, page = G.doc(t), G.first_page[t["table"]]
        for pdoc in g2p.get(gdoc, []):
            s = stats[pdoc]
            s["tables"] += 1
            on = P.kinds_on.get((pdoc, page), [])
            if t["table_kind"] in on:
                s["tables_found"] += 1
            else:
                if on:
                    s["tables_wrong_kind"] += 1
                if len(shown) < show:
                    shown.append(f"table        {pdoc} p{page}: gold {t['table_kind']} ({t['lines']} lines) | pred {on or 'none'}")
    # Lines.
    groups = defaultdict(lambda: ([], []))
    for l in G.lines:
        for pdoc in g2p.get(G.doc(l), []):
            groups[(pdoc, l["table_kind"], l.get("section"))][0].append(l)
    for l in P.lines:
        pdoc = P.doc(l)
        if pdoc in docmap:
            groups[(pdoc, l["table_kind"], l.get("section"))][1].append(l)
            stats[pdoc]["pred_lines"] += 1
    order = lambda l: (line_page(l), l.get("row") or 0)
    for (pdoc, kind, section), (gl, pl) in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        gl.sort(key=order)
        pl.sort(key=order)
        s = stats[pdoc]
        pairs = align(gl, pl)
        matched = dict(pairs)
        where = f"{kind}/{section or '-'}"
        s["gold_lines"] += len(gl)
        s["matched"] += len(pairs)
        for gi, g in enumerate(gl):
            gv = {k: v for k, v in (g.get("values") or {}).items() if v is not None}
            s["gold_amounts"] += len(gv)
            if gi not in matched:
                note("lost line", pdoc, where, g, None)
                continue
            p = pl[matched[gi]]
            right = sum(same_amount(v, (p.get("values") or {}).get(k)) for k, v in gv.items())
            s["amounts_right"] += right
            name_ok = norm(g.get("name")) == norm(p.get("name"))
            code_ok = (g.get("code") or None) == (p.get("code") or None)
            s["names_right"] += name_ok
            if g.get("code"):
                s["gold_codes"] += 1
                s["codes_right"] += code_ok
            keys = set(g.get("values") or {}) | set(p.get("values") or {})
            vals_ok = all(same_amount((g.get("values") or {}).get(k), (p.get("values") or {}).get(k)) for k in keys)
            if name_ok and code_ok and vals_ok:
                s["lines_exact"] += 1
            else:
                what = "/".join(x for x, ok in (("name", name_ok), ("code", code_ok), ("values", vals_ok)) if not ok)
                note(what, pdoc, where, g, p)
        for pj, p in enumerate(pl):
            if pj not in set(matched.values()):
                note("extra line", pdoc, where, None, p)

    def summary(s):
        r = lambda a, b: round(a / b, 3) if b else None
        return {
            "tables": s["tables"],
            "tables_found": s["tables_found"],
            "tables_wrong_kind": s["tables_wrong_kind"],
            "gold_lines": s["gold_lines"],
            "pred_lines": s["pred_lines"],
            "line_recall": r(s["matched"], s["gold_lines"]),
            "line_precision": r(s["matched"], s["pred_lines"]),
            "value_acc": r(s["amounts_right"], s["gold_amounts"]),
            "name_acc": r(s["names_right"], s["matched"]),
            "code_acc": r(s["codes_right"], s["gold_codes"]),
            "line_exact": r(s["lines_exact"], s["gold_lines"]),
        }

    total = defaultdict(int)
    for s in stats.values():
        for k, v in s.items():
            total[k] += v
    out = {"docs": len(docmap), **summary(total)}
    if by_doc:
        out["by_doc"] = {d: summary(stats[d]) for d in sorted(stats)}
    return out, shown


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    opts = dict((a[2:].split("=", 1) + [""])[:2] for a in argv if a.startswith("--"))
    if len(args) != 2:
        sys.exit(__doc__)
    out, shown = score(args[0], args[1], show=int(opts.get("show") or 0), by_doc="by-doc" in opts)
    print(json.dumps(out, ensure_ascii=False))
    for s in shown:
        print(s, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
