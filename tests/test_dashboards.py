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


@pytest.mark.django_db
def test_compliance_grades_and_weak_organizations_roll_up(tree, users, login):
    from django.utils import timezone

    from zugong.branchlife.models import ComplianceStat
    from zugong.standardization.models import BranchScore, Checklist
    from zugong.weakorgs.models import IdentificationList, IndicatorSet, Rectification, WeakOrganization

    now = timezone.now()

    def stat(org, kind, month, compliant, current=False):
        ComplianceStat.objects.create(organization=org, org_path=org.path, kind=kind, period="month",
                                      period_start=dt.date(2026, month, 1), period_end=dt.date(2026, month + 1, 1),
                                      required=True, compliant=compliant, current=current, computed_at=now)

    for org in (tree.b1, tree.b2, tree.b3):
        stat(org, "committee", 7, True)
        stat(org, "committee", 8, org != tree.b2)
        stat(org, "committee", 9, False, current=True)  # not ended: not counted
    checklist = Checklist.objects.create(name="党支部标准化规范化建设考评标准", edition="2026年版", issuing_body="省委组织部",
                                         organization=tree.root, org_path=tree.root.path,
                                         effective_from=dt.date(2026, 1, 1),
                                         grade_bands=[{"grade": "五星", "min": 90}, {"grade": "三星", "min": 60}])
    for org, grade in ((tree.b1, "五星"), (tree.b2, "三星"), (tree.b3, "五星")):
        BranchScore.objects.create(organization=org, org_path=org.path, checklist=checklist, year=2025, grade=grade,
                                   computed_at=now)
    iset = IndicatorSet.objects.create(name="认定标准", edition="2026", issuing_body="省委组织部", organization=tree.root,
                                       org_path=tree.root.path, effective_from=dt.date(2026, 1, 1))
    lst = IdentificationList.objects.create(year=2026, organization=tree.xiaodian, org_path=tree.xiaodian.path,
                                            indicator_set=iset, as_of=dt.date(2026, 3, 1), status="approved")
    entry = WeakOrganization.objects.create(identification_list=lst, organization=tree.b2, org_path=tree.b2.path)
    Rectification.objects.create(organization=tree.b2, org_path=tree.b2.path, entry=entry, problems="班子不健全",
                                 measures="选优配强书记", responsibilities="区委组织部", responsible_leader="某某",
                                 started_on=dt.date(2026, 3, 10), deadline=dt.date(2026, 9, 1))
    run = rollups.refresh(AS_OF)
    assert {"term", "compliance", "grade", "weak"} <= set(run.rows)
    tree.root.refresh_from_db()
    rows = {(r["period"].month, r["key"]): (r["n"], r["m"]) for r in rollups.rows_for(tree.root, "compliance")}
    assert rows == {(7, "committee"): (3, 3), (8, "committee"): (3, 2)}
    grades = {r["key"]: r["n"] for r in rollups.rows_for(tree.root, "grade")}
    assert grades == {"五星": 2, "三星": 1}
    weak = {r["key"]: (r["n"], r["m"]) for r in rollups.rows_for(tree.taiyuan, "weak")}
    assert weak == {"weak": (1, 0), "rect:in_progress": (1, 1)}  # past its deadline on 2026-09-15
    body = login(users.admin).get("/dashboards/").content.decode()
    assert 'id="table-compliance"' in body and "2026-08" in body and "66.7%（2/3）" in body
    assert 'id="table-grade"' in body and 'id="table-weak"' in body
    assert "相关业务数据表尚未建立" not in body
    # A leaf reads its own rows live.
    assert {(r["period"].month, r["key"]): (r["n"], r["m"]) for r in rollups.rows_for(tree.b2, "compliance")} == \
        {(7, "committee"): (1, 1), (8, "committee"): (1, 0)}
