"""The arrears page (欠交党费) pre-filtered in SQL: the same members, months and order as counting every member's
arrears first (the page before the change), on a seeded database; real paging with the right count; scope.

The reference is `dues.with_arrears(...).filter(unpaid_months__gte=n)` ordered as the page orders, which is
exactly what the page ran before `dues.owing` replaced it (it stays: the rules and the member page use it).
"""

import datetime as dt
import io
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import make_user
from zugong.core.scope import Role
from zugong.members import dues
from zugong.members.models import DuesExemption, DuesPayment, Membership
from zugong.orgs.models import Organization

ORDER = ("-unpaid_months", "org_path", "person__stroke_key", "pk")
TODAY = dt.date(2026, 11, 27)  # tests/conftest.py REFERENCE_DAY
DATES = (TODAY, dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 3, 15), dt.date(2025, 12, 31))
MONTHS = (1, 2, 3, 6, 13)


def _old(qs, as_of, months):
    return list(
        dues.with_arrears(qs, as_of)
        .filter(unpaid_months__gte=months)
        .order_by(*ORDER)
        .values_list("pk", "unpaid_months", "last_paid")
    )


def _new(qs, as_of, months):
    return list(dues.owing(qs, as_of, months).order_by(*ORDER).values_list("pk", "unpaid_months", "last_paid"))


def _perturb():
    """Cases the seed may not hold: a gap before the latest payment, a payment in advance with the months before
    it unpaid, reasons open-ended, ending, starting after the last month owed, overlapping a payment, a dues
    record starting late, a member who never paid."""
    members = list(Membership.objects.unrestricted().active().filter(dues_exemptions__isnull=True).order_by("pk")[:40])
    m = iter(members)

    def org(x):
        return {"organization_id": x.organization_id, "org_path": x.org_path}

    gap = next(m)  # a hole three months before the last payment
    DuesPayment.objects.unrestricted().filter(membership=gap, month__in=[dt.date(2026, 3, 1), dt.date(2026, 4, 1)]).delete()
    ahead = next(m)  # paid months ahead, not the months owed
    DuesPayment.objects.unrestricted().filter(membership=ahead, month__gte=dt.date(2026, 4, 1)).delete()
    for month in (dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2026, 6, 1)):
        DuesPayment.objects.create(membership=ahead, month=month, amount=Decimal("20"), paid_on=month, **org(ahead))
    never = next(m)
    DuesPayment.objects.unrestricted().filter(membership=never).delete()
    late = next(m)
    Membership.objects.unrestricted().filter(pk=late.pk).update(dues_from=dt.date(2026, 9, 1))
    for x, start, end in (
        (next(m), dt.date(2026, 1, 1), None),  # open-ended reason
        (next(m), dt.date(2026, 5, 1), dt.date(2026, 8, 1)),  # ends after June
        (next(m), dt.date(2026, 12, 1), None),  # starts after the last month owed
        (next(m), dt.date(2025, 11, 1), dt.date(2026, 2, 1)),  # overlaps payments
        (next(m), dt.date(2026, 10, 1), dt.date(2026, 10, 1)),  # one month, the last owed
    ):
        DuesExemption.objects.create(membership=x, month_from=start, month_to=end, reason="测试", **org(x))
    return members


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """One tiny seed for the module, rolled back at its end (the tests' own writes roll back after each)."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZUGONG_DEMO_PASSWORD", "Seed-test-password-2026")
        with transaction.atomic():
            call_command("seed", "--scale", "tiny", "--seed", "7", stdout=StringIO())
            perturbed = [m.pk for m in _perturb()]
            yield perturbed
            transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_owing_matches_counting_every_members_arrears(seeded):
    """Every date and threshold, for the province, a city and a county: the same rows, months and order."""
    root = Organization.objects.unrestricted().get(depth=1)
    county = Organization.objects.unrestricted().filter(depth=3, kind="committee").order_by("path").first()
    base = Membership.objects.unrestricted().active()
    compared = 0
    for path in (root.path, county.path, county.path[:8]):
        qs = base.filter(org_path__startswith=path)
        for as_of in DATES:
            for months in MONTHS:
                old = _old(qs, as_of, months)
                assert _new(qs, as_of, months) == old, (path, as_of, months)
                assert dues.owing(qs, as_of, months).count() == len(old)
                compared += len(old)
    assert compared > 1000  # the seed holds arrears at every date compared


def test_owing_counts_months_like_arrears_sql(seeded):
    """The perturbed members: gaps, payments in advance, reasons of every shape."""
    members = Membership.objects.unrestricted().filter(pk__in=seeded)
    for as_of in DATES:
        for months in MONTHS:
            assert _new(members, as_of, months) == _old(members, as_of, months)
    ahead = members.order_by("pk")[1]
    row = dues.owing(members.filter(pk=ahead.pk), TODAY, 1).values("unpaid_months", "last_paid").get()
    # paid June, then December and January ahead: April, May and July to October owed as of today
    assert row == {"unpaid_months": 4, "last_paid": dt.date(2026, 6, 1)}


def _count(response) -> int:
    return int(re.search(r"共 (\d+) 条", response.content.decode()).group(1))


def _names(response) -> list[str]:
    return re.findall(r'<a href="/members/(\d+)/', response.content.decode())


def test_arrears_pages_count_sort_and_scope(seeded, client):
    root = Organization.objects.unrestricted().get(depth=1)
    # the tiny seed has one county: a township's user is the narrower scope here
    county = Organization.objects.unrestricted().filter(depth=4, kind="committee").order_by("path").first()
    admin = make_user("arrears_admin", root, Role.DEPT_ADMIN)
    county_user = make_user("arrears_county", county, Role.ORG_ADMIN)
    expected = _old(Membership.objects.unrestricted().active(), TODAY, 1)
    assert len(expected) > 100

    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    first = client.get("/members/dues/arrears/")
    second = client.get("/members/dues/arrears/?page=2")
    assert first.status_code == second.status_code == 200
    assert _count(first) == _count(second) == len(expected)
    assert [int(pk) for pk in _names(first)] == [pk for pk, _, _ in expected[:50]]
    assert [int(pk) for pk in _names(second)] == [pk for pk, _, _ in expected[50:100]]

    six = client.get("/members/dues/arrears/?months=6")
    expected_six = _old(Membership.objects.unrestricted().active(), TODAY, 6)
    assert _count(six) == len(expected_six)
    assert [int(pk) for pk in _names(six)] == [pk for pk, _, _ in expected_six[:50]]
    assert "连续未交至少（月）" in six.content.decode()

    client.force_login(county_user, backend="django.contrib.auth.backends.ModelBackend")
    mine = client.get("/members/dues/arrears/")
    in_county = _old(Membership.objects.unrestricted().active().filter(org_path__startswith=county.path), TODAY, 1)
    assert _count(mine) == len(in_county) < len(expected)
    shown = [int(pk) for pk in _names(mine)]
    assert shown == [pk for pk, _, _ in in_county[:50]]
    paths = set(Membership.objects.unrestricted().filter(pk__in=shown).values_list("org_path", flat=True))
    assert all(p.startswith(county.path) for p in paths)
    other = Organization.objects.unrestricted().filter(depth=4, kind="committee").exclude(pk=county.pk).first()
    if other is not None:  # an organization code outside the county finds nothing
        assert _count(client.get(f"/members/dues/arrears/?org={other.code}")) == 0


def test_arrears_export_has_every_row(seeded, client):
    county = Organization.objects.unrestricted().filter(depth=3, kind="committee").order_by("path").first()
    user = make_user("arrears_export", county, Role.ORG_ADMIN)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/members/dues/arrears/?months=3&export=xlsx")
    assert response.status_code == 200
    expected = _old(Membership.objects.unrestricted().active().filter(org_path__startswith=county.path), TODAY, 3)
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row - 1 == len(expected)
    else:  # a large export runs as a job: its page is shown
        assert response.status_code == 200
