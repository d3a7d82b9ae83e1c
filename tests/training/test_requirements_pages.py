"""The training requirements' pages, API and 工作台 item, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .requirements_fixtures import D, credit, make_cadre, make_member
from .requirements_fixtures import installed_fixture, people_fixture, rows_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client):
    def _as(user):
        client = api_client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _as


def test_the_hours_api_answers_the_person_the_year_the_total_by_type_and_each_requirement(tree, users, rows, api):
    p = tree.people
    make_member(p.zhangsan, tree.b1, post="secretary", post_since=D(2020, 1, 1))
    make_cadre(p.zhangsan, tree.b1, "township_deputy", D(2020, 1, 1))
    credit(p.zhangsan, D(2025, 4, 1), "class", 40)
    credit(p.zhangsan, D(2025, 4, 2), "online", 20)
    credit(p.zhangsan, D(2024, 4, 2), "online", 99)  # another year
    r = api(users.admin).get("/api/training/hours/", {"person": p.zhangsan.id_number, "year": 2025})
    assert r.status_code == 200, r.content.decode()
    body = r.json()
    assert set(body) == {"person", "year", "credited", "by_type", "requirements"}
    assert body["person"] == "张三" and body["year"] == 2025 and body["credited"] == 60
    assert body["by_type"]["class"] == 40 and body["by_type"]["online"] == 20 and body["by_type"]["off_job"] == 0
    reqs = {r["code"]: r for r in body["requirements"]}
    assert set(reqs) == {"branchlife.study_hours", "training.cadre_year", "training.online", "training.committee"}
    assert all(set(r) == {"code", "required", "credited", "shortfall", "period"} for r in reqs.values())
    assert reqs["training.cadre_year"] == {"code": "training.cadre_year", "required": 90, "credited": 40,
                                           "shortfall": 50, "period": "2025年"}
    assert reqs["branchlife.study_hours"]["shortfall"] == 0


def test_the_hours_api_is_scoped_and_checks_its_parameters(tree, users, rows, api):
    p = tree.people
    client = api(users.datong)
    r = client.get("/api/training/hours/", {"person": p.zhangsan.id_number, "year": 2025})
    assert r.status_code == 404  # 太原's person: out of 大同's scope
    assert client.get("/api/training/hours/", {"person": p.zhaoliu.id_number, "year": 2025}).status_code == 200
    assert client.get("/api/training/hours/", {"person": "123", "year": 2025}).status_code == 400
    assert client.get("/api/training/hours/", {"person": p.zhaoliu.id_number}).status_code == 400
    assert client.get("/api/training/hours/", {"person": p.zhaoliu.id_number, "year": 0}).status_code == 400
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/training/hours/" in schema["paths"]


def test_the_person_page_shows_standing_and_ledger_lines_of_the_year_and_is_scoped(tree, users, rows, login):
    p = tree.people
    make_cadre(p.zhangsan, tree.b1, "clerk_1", D(2020, 1, 1))
    credit(p.zhangsan, D(2025, 4, 1), "online", 12)
    credit(p.zhangsan, D(2024, 4, 1), "class", 7)
    page = login(users.taiyuan).get(f"/training/people/{p.zhangsan.pk}/?year=2025")
    assert page.status_code == 200
    text = page.content.decode()
    assert "干部每年参加网络培训不少于 50 学时" in text and "38 学时" in text and "条款号待核" in text
    assert "测试培训" in text and "2025-04-01" in text and "2024-04-01" not in text
    assert login(users.datong).get(f"/training/people/{p.zhangsan.pk}/").status_code == 404


def test_the_shortfalls_list_filters_by_requirement_organization_and_year_and_exports(tree, users, rows, login):
    p = tree.people
    make_cadre(p.zhangsan, tree.b1, "clerk_1", D(2020, 1, 1))
    make_cadre(p.zhaoliu, tree.b3, "clerk_1", D(2020, 1, 1))
    credit(p.zhangsan, D(2025, 4, 1), "online", 50)
    client = login(users.taiyuan)
    text = client.get("/training/shortfalls/", {"year": 2025, "requirement": "training.online"}).content.decode()
    assert "张三" not in text and "赵六" not in text   # 张三 met; 赵六 is 大同's
    text = client.get("/training/shortfalls/", {"year": 2025, "requirement": "training.cadre_year"}).content.decode()
    assert "张三" in text and "不足 90 学时或 12 天" in text
    admin = login(users.admin)
    text = admin.get("/training/shortfalls/", {"year": 2025, "org": tree.datong.code}).content.decode()
    assert "赵六" in text and "张三" not in text
    assert 'href="/training/shortfalls/"' in admin.get("/training/").content.decode()
    export = admin.get("/training/shortfalls/", {"year": 2025, "export": "xlsx"})
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]


def test_the_cadre_and_organization_pages_show_the_training_tabs(tree, users, rows, login):
    from zugong.core import rules

    p = tree.people
    cadre = make_cadre(p.zhangsan, tree.b1, "clerk_1", D(2020, 1, 1))
    client = login(users.admin)
    page = client.get(f"/cadres/{cadre.pk}/?tab=training_hours")
    assert page.status_code == 200 and "干部每年参加网络培训不少于 50 学时" in page.content.decode()
    rules.scan("", timezone.localdate())
    page = client.get(f"/orgs/{tree.b1.pk}/?tab=training")
    assert page.status_code == 200
    assert "干部每年参加网络培训不少于 50 学时" in page.content.decode()


def test_the_workbench_lists_the_branch_members_short_of_32_hours_last_year(tree, users, login):
    p = tree.people
    today = timezone.localdate()
    last = today.year - 1
    make_member(p.zhangsan, tree.b1)
    make_member(p.lisi, tree.b1)
    credit(p.zhangsan, dt.date(last, 5, 1), "study", 32)
    credit(p.lisi, dt.date(last, 5, 1), "study", 10)
    text = login(users.secretary).get("/").content.decode()
    block = text[text.index('id="study-short"'):]
    block = block[:block.index("</div>\n      </div>") if "</div>\n      </div>" in block else 2000]
    assert "李四" in block and "10 学时" in block and "张三" not in block
