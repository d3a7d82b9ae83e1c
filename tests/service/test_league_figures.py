"""The league table's figures on a small hand-built tree, exactly; the periods; the measures equal the table."""

from __future__ import annotations

import datetime as dt

import pytest

from zugong.service import league

from .league_fixtures import *  # noqa: F403
from .league_fixtures import EXPECTED_2026, FIELDS

D = dt.date


def _by_key(rows):
    return {(None if r.organization_id is None else r.code): r for r in rows}


@pytest.mark.django_db
def test_figures_of_a_year_exactly(league_tree):
    rows = league.table(league_tree.tree.xiaodian, D(2026, 1, 1), D(2026, 12, 31))
    got = _by_key(rows)
    assert set(got) == set(EXPECTED_2026)
    for key, expected in EXPECTED_2026.items():
        assert tuple(getattr(got[key], f) for f in FIELDS) == expected, key
    assert rows[-1].name == "合计" and rows[-1].organization_id is None
    assert got["140105"].own and got["140105"].name.endswith("（本级）")
    t1 = got["140105T1"]
    assert t1.satisfaction_rate == 0.75 and t1.on_time_rate == pytest.approx(2 / 3)
    assert t1.callback_rate == pytest.approx(2 / 3) and t1.reopen_rate == 0.25 and t1.completion_rate == 0.5
    assert got["14010501"].satisfaction_rate is None  # no base: no rate


@pytest.mark.django_db
def test_drill_down_sums_the_village_into_its_township(league_tree):
    rows = _by_key(league.table(league_tree.t1, D(2026, 1, 1), D(2026, 12, 31)))
    # 坞城街道's own items (本级) and its village's
    assert (rows["140105T1V1"].taken, rows["140105T1V1"].completed) == (1, 1)
    assert (rows["140105T1"].taken, rows["140105T1"].completed, rows["140105T1"].reopened) == (3, 2, 1)
    assert rows[None].taken == 4


@pytest.mark.django_db
def test_periods(league_tree):
    q2 = league.period("quarter", 2026, 2)
    assert (q2.start, q2.end, q2.label) == (D(2026, 4, 1), D(2026, 6, 30), "2026年第2季度")
    rows = _by_key(league.table(league_tree.tree.xiaodian, q2.start, q2.end))
    # received in Q2: reopened (05-06), running (06-10), own (04-01); completed in Q2: late (04-20), own (04-10)
    assert (rows[None].taken, rows[None].completed, rows[None].on_time) == (3, 2, 1)
    feb = league.period("month", 2026, 2)
    assert (feb.start, feb.end) == (D(2026, 2, 1), D(2026, 2, 28))
    assert _by_key(league.table(league_tree.tree.xiaodian, feb.start, feb.end))[None].taken == 1
    custom = league.period("range", 2026, start=D(2025, 12, 1), end=D(2026, 1, 31))
    got = _by_key(league.table(league_tree.tree.xiaodian, custom.start, custom.end))[None]
    assert (got.taken, got.completed, got.satisfied) == (1, 1, 1)
    with pytest.raises(ValueError, match="结束日期"):
        league.period("range", 2026, start=D(2026, 2, 1), end=D(2026, 1, 1))
    with pytest.raises(ValueError, match="季度"):
        league.period("quarter", 2026, 5)


@pytest.mark.django_db
def test_a_measure_equals_the_league_figure(league_tree):
    from zugong.core.config import measures
    from zugong.orgs.models import Organization

    as_of = D(2027, 1, 1)  # 12 months measured on 1 January: the calendar year 2026
    rows = _by_key(league.table(league_tree.tree.xiaodian, D(2026, 1, 1), D(2026, 12, 31)))
    orgs = Organization.objects.unrestricted().filter(code__in=["140105T1", "140105T2", "140105", "14010501"])
    expected = {
        "service_satisfaction_rate": lambda r: r.satisfaction_rate,
        "service_on_time_rate": lambda r: r.on_time_rate,
        "service_completion_rate": lambda r: r.completion_rate,
        "service_callback_rate": lambda r: r.callback_rate,
        "service_reopen_rate": lambda r: r.reopen_rate,
        "service_items_taken": lambda r: r.taken,
    }
    for code, value_of in expected.items():
        values = dict(measures.annotate(orgs, code, "m", as_of, {"months": 12}).values_list("code", "m"))
        for org_code, value in values.items():
            row = rows[None] if org_code == "140105" else rows[org_code]  # the county: its whole subtree
            want = value_of(row)
            assert value == (pytest.approx(want) if want is not None else None), (code, org_code)
        assert measures.MEASURES[code].describe(values["140105T1"], {"months": 12})
