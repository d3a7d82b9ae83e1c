"""Fixtures of the routine and annual assessment tests: a department with N people under 小店区委, the defaults
installed, an annual round, and helpers to propose grades."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tests.conftest import _org, make_person


def setup(tree, users):
    """小店区委 assesses; 财政局 (a department under it) has people; the national defaults are installed."""
    from zugong.assessment.defaults import individual as defaults

    defaults.install()
    dept = _org(tree.xiaodian, "中共太原市小店区财政局机关委员会", "14010503", "committee")
    dept.refresh_from_db()
    tree.xiaodian.refresh_from_db()
    return SimpleNamespace(tree=tree, users=users, dept=dept, assessor=tree.xiaodian)


def people(org, n: int, start: int = 100, area: str = "140105", birth=dt.date(1985, 1, 1)):
    return [make_person(org, f"人员{start + i}", area=area, birth=birth, seq=start + i) for i in range(n)]


def propose(user, rnd, unit, persons, grades, category="civil_servant"):
    from zugong.assessment import individual_services as services

    entries = [{"person": p, "unit": unit, "category": category, "proposed": g} for p, g in zip(persons, grades)]
    return services.propose_annual(user, rnd, entries)


def routine(user, assessor, unit, person_grades: dict, year: int, periods=(1, 2, 3, 4)):
    """Confirmed routine grades for the given periods: {person: [grade per period]} (the quota allows them)."""
    from zugong.assessment import individual_services as services

    for i, period in enumerate(periods):
        rnd = services.open_routine_round(user, assessor, year, period)
        services.propose_routine(user, rnd, unit, {p: gs[i] for p, gs in person_grades.items()})
        services.confirm_routine(user, rnd)
