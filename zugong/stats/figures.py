"""The figures a page, an export or the API shows for an organization and a reporting date: the frozen ones
of a submitted report (上报: they never change afterwards), else computed now from the records (with the
report's hand-entered cells, if a report exists). The one way to get a table's numbers outside the engine."""

from __future__ import annotations

import datetime as dt

from . import definitions, engine
from .models import Report
from .populations import Ctx

DEFAULT_EDITION = "2017"


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def report_for(organization, day: dt.date, edition: str = DEFAULT_EDITION) -> Report | None:
    """The organization's report for the date, if one was opened (unrestricted: the caller has checked the
    organization is in the user's scope)."""
    return (Report.objects.unrestricted().filter(organization=organization, as_of=day, edition__code=edition)
            .first())


def figures(organization, day: dt.date, tables: list[definitions.Table], *,
            report: Report | None = None) -> dict[int, engine.Grid]:
    """{number: Grid} for `tables`: frozen when `report` is submitted (a table the report did not freeze is
    computed), else computed for the organization's subtree on `day` with the report's manual cells."""
    out: dict[int, engine.Grid] = {}
    if report is not None and report.frozen:
        for row in report.frozen_tables.unrestricted().filter(number__in=[t.number for t in tables]):
            out[row.number] = engine.Grid(row.number, row.values, row.sources)
    missing = [t for t in tables if t.number not in out]
    if missing:
        out.update(engine.compute(missing, Ctx.of(organization.path, day), manual=report))
    return out
