"""The ledger's pages (list with filters and export, a person's ledger, a recognised activity with evidence, its
removal, the crediting rules) and the API `/api/training/credits/`, scoped."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zugong.training import ledger_selectors as selectors
from zugong.training.models import Credit, CreditRule

from .ledger_fixtures import D, hours_line, install_defaults, online

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(tree):
    install_defaults()
    z, zl = tree.people.zhangsan, tree.people.zhaoliu
    return {"z": online(z, D(2026, 3, 1), 45, passed=True, label="太原课程"),
            "zl": online(zl, D(2026, 3, 1), 20, label="大同课程"),
            "old": hours_line(z, D(2025, 6, 1), 4, kind="study", label="去年学习")}


def test_list_is_scoped_filtered_and_exported(tree, users, login, lines):
    page = login(users.taiyuan).get("/training/ledger/").content.decode()
    assert "太原课程" in page and "大同课程" not in page
    page = login(users.admin).get("/training/ledger/?year=2026&kind=online").content.decode()
    assert "太原课程" in page and "大同课程" in page and "去年学习" not in page
    page = login(users.admin).get("/training/ledger/?org=1402").content.decode()
    assert "大同课程" in page and "太原课程" not in page
    r = login(users.taiyuan).get("/training/ledger/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_person_ledger_shows_totals_with_caps(tree, users, login, lines):
    row = CreditRule.objects.unrestricted().get(code="training.credit.online")
    row.year_cap, row.carry_over = Decimal(50), True
    row.save()
    z = tree.people.zhangsan
    client = login(users.taiyuan)
    r = client.get(f"/training/ledger/person/{z.pk}/?year=2026")
    assert r.status_code == 302 and r["Location"] == f"/training/people/{z.pk}/?year=2026"
    page = client.get(r["Location"]).content.decode()
    assert "培训要求落实情况" in page and "太原课程" in page and "每年至多 50 学时，超出部分结转下一年度" in page
    assert login(users.datong).get(f"/training/ledger/person/{z.pk}/").status_code == 404
    totals = {t.kind: t for t in selectors.totals(z, 2026)}
    assert totals["online"].hours == Decimal("1.5") and totals["online"].year_cap == Decimal(50)
    assert [c.source_label for c in selectors.lines(users.datong, z, 2026)] == []


def test_recognised_activity_needs_evidence_and_can_be_removed(tree, users, login, lines):
    z = tree.people.zhangsan
    client = login(users.secretary)
    r = client.post("/training/ledger/new/", {"person": z.pk, "on": "2026-05-04", "kind": "study",
                                              "title": "集中学习研讨", "hours": "3"})
    assert r.status_code == 200 and "证明材料" in r.content.decode()
    upload = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = client.post("/training/ledger/new/", {"person": z.pk, "on": "2026-05-04", "kind": "study",
                                              "title": "集中学习研讨", "hours": "3", "evidence": upload})
    assert r.status_code == 302
    line = Credit.objects.unrestricted().get(source_label="集中学习研讨")
    assert line.evidence and line.hours == Decimal(3) and line.source == "training.manual"
    assert client.get(f"/training/ledger/{line.pk}/evidence/").status_code == 200
    assert login(users.datong).get(f"/training/ledger/{line.pk}/evidence/").status_code == 404
    client = login(users.secretary)
    client.post(f"/training/ledger/{lines['z'].pk}/remove/", {"reason": "误登"})
    assert Credit.objects.unrestricted().filter(pk=lines["z"].pk).exists()  # an import's line: not by hand
    client.post(f"/training/ledger/{line.pk}/remove/", {"reason": "重复登记"})
    assert not Credit.objects.unrestricted().filter(pk=line.pk).exists()


def test_crediting_rules_edited_by_department_admins(tree, users, login, lines):
    row = CreditRule.objects.unrestricted().get(code="training.credit.online")
    assert "网络培训学时认定" in login(users.taiyuan).get("/training/ledger/rules/").content.decode()
    assert login(users.taiyuan).get(f"/training/ledger/rules/{row.pk}/").status_code == 403
    client = login(users.admin)
    data = {"title": row.title, "day_rate": "6", "year_cap": "50", "provider_cap": "", "carry_over": "on",
            "long_minutes": "40", "long_hours": "1", "short_minutes": "20", "short_hours": "0.5",
            "least_hours": "0.25", "test_bonus": "0.5", "document": row.document, "active": "on"}
    r = client.post(f"/training/ledger/rules/{row.pk}/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    row.refresh_from_db()
    assert (row.long_minutes, row.year_cap, row.carry_over) == (40, Decimal(50), True)
    assert online(tree.people.zhangsan, D(2026, 4, 1), 30).hours == Decimal("0.5")  # 30 < 40 now
    r = client.post(f"/training/ledger/rules/{row.pk}/issue/", {"organization": tree.taiyuan.pk})
    mine = CreditRule.objects.unrestricted().get(organization=tree.taiyuan)
    assert r.status_code == 302 and mine.kind == "online" and mine.long_minutes == 40


def test_api_lists_lines_in_scope_with_filters(tree, users, lines, api_client):
    client = api_client()
    client.force_authenticate(users.taiyuan)
    z = tree.people.zhangsan
    data = client.get("/api/training/credits/").json()
    assert {r["source_label"] for r in data["results"]} == {"太原课程", "去年学习"}
    data = client.get(f"/api/training/credits/?person={z.id_number}&year=2026&kind=online").json()
    assert [(r["source_label"], r["hours"], r["person_name"]) for r in data["results"]] == [("太原课程", "1.50", "张三")]
    assert "*" in data["results"][0]["person"]
    assert client.get(f"/api/training/credits/?person={tree.people.zhaoliu.id_number}").json()["results"] == []
    assert client.get("/api/training/credits/?person=123").status_code == 400
    assert client.get(f"/api/training/credits/{lines['zl'].pk}/").status_code == 404
