"""The screening read from the stored measures (`weakorgs.stored`): the same candidates, reasons, order and
totals as computing every measure at request time, on a seeded database; thresholds edited after a run apply at
once; a window edited falls back to the live computation (small subtree) or says the data is missing (large);
the page shows when the data was computed, and 重新计算 (a job) refreshes it; the nightly task and the seed."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import make_user
from zugong.core import jobs
from zugong.core.models import Job, ScheduledTask
from zugong.core.scope import Role
from zugong.orgs.models import Organization
from zugong.weakorgs import screening, stored
from zugong.weakorgs.models import Flag, Indicator, MeasureRun, MeasureValue

TODAY = dt.date(2026, 11, 27)  # tests/conftest.py REFERENCE_DAY, the seed's day
DATES = (TODAY, dt.date(2026, 6, 30))


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """One tiny seed for the module (which stores the measures as of its day) with a few manual flags."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZUGONG_DEMO_PASSWORD", "Seed-test-password-2026")
        with transaction.atomic():
            call_command("seed", "--scale", "tiny", "--seed", "7", stdout=StringIO())
            root = Organization.objects.unrestricted().get(depth=1)
            standard = screening.indicator_set_for(root.path, TODAY)
            manual = list(standard.indicators.unrestricted().filter(source=Indicator.Source.MANUAL, active=True)
                          .order_by("order"))
            branches = list(Organization.objects.unrestricted().filter(kind="branch").order_by("path")[:40])
            for i, branch in enumerate(branches):
                for ind in manual[i % 4: i % 4 + 1 + i % 2]:  # rural-only ones included (sector)
                    Flag.objects.create(organization=branch, org_path=branch.path, indicator=ind, year=2026,
                                        note=f"测试情况 {i}", reported_on=dt.date(2026, 3, 1), withdrawn=(i == 7))
            yield standard
            transaction.set_rollback(True)


@pytest.fixture
def standard(seeded_once, db):
    return seeded_once


def _all(fn, limit=17):
    out, offset, totals = [], 0, None
    while True:
        page = fn(offset, limit)
        totals = totals or (page.count, page.qualified)
        assert (page.count, page.qualified) == totals
        if not page.candidates:
            return out, totals
        out += [(c.organization_id, c.qualified, c.reasons) for c in page.candidates]
        offset += limit


def _compare(standard, path, as_of):
    live = _all(lambda o, n: screening.ranked(standard, path, as_of, offset=o, limit=n))
    kept = _all(lambda o, n: stored.ranked(standard, path, as_of.year, offset=o, limit=n))
    assert kept == live, (path, as_of)
    return len(live[0])


def test_stored_screening_equals_the_live_one(standard):
    root = Organization.objects.unrestricted().get(depth=1)
    township = Organization.objects.unrestricted().filter(depth=4, kind="committee").order_by("path").first()
    seeded = MeasureRun.objects.get()  # the seed stored the measures as of its day
    assert (seeded.path, seeded.as_of) == ("", TODAY) and seeded.rows > 0
    assert stored.covering(standard, township.path, TODAY) == seeded
    compared = 0
    for as_of in DATES:
        run = stored.refresh("", as_of)
        assert set(run.keys) == stored.keys_of(standard) and len(run.keys) == 5
        branches = Organization.objects.unrestricted().filter(kind="branch", status="active").count()
        assert MeasureValue.objects.unrestricted().count() == run.rows == 5 * branches
        for path in (root.path, township.path):
            compared += _compare(standard, path, as_of)
    assert compared > 200


def test_thresholds_apply_at_once_and_a_new_window_needs_a_run(standard, monkeypatch):
    root = Organization.objects.unrestricted().get(depth=1)
    run = stored.refresh("", TODAY)
    dues = standard.indicators.unrestricted().get(code="L3")
    before = _compare(standard, root.path, TODAY)
    dues.params = {"months": 3, "above": 0.05}  # a threshold: the stored values still serve
    dues.save()
    assert stored.covering(standard, root.path, TODAY) == run
    assert _compare(standard, root.path, TODAY) != before
    dues.sector = "rural"  # a data indicator for village branches only
    dues.save()
    _compare(standard, root.path, TODAY)
    found = stored.ranked(standard, root.path, 2026, limit=10_000).candidates
    hit = [c.organization_id for c in found if any(r["code"] == "L3" for r in c.reasons)]
    assert hit and set(Organization.objects.unrestricted().filter(pk__in=hit)
                       .values_list("sector", flat=True)) == {"rural"}
    dues.params = {"months": 1, "above": 0.05}  # a window: a new key the run does not hold
    dues.save()
    assert stored.covering(standard, root.path, TODAY) is None
    page = stored.page(standard, root.path, None)
    assert page.source == "live" and page.as_of == TODAY
    monkeypatch.setattr(stored, "LIVE_MAX", 0)
    assert stored.page(standard, root.path, None).source == "missing"
    county = Organization.objects.unrestricted().filter(depth=3, kind="committee").order_by("path").first()
    again = stored.refresh(county.path, TODAY)  # a county's run covers the county only
    assert stored.covering(standard, county.path, TODAY) == again
    assert stored.covering(standard, root.path, TODAY) is None
    assert stored.page(standard, county.path, None).source == "stored"
    _compare(standard, county.path, TODAY)


def test_page_says_when_computed_and_refreshes_as_a_job(standard, client, monkeypatch):
    root = Organization.objects.unrestricted().get(depth=1)
    admin = make_user("stored_admin", root, Role.DEPT_ADMIN)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    run = MeasureRun.objects.get()
    body = client.get("/weakorgs/screen/").content.decode()
    assert f"数据截至 {run.computed_at.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d %H:%M}" in body
    assert "基准日 2026-11-27" in body and "下次计算后才反映" in body and "重新计算" in body
    assert "按基准日 2026-06-30 即时计算" in client.get("/weakorgs/screen/?as_of=2026-06-30").content.decode()

    monkeypatch.setattr(stored, "LIVE_MAX", 0)  # the province: another day is not computed while one waits
    body = client.get("/weakorgs/screen/?as_of=2026-06-30").content.decode()
    assert "尚无基准日 2026-06-30 的排查数据" in body and "没有发现情形" in body
    monkeypatch.setattr(jobs, "submit", lambda job, run_now=False: jobs.run_job.call(job.pk))
    response = client.post("/weakorgs/screen/refresh/", {"org": root.code, "as_of": "2026-06-30"})
    job = Job.objects.unrestricted().get(kind="weakorgs_measures")
    assert response.status_code == 302 and response["Location"] == f"/core/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and "基准日 2026-06-30" in job.message, job.message
    latest = MeasureRun.objects.first()
    assert (latest.as_of, latest.user, latest.path) == (dt.date(2026, 6, 30), admin, root.path)
    body = client.get("/weakorgs/screen/?as_of=2026-06-30").content.decode()
    assert "数据截至" in body and "基准日 2026-06-30" in body

    branch = Organization.objects.unrestricted().filter(kind="branch").order_by("path").first()
    secretary = make_user("stored_branch", branch, Role.ORG_ADMIN)
    client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/weakorgs/screen/refresh/", {"org": root.code}).status_code == 404  # not visible
    township = Organization.objects.unrestricted().filter(depth=4, kind="committee").order_by("path").first()
    viewer = make_user("stored_viewer", township, Role.READONLY)
    client.force_login(viewer, backend="django.contrib.auth.backends.ModelBackend")
    assert "重新计算</button>" not in client.get("/weakorgs/screen/").content.decode()
    assert client.post("/weakorgs/screen/refresh/", {"org": township.code}).status_code == 403


def test_nightly_task_is_installed_after_compliance(standard):
    task = ScheduledTask.objects.unrestricted().get(code="weakorgs_measures")
    compliance = ScheduledTask.objects.unrestricted().get(code="compliance")
    assert task.kind == "weakorgs_measures" and task.kind in jobs.RUNNERS and task.enabled
    assert task.at > compliance.at
