"""Structure analysis: one aggregate query, people counted once, bands as the regulations' forms count them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.teams import defaults, queries, standards, structure
from zugong.teams.models import TeamMember, TeamPost

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_team_structure(county):
    seats = TeamMember.objects.unrestricted().filter(team=county.committee)
    row = structure.total(seats, AS_OF)
    # 王书记 58, 李区长 50, 赵青 36 (孙前任 left on 2025-12-31).
    assert row.n == 3
    assert row.avg_age == round((58 + 50 + 36) / 3, 1)
    assert row.women == 1 and row.young == 1  # 赵青, 36 ≤ 40 (县处级 default)
    assert row.bands["age"] == [0, 1, 0, 1, 0, 1]
    assert row.bands["tenure"] == [0, 1, 0, 1, 1]  # 赵青 2y8m, 李 5y2m, 王 11y
    assert row.bands["profession"][0] == 1  # 党务政工 (王) — the first matching category only
    assert sum(row.bands["profession"]) == 3


def test_subtree_counts_a_person_once_and_groups_by_child(county, tree):
    seats = TeamMember.objects.unrestricted().subtree(tree.taiyuan.path)
    total = structure.total(seats, AS_OF)
    assert total.n == 4  # 李区长 holds two seats
    assert total.nonparty == 1  # 钱委员 (农工党)
    children = structure.by_child(seats, AS_OF, tree.taiyuan.path)
    assert list(children) == [tree.xiaodian.path] and children[tree.xiaodian.path].n == 4
    assert structure.by_level(seats, AS_OF)[3].n == 4


def test_structure_is_two_grouped_queries(county, tree):
    seats = TeamMember.objects.unrestricted().subtree(tree.root.path)
    with CaptureQueriesContext(connection) as ctx:
        structure.by_child(seats, AS_OF, tree.root.path)
    # The indicators and bands, and the professional background (its CASE evaluated once per row).
    assert len([q for q in ctx.captured_queries if "teams_teammember" in q["sql"]]) == 2


def test_configured_young_age_and_deeper_override(county, tree):
    defaults.install(tree.root)
    seats = TeamMember.objects.unrestricted().filter(team=county.committee)
    assert structure.total(seats, AS_OF).young == 1
    from zugong.core.models import LocalRule

    LocalRule.objects.create(template=standards.COMPOSITION, code="teams.local.ty", title="太原县级班子",
                             params={"level": 3, "young_age": 35, "women": 1, "young": 1},
                             regulation="《太原某文件》", organization=tree.taiyuan)
    assert structure.total(seats, AS_OF).young == 0  # 赵青 is 36


def test_whole_cadre_population(county, tree):
    from zugong.cadres.models import Cadre

    row = structure.total(Cadre.objects.unrestricted().subtree(tree.root.path), AS_OF)
    assert row.n == 5 and row.women == 1 and row.nonparty == 1
    assert sum(row.bands["profession"]) == 5 and row.bands["profession"][-1] == 2  # 钱, 孙: nothing filled in


def test_vacancy_since(county):
    posts = {p.title: p for p in queries.with_vacancy(TeamPost.objects.unrestricted(), AS_OF)}
    assert posts["副书记"].vacancies == 1 and posts["副书记"].vacant_from == dt.date(2025, 12, 31)
    assert posts["书记"].vacancies == 0 and posts["书记"].vacant_from is None
    assert posts["副区长"].vacancies == 2 and posts["副区长"].vacant_from == dt.date(2025, 6, 1)
    assert posts["常委"].vacancies == 2 and posts["常委"].vacant_from == dt.date(2010, 1, 1)
