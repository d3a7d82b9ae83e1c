"""In chromium, the city user of a seeded demo (`zugong seed --scale tiny`) exports the whole people list of
the city to completion and finds a finding by rule and acknowledges it.

The live server has no task worker. The test runs jobs eagerly: `TASKS` is switched to django-tasks'
ImmediateBackend, so the export job queued by the page runs in the server's own request thread when the
request's transaction commits (exactly the `run_job` the worker would run), and the page the browser is sent
to shows the finished job. `exports.SYNC_ROWS` is lowered to 100 so that the tiny city's list (a few thousand
people) takes the background-job path and not the immediate download. Screenshots land in
tests/browser/screenshots/ (ignored by git)."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.browser.test_walkthrough import browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-export-2026"


@pytest.fixture
def demo(monkeypatch, settings):
    from zugong.core import exports
    from zugong.orgs.models import Organization

    monkeypatch.setenv("ZUGONG_DEMO_PASSWORD", PASSWORD)
    call_command("seed", "--scale", "tiny", "--seed", "7", stdout=StringIO())
    city = Organization.objects.unrestricted().get(code="1401")
    # `seed` ends with the rule scan: the city's findings are there without pressing a button.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(exports, "SYNC_ROWS", 100)
    return city


def test_city_exports_people_and_acknowledges_a_finding(live_server, page, demo):  # noqa: F811
    from zugong.core.models import AuditEntry, Finding, Job
    from zugong.people.models import Person

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "city")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")

    # The whole people list of the city: a background job, its page, the download.
    city_people = Person.objects.unrestricted().filter(org_path__startswith=demo.path).count()
    assert city_people > 100
    page.goto(f"{base}/people/")
    page.click("#export-xlsx")
    page.wait_for_url("**/core/jobs/*/")
    page.wait_for_selector("#job-download")
    assert "已完成" in page.inner_text("#job-status")
    assert f"导出完成：共 {city_people:,} 行" in page.inner_text("#job-message")
    shot(page, "exports-01-job-done")
    with page.expect_download() as info:
        page.click("#job-download")
    ws = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()), read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == city_people + 1
    job = Job.objects.unrestricted().get(kind="export")
    assert job.user.username == "city" and job.result["rows"] == city_people
    assert AuditEntry.objects.unrestricted().filter(action="export", object_id=str(job.pk)).count() == 1

    # 我的任务 lists it.
    page.goto(f"{base}/core/jobs/")
    assert "导出：人员名册" in page.inner_text("#jobs")
    shot(page, "exports-02-my-jobs")

    # Find a finding by rule and acknowledge it.
    finding = Finding.objects.unrestricted().filter(org_path__startswith=demo.path).open().order_by("id").first()
    assert finding is not None
    page.goto(f"{base}/core/findings/")
    shot(page, "exports-03-findings")
    page.select_option("#id_rule", finding.rule)
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(f"**rule={finding.rule}*")
    shot(page, "exports-04-findings-by-rule")
    page.check(f"input[name=ids][value='{finding.pk}']")
    page.fill("#ack-note", "已通知支部，月底前整改")
    page.click("#ack-selected")
    page.wait_for_selector(".alert-success")
    assert "已确认知悉 1 条问题预警" in page.inner_text(".alert-success")
    shot(page, "exports-05-acknowledged")
    finding.refresh_from_db()
    assert finding.acknowledged_by.username == "city" and finding.acknowledgement == "已通知支部，月底前整改"

    # The grouping by rule, per child organization of the city.
    page.goto(f"{base}/core/findings/?view=rules")
    page.wait_for_selector("#by-rule")
    shot(page, "exports-06-by-rule")


def test_the_demo_city_exports_its_whole_people_list(live_server, page, monkeypatch, settings):  # noqa: F811
    """The issue's case: the demo city (some 26 thousand people) exports its whole people list to completion,
    as a background job at the default threshold, and the file holds every row."""
    from zugong.core import exports
    from zugong.core.models import Job
    from zugong.orgs.models import Organization
    from zugong.people.models import Person

    monkeypatch.setenv("ZUGONG_DEMO_PASSWORD", PASSWORD)
    call_command("seed", "--scale", "demo", stdout=StringIO())
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    city = Organization.objects.unrestricted().get(code="1401")
    city_people = Person.objects.unrestricted().filter(org_path__startswith=city.path).count()
    assert city_people > 20_000 > exports.SYNC_ROWS

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "city")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=工作台")
    page.goto(f"{live_server.url}/people/")
    page.click("#export-xlsx")
    page.wait_for_url("**/core/jobs/*/", timeout=300_000)
    page.wait_for_selector("#job-download", timeout=300_000)
    assert f"导出完成：共 {city_people:,} 行" in page.inner_text("#job-message")
    shot(page, "exports-07-demo-city-done")
    with page.expect_download() as info:
        page.click("#job-download")
    ws = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()), read_only=True).worksheets[0]
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == city_people + 1
    assert Job.objects.unrestricted().get(kind="export").result["rows"] == city_people
