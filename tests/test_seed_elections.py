"""The seed's elections (zugong/demo/elections.py): every seeded election passes the validity rules, approved
ones opened the organization's current term, and the dashboards are computed by the seed."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import seed_once
from zugong.core import rules
from zugong.elections.models import Election, TermAdjustment
from zugong.elections.rules import VALIDITY_RULES

# The seed is reproducible for a given day (`--as-of`); these tests pin one.
AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    yield from seed_once(django_db_blocker, "--scale", "tiny", "--as-of", AS_OF.isoformat(), "--seed", "7")


@pytest.fixture
def seeded(_seeded_once, db, monkeypatch):
    monkeypatch.setenv("ZUGONG_DEMO_PASSWORD", "Seed-test-password-2026")


@pytest.mark.django_db
def test_seeded_elections_are_valid_and_open_the_terms(seeded):
    from zugong.core.models import LocalRule
    from zugong.dashboards.models import Rollup

    elections = Election.objects.unrestricted().select_related("organization")
    assert elections.count() > 10
    qs = Election.objects.unrestricted()
    for code in VALIDITY_RULES:
        assert rules.RULES[code].violations(qs, dt.date(2026, 6, 30)) == [], code
    for e in elections:
        assert e.held_on == e.organization.term_started_on
        assert e.approved_by_higher == e.term_started
    assert elections.filter(approved_by_higher=True).exists()
    for a in TermAdjustment.objects.unrestricted():
        assert 1 <= a.months <= 12 and a.due_on > a.term_ends_on
    assert LocalRule.objects.filter(code="elections.local.term_reminder").exists()
    assert Rollup.objects.unrestricted().filter(metric="term", depth=1).exists()


@pytest.mark.django_db
def test_demo_command_adds_elections_once(seeded):
    # `zugong demo elections` (bench/seed_bench.py): skips when elections exist, else adds them for one in ten
    out = StringIO()
    call_command("demo", "elections", "--as-of", AS_OF.isoformat(), stdout=out)
    assert "已有选举记录，跳过" in out.getvalue()
    TermAdjustment.objects.unrestricted().delete()
    Election.objects.unrestricted().delete()
    call_command("demo", "elections", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    assert Election.objects.unrestricted().exists()
