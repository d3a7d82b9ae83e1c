"""The checks of a report (审核要点): what must be fixed before 上报 (错误), what needs a written explanation
(需说明: answered by an `Explanation` of the report) and what the filler should know (提示).

    findings = run(report_or_none, organization, day, tables, grids)

- **formula** (错误): every formula of a table (`definitions.parse_formula`: `rA = rB + …` for every column,
  `cA …` for every row, `RaCb …` for one cell; =, >=, <=), with both sides' numbers. A cell not filled in
  (None: 无数据来源 and not entered) leaves its formula unchecked.
- **carry_over** (错误 / 提示): table 1's 上年底总数 (row 0, column 0) equals the 本年底实有数 (the row whose label
  contains 实有数, column 0) of the same organization's SUBMITTED report for the previous year-end
  (31 December of the year before `day`) in the same edition; 提示 when there is none. A table may say it
  otherwise: `{"code": "carry_over", "cell": [r, c], "last": [r, c]}`.
- **named_list** (需说明): a table's `checks` entry `{"code": "named_list", "cells": [[r, c], …]}` (those cells
  non-zero) or `{"code": "named_list", "population": …, "where": {…}}` (the rows of that predicate, counted in
  the organization's subtree on the day); on table 1 also every cell of a row labelled 恢复党籍 or 停止党籍
  (the 审核要点 ask for the names). Each finding links to the list (`stats:check_list`).
- **difference** (需说明): table 1's row labelled …差 (实有数与应有数之差) non-zero.
- **yoy** (需说明): the cells of a `{"code": "yoy", "cells": "col:2,3,4"}` entry (every row of those columns; or a
  list of [r, c]) whose value moved from last year's submitted figure by more than the configured share and
  at least the configured number of people (`defaults.yoy_thresholds`: the `stats.yoy` row, 20 % and 10 名 by
  default). "The same table of last year" is the `FrozenTable` with the same number of last year-end's
  submitted report of the same organization in the SAME edition: a table set of another edition is not
  compared (its numbers may mean other things).

A finding is keyed by (code, table number, row, column); an `Explanation` with that key answers it (a finding
about no single cell is stored with row 0 and column 0). Sources cited are the documents themselves
(审核要点, 填报说明), never a guessed article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from . import definitions, populations
from .models import Explanation, FrozenTable, Report
from .populations import Ctx

ERROR, EXPLAIN, NOTE = "错误", "需说明", "提示"
SEVERITIES = (ERROR, EXPLAIN, NOTE)
CHECK_POINTS = "党内统计年报审核要点"
GUIDE = "2017年版党内统计年报填报说明"
NAMED_ROWS = ("恢复党籍", "停止党籍")


@dataclass
class Finding:
    code: str
    number: int
    row: int | None
    col: int | None
    severity: str
    message: str
    source: str
    explained: bool = False
    explanation: str = ""
    list_query: str = ""  # the query string of `stats:check_list` (named lists)

    @property
    def key(self) -> tuple[str, int, int, int]:
        return (self.code, self.number, self.row or 0, self.col or 0)

    @property
    def blocking(self) -> bool:
        """Whether it stops 上报: an error, or a 需说明 without an explanation."""
        return self.severity == ERROR or (self.severity == EXPLAIN and not self.explained)

    @property
    def form_id(self) -> str:
        return "x-" + "-".join(str(p) for p in self.key).replace(":", "_")


def last_year_end(day: dt.date) -> dt.date:
    return dt.date(day.year - 1, 12, 31)


def last_report(organization, day: dt.date, edition: str) -> Report | None:
    """The organization's submitted report for the previous year-end in the same edition (unrestricted: the
    caller has checked the organization is in scope)."""
    return (Report.objects.unrestricted()
            .filter(organization=organization, as_of=last_year_end(day), edition__code=edition,
                    status=Report.Status.SUBMITTED).first())


def last_values(report: Report | None) -> dict[int, list[list]]:
    if report is None:
        return {}
    return {t.number: t.values for t in FrozenTable.objects.unrestricted().filter(report=report)}


def _n(v) -> str:
    if v is None:
        return "未填"
    return str(int(v)) if v == int(v) else str(v)


def _where(table: definitions.Table, r: int | None, c: int | None) -> str:
    parts = [f"表{table.number}"]
    if r is not None:
        parts.append(f"第{r + 1}行（{table.rows[r].label}）")
    if c is not None:
        parts.append(f"第{c + 1}栏（{table.columns[c].label}）")
    return "".join(parts)


def _value(values, r, c):
    try:
        return values[r][c]
    except (IndexError, TypeError):
        return None


def _holds(lhs, rel: str, rhs) -> bool:
    return lhs == rhs if rel == "=" else (lhs >= rhs if rel == ">=" else lhs <= rhs)


def _readable(f) -> str:
    """A formula in the printed table's terms (行次 and 栏次 from 1, as on the form): `r3 >= r5` → 第4行 ≥ 第6行,
    `c0 = c1 + c2` → 第1栏 = 第2栏 + 第3栏, `R2C1 <= R1C1` → 第3行第2栏 ≤ 第2行第2栏."""
    def ref(r):
        return {"row": f"第{r[0] + 1}行", "col": f"第{r[0] + 1}栏"}.get(f.kind) or f"第{r[0] + 1}行第{r[1] + 1}栏"
    rhs = "".join(f"{' - ' if s < 0 else (' + ' if i else '')}{ref(r)}" for i, (s, r) in enumerate(f.terms))
    if rhs.startswith(" - "):
        rhs = "-" + rhs[3:]
    return f"{ref(f.target)} {({'=': '=', '>=': '≥', '<=': '≤'})[f.relation]} {rhs}"


def _formulas(table, values) -> list[Finding]:
    out = []
    for i, text in enumerate(table.formulas):
        f = definitions.parse_formula(text, table)
        if f.kind == "cell":
            spots = [(f.target, [(s, ref) for s, ref in f.terms])]
        elif f.kind == "row":
            spots = [((f.target[0], c), [(s, (ref[0], c)) for s, ref in f.terms]) for c in range(len(table.columns))]
        else:
            spots = [((r, f.target[0]), [(s, (r, ref[0])) for s, ref in f.terms]) for r in range(len(table.rows))]
        for (r, c), terms in spots:
            lhs = _value(values, r, c)
            parts = [_value(values, *ref) for _, ref in terms]
            if lhs is None or any(p is None for p in parts):
                continue
            rhs = sum(s * p for (s, _), p in zip(terms, parts))
            if _holds(lhs, f.relation, rhs):
                continue
            label = {"row": "各栏", "col": "各行", "cell": ""}[f.kind]
            out.append(Finding(
                f"formula:{i}", table.number, r, c, ERROR,
                f"{_where(table, r, c)}：不符合表内关系“{_readable(f)}”{('（' + label + '）') if label else ''}，"
                f"左边为 {_n(lhs)}，右边为 {_n(rhs)}，相差 {_n(lhs - rhs)}",
                f"{GUIDE}（表内逻辑关系）"))
    return out


def _rows_labelled(table, *words) -> list[int]:
    return [i for i, r in enumerate(table.rows) if any(w in r.label for w in words)]


def _carry_over(table, values, last_rep, last) -> list[Finding]:
    spec = next((c for c in table.checks if c.get("code") == "carry_over"), None)
    if spec is None and table.number != 1:
        return []
    spec = spec or {}
    r, c = spec.get("cell", (0, 0))
    if "last" in spec:
        lr, lc = spec["last"]
    else:
        found = _rows_labelled(table, "实有数")
        if not found:
            return []
        lr, lc = found[0], 0
    source = f"{CHECK_POINTS}（上年底总数应与上年年报本年底实有数一致）"
    if last_rep is None or table.number not in last:
        return [Finding("carry_over", table.number, r, c, NOTE,
                        f"{_where(table, r, c)}：没有本组织上年底（{last_year_end_text(last_rep)}）已上报的年报"
                        f"（同一表式版本），无法核对上年底总数", source)]
    now, before = _value(values, r, c), _value(last[table.number], lr, lc)
    if now == before:
        return []
    return [Finding("carry_over", table.number, r, c, ERROR,
                    f"{_where(table, r, c)}为 {_n(now)}，上年已上报年报的“{table.rows[lr].label}”为 {_n(before)}，"
                    f"两者应相等" + (f"，相差 {_n(now - before)}" if now is not None and before is not None else ""),
                    source)]


def last_year_end_text(last_rep) -> str:
    return "上年12月31日" if last_rep is None else f"{last_rep.as_of:%Y年%m月%d日}"


def _link(organization, day, number, **extra) -> str:
    return urlencode({"organization": organization.code, "date": day.isoformat(), "number": number, **extra})


def _cell_link(table, r, c, organization, day) -> str:
    """The list behind a counted cell; none for a cell entered by hand or summed from others."""
    spec = table.cell(r, c)
    if spec.expr or spec.source != "computed":
        return ""
    return _link(organization, day, table.number, row=r, col=c)


def _named_lists(table, values, organization, day) -> list[Finding]:
    out, covered = [], set()
    source = f"{CHECK_POINTS}（附名单）"
    for i, check in enumerate(table.checks):
        if check.get("code") != "named_list":
            continue
        text = check.get("text") or "请附名单"
        if check.get("cells"):
            for r, c in check["cells"]:
                covered.add((r, c))
                v = _value(values, r, c)
                if v:
                    out.append(Finding(f"named_list:{i}", table.number, r, c, EXPLAIN,
                                       f"{_where(table, r, c)}为 {_n(v)}：{text}", source,
                                       list_query=_cell_link(table, r, c, organization, day)))
        elif check.get("population"):
            pop = populations.get(check["population"])
            ctx = Ctx.of(organization.path, day)
            n = pop.base(ctx).filter(pop.q(check.get("where", {}), ctx)).count()
            if n:
                out.append(Finding(f"named_list:{i}", table.number, None, None, EXPLAIN,
                                   f"表{table.number}：{text}（共 {n} {table.unit}）", source,
                                   list_query=_link(organization, day, table.number, check=i)))
    if table.number == 1:
        for r in _rows_labelled(table, *NAMED_ROWS):
            for c in range(len(table.columns)):
                v = _value(values, r, c)
                if v and (r, c) not in covered:
                    out.append(Finding("named_list", table.number, r, c, EXPLAIN,
                                       f"{_where(table, r, c)}为 {_n(v)}：{table.rows[r].label}的，请附名单",
                                       source, list_query=_cell_link(table, r, c, organization, day)))
        for r in _rows_labelled(table, "差"):
            for c in range(len(table.columns)):
                v = _value(values, r, c)
                if v:
                    out.append(Finding("difference", table.number, r, c, EXPLAIN,
                                       f"{_where(table, r, c)}为 {_n(v)}：实有数与应有数不一致的，请详细说明原因",
                                       f"{CHECK_POINTS}（实有数与应有数之差）"))
    return out


def yoy_cells(table, spec) -> list[tuple[int, int]]:
    if isinstance(spec, str) and spec.startswith("col:"):
        cols = [int(c) for c in spec[4:].split(",") if c.strip()]
        return [(r, c) for c in cols for r in range(len(table.rows))]
    if isinstance(spec, str) and spec.startswith("row:"):
        rows = [int(r) for r in spec[4:].split(",") if r.strip()]
        return [(r, c) for r in rows for c in range(len(table.columns))]
    return [(int(r), int(c)) for r, c in spec or []]


def _yoy(table, values, last, thresholds) -> list[Finding]:
    before_grid = last.get(table.number)
    if before_grid is None:
        return []
    percent, least = float(thresholds["percent"]), float(thresholds["min_people"])
    out = []
    for check in table.checks:
        if check.get("code") != "yoy":
            continue
        for r, c in yoy_cells(table, check.get("cells")):
            now, before = _value(values, r, c), _value(before_grid, r, c)
            if now is None or before is None:
                continue
            change = now - before
            if abs(change) < least or abs(change) * 100 <= percent * abs(before):
                continue
            share = f"{abs(change) * 100 / before:.1f}%" if before else "上年为 0"
            out.append(Finding(
                "yoy", table.number, r, c, EXPLAIN,
                f"{_where(table, r, c)}：本年 {_n(now)}，上年已上报 {_n(before)}，"
                f"{'增加' if change > 0 else '减少'} {_n(abs(change))}（{share}），"
                f"超过“变化幅度 {config_num(percent)}%、且至少 {config_num(least)} {table.unit}”的界限"
                + (f"：{check['text']}" if check.get("text") else "，请说明原因"),
                f"{CHECK_POINTS}（与上年相比变化较大的须说明原因）"))
    return out


def config_num(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def run(report: Report | None, organization, day: dt.date, tables: list[definitions.Table],
        grids: dict) -> list[Finding]:
    """The findings of `tables` with their figures `grids` ({number: Grid}) for the organization and date,
    errors first; each marked answered when the report holds an `Explanation` with its key."""
    from .defaults import yoy_thresholds
    from .figures import DEFAULT_EDITION

    edition = report.edition.code if report is not None else DEFAULT_EDITION
    last_rep = last_report(organization, day, edition)
    last = last_values(last_rep)
    thresholds = yoy_thresholds(organization.path)
    out: list[Finding] = []
    for table in tables:
        grid = grids.get(table.number)
        if grid is None:
            continue
        values = grid.values
        out += _formulas(table, values)
        out += _carry_over(table, values, last_rep, last)
        out += _named_lists(table, values, organization, day)
        out += _yoy(table, values, last, thresholds)
    if report is not None and report.pk:
        answers = {(e.check_code, e.number, e.row, e.col): e.text
                   for e in Explanation.objects.unrestricted().filter(report=report)}
        for f in out:
            if f.severity == EXPLAIN and f.key in answers:
                f.explained, f.explanation = True, answers[f.key]
    out.sort(key=lambda f: (SEVERITIES.index(f.severity), f.number, f.row or 0, f.col or 0))
    return out


def check_list(table: definitions.Table, organization, day: dt.date, *, check: int | None = None,
               row: int | None = None, col: int | None = None):
    """(population, unrestricted queryset) behind a named list finding: a population entry of the table's
    `checks` (`check`), or one cell (`row`, `col`: the engine's drill-down). None when there is no list."""
    from . import engine

    ctx = Ctx.of(organization.path, day)
    if check is not None:
        if not 0 <= check < len(table.checks) or not table.checks[check].get("population"):
            return None
        spec = table.checks[check]
        pop = populations.get(spec["population"])
        return pop, pop.base(ctx).filter(pop.q(spec.get("where", {}), ctx))
    if row is None or col is None or not (0 <= row < len(table.rows) and 0 <= col < len(table.columns)):
        return None
    return engine.drill(table, row, col, ctx)
