"""Selection fixtures: a cadre of 小店区委 with a rank history, résumé and training that meet every rule for a
promotion from 乡科级正职 to 县处级副职, and helpers that build cases directly (for the rules) or check one rule
on one case."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from zugong.appointments.models import Observation, SelectionCase
from zugong.cadres import ranks
from zugong.cadres.models import Cadre, CadrePost, RankRecord, ResumeEntry, TrainingRecord
from zugong.core import rules

D = dt.date
AS_OF = D(2026, 11, 27)


def make_cadre(person, org, *, rank="township_chief", rank_since=D(2020, 1, 1), work_started_on=D(2003, 7, 1),
               title="坞城街道党工委书记", history=(("clerk_1", D(2003, 7, 1)), ("township_deputy", D(2015, 1, 1))),
               grassroots=((D(2003, 7, 1), D(2008, 7, 1)),), training_hours=Decimal(600), training_days=92, education="20"):
    person.education = education
    person.save()
    cadre = Cadre.objects.create(person=person, organization=org, rank=rank, rank_since=rank_since,
                                 work_started_on=work_started_on, current_title=title)
    starts = [*history, (rank, rank_since)]
    for i, (code, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else None
        RankRecord.objects.create(cadre=cadre, rank=code, start_on=start, end_on=end, order=i + 1)
        if code in ranks.POST_RANKS:  # the posts held (two at 乡科级 by default: 任职经历 for 县处级)
            CadrePost.objects.create(cadre=cadre, title=title if end is None else f"某{ranks.name_of(code)}职务",
                                     rank=code, start_on=start, end_on=end, order=i + 1)
    for i, (start, end) in enumerate(grassroots):
        ResumeEntry.objects.create(cadre=cadre, start_on=start, end_on=end, text="某乡镇工作", grassroots=True,
                                   order=i + 1)
    if training_hours:
        TrainingRecord.objects.create(cadre=cadre, name="县处级干部进修班", start_on=D(2024, 3, 1),
                                      end_on=D(2024, 6, 1), hours=training_hours, days=training_days)
    return cadre


@pytest.fixture
def cadre(tree):
    """张三: 坞城街道党工委书记 (乡科级正职 since 2020), managed by 小店区委."""
    return make_cadre(tree.people.zhangsan, tree.xiaodian)


@pytest.fixture
def datong_cadre(tree):
    return make_cadre(tree.people.zhaoliu, tree.datong, title="某镇党委书记")


def make_case(cadre, org=None, **values):
    """A case written directly (no services, no rules at save): for testing the rules themselves."""
    values.setdefault("proposed_on", D(2026, 3, 2))
    values.setdefault("title", "区委组织部副部长")
    values.setdefault("unit_name", "中共太原市小店区委员会")
    values.setdefault("rank", "county_deputy")
    values.setdefault("from_rank", cadre.rank)
    values.setdefault("from_rank_since", cadre.rank_since)
    return SelectionCase.objects.create(cadre=cadre, organization=org or cadre.organization, **values)


def make_observation(cadre, **values):
    values.setdefault("observed_on", D(2025, 7, 22))
    values.setdefault("task_kind", "disaster")
    values.setdefault("task", "“7·20”抗洪抢险")
    values.setdefault("conduct", "连续五昼夜驻守堤坝，组织转移群众 1200 人")
    values.setdefault("observer", "区委组织部干部科")
    return Observation.objects.create(cadre=cadre, **values)


def broken(code, case, as_of=AS_OF) -> list[str]:
    return [rules.RULES[code].describe(row) for _rule, row in rules.check_record([code], case, as_of)]


@pytest.fixture
def ns():
    return SimpleNamespace()
