"""The sanctions → grade table (practice.md §3.2): every row in the year of the decision and the later years,
the heaviest of several, investigations pending then resolved, and bars_for over many people in few queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.assessment import bars
from zugong.assessment.bars import COMMENTS_ONLY, FORCED_FAIL, NO_GRADE, NOT_EXCELLENT, PENDING
from zugong.assessment.models import Investigation, Sanction, SanctionEffect, SanctionKind

from .sanctions_fixtures import *  # noqa: F403 — the fixtures (effects, record) and helpers (member)

K = SanctionKind
DAY = dt.date(2023, 3, 5)

# kind: (effect in 2023, 2024, 2025, 2026); None = no bar
TABLE = {
    K.ADMONITION: (NOT_EXCELLENT, None, None, None),
    K.REASSIGNMENT: (NOT_EXCELLENT, None, None, None),
    K.PARTY_WARNING: (NOT_EXCELLENT, None, None, None),
    K.GOV_WARNING: (NOT_EXCELLENT, None, None, None),
    K.PARTY_SERIOUS_WARNING: (COMMENTS_ONLY, None, None, None),
    K.GOV_DEMERIT: (COMMENTS_ONLY, None, None, None),
    K.GOV_MAJOR_DEMERIT: (NO_GRADE, NO_GRADE, None, None),
    K.GOV_DEMOTION: (NO_GRADE, NO_GRADE, None, None),
    K.GOV_REMOVAL: (NO_GRADE, NO_GRADE, None, None),
    K.PARTY_POST_REMOVAL: (FORCED_FAIL, None, None, None),
    K.PROBATION_1: (FORCED_FAIL, NO_GRADE, None, None),
    K.PROBATION_2: (FORCED_FAIL, NO_GRADE, NO_GRADE, None),
    K.EXPULSION: (FORCED_FAIL, NO_GRADE, NO_GRADE, None),
    K.ORDERED_RESIGNATION: (NO_GRADE, None, None, None),
    K.DISMISSAL: (NO_GRADE, None, None, None),
    K.DEMOTION: (NO_GRADE, None, None, None),
    K.CIRCULAR: (NOT_EXCELLENT, None, None, None),
}


def test_the_table_covers_every_kind(effects):
    assert set(SanctionEffect.objects.unrestricted().values_list("kind", flat=True)) == set(K.values) == set(TABLE)


@pytest.mark.parametrize("kind", list(TABLE))
def test_each_row_of_the_table_in_the_year_and_the_later_years(tree, record, kind):
    person = tree.people.wangwu
    family = "accountability" if kind == K.CIRCULAR else ""
    sanction = record(person, kind, DAY, family=family)
    for year, expected in zip((2023, 2024, 2025, 2026), TABLE[kind]):
        found = bars.bars_for(year, [person.pk]).get(person.pk, [])
        assert [b.effect for b in found] == ([expected] if expected else []), (kind, year)
        for b in found:
            assert b.evidence == "assessment.sanction" and b.evidence_pk == sanction.pk and b.year == year
            assert "条款号待核" in b.citation and b.citation.startswith(("中共中央组织部", "《"))
    assert bars.bars_for(2022, [person.pk]) == {}


def test_the_reason_says_what_when_and_the_effect(tree, record):
    record(tree.people.wangwu, K.PARTY_WARNING, dt.date(2026, 3, 5))
    record(tree.people.lisi, K.PROBATION_2, dt.date(2024, 6, 1))
    (bar,) = bars.bars_for(2026, [tree.people.wangwu.pk])[tree.people.wangwu.pk]
    assert bar.reason == "2026年3月5日受党内警告处分（当年不得评为优秀）"
    (later,) = bars.bars_for(2026, [tree.people.lisi.pk])[tree.people.lisi.pk]
    assert later.reason == "2024年6月1日受留党察看二年处分（处分第三年不参加年度考核定等次）"


def test_when_several_coincide_the_heaviest_comes_first(tree, record):
    p = tree.people.wangwu
    record(p, K.PARTY_WARNING, dt.date(2025, 2, 1))
    record(p, K.GOV_MAJOR_DEMERIT, dt.date(2025, 6, 1))
    record(p, K.ADMONITION, dt.date(2025, 9, 1))
    found = bars.bars_for(2025, [p.pk])[p.pk]
    assert [b.effect for b in found] == [NO_GRADE, NOT_EXCELLENT, NOT_EXCELLENT]
    assert bars.heaviest(found).effect == NO_GRADE
    assert bars.heaviest(reversed(found)).effect == NO_GRADE
    # 2026: only the 记大过's second year
    assert [b.effect for b in bars.bars_for(2026, [p.pk])[p.pk]] == [NO_GRADE]


def test_a_local_row_wins_over_the_national_one_in_its_subtree(tree, record):
    SanctionEffect.objects.create(organization=tree.taiyuan, code="ty.warning", kind=K.PARTY_WARNING,
                                  year_effect=COMMENTS_ONLY, regulation="太原市文件", article="条款号待核")
    record(tree.people.wangwu, K.PARTY_WARNING, dt.date(2025, 5, 1))      # Taiyuan
    record(tree.people.zhaoliu, K.PARTY_WARNING, dt.date(2025, 5, 1))     # Datong
    found = bars.bars_for(2025)
    assert found[tree.people.wangwu.pk][0].effect == COMMENTS_ONLY
    assert found[tree.people.wangwu.pk][0].citation == "太原市文件条款号待核"
    assert found[tree.people.zhaoliu.pk][0].effect == NOT_EXCELLENT


def test_a_period_effect_reaches_the_years_the_period_covers(tree, record):
    row = SanctionEffect.objects.unrestricted().get(kind=K.DISMISSAL)
    row.period_effect = NOT_EXCELLENT
    row.save()
    s = record(tree.people.wangwu, K.DISMISSAL, dt.date(2024, 11, 1), family="accountability")
    assert s.effective_until == dt.date(2025, 10, 31)  # the row's 12 months
    assert [b.effect for b in bars.bars_for(2025, [tree.people.wangwu.pk])[tree.people.wangwu.pk]] == [NOT_EXCELLENT]
    assert "影响期至2025年10月31日" in bars.bars_for(2025)[tree.people.wangwu.pk][0].reason
    assert bars.bars_for(2026, [tree.people.wangwu.pk]) == {}


def test_an_investigation_pending_then_resolved(tree, users, record):
    from zugong.assessment import sanctions_services as services

    p = tree.people.wangwu
    case = services.open_investigation(users.admin, p, opened_on=dt.date(2025, 10, 8))
    (bar,) = bars.bars_for(2025, [p.pk])[p.pk]
    assert bar.effect == PENDING and bar.evidence == "assessment.investigation" and bar.evidence_pk == case.pk
    assert bar.reason == "2025年10月8日起被立案审查，尚未结案（参加考核、暂不定等次）"
    assert bars.bars_for(2024, [p.pk]) == {}
    # closed in 2026 without a sanction: 2025's grade is fixed, no bar
    services.close_investigation(users.admin, case, closed_on=dt.date(2026, 2, 1), outcome="no_sanction")
    assert bars.bars_for(2025, [p.pk]) == {}
    # corrected: closed with a warning decided in 2026 → 2025 not 优秀, and the warning bars 2026 itself
    warning = record(p, K.PARTY_WARNING, dt.date(2026, 1, 20))
    services.close_investigation(users.admin, case, closed_on=dt.date(2026, 2, 1), outcome="sanctioned",
                                 sanction=warning)
    (bar,) = bars.bars_for(2025, [p.pk])[p.pk]
    assert bar.effect == NOT_EXCELLENT and "2025年度按处分确定" in bar.reason
    assert [b.evidence for b in bars.bars_for(2026, [p.pk])[p.pk]] == ["assessment.sanction"]
    # a heavier sanction: the year follows it
    warning.kind = K.PARTY_SERIOUS_WARNING
    warning.save()
    assert bars.bars_for(2025, [p.pk])[p.pk][0].effect == COMMENTS_ONLY


def test_closing_refuses_a_sanction_of_another_person_or_before_the_case(tree, users, record):
    from django.core.exceptions import ValidationError

    from zugong.assessment import sanctions_services as services

    case = services.open_investigation(users.admin, tree.people.wangwu, opened_on=dt.date(2025, 10, 8))
    other = record(tree.people.lisi, K.PARTY_WARNING, dt.date(2026, 1, 20))
    before = record(tree.people.wangwu, K.PARTY_WARNING, dt.date(2025, 1, 20))
    for sanction, message in ((other, "不是该人员的"), (before, "早于立案日期"), (None, "请选择该人员的处分记录")):
        with pytest.raises(ValidationError) as exc:
            services.close_investigation(users.admin, case, closed_on=dt.date(2026, 2, 1), outcome="sanctioned",
                                         sanction=sanction)
        assert message in str(exc.value)
    with pytest.raises(ValidationError, match="未结案"):
        services.open_investigation(users.admin, tree.people.wangwu, opened_on=dt.date(2025, 11, 8))


def test_bars_for_many_people_takes_three_queries(tree, record):
    from zugong.people.models import Person

    org = tree.b2
    people = [Person(organization=org, org_path=org.path, name=f"人员{i}", sex="1", birth_date=dt.date(1980, 1, 1),
                     name_pinyin="", name_initials="", pinyin_key="", stroke_key="") for i in range(1500)]
    people = Person.objects.bulk_create(people)
    ids = [p.pk for p in people]
    Sanction.objects.bulk_create([Sanction(person_id=pk, kind=K.PARTY_WARNING, family="party",
                                           decided_on=dt.date(2026, 1, 1 + i % 28)) for i, pk in enumerate(ids[:300])])
    Investigation.objects.bulk_create([Investigation(person_id=pk, opened_on=dt.date(2026, 5, 1)) for pk in ids[300:350]])
    for wanted in (ids, ids[:200], None):
        with CaptureQueriesContext(connection) as ctx:
            found = bars.bars_for(2026, wanted)
        assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]
        n = len(wanted) if wanted is not None else 1500
        assert len(found) == min(n, 350) if n > 300 else n
    assert bars.bars_for(2026, []) == {}
