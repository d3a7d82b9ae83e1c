"""The engine on table 2 (党员基本情况): a known population counted cell by cell, on the reporting date."""

import datetime as D

import pytest

from tests.stats.fixtures import member
from zugong.stats import definitions, engine
from zugong.stats.populations import Ctx

pytestmark = pytest.mark.django_db
DAY = D.date(2025, 12, 31)


@pytest.fixture
def table2():
    return next(t for t in definitions.read("2017") if t.number == 2)


def test_table2_counts_by_occupation_sex_and_age(tree, table2):
    member(tree.b1, "甲", 21, birth=D.date(1995, 12, 31), person_fields={"occupation_class": "11"})  # 30 on DAY
    member(tree.b1, "乙", 22, birth=D.date(1995, 1, 1), status="probationary", joined=D.date(2025, 3, 1),
           person_fields={"occupation_class": "32", "ethnicity": "03"})
    member(tree.b2, "丙", 23, birth=D.date(1950, 6, 1), person_fields={"occupation_class": "60"})
    member(tree.b3, "丁", 25, area="140213", person_fields={"occupation_class": "11"})  # 大同: another city
    grid = engine.compute_one(table2, Ctx.of(tree.taiyuan.path, DAY))
    assert grid.values[0][0] == 3  # 总计
    assert grid.values[1][0] == 1 and grid.values[3][0] == 1  # 在岗职工, 党政机关工作人员
    assert grid.values[17][0] == 1 and grid.values[18][0] == 1  # 农牧渔民, 其中外出务工经商
    assert grid.values[21][0] == 1  # 离退休
    assert grid.values[0][1] == 1  # 预备党员
    assert grid.values[0][2] == 1  # 女 (seq 22 is even: female)
    assert grid.values[0][3] == 1  # 少数民族
    assert grid.values[0][5] == 2  # 30岁及以下: born 1995-12-31 is 30 on 2025-12-31; 1995-01-01 is 30
    assert grid.values[0][14] == 1  # 71岁及以上 (75)


def test_the_day_decides_who_is_counted(tree, table2):
    member(tree.b1, "甲", 21, joined=D.date(2026, 3, 1), status="probationary",
           person_fields={"occupation_class": "11"})
    assert engine.compute_one(table2, Ctx.of(tree.root.path, DAY)).values[0][0] == 0
    assert engine.compute_one(table2, Ctx.of(tree.root.path, D.date(2026, 6, 30))).values[0][0] == 1


def test_drill_lists_the_rows_of_a_cell(tree, table2):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    member(tree.b1, "乙", 22, person_fields={"occupation_class": "60"})
    pop, rows = engine.drill(table2, 3, 0, Ctx.of(tree.root.path, DAY))
    assert [r.membership.person.name for r in rows] == ["甲"]
