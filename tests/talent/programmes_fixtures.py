"""Fixtures of the programmes tests: applications to the shared `program` fixture's edition, cadre records,
annual grades and sanctions, and a department admin of 太原 and of 大同."""

import datetime as dt

import pytest

from tests.conftest import make_person, make_user

from .fixtures import *  # noqa: F403

D = dt.date


@pytest.fixture
def dept(tree):
    """Department admins (组织部管理员) of 太原市委 and 大同市委."""
    from types import SimpleNamespace

    from zugong.core.scope import Role

    return SimpleNamespace(taiyuan=make_user("ty_dept", tree.taiyuan, Role.DEPT_ADMIN),
                           datong=make_user("dt_dept", tree.datong, Role.DEPT_ADMIN))


def apply(program, person, tier="top", on=D(2026, 3, 15), organization=None):
    from zugong.talent.models import Application

    return Application.objects.create(edition=program.edition, tier=program.tiers[tier], person=person,
                                      organization=organization or person.organization, field="工程技术",
                                      applied_on=on)


def cadre(person, *, post_started_on=None, title="", grades=None):
    """A cadre record of the person with its annual grades ({year: grade code})."""
    from zugong.cadres.models import AnnualAssessment, Cadre

    c = Cadre.objects.create(person=person, organization=person.organization, post_started_on=post_started_on,
                             professional_title=title)
    for year, grade in (grades or {}).items():
        AnnualAssessment.objects.create(cadre=c, year=year, grade=grade)
    return c


def sanction(person, decided_on, kind="party_warning", family="party"):
    from zugong.assessment.models import Sanction

    return Sanction.objects.create(person=person, kind=kind, family=family, decided_on=decided_on)


def person(tree, name, birth, seq):
    return make_person(tree.b1, name, birth=birth, seq=seq)


GOOD_GRADES = {2023: "competent", 2024: "qualified", 2025: "excellent"}
