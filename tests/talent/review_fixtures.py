"""Fixtures of the expert review tests: qualified applications of the test programme and an expert pool."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import make_person, make_user

from .fixtures import *  # noqa: F403

D = dt.date


def make_unit(tree, name, org=None):
    from zugong.orgs.models import Unit

    return Unit.objects.create(org_path=(org or tree.xiaodian).path, name=name)


def make_application(program, person, tier="young", unit=None, field="材料科学", **extra):
    from zugong.talent.models import Application

    return Application.objects.create(edition=program.edition, tier=program.tiers[tier], person=person,
                                      organization=person.organization, unit=unit, field=field,
                                      applied_on=D(2026, 3, 10), recommended_on=D(2026, 4, 1),
                                      qualified_on=D(2026, 5, 10), qualification="passed",
                                      status=Application.Status.QUALIFIED, **extra)


def make_expert(tree, name, field="材料科学", unit=None, unit_name="", person=None, user=None, org=None):
    from zugong.talent.models import Expert

    return Expert.objects.create(organization=org or tree.taiyuan, name=name, field=field, unit=unit,
                                 unit_name=unit_name, person=person, user=user)


def make_round(program, **extra):
    from zugong.talent.models import ReviewRound

    values = {"name": "2026年度专家评审", "reviewers_per_application": 3, **extra}
    return ReviewRound.objects.create(edition=program.edition, **values)


@pytest.fixture
def review(tree, users, program):
    """Units 太原理工大学 and 山西大学; two applications (张三 of 理工, 李四 of 山大); seven experts, one with a
    reviewer account (专家甲), one of 理工."""
    ligong = make_unit(tree, "太原理工大学")
    shanda = make_unit(tree, "山西大学")
    p = tree.people
    apps = SimpleNamespace(zhang=make_application(program, p.zhangsan, unit=ligong),
                           li=make_application(program, p.lisi, unit=shanda, field="化学"))
    reviewer = make_user("expert_a", tree.b1, "readonly")
    other_reviewer = make_user("expert_b", tree.b1, "readonly")
    experts = [make_expert(tree, "专家甲", user=reviewer, unit_name="中北大学"),
               make_expert(tree, "专家乙", user=other_reviewer, unit_name="中北大学"),
               make_expert(tree, "专家丙", field="化学", unit_name="山西农业大学"),
               make_expert(tree, "专家丁", unit_name="太原科技大学"),
               make_expert(tree, "专家戊", field="化学", unit_name="山西医科大学"),
               make_expert(tree, "专家己", unit_name="山西财经大学"),
               make_expert(tree, "理工专家", unit=ligong)]
    rnd = make_round(program)
    return SimpleNamespace(ligong=ligong, shanda=shanda, apps=apps, experts=experts, round=rnd,
                           reviewer=reviewer, other_reviewer=other_reviewer, make_person=make_person)
