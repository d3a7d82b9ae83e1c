"""The league table as people read it: its columns (counts and rates), the rows sorted, the cells worded
(56.3%（45/80）), and the ECharts options drawn from the same numbers (one chart each for the counts and the
rates, each shown beside its table)."""

from __future__ import annotations

from .league import LeagueRow

# (key, header, kind, numerator, denominator): a count or a rate of two counts.
COLUMNS = [
    ("taken", "承接事项", "count", None, None),
    ("completed", "办结", "count", None, None),
    ("on_time", "按期办结", "count", None, None),
    ("reopened", "复办", "count", None, None),
    ("completion_rate", "办结率", "rate", "taken_done", "taken"),
    ("on_time_rate", "按期办结率", "rate", "on_time", "completed"),
    ("satisfaction_rate", "满意率", "rate", "satisfied", "answered"),
    ("callback_rate", "回访率", "rate", "called_back", "completed"),
    ("reopen_rate", "复办率", "rate", "reopened", "taken"),
]
KEYS = {c[0] for c in COLUMNS} | {"name"}
COUNT_COLUMNS = [c for c in COLUMNS if c[2] == "count"]
RATE_COLUMNS = [c for c in COLUMNS if c[2] == "rate"]

NOTES = [
    "承接事项：统计期内受理的事项（已终止的不计）；办结率：其中现已办结或销号的比例。",
    "办结：统计期内办结且现为已办结或已销号的事项；按期办结率：其中在办结期限内办结的比例；回访率：其中已回访的比例。",
    "满意率：统计期内结束的群众评价（每次办结一轮）中，结果为满意或基本满意的比例；因不满意或部分解决而复办的一轮计为不满意。",
    "复办：统计期内受理的事项中复办过的件数；复办率：复办件数占承接事项的比例。",
]


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def cell(row: LeagueRow, column, short: bool = False) -> str | int:
    """A count, or a rate with its two counts (56.3%（45/80）; `short`: the percentage only)."""
    key, _, kind, num, den = column
    if kind == "count":
        return getattr(row, key)
    value = getattr(row, key)
    if value is None or short:
        return pct(value)
    return f"{pct(value)}（{getattr(row, num)}/{getattr(row, den)}）"


def sort_rows(rows: list[LeagueRow], key: str) -> list[LeagueRow]:
    """The units sorted by a column (`-key` descending), ties and empty rates last by path; the total stays last."""
    body, total = rows[:-1], rows[-1:]
    descending = key.startswith("-")
    key = key.lstrip("-")
    if key not in KEYS:
        return rows
    if key == "name":
        body = sorted(body, key=lambda r: r.path, reverse=descending)
        return [*body, *total]
    present = [r for r in body if getattr(r, key) is not None]
    missing = [r for r in body if getattr(r, key) is None]
    present.sort(key=lambda r: (getattr(r, key), r.path) if not descending else (-getattr(r, key), r.path))
    return [*present, *missing, *total]


def headers() -> list[str]:
    return ["单位", *[c[1] for c in COLUMNS]]


def values(row: LeagueRow) -> list:
    return [row.name, *[cell(row, c) for c in COLUMNS]]


def export_values(row: LeagueRow) -> list:
    """The export's cells: counts as numbers, rates as percentages rounded to 0.1 (empty when no base)."""
    out = [row.name]
    for key, _, kind, _num, _den in COLUMNS:
        value = getattr(row, key)
        out.append(value if kind == "count" else (None if value is None else round(value * 100, 1)))
    return out


def export_headers() -> list[str]:
    return ["单位", *[c[1] if c[2] == "count" else f"{c[1]}（%）" for c in COLUMNS]]


def _short(name: str) -> str:
    for prefix in ("中国共产党", "中共"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name.replace("委员会", "委")[:14]


def counts_chart(rows: list[LeagueRow]) -> dict:
    body = rows[:-1]
    if not any(r.taken or r.completed for r in body):
        return {"series": []}
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 10, "right": 20, "top": 40, "bottom": 10, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": [_short(r.name) for r in body]},
        "series": [{"name": header, "type": "bar", "data": [getattr(r, key) for r in body]}
                   for key, header, *_ in COUNT_COLUMNS],
    }


def rates_chart(rows: list[LeagueRow]) -> dict:
    body = rows[:-1]
    shown = [c for c in RATE_COLUMNS if c[0] != "reopen_rate"]
    if not any(getattr(r, c[0]) is not None for r in body for c in shown):
        return {"series": []}
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 10, "right": 20, "top": 40, "bottom": 10, "containLabel": True},
        "xAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": [_short(r.name) for r in body]},
        "series": [{"name": header, "type": "bar",
                    "data": [None if getattr(r, key) is None else round(getattr(r, key) * 100, 1) for r in body]}
                   for key, header, *_ in shown],
    }
