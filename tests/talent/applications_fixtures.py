"""Fixtures of the applications tests: an application of 张三 (红星社区, 小店区) to the 2026 edition, and helpers
that run it through the chain (services only)."""

import datetime as dt

import pytest

from zugong.core.casework.services import StepRecord

from .fixtures import *  # noqa: F403

D = dt.date


def rec(on, **extra):
    return StepRecord(on=on, **extra)


def apply(user, program, person, org, tier="top", on=D(2026, 3, 10), **extra):
    from zugong.talent import applications_services as services

    values = {"unit_name": "太原理工大学", "field": "材料科学", "title": "新型储能材料"} | extra
    return services.open_application(user, edition=program.edition, tier=program.tiers[tier], person=person,
                                     organization=org, applied_on=on, **values).case


def to_review(user, case, score="88.50"):
    """申报 → 单位推荐 → 资格审查通过 → 专家评审 (the published score)."""
    from decimal import Decimal

    from zugong.talent import applications_services as services

    services.recommend(user, case, rec(D(2026, 3, 20)))
    services.qualify(user, case, rec(D(2026, 5, 10)), decision="passed")
    services.record_review(user, case, rec(D(2026, 6, 15)), score=Decimal(score), rank=1)
    return case


def to_notice(user, case, start=D(2026, 9, 29), end=D(2026, 10, 10)):
    from zugong.talent import applications_services as services

    to_review(user, case)
    services.approve(user, case, rec(D(2026, 9, 20)), decision="passed")
    services.public_notice(user, case, rec(start), end=end)
    return case


@pytest.fixture
def application(program, tree, users):
    return apply(users.taiyuan, program, tree.people.zhangsan, tree.b1)
