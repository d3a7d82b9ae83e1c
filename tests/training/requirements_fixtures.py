"""Fixtures of the training requirements tests: cadres with rank records, members with committee posts, ledger
lines written through `training.ledger.post`, and the default requirement rows installed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.conftest import make_person

D = dt.date


def make_cadre(person, org, rank, rank_since, *, records=()):
    """A cadre of `rank` since `rank_since`; `records` are (rank, start_on) of the rank history."""
    from zugong.cadres.models import Cadre, RankRecord

    cadre = Cadre.objects.create(person=person, organization=org, rank=rank, rank_since=rank_since)
    for r, start in records:
        RankRecord.objects.create(cadre=cadre, rank=r, start_on=start, org_path=cadre.org_path)
    return cadre


def make_member(person, org, *, status="full", joined=D(2005, 7, 1), post="", post_since=None):
    from zugong.members.models import Membership, PostSpan

    m = Membership.objects.create(person=person, organization=org, status=status, joined_on=joined,
                                  converted_on=None if status == "probationary" else joined + dt.timedelta(days=366),
                                  committee_post=post, dues_base=Decimal("4000.00"))
    if post:
        PostSpan.objects.create(organization=org, membership=m, post=post, started_on=post_since or joined)
    return m


def credit(person, on, kind, quantity, unit="hour", source_id=None, days=None):
    """One ledger line through the ledger interface."""
    from zugong.training import ledger

    credit.seq += 1
    return ledger.post(None, "test.requirements", [ledger.Line(
        person_id=person.pk, on=on, kind=kind, quantity=Decimal(str(quantity)), unit=unit, label="测试培训",
        source_id=source_id or credit.seq, days=days)])


credit.seq = 0


@pytest.fixture(name="installed")
def installed_fixture(tree):
    from zugong.core import config

    config.install(tree.root, ["training-requirements"])
    return tree


@pytest.fixture(name="rows")
def rows_fixture(installed):
    from zugong.training import requirements_eval as ev

    return {r.code: r for r in ev.requirements()}


@pytest.fixture(name="people")
def people_fixture(tree):
    extra = SimpleNamespace(
        chief=make_person(tree.xiaodian, "周县长", seq=21),
        clerk=make_person(tree.xiaodian, "吴科长", seq=23),
        other=make_person(tree.datong, "郑处长", area="140213", seq=25),
    )
    return extra
