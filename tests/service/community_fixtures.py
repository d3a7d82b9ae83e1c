"""Fixtures of the community tests: a 社区党委 under 小店区委 (a village-level division code), its grid branch, a
街道党工委, members of the 财政局 branch (b2) and of the 红星社区 branch (b1), and a user of the community."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import _org, make_user
from zugong.core.scope import Role

D = dt.date


def make_member(person, org, *, status="full", joined=D(2005, 7, 1), **fields):
    from zugong.members.models import Membership

    return Membership.objects.create(person=person, organization=org, status=status, joined_on=joined,
                                     converted_on=joined + dt.timedelta(days=366) if status == "full" else None,
                                     **fields)


@pytest.fixture
def community(tree, users):
    street = _org(tree.xiaodian, "中共太原市小店区坞城街道工作委员会", "140105002", "committee", "community",
                  division_code="140105002")
    street.refresh_from_db()
    hq = _org(street, "中共太原市小店区坞城街道双塔社区委员会", "140105002001", "committee", "community",
              division_code="140105002001")
    hq.refresh_from_db()
    grid = _org(hq, "中共太原市小店区坞城街道双塔社区第一支部委员会", "140105002001.01", "branch", "community",
                division_code="140105002001")
    for o in (street, hq, grid, tree.xiaodian):
        o.refresh_from_db()
    p = tree.people
    members = SimpleNamespace(
        wangwu=make_member(p.wangwu, tree.b2),
        zhangsan=make_member(p.zhangsan, tree.b1),
        lisi=make_member(p.lisi, tree.b1, status="stopped"),
        zhaoliu=make_member(p.zhaoliu, tree.b3),
    )
    return SimpleNamespace(street=street, hq=hq, grid=grid, members=members,
                           hq_user=make_user("shuangta", hq, Role.ORG_ADMIN),
                           b2_user=make_user("b2_sec", tree.b2, Role.SECRETARY))
