"""Member fixtures: the shared tree's people as party members and a helper to add more."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import make_person


@pytest.fixture
def client_for():
    """A separate logged-in client per user, for flows where two sides take turns."""
    from django.test import Client

    def _client(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client


def make_member(org, name, seq, *, area="140105", birth=dt.date(1980, 5, 17), person=None, **fields):
    """A person in `org` recorded as a (full, employed) member of it; `fields` override the membership's.
    `seq` may exceed the ID number's three digits: the thousands move the birth date."""
    from zugong.members.models import Membership

    birth += dt.timedelta(days=seq // 1000)
    person = person or make_person(org, name, area=area, birth=birth, seq=seq % 1000)
    fields.setdefault("joined_on", dt.date(2005, 7, 1))
    fields.setdefault(
        "converted_on",
        fields["joined_on"] + dt.timedelta(days=366)
        if fields.get("status", Membership.Status.FULL) == Membership.Status.FULL
        else None,
    )
    fields.setdefault("dues_base", Decimal("4000.00"))
    membership = Membership.objects.create(person=person, organization=org, **fields)
    if membership.committee_post:  # the post's history, as the services keep it (held since becoming full)
        from zugong.members.models import PostSpan

        PostSpan.objects.create(organization=org, membership=membership, post=membership.committee_post,
                                started_on=membership.converted_on or membership.joined_on)
    return membership


@pytest.fixture
def members(tree):
    """张三 and 李四 in 红星社区支部, 王五 in 财政局支部, 赵六 and 孙七 in 某某村支部: all full members."""
    from types import SimpleNamespace

    from zugong.members.models import Membership

    p = tree.people

    def member(person, org, **fields):
        fields.setdefault("joined_on", dt.date(2005, 7, 1))
        fields.setdefault("converted_on", dt.date(2006, 7, 1))
        fields.setdefault("dues_base", Decimal("4000.00"))
        return Membership.objects.create(person=person, organization=org, **fields)

    return SimpleNamespace(
        zhangsan=member(p.zhangsan, tree.b1),
        lisi=member(p.lisi, tree.b1, category=Membership.Category.RETIRED, dues_base=Decimal("5200.00")),
        wangwu=member(p.wangwu, tree.b2),
        zhaoliu=member(p.zhaoliu, tree.b3, category=Membership.Category.FARMER, dues_base=None),
        sunqi=member(
            p.sunqi,
            tree.b3,
            status=Membership.Status.PROBATIONARY,
            joined_on=dt.date(2026, 3, 1),
            converted_on=None,
        ),
    )
