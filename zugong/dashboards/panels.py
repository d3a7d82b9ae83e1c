"""The dashboard's panels: each turns a metric's rows into a table (headers + rows, exported as .xlsx) and an
ECharts option drawn from the same numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zugong.branchlife.models import COMPLIANCE_KINDS
from zugong.core.dates import months_days
from zugong.orgs.models import Organization

KINDS = [(k, label) for k, label in Organization.Kind.choices if k != "party_group"]
TERM_STATES = [("overdue", "已逾期"), ("due", "即将届满"), ("ok", "未到期"), ("none", "未记录任期")]


@dataclass
class Panel:
    code: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: dict = field(default_factory=dict)
    note: str = ""
    empty: str = "暂无数据"


def pct(m: int, n: int) -> str:
    return f"{m * 100 / n:.1f}%" if n else "—"


def term_panel(rows: list[dict]) -> Panel:
    counts = {}
    for r in rows:
        kind, _, state = r["key"].partition(":")
        counts[(kind, state)] = counts.get((kind, state), 0) + r["n"]
    table = []
    for kind, label in KINDS:
        values = [counts.get((kind, s), 0) for s, _ in TERM_STATES]
        if sum(values):
            table.append([label, *values, sum(values)])
    if table:
        table.append(["合计", *[sum(r[i] for r in table) for i in range(1, len(TERM_STATES) + 2)]])
    colors = {"overdue": "#d63939", "due": "#f76707", "ok": "#2fb344", "none": "#adb5bd"}
    body = [r for r in table if r[0] != "合计"]
    chart = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [r[0] for r in body]},
        "series": [{"name": label, "type": "bar", "stack": "total", "itemStyle": {"color": colors[s]},
                    "data": [r[i + 1] for r in body]} for i, (s, label) in enumerate(TERM_STATES)],
    }
    return Panel("term", "换届情况（按组织类别）", ["类别", *[label for _, label in TERM_STATES], "合计"], table, chart)


def compliance_panel(rows: list[dict], months: int = 12) -> Panel:
    """Compliance rate per month and meeting kind over the last `months` months that have figures."""
    by = {}
    for r in rows:
        if r["period"] is None:
            continue
        month = r["period"].replace(day=1)
        cell = by.setdefault((month, r["key"]), [0, 0])
        cell[0] += r["n"]
        cell[1] += r["m"]
    periods = sorted({p for p, _ in by})[-months:]
    kinds = [k for k in COMPLIANCE_KINDS if any((p, k) in by for p in periods)]
    kinds += sorted({k for _, k in by if k not in COMPLIANCE_KINDS and any((p, k) in by for p in periods)})
    headers = ["月份", *[COMPLIANCE_KINDS.get(k, k) for k in kinds], "合计"]
    table = []
    for p in periods:
        cells = [by.get((p, k)) for k in kinds]
        n = sum(c[0] for c in cells if c)
        m = sum(c[1] for c in cells if c)
        table.append([f"{p:%Y-%m}", *[f"{pct(c[1], c[0])}（{c[1]}/{c[0]}）" if c else "—" for c in cells],
                      f"{pct(m, n)}（{m}/{n}）"])
    chart = {
        "tooltip": {"trigger": "axis", "valueFormatter": None},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "category", "data": [f"{p:%Y-%m}" for p in periods]},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [{"name": COMPLIANCE_KINDS.get(k, k), "type": "line",
                    "data": [round(by[(p, k)][1] * 100 / by[(p, k)][0], 1) if by.get((p, k)) and by[(p, k)][0]
                             else None for p in periods]} for k in kinds],
    }
    return Panel("compliance", "组织生活按期开展率（按月份、会议类别）", headers, table, chart,
                 note="应开展的期间中按期开展的比例（已结束的期间；按季度、年度要求的计入其开始月份）")


def keyed_panel(code: str, title: str, rows: list[dict], key_label: str, labels: dict | None = None,
                note: str = "", second: str = "") -> Panel:
    """A simple count per key (and year): grades, weak organizations, rectifications."""
    by = {}
    years = set()
    for r in rows:
        year = r["period"].year if r["period"] else None
        years.add(year)
        cell = by.setdefault((year, r["key"]), [0, 0])
        cell[0] += r["n"]
        cell[1] += r["m"]
    years = sorted(years, key=lambda y: y or 0)
    keys = sorted({k for _, k in by}, key=lambda k: list((labels or {}).keys()).index(k)
                  if labels and k in labels else 99)
    headers = ["年度", *[(labels or {}).get(k, k) for k in keys], "合计"]
    table = []
    for y in years:
        values = [by.get((y, k), [0, 0])[0] for k in keys]
        table.append([str(y) if y else "—", *values, sum(values)])
    chart = {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "category", "data": [r[0] for r in table]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": (labels or {}).get(k, k), "type": "bar", "stack": "total",
                    "data": [r[i + 1] for r in table]} for i, k in enumerate(keys)],
    }
    return Panel(code, title, headers, table, chart, note=note)


def due_rows(orgs, today: dt.date) -> list[list]:
    kinds = dict(Organization.Kind.choices)
    out = []
    for d in orgs:
        state = f"已逾期 {months_days(d.election_due, today)}" if d.election_due < today else \
            (f"{months_days(today, d.election_due)}后届满" if d.election_due > today else "今天届满")
        d.state = state
        out.append([d.organization.name, kinds.get(d.kind, d.kind), d.term_started_on, d.term_ends_on,
                    d.election_due, state])
    return out


RECT_STATES = [("rect:in_progress", "整顿中"), ("rect:applied", "已申请验收"), ("rect:failed", "验收未通过"),
               ("rect:accepted", "已销号"), ("rect:closed", "跟踪期满")]


def weak_panel(rows: list[dict]) -> Panel:
    """Per year: weak organizations identified (approved lists) and their rectifications by status, with the
    number past the deadline and not yet accepted."""
    by, overdue, years = {}, {}, set()
    for r in rows:
        year = r["period"].year if r["period"] else None
        years.add(year)
        by[(year, r["key"])] = by.get((year, r["key"]), 0) + r["n"]
        overdue[year] = overdue.get(year, 0) + (r["m"] if r["key"].startswith("rect:") else 0)
    years = sorted(years, key=lambda y: y or 0)
    headers = ["年度", "认定软弱涣散", *[label for _, label in RECT_STATES], "逾期未销号", "销号率"]
    table = []
    for y in years:
        done = by.get((y, "rect:accepted"), 0) + by.get((y, "rect:closed"), 0)
        weak = by.get((y, "weak"), 0)
        table.append([str(y) if y else "—", weak, *[by.get((y, k), 0) for k, _ in RECT_STATES], overdue.get(y, 0),
                      pct(done, weak)])
    chart = {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "category", "data": [r[0] for r in table]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": label, "type": "bar", "stack": "rect", "data": [r[i + 2] for r in table]}
                   for i, (_, label) in enumerate(RECT_STATES)]
        + [{"name": "认定软弱涣散", "type": "line", "data": [r[1] for r in table]}],
    }
    return Panel("weak", "软弱涣散党组织整顿进度（按认定年度）", headers, table, chart,
                 note="认定：已审定名单中的组织；整顿状态按整顿台账；逾期：超过整顿期限仍未销号")


def grade_panel(rows: list[dict], order: list[str]) -> Panel:
    labels = {g: g for g in order}
    panel = keyed_panel("grade", "标准化规范化建设等次（按年度）", rows, "等次", labels=labels,
                        note="各年度评定的党支部数，按等次")
    return panel
