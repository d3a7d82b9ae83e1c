"""The pool's pages: the list (search, filters, the priority-county filter through a dispatch), the .xlsx export
and the .docx roster with the right rows, the talent page (schedule, reviews, dispatches, county), the step page
of a talent, tags, the statistics, the priority counties, the API; a 大同 user sees nothing of 太原's pool."""

import datetime as dt
from io import BytesIO

from django.urls import reverse

from zugong.talent import pool_selectors
from zugong.talent import pool_services as services
from zugong.talent.models import AllowancePayment, PriorityCounty, Talent

from .pool_fixtures import *  # noqa: F403
from .pool_fixtures import D, record


def _dispatch(tree, person, host):
    from zugong.dispatch.models import Dispatch, Program

    program = Program.objects.create(code="ty_fs_pool", name="太原第一书记（测试）", kind="first_secretary",
                                     organization=tree.taiyuan)
    return Dispatch.objects.create(program=program, person=person, organization=tree.b2, host_org=host,
                                   host_name=host.name, start_on=dt.date(2025, 6, 1), end_on=dt.date(2027, 6, 1))


def test_list_filters_and_exports(login, tree, users, pool):
    from docx import Document
    from openpyxl import load_workbook

    services.set_tags(users.taiyuan, pool.zhangsan, "数字经济、乡村振兴")
    client = login(users.taiyuan)
    r = client.get(reverse("talent:pool"))
    assert r.status_code == 200 and "王五" in r.content.decode() and "张三" in r.content.decode()
    for query, names in (("q=ww", {"王五"}), ("q=张三", {"张三"}), ("tier=青年优秀", {"张三"}), ("field=材料", {"王五"}),
                         ("org=14010502", {"王五"}), ("year=2023", {"王五", "张三"}), ("year=2024", set()),
                         ("tag=乡村", {"张三"}), (f"program={pool.program.pk}", {"王五", "张三"}),
                         ("status=exited", set())):
        body = client.get(reverse("talent:pool") + "?" + query).content.decode()
        assert {n for n in ("王五", "张三") if n in body} == names, query
    wb = load_workbook(BytesIO(client.get(reverse("talent:pool") + "?tier=拔尖骨干&export=xlsx").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and [r[0] for r in rows[1:]] == ["王五"]
    assert rows[1][2] == "拔尖骨干"
    r = client.get(reverse("talent:pool_docx") + "?program=" + str(pool.program.pk))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    table = Document(BytesIO(r.content)).tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][:4] == ["序号", "姓名", "人才项目", "层次"]
    assert sorted(row[1] for row in cells[1:]) == ["张三", "王五"]


def test_priority_county_through_unit_and_dispatch(login, tree, users, pool):
    county = services.add_priority_county(users.admin, tree.b1, since=D(2021, 1, 1), document="测试名单")
    assert county.name == tree.b1.name
    client = login(users.taiyuan)
    body = client.get(reverse("talent:pool") + "?priority=true").content.decode()
    assert "张三" in body and "王五" not in body
    _dispatch(tree, tree.people.wangwu, tree.b1)
    body = client.get(reverse("talent:pool") + "?priority=true").content.decode()
    assert "张三" in body and "王五" in body
    page = client.get(reverse("talent:talent", args=[pool.wangwu.pk])).content.decode()
    assert "太原第一书记（测试）" in page and "所在单位不在重点帮扶县" in page and tree.b1.name in page
    services.end_priority_county(users.admin, county, D(2026, 1, 1))
    body = client.get(reverse("talent:pool") + "?priority=true").content.decode()
    assert "张三" not in body and "王五" not in body
    assert pool_selectors.counties_in_force(D(2025, 6, 1))[0].pk == county.pk


def test_talent_page_and_steps(login, tree, users, pool):
    from zugong.core import versions
    from zugong.talent.models import Application

    client = login(users.taiyuan)
    t = pool.wangwu
    url = reverse("talent:talent_step", args=[t.pk])
    assert client.get(url + "?step=allowance").status_code == 200

    def post(step, data):  # the step form carries the application's version, as the page gives it
        version = versions.token(Application.objects.unrestricted().get(pk=t.application_id))
        return client.post(f"{url}?step={step}", {**data, "record_version": version})

    r = post("allowance", {"on": "2023-07-20", "number": "1", "document_no": "并人才〔2023〕5号"})
    assert r.status_code == 302
    r = post("allowance", {"on": "2024-07-20", "number": "2"})
    assert r.status_code == 200 and "尚无2023年度考核结果" in r.content.decode()
    r = post("periodic_review", {"on": "2024-01-10", "kind": "annual", "year": "2023", "grade": "unqualified"})
    assert r.status_code == 302
    page = client.get(reverse("talent:talent", args=[t.pk])).content.decode()
    assert "并人才〔2023〕5号" in page and "已发放" in page and "暂停发放" in page
    assert "2023年度考核为不合格" in page and "2023-07-03 至 2026-07-03" in page
    assert post("exit", {"on": "2024-03-01", "reason": "本人申请"}).status_code == 302
    page = client.get(reverse("talent:talent", args=[t.pk])).content.decode()
    assert "已退出" in page and "停止发放" in page
    client.post(reverse("talent:talent_tags", args=[t.pk]), {"tags": "新材料，高端制造"})
    assert Talent.objects.unrestricted().get(pk=t.pk).tags == "新材料、高端制造"
    assert AllowancePayment.objects.unrestricted().filter(talent=t).count() == 1


def test_stats_figures_and_page(login, tree, users, pool):
    from zugong.core import audit

    services.pay(users.taiyuan, pool.wangwu, record(D(2023, 7, 20)), number=1)
    with audit.operation(None, "import") as op:
        services.import_talent(op, person=tree.people.zhaoliu, program=pool.program, organization=tree.b3,
                               tier=None, tier_name="青年优秀", field="数字经济", since=D(2024, 9, 1),
                               until=D(2027, 9, 1))
    figures = pool_selectors.stats(Talent.objects.unrestricted())
    assert figures["total"] == 3
    assert {r["tier_name"]: r["n"] for r in figures["by_tier"]} == {"青年优秀": 2, "拔尖骨干": 1}
    assert {r["field"]: r["n"] for r in figures["by_field"]} == {"数字经济": 2, "新材料": 1}
    assert {r["city"]: r["n"] for r in figures["by_city"]} == {"中共太原市委员会": 2, "中共大同市委员会": 1}
    assert figures["by_year"] == [{"year": 2023, "n": 2}, {"year": 2024, "n": 1}]
    assert figures["paid_total"] == 50000 and figures["paid_count"] == 1
    r = login(users.taiyuan).get(reverse("talent:pool_stats"))
    body = r.content.decode()
    assert r.status_code == 200 and 'id="chart-tier"' in body and 'id="chart-data-city"' in body
    assert "中共太原市委员会" in body and "中共大同市委员会" not in body and "<script>" not in body.split("</head>")[1]


def test_priority_counties_page(login, tree, users):
    client = login(users.taiyuan)  # 党组织管理员: may not add
    r = client.post(reverse("talent:priority_counties"), {"organization": tree.xiaodian.pk, "since": "2021-01-01"})
    assert r.status_code == 200 and not PriorityCounty.objects.unrestricted().exists()
    client = login(users.admin)
    r = client.post(reverse("talent:priority_counties"), {"organization": tree.xiaodian.pk, "since": "2021-01-01",
                                                          "document": "国家乡村振兴重点帮扶县名单"})
    assert r.status_code == 302
    row = PriorityCounty.objects.unrestricted().get()
    assert row.name == tree.xiaodian.name
    r = client.post(reverse("talent:priority_counties"), {"organization": tree.xiaodian.pk})
    assert "已在重点帮扶县名单中" in r.content.decode()
    client.post(reverse("talent:priority_county_end", args=[row.pk]), {"until": "2026-06-30"})
    row.refresh_from_db()
    assert row.until == D(2026, 6, 30)


def test_api_and_scope(login, tree, users, pool):
    client = login(users.taiyuan)
    data = client.get("/api/talent/pool/?tier=拔尖骨干").json()
    (row,) = data["results"]
    assert (row["person_name"], row["program"], row["tier"], row["field"], row["status"]) == (
        "王五", "TYYC", "拔尖骨干", "新材料", "active")
    assert client.get("/api/talent/pool/?program=TYYC").json()["count"] == 2
    assert client.get("/api/talent/pool/?status=exited").json()["count"] == 0
    other = login(users.datong)
    assert other.get("/api/talent/pool/").json()["count"] == 0
    assert other.get(f"/api/talent/pool/{pool.wangwu.pk}/").status_code == 404
    for url in (reverse("talent:pool"), reverse("talent:pool_stats"), reverse("talent:pool_docx")):
        r = other.get(url)
        assert r.status_code == 200 and "王五" not in r.content.decode(errors="ignore")
    from docx import Document

    assert len(Document(BytesIO(other.get(reverse("talent:pool_docx")).content)).tables[0].rows) == 1
    for name in ("talent:talent", "talent:talent_step"):
        assert other.get(reverse(name, args=[pool.wangwu.pk]) + "?step=allowance").status_code == 404
    assert other.post(reverse("talent:talent_tags", args=[pool.wangwu.pk]), {"tags": "x"}).status_code == 404
