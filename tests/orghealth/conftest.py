"""Organization-health fixtures: the default checklist and identification standard at the province, branches
with committees, and a helper writing branchlife's ComplianceStat rows (when that app is installed)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps

from tests.members.conftest import make_member
from zugong.members.models import DuesPayment, Membership


@pytest.fixture
def checklist(tree):
    from zugong.standardization import defaults

    return defaults.install(tree.root)


@pytest.fixture
def standard(tree):
    from zugong.weakorgs import defaults

    return defaults.install(tree.root)


def staff(org, n, seq0, *, posts=(), **fields):
    """n full members of a branch; the first ones hold the committee posts given."""
    out = []
    for i in range(n):
        post = posts[i] if i < len(posts) else ""
        out.append(make_member(org, f"党员{seq0 + i}", seq0 + 2 * i, committee_post=post, **fields))
    return out


def pay(members, months):
    for m in members:
        for month in months:
            DuesPayment.objects.create(membership=m, organization=m.organization, org_path=m.org_path, month=month,
                                       amount=Decimal("40"), paid_on=month)


def has_compliance() -> bool:
    return apps.is_installed("zugong.branchlife")


def compliance(org, kind, period_start, compliant, period="month", current=False):
    from django.utils import timezone

    from zugong.core.dates import add_months

    model = apps.get_model("branchlife", "ComplianceStat")
    period_end = add_months(period_start, {"month": 1, "quarter": 3, "year": 12}[period])
    return model.objects.create(organization=org, org_path=org.path, kind=kind, period_start=period_start,
                                period_end=period_end, period=period, required=True, held=1 if compliant else 0,
                                compliant=compliant, current=current, computed_at=timezone.now())


SECRETARY = Membership.CommitteePost.SECRETARY
D = dt.date
