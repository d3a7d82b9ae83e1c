import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from zugong.cadres import panels, services
from zugong.cadres.models import AnnualAssessment, Cadre, ResumeEntry
from zugong.core.models import AuditEntry


@pytest.fixture
def cadres(tree, users):
    p = tree.people
    out = {}
    specs = (
        (p.zhangsan, tree.xiaodian, "township_chief", "小店区坞城街道党工委书记"),
        (p.lisi, tree.xiaodian, "township_deputy", "小店区坞城街道办事处副主任"),
        (p.wangwu, tree.xiaodian, "clerk_1", None),
        (p.zhaoliu, tree.datong, "county_deputy", "大同市平城区副区长"),
    )
    for person, org, rank, title in specs:
        user = users.datong if org == tree.datong else users.taiyuan
        c = services.create_cadre(user, person, org, rank=rank, rank_since=dt.date(2020, 1, 1),
                                  work_started_on=dt.date(2002, 7, 1))
        if title:
            services.appoint(c, user=user, title=title, start_on=dt.date(2021, 3, 1), rank=rank)
        out[person.name] = c
    return out


def test_roster_lists_own_side_sorted_and_filtered(login, users, cadres):
    client = login(users.taiyuan)
    r = client.get("/cadres/")
    body = r.content.decode()
    assert r.status_code == 200 and "干部名册" in body
    assert "张三" in body and "王五" in body and "赵六" not in body
    r = client.get("/cadres/?rank=township_chief")
    body = r.content.decode()
    assert "张三" in body and "李四" not in body
    r = client.get("/cadres/?level=4&sex=2")  # 李四 is a woman (even sequence), 乡科级
    body = r.content.decode()
    assert "李四" in body and "张三" not in body
    r = client.get("/cadres/?age=41-45&post=街道")  # born 1980-05-17: 46 from 2026-05-17
    today = dt.date.today()
    age = today.year - 1980 - ((today.month, today.day) < (5, 17))
    assert ("张三" in r.content.decode()) == (41 <= age <= 45)


def test_roster_sorted_by_post_order(login, users, cadres):
    for name, order in (("张三", 2), ("李四", 1), ("王五", 3)):
        Cadre.objects.unrestricted().filter(pk=cadres[name].pk).update(post_order=order)
    body = login(users.taiyuan).get("/cadres/?sort=post").content.decode()
    assert body.index("李四") < body.index("张三") < body.index("王五")


def test_roster_export(login, users, cadres):
    r = login(users.taiyuan).get("/cadres/?export=xlsx&level=4")
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "姓名", "性别")
    assert {row[1] for row in rows[1:]} == {"张三", "李四"}


def test_cadre_page_tabs_and_resume(login, users, cadres):
    c = cadres["张三"]
    client = login(users.taiyuan)
    r = client.get(f"/cadres/{c.pk}/")
    body = r.content.decode()
    assert "小店区坞城街道党工委书记" in body
    assert "2021.03--" in body
    for tab in ("posts", "ranks", "resume", "education", "rewards", "assessments", "family", "training",
                "findings", "log"):
        assert client.get(f"/cadres/{c.pk}/?tab={tab}").status_code == 200
    assert login(users.datong).get(f"/cadres/{c.pk}/").status_code == 404


def test_person_page_links_the_cadre(login, users, cadres, tree):
    body = login(users.taiyuan).get(f"/people/{tree.people.zhangsan.pk}/").content.decode()
    assert f"/cadres/{cadres['张三'].pk}/" in body


def test_create_from_person_page(login, users, tree):
    client = login(users.taiyuan)
    person = tree.people.wangwu
    r = client.post(f"/cadres/new/{person.pk}/", {"organization": tree.xiaodian.pk, "rank": "clerk_1",
                                                   "rank_since": "2020-01-01", "party_status": "01",
                                                   "health": "健康", "post_order": 9999})
    cadre = Cadre.objects.unrestricted().get(person=person)
    assert r.status_code == 302 and r["Location"] == f"/cadres/{cadre.pk}/"
    assert cadre.rank_level == 5


def test_htmx_add_edit_delete_subrecord_audited(login, users, cadres):
    c = cadres["张三"]
    client = login(users.taiyuan)
    r = client.get(f"/cadres/{c.pk}/assessment/add/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="form-assessment"' in r.content.decode()
    r = client.post(f"/cadres/{c.pk}/assessment/add/", {"year": 2024, "grade": "excellent"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "优秀" in r.content.decode() and "form-assessment" not in r.content.decode()
    a = AnnualAssessment.objects.unrestricted().get(cadre=c)
    # a second 2024 is refused with a message, nothing written
    r = client.post(f"/cadres/{c.pk}/assessment/add/", {"year": 2024, "grade": "competent"}, HTTP_HX_REQUEST="true")
    assert "form-assessment" in r.content.decode()
    assert AnnualAssessment.objects.unrestricted().filter(cadre=c).count() == 1
    r = client.post(f"/cadres/assessment/{a.pk}/edit/", {"year": 2024, "grade": "competent"}, HTTP_HX_REQUEST="true")
    a.refresh_from_db()
    assert a.grade == "competent"
    entry = AuditEntry.objects.filter(model="cadres.annualassessment", object_id=str(a.pk), action="update").get()
    assert entry.actor_name == "ty_admin"
    r = client.post(f"/cadres/assessment/{a.pk}/delete/", HTTP_HX_REQUEST="true")
    assert not AnnualAssessment.objects.unrestricted().filter(pk=a.pk).exists()
    log = client.get(f"/cadres/{c.pk}/?tab=log").content.decode()
    assert "年度" in log


def test_resume_form_keeps_months(login, users, cadres):
    c = cadres["王五"]
    client = login(users.taiyuan)
    client.post(f"/cadres/{c.pk}/resume/add/", {"start_on": "2002-07-15", "text": "小店区财政局科员", "order": 0})
    e = ResumeEntry.objects.unrestricted().get(cadre=c)
    assert e.start_on == dt.date(2002, 7, 1) and e.line == "2002.07--         小店区财政局科员"


def test_reader_cannot_edit(login, users, cadres):
    c = cadres["张三"]
    client = login(users.reader)
    assert client.get(f"/cadres/{c.pk}/").status_code == 200
    assert client.get(f"/cadres/{c.pk}/edit/").status_code == 403
    assert client.post(f"/cadres/{c.pk}/assessment/add/", {"year": 2024, "grade": "excellent"}).status_code == 403


def test_appoint_and_end_post_pages(login, users, cadres):
    c = cadres["李四"]
    client = login(users.taiyuan)
    old = services.current_posts(c).get()
    r = client.post(f"/cadres/{c.pk}/appoint/", {"unit_name": "太原市小店区坞城街道办事处", "title": "主任",
                                                 "rank": "township_chief", "start_on": "2024-09-01",
                                                 "appointment_method": "appointed", "is_main": "on",
                                                 "replaces": [old.pk]})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.current_title == "太原市小店区坞城街道办事处主任" and c.rank == "township_chief"
    post = services.current_posts(c).get()
    r = client.post(f"/cadres/posts/{post.pk}/end/", {"end_on": "2024-01-01"})
    assert "免职时间不能早于任职时间" in r.content.decode()
    client.post(f"/cadres/posts/{post.pk}/end/", {"end_on": "2025-01-01"})
    c.refresh_from_db()
    assert c.current_title == ""


def test_contributed_panel_renders(login, users, cadres):
    def context(request, cadre):
        return {"panel_headers": ["日期", "事项"], "panel_rows": [["2025-03-01", f"{cadre.name}的一线考察"]]}

    panel = panels.register("测试栏目", "cadres/_panel_table.html", context, order=1)
    try:
        c = cadres["张三"]
        body = login(users.taiyuan).get(f"/cadres/{c.pk}/?tab={panel.key}").content.decode()
        assert "张三的一线考察" in body and "测试栏目" in body
    finally:
        panels.unregister("测试栏目")


def test_api_filters(login, users, cadres, tree):
    client = login(users.taiyuan)
    data = client.get("/api/cadres/").json()
    names = {row["name"] for row in data["results"]}
    assert names == {"张三", "李四", "王五"}
    number = tree.people.zhangsan.id_number
    data = client.get(f"/api/cadres/?person={number}").json()
    assert [r["name"] for r in data["results"]] == ["张三"]
    data = client.get("/api/cadres/?rank=township_deputy").json()
    assert [r["name"] for r in data["results"]] == ["李四"]
    data = client.get("/api/cadres/?unit=财政").json()
    assert data["results"] == []
    r = client.get(f"/api/cadres/{cadres['张三'].pk}/").json()
    assert r["posts"][0]["full_title"] == "小店区坞城街道党工委书记" and r["resume"][0]["line"].startswith("2021.03--")
    assert client.get(f"/api/cadres/{cadres['赵六'].pk}/").status_code == 404
    assert client.get("/api/cadres/?person=123").status_code == 400
