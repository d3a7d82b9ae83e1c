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
    dues.settle(members)  # written past the services: store their settled months as every write path does
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


# ---------------------------------------------------------------- the settled months stored on each member


def _stored(member_id):
    m = Membership.objects.unrestricted().get(pk=member_id)
    return m, (m.dues_settled_through, m.dues_settled_from)


def _agrees(member_id):
    """The stored settled months are what the records say, and the page's rows of this member are the ones
    counting its arrears gives, at every date compared."""
    member, stored = _stored(member_id)
    assert stored == dues.settled(member), member_id
    one = Membership.objects.unrestricted().filter(pk=member_id)
    for as_of in DATES + (dt.date(2027, 3, 5),):
        for months in (1, 2, 6):
            assert _new(one, as_of, months) == _old(one, as_of, months), (member_id, as_of, months)
            assert list(dues.ArrearsRows(one, as_of, months)) == list(dues.owing(one, as_of, months))


def test_seed_stores_the_settled_months_of_every_member(seeded):
    """The seed's one set-based UPDATE (and the migration's, the same statement) against the records."""
    members = Membership.objects.unrestricted().order_by("pk")
    assert not members.filter(dues_settled_through__isnull=True).exists()
    for m in members[::7]:
        assert (m.dues_settled_through, m.dues_settled_from) == dues.settled(m), m.pk
    for pk in seeded:  # the perturbed: gaps, payments ahead, reasons of every shape
        _agrees(pk)
    forever = Membership.objects.unrestricted().get(pk=seeded[4])  # the open-ended reason
    assert forever.dues_settled_through == dues.SETTLED_FOREVER


def test_every_write_path_keeps_the_settled_months(seeded):
    from zugong.members import services

    root = Organization.objects.unrestricted().get(depth=1)
    user = make_user("settle_admin", root, Role.DEPT_ADMIN)
    members = list(
        Membership.objects.unrestricted().active().exclude(pk__in=seeded).filter(dues_exemptions__isnull=True)
        .order_by("pk")[:3]
    )
    a, b, c = members
    # payments ahead of the months owed, after a gap, then the gap filled
    paid = services.record_payments(user, a, first_month=dt.date(2027, 1, 1), last_month=dt.date(2027, 2, 1),
                                    amount=Decimal("10"), paid_on=dt.date(2026, 11, 20))
    _agrees(a.pk)
    DuesPayment.objects.unrestricted().filter(membership=a, month__gte=dt.date(2026, 9, 1),
                                              month__lte=dt.date(2026, 12, 1)).delete()
    dues.settle([a])
    _agrees(a.pk)
    services.record_payments(user, a, first_month=dt.date(2026, 9, 1), last_month=dt.date(2026, 10, 1),
                             amount=Decimal("10"), paid_on=dt.date(2026, 11, 20))
    _agrees(a.pk)
    services.delete_payment(user, paid[0])
    _agrees(a.pk)
    services.delete_payment(user, DuesPayment.objects.unrestricted().get(membership=a, month=dt.date(2026, 9, 1)))
    _agrees(a.pk)
    # reasons: bounded in the future, open-ended, then undone
    later = services.record_exemption(user, b, month_from=dt.date(2026, 12, 1), month_to=dt.date(2027, 6, 1),
                                      reason="外出务工")
    _agrees(b.pk)
    DuesPayment.objects.unrestricted().filter(membership=b, month__gte=dt.date(2026, 7, 1)).delete()
    dues.settle([b])
    _agrees(b.pk)
    open_ended = services.record_exemption(user, b, month_from=dt.date(2026, 8, 1), month_to=None, reason="困难")
    _agrees(b.pk)
    assert _stored(b.pk)[1][0] == dues.SETTLED_FOREVER
    services.delete_exemption(user, open_ended)
    _agrees(b.pk)
    services.delete_exemption(user, later)
    _agrees(b.pk)
    # the month dues began, edited on the member
    services.update_member(user, c, dues_from=dt.date(2026, 10, 1))
    _agrees(c.pk)
    DuesPayment.objects.unrestricted().filter(membership=c).delete()
    dues.settle([c])
    _agrees(c.pk)
    services.update_member(user, Membership.objects.unrestricted().get(pk=c.pk), dues_from=None)
    _agrees(c.pk)


def test_a_member_saved_elsewhere_keeps_or_gets_its_settled_months(seeded):
    """A stale instance saved after a payment does not undo it; a member saved (created, or re-dated by a
    recruitment step) is settled again; one never settled (bulk-created) is counted from its records."""
    member = Membership.objects.unrestricted().active().exclude(pk__in=seeded).order_by("-pk").first()
    stale = Membership.objects.unrestricted().get(pk=member.pk)
    DuesPayment.objects.create(membership=member, organization_id=member.organization_id, org_path=member.org_path,
                               month=dt.date(2027, 5, 1), amount=Decimal("5"), paid_on=dt.date(2026, 11, 1))
    dues.settle([member])
    stale.occupation = "教师"
    stale.save()
    _agrees(member.pk)
    stale.joined_on, stale.dues_from = dt.date(2026, 2, 3), None
    stale.save()
    _agrees(member.pk)
    Membership.objects.unrestricted().filter(pk=member.pk).update(dues_settled_through=None, dues_settled_from=None)
    one = Membership.objects.unrestricted().filter(pk=member.pk)
    for as_of in DATES:
        assert _new(one, as_of, 1) == _old(one, as_of, 1)


def test_arrears_rows_page_like_the_reference(seeded):
    """The page's sequence (settled rows by the index, merged with the unsettled): every slice, the count and
    the full iteration (the export) equal the reference, at dates where few or many members are unsettled."""
    base = Membership.objects.unrestricted().active()
    assert dues.ArrearsRows(base, TODAY, 1).unsettled  # the merge is exercised (the member paid ahead)
    assert dues.ArrearsRows(base, dt.date(2026, 4, 15), 1).unsettled  # (the member with a hole)
    for as_of in (TODAY, dt.date(2026, 4, 15), dt.date(2025, 12, 31)):
        for months in (1, 3):
            old = [pk for pk, _, _ in _old(base, as_of, months)]
            rows = dues.ArrearsRows(base, as_of, months)
            assert len(rows) == len(old)
            assert [m.pk for m in rows] == old
            n = len(old)
            for start in sorted({0, 1, 37, 50, 100, n // 2, max(0, n - 60), max(0, n - 10), n, n + 5}):
                fresh = dues.ArrearsRows(base, as_of, months)
                assert [m.pk for m in fresh[start : start + 50]] == old[start : start + 50], (as_of, months, start)
            if n:
                assert dues.ArrearsRows(base, as_of, months)[n - 1].pk == old[-1]
