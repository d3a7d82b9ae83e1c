"""The walk's finding in the demo: `zugong seed` installs every domain's defaults (the sample 三晋英才支持计划
among them) before the talent demo, which must still seed its programmes, taking the sample's place."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_seed_has_talent_data_although_the_sample_programme_was_installed(monkeypatch):
    from zugong.talent.models import Application, Edition, Program, Talent

    monkeypatch.setenv("ZUGONG_DEMO_PASSWORD", "Seed-test-password-2026")
    call_command("seed", "--scale", "tiny", "--as-of", "2026-06-30", "--seed", "7", stdout=StringIO())
    assert Application.objects.unrestricted().exists()
    assert Talent.objects.unrestricted().exists()
    sjyc = Program.objects.unrestricted().get(code="SJYC")
    statuses = sorted(Edition.objects.unrestricted().filter(program=sjyc).values_list("status", flat=True))
    assert statuses == ["closed", "finished"]  # the sample's draft edition is gone

    # `zugong demo talent` on a seeded database still skips: the demo's programmes are there
    from zugong.demo.talent import seed_talent

    assert seed_talent(7, dt.date(2026, 6, 30)) == {}
