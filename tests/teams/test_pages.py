"""Pages of leadership teams: list with filters and export, team page, analysis with export, standards."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from zugong.core.models import LocalRule
from zugong.teams import defaults
from zugong.teams.models import TeamMember

pytestmark = pytest.mark.django_db


def test_list_filters_vacancies_and_exports(county, login, users):
    client = login(users.taiyuan)
    r = client.get("/teams/")
    body = r.content.decode()
    assert r.status_code == 200 and "中共小店区委领导班子" in body and "小店区人民政府领导班子" in body
    r = client.get("/teams/?vacant=on&level=3")
    assert "中共小店区委领导班子" in r.content.decode()
    r = client.get("/teams/?export=xlsx")
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("班子名称", "单位", "所属党组织")
    committee = next(row for row in rows if row[0] == "中共小店区委领导班子")
    assert committee[5:] == (6, 3, 3)  # quota 1+2+3, holders 王 李 赵, vacancies 0+1+2


def test_team_page(county, login, users):
    client = login(users.taiyuan)
    r = client.get(f"/teams/{county.committee.pk}/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "王书记" in body and "赵青" in body and "孙前任" not in body
    assert "自 2025-12-31" in body  # 副书记 vacant since 孙前任 left
    r = client.get(f"/teams/{county.committee.pk}/?tab=structure")
    assert 'id="chart-age"' in r.content.decode() and 'id="table-age"' in r.content.decode()
    r = client.get(f"/teams/{county.committee.pk}/?tab=history")
    assert "孙前任" in r.content.decode()


def test_team_page_hidden_from_the_other_side(county, login, users):
    client = login(users.datong)
    assert client.get(f"/teams/{county.committee.pk}/").status_code == 404
    assert "小店" not in client.get("/teams/").content.decode()


def test_analysis_and_export(county, login, users, tree):
    client = login(users.admin)
    r = client.get("/teams/analysis/?as_of=2026-11-27")
    body = r.content.decode()
    assert r.status_code == 200 and "中共太原市委员会" in body and 'id="by-child"' in body
    r = client.get("/teams/analysis/?org=1401&as_of=2026-11-27&export=xlsx")
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["汇总", "按下级组织", "按层级"]
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert ("人数", 4, None) in summary and ("平均年龄", 52, None) in summary
    child = list(wb["按下级组织"].iter_rows(values_only=True))
    assert child[1][0] == "中共太原市小店区委员会" and child[1][1] == 4
    assert client.get("/teams/analysis/?org=9999").status_code == 404
    # The whole cadre population of the subtree: 5 cadres under 小店 (孙前任 included: still in office).
    r = client.get("/teams/analysis/?org=1401&who=cadres&as_of=2026-11-27&export=xlsx")
    summary = list(load_workbook(BytesIO(r.content))["汇总"].iter_rows(values_only=True))
    assert ("人数", 5, None) in summary


def test_standards_edited_by_department_admins_only(county, login, users, tree):
    defaults.install(tree.root)
    row = LocalRule.objects.get(code="teams.local.composition_level3")
    assert login(users.taiyuan).get(f"/teams/standards/{row.pk}/").status_code == 403
    client = login(users.admin)
    assert "县处级党政领导班子" in client.get("/teams/standards/").content.decode()
    r = client.post(f"/teams/standards/{row.pk}/", {
        "title": "县级班子至少1名女干部、1名45岁及以下干部", "level": 3, "young_age": 45, "women": 1, "young": 1,
        "kinds": ["party_committee", "government"], "regulation": "《山西省某文件》", "article": "第五条",
        "active": "on"})
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.params["young_age"] == 45 and row.regulation == "《山西省某文件》"


def test_assign_page(county, login, users, tree):
    from .conftest import make_cadre

    zhou = make_cadre(tree.b2, "周新", 311, dt.date(1985, 4, 4))
    client = login(users.taiyuan)
    r = client.post(f"/teams/{county.committee.pk}/assign/", {
        "team_post": county.posts.secretary.pk, "cadre": zhou.pk, "start_on": "2026-11-01",
        "appointment_method": "appointed"})
    assert "没有空缺" in r.content.decode()
    r = client.post(f"/teams/{county.committee.pk}/assign/", {
        "team_post": county.posts.standing.pk, "cadre": zhou.pk, "start_on": "2026-11-01",
        "appointment_method": "appointed"})
    assert r.status_code == 302
    assert TeamMember.objects.unrestricted().filter(cadre=zhou, team_post=county.posts.standing).exists()


def test_standard_created_through_the_configuration_page_once_per_organization(county, login, users, tree):
    client = login(users.admin)
    data = {"title": "太原市县级班子配备要求", "level": 3, "young_age": 40, "women": 2, "young": 1,
            "kinds": ["party_committee"], "regulation": "《太原市某文件》", "article": "", "active": "on"}
    r = client.post("/teams/standards/new/?template=team_composition&org=1401", data)
    assert r.status_code == 302
    row = LocalRule.objects.get(code="teams.local.1401.level3")
    assert row.params == {"level": 3, "young_age": 40, "women": 2, "young": 1, "kinds": ["party_committee"]}
    assert row.org_path == tree.taiyuan.path
    r = client.post("/teams/standards/new/?template=team_composition&org=1401", data)
    assert "已设定该项要求" in r.content.decode()
    assert LocalRule.objects.filter(code__startswith="teams.local.1401").count() == 1
    # A city admin (not a department admin) may not set one.
    assert login(users.taiyuan).post("/teams/standards/new/?template=team_composition&org=1401",
                                     data).status_code == 403


def test_each_posts_cells_span_exactly_its_rows(county, login, users):
    """A post with holders and vacancies spanned holders + vacancies rows, but its vacancies take ONE row
    (（空缺 2 名）): the span ran into the next post and pushed its first member's cells one column right."""
    import re

    body = login(users.taiyuan).get(f"/teams/{county.committee.pk}/").content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr\b[^>]*>.*?</tr>", table, re.S)
    starts = [i for i, row in enumerate(rows) if re.search(r'id="post-\d+"', row)]
    assert len(starts) == 3
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        span = re.search(r'rowspan="(\d+)"', rows[i])
        assert (int(span.group(1)) if span else 1) == end - i, rows[i][:200]
