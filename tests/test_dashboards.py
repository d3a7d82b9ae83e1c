"""Dashboards: roll-ups built set-based per depth equal the live counts of every subtree; the page shows
each chart's table, when it was computed, exports it, and stays inside the user's scope."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from zugong.dashboards import rollups
from zugong.dashboards.models import Rollup
from zugong.elections import services
from zugong.orgs.models import Organization

AS_OF = dt.date(2026, 9, 15)


def set_term(org, start, years=None):
    Organization.objects.unrestricted().filter(pk=org.pk).update(
        term_started_on=start, term_ends_on=start.replace(year=start.year + (years or org.term_years or 3)))


@pytest.fixture
def terms(tree):
    set_term(tree.b2, dt.date(2022, 11, 10), 3)  # ended 2025-11-10: overdue
    set_term(tree.b3, dt.date(2021, 12, 1), 5)  # ends 2026-12-01: due within 6 months
    set_term(tree.xiaodian, dt.date(2021, 7, 1), 5)  # ended 2026-07-01: overdue
    # root, taiyuan, datong have no term recorded; b1 ended 2026-06-01: overdue
    return tree


@pytest.mark.django_db
def test_rollups_sum_every_subtree(terms, users):
    tree = terms
    run = rollups.refresh(AS_OF, ["term"])
    assert run.rows["term"] > 0

    def counts(org):
        org.refresh_from_db()
        return {r["key"]: r["n"] for r in rollups.rows_for(org, "term")}

    assert counts(tree.root) == {"committee:none": 3, "committee:overdue": 1, "branch:overdue": 2, "branch:due": 1}
    assert counts(tree.taiyuan) == {"committee:none": 1, "committee:overdue": 1, "branch:overdue": 2}
    assert counts(tree.datong) == {"committee:none": 1, "branch:due": 1}
    assert counts(tree.b3) == {"branch:due": 1}  # a leaf: read live
    assert not Rollup.objects.unrestricted().filter(node=tree.b3).exists()
    # A postponement moves b2 from overdue to due after the next refresh.
    tree.b2.refresh_from_db()
    services.adjust_term(users.admin, tree.b2, kind="postpone", months=12, approved_by="小店区委",
                         approved_on=dt.date(2024, 12, 1), reason="与单位改制同步")
    rollups.refresh(AS_OF, ["term"])
    assert counts(tree.xiaodian) == {"committee:overdue": 1, "branch:overdue": 1, "branch:due": 1}


@pytest.mark.django_db
def test_dashboard_page_tables_exports_and_scope(terms, users, login):
    tree = terms
    rollups.refresh(AS_OF)
    client = login(users.admin)
    body = client.get("/dashboards/").content.decode()
    assert "汇总数据计算于" in body and 'id="table-term"' in body and 'id="chart-term"' in body
    assert "中共太原市小店区财政局机关支部委员会" in body  # due list (live)
    r = client.get("/dashboards/?org=1402&export=term")
    rows = [[c.value for c in row] for row in load_workbook(BytesIO(r.content)).active.iter_rows()]
    assert rows[0] == ["类别", "已逾期", "即将届满", "未到期", "未记录任期", "合计"]
    assert ["党支部", 0, 1, 0, 0, 1] in rows
    # The Datong admin sees Datong only.
    client = login(users.datong)
    body = client.get("/dashboards/").content.decode()
    assert "大同" in body and "太原" not in body and "小店" not in body
    assert client.get("/dashboards/?org=1401").status_code == 404
    assert client.post("/dashboards/refresh/").status_code == 403


@pytest.mark.django_db
def test_refresh_command_and_job(terms, users, login):
    from django.core.management import call_command

    call_command("dashboards", "refresh", "--as-of", "2026-09-15")
    assert Rollup.objects.unrestricted().filter(metric="term").exists()
    r = login(users.admin).post("/dashboards/refresh/")
    assert r.status_code == 302 and "/core/jobs/" in r["Location"]
