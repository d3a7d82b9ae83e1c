"""The screening preview (软弱涣散排查) ranked and paged in SQL: the same candidates, reasons and order as
screening every branch in Python and sorting (the page before the change, which showed the first 500), on a
seeded database; real pages with the right counts; scope."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import make_user
from zugong.core.scope import Role
from zugong.orgs.models import Organization
from zugong.weakorgs import screening
from zugong.weakorgs.models import Flag, Indicator

TODAY = dt.date(2026, 11, 27)  # tests/conftest.py REFERENCE_DAY
DATES = (TODAY, dt.date(2026, 6, 30), dt.date(2025, 12, 31))


def _old(standard, path, as_of):
    """What the page showed before: every branch with a situation, sorted in Python."""
    found = screening.screen(standard, path, as_of, qualifying_only=False)
    for c in found:
        c.qualified = c.qualifies(standard.comprehensive_min)
    found.sort(key=lambda c: (not c.qualified, -c.direct, -c.others, c.path))
    return found


def _rows(candidates):
    return [(c.organization_id, c.qualified, c.reasons) for c in candidates]


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """One tiny seed for the module with a few manual flags (direct and not), rolled back at the end."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZUGONG_DEMO_PASSWORD", "Seed-test-password-2026")
        with transaction.atomic():
            call_command("seed", "--scale", "tiny", "--seed", "7", stdout=StringIO())
            root = Organization.objects.unrestricted().get(depth=1)
            standard = screening.indicator_set_for(root.path, TODAY)
            manual = list(standard.indicators.unrestricted().filter(source=Indicator.Source.MANUAL, active=True,
                                                                   sector="").order_by("order"))
            branches = list(Organization.objects.unrestricted().filter(kind="branch").order_by("path")[:30])
            for i, branch in enumerate(branches):
                for ind in manual[i % 3: i % 3 + 1 + i % 2]:
                    for year in (2025, 2026):
                        Flag.objects.create(organization=branch, org_path=branch.path, indicator=ind, year=year,
                                            note=f"测试情况 {i}", reported_on=dt.date(year, 3, 1),
                                            withdrawn=(i == 7))
            yield standard
            transaction.set_rollback(True)


@pytest.fixture
def standard(seeded_once, db):
    return seeded_once


def test_ranked_pages_match_screening_every_branch(standard):
    root = Organization.objects.unrestricted().get(depth=1)
    township = Organization.objects.unrestricted().filter(depth=4, kind="committee").order_by("path").first()
    compared = 0
    for path in (root.path, township.path):
        for as_of in DATES:
            old = _old(standard, path, as_of)
            pages = []
            offset = 0
            while True:
                page = screening.ranked(standard, path, as_of, offset=offset, limit=17)
                assert (page.count, page.qualified) == (len(old), sum(c.qualified for c in old)), (path, as_of)
                if not page.candidates:
                    break
                pages += page.candidates
                offset += 17
            assert _rows(pages) == _rows(old), (path, as_of)
            compared += len(old)
    assert compared > 100


def _shown(response) -> list[str]:
    body = response.content.decode()
    table = body[body.index('id="candidates"'):]
    return re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", table)


def test_screen_page_pages_counts_and_scope(standard, client):
    root = Organization.objects.unrestricted().get(depth=1)
    admin = make_user("screen_admin", root, Role.DEPT_ADMIN)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    old = _old(standard, root.path, TODAY)
    assert len(old) > 50
    first, second = client.get("/weakorgs/screen/"), client.get("/weakorgs/screen/?page=2")
    assert first.status_code == second.status_code == 200
    assert _shown(first) == [c.name for c in old[:50]]
    assert _shown(second) == [c.name for c in old[50:100]] and _shown(second) != _shown(first)
    qualified = sum(c.qualified for c in old)
    for r in (first, second):
        assert f"有情形的党支部 {len(old)} 个" in r.content.decode()
        assert f"{qualified} 个" in r.content.decode()
    pages = (len(old) + 49) // 50
    assert f"第 1 / {pages} 页" in first.content.decode() and "page=2" in first.content.decode()
    assert f"第 {pages} / {pages} 页" in client.get("/weakorgs/screen/?page=999").content.decode()
    dated = client.get("/weakorgs/screen/?as_of=2026-06-30&page=2")
    assert _shown(dated) == [c.name for c in _old(standard, root.path, dt.date(2026, 6, 30))[50:100]]
    assert "as_of=2026-06-30" in dated.content.decode()  # the page links keep the date

    township = Organization.objects.unrestricted().filter(depth=4, kind="committee").order_by("path").first()
    user = make_user("screen_township", township, Role.ORG_ADMIN)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mine = client.get("/weakorgs/screen/")
    expected = _old(standard, township.path, TODAY)
    assert f"有情形的党支部 {len(expected)} 个" in mine.content.decode()
    assert _shown(mine) == [c.name for c in expected[:50]]
    assert all(c.path.startswith(township.path) for c in expected) and len(expected) < len(old)
    other = Organization.objects.unrestricted().filter(depth=4, kind="committee").exclude(pk=township.pk).first()
    outside = client.get(f"/weakorgs/screen/?org={other.code}")  # an outside code: the user's own subtree
    assert _shown(outside) == _shown(mine)
