"""Branch-life fixtures: a branch (红星社区, b1) with seven members, a committee of three and a party group."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import _org
from tests.members.conftest import make_member


@pytest.fixture
def branch(tree):
    from zugong.members.models import Membership

    posts = ["secretary", "organization", "propaganda", "", "", "", ""]
    members = [make_member(tree.b1, f"成员{i}", 101 + 2 * i, committee_post=p) for i, p in enumerate(posts)]
    group = _org(tree.b1, "红星社区支部第一党小组", "1401050101", "party_group", "community")
    tree.b1.refresh_from_db()
    for m in members[3:6]:
        Membership.objects.filter(pk=m.pk).update(party_group=group)
        m.refresh_from_db()
    return SimpleNamespace(org=tree.b1, members=members, secretary=members[0], committee=members[:3],
                           group=group, group_members=members[3:6])


def meeting(org, kind, held_on, *, present=None, expected=None, absences=(), reason="", hours=0, host_person=None,
            topic="学习"):
    """A meeting row written directly (no service): absences are (membership, reason) pairs or memberships."""
    from zugong.branchlife.models import Absence, Meeting

    rows = [(a, reason) if not isinstance(a, tuple) else a for a in absences]
    expected = expected if expected is not None else 7
    m = Meeting.objects.create(organization=org, kind=kind, held_on=held_on, topic=topic, expected=expected,
                               present=present if present is not None else expected - len(rows),
                               credit_hours=hours, host_person=host_person, host="书记")
    for member, why in rows:
        Absence.objects.create(meeting=m, membership=member, org_path=m.org_path, held_on=held_on, kind=kind,
                               reason=why, credit_hours=hours)
    return m


D = dt.date
