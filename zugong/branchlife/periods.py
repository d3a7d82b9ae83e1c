"""Periods of organizational life (month, quarter, year) and which of them a scan judges.

A period is [start, end) with `end` the first day of the next period. It has ended on a date `as_of` when
`end <= as_of`; a scan judges the periods that have ended (a rolling year of them) and only reminds about
the current one.
"""

from __future__ import annotations

import datetime as dt

from zugong.core.dates import add_months

MONTH, QUARTER, YEAR = "month", "quarter", "year"
MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}
# How many ended periods a frequency rule judges: the last twelve months, four quarters, one year.
WINDOW = {MONTH: 12, QUARTER: 4, YEAR: 1}
PERIOD_WORD = {MONTH: "月", QUARTER: "季度", YEAR: "年"}
QUARTER_NAMES = "一二三四"


def start_of(day: dt.date, period: str) -> dt.date:
    if period == MONTH:
        return day.replace(day=1)
    if period == QUARTER:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, 1, 1)


def end_of(start: dt.date, period: str) -> dt.date:
    """The first day of the next period."""
    return add_months(start, MONTHS[period])


def current(as_of: dt.date, period: str) -> tuple[dt.date, dt.date]:
    start = start_of(as_of, period)
    return start, end_of(start, period)


def ended(as_of: dt.date, period: str, count: int | None = None) -> list[tuple[dt.date, dt.date]]:
    """The last `count` periods (default: a rolling year) that ended by `as_of`, oldest first."""
    count = WINDOW[period] if count is None else count
    end = start_of(as_of, period)
    out = []
    for _ in range(count):
        start = add_months(end, -MONTHS[period])
        out.append((start, end))
        end = start
    return out[::-1]


def between(first: dt.date, last: dt.date, period: str) -> list[tuple[dt.date, dt.date]]:
    """The periods from the one containing `first` to the one containing `last`."""
    start, out = start_of(first, period), []
    while start <= last:
        end = end_of(start, period)
        out.append((start, end))
        start = end
    return out


def label(start: dt.date, period: str) -> str:
    if period == MONTH:
        return f"{start.year}年{start.month}月"
    if period == QUARTER:
        return f"{start.year}年第{QUARTER_NAMES[(start.month - 1) // 3]}季度"
    return f"{start.year}年"


def span_label(periods: list[tuple[dt.date, dt.date]], period: str) -> str:
    """“2025年7月至2026年6月”, or one period's label."""
    first, last = label(periods[0][0], period), label(periods[-1][0], period)
    if len(periods) == 1:
        return first
    if periods[0][0].year == periods[-1][0].year:
        last = last.removeprefix(f"{periods[0][0].year}年")
    return f"{first}至{last}"


def key(start: dt.date, period: str) -> str:
    """The period's key as the SQL bucket expressions write it: 2026-03, 2026-Q1, 2026."""
    if period == MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    if period == QUARTER:
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year:04d}"


def key_sql(column: str, period: str, vendor: str) -> str:
    """SQL: the key of the period a date column falls in (see `key`)."""
    if vendor == "postgresql":
        fmt = {MONTH: "YYYY-MM", QUARTER: 'YYYY-"Q"Q', YEAR: "YYYY"}[period]
        return f"to_char({column}, '{fmt}')"
    if period == MONTH:
        return f"substr({column}, 1, 7)"
    if period == QUARTER:
        return f"(substr({column}, 1, 4) || '-Q' || ((CAST(substr({column}, 6, 2) AS INTEGER) + 2) / 3))"
    return f"substr({column}, 1, 4)"
