"""The league pages: the table of the user's organization (drill-down, sort, period), the .xlsx export's cells,
scope (another city sees nothing of this one), and the public board: no login, no personal data, withdrawn 404."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from .league_fixtures import *  # noqa: F403


@pytest.mark.django_db
def test_table_page_shows_the_children_and_drills_down(league_tree, users, login):
    client = login(users.taiyuan)
    r = client.get("/service/league/?org=140105&period=year&year=2026")
    assert r.status_code == 200
    body = r.content.decode()
    assert "中共太原市小店区坞城街道工作委员会" in body and "合计" in body
    assert "75.0%（3/4）" in body  # 坞城街道's satisfaction
    assert 'data-option-id="chart-data-counts"' in body and 'id="chart-data-rates"' in body
    assert "<script>" not in body.replace('<script src=', '')  # charts bound by the static zugong.js (CSP)
    r = client.get("/service/league/?org=140105T1&period=year&year=2026")
    assert "中共太原市小店区坞城街道某某社区委员会" in r.content.decode()
    r = client.get("/service/league/?org=140105&period=quarter&year=2026&quarter=2&sort=-taken")
    assert r.status_code == 200 and "2026年第2季度" in r.content.decode()
    r = client.get("/service/league/?org=140105&period=range&start=2026-05-01&end=2026-04-01")
    assert "结束日期：不能早于开始日期" in r.content.decode()


@pytest.mark.django_db
def test_export_cells(league_tree, users, login):
    client = login(users.taiyuan)
    r = client.get("/service/league/?org=140105&period=year&year=2026&export=xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0] == ["单位", "承接事项", "办结", "按期办结", "复办", "办结率（%）", "按期办结率（%）", "满意率（%）",
                       "回访率（%）", "复办率（%）"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["中共太原市小店区坞城街道工作委员会"] == [4, 3, 2, 1, 50.0, 66.7, 75.0, 66.7, 25.0]
    assert by_name["中共太原市小店区黄陵街道工作委员会"] == [3, 2, 2, 1, 66.7, 100.0, 0.0, 50.0, 33.3]
    assert by_name["中共太原市小店区财政局机关支部委员会"] == [0, 0, 0, 0, None, None, None, None, None]
    assert by_name["合计"] == [8, 6, 5, 2, 62.5, 83.3, 66.7, 66.7, 25.0]
    assert rows[-1][0] == "合计"


@pytest.mark.django_db
def test_another_city_cannot_see_this_league(league_tree, users, login):
    client = login(users.datong)
    assert client.get("/service/league/?org=140105").status_code == 404
    assert client.get("/service/league/?org=140105&export=xlsx").status_code == 404
    body = client.get("/service/league/").content.decode()  # their own city
    assert "小店" not in body and "太原" not in body


@pytest.mark.django_db
def test_public_board_without_login_shows_no_personal_data(league_tree, users, login, client):
    from zugong.service import league_services

    board = league_services.create_board(users.taiyuan, league_tree.tree.xiaodian, "小店区办实事公示")
    client.logout()
    r = client.get(f"/service/board/{board.token}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "小店区办实事公示" in body and "中共太原市小店区坞城街道工作委员会" in body
    assert "为刘某某家疏通下水道" in body  # the requester's name typed into the title is masked
    for personal in ("刘大妈", "13912345678", "139****5678", "张三", "1391234"):
        assert personal not in body, personal
    assert "大同某村修路" not in body  # another subtree
    assert 'hx-trigger="every 120s"' in body
    panel = client.get(f"/service/board/{board.token}/panel/")
    assert panel.status_code == 200 and "刘大妈" not in panel.content.decode()
    # withdrawn: 404, also the panel
    league_services.withdraw_board(users.taiyuan, board)
    assert client.get(f"/service/board/{board.token}/").status_code == 404
    assert client.get(f"/service/board/{board.token}/panel/").status_code == 404
    assert client.get("/service/board/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_boards_are_managed_by_the_organizations_admins(league_tree, users, login):
    from django.core.exceptions import PermissionDenied

    from zugong.service import league_services
    from zugong.service.models import PublicBoard

    with pytest.raises(PermissionDenied):
        league_services.create_board(users.reader, league_tree.tree.xiaodian, "只读用户的公示屏")
    with pytest.raises(PermissionDenied):
        league_services.create_board(users.datong, league_tree.tree.xiaodian, "大同的")
    client = login(users.taiyuan)
    r = client.post("/service/league/boards/", {"organization": league_tree.tree.xiaodian.pk, "title": "小店公示"})
    assert r.status_code == 302
    board = PublicBoard.objects.unrestricted().get(title="小店公示")
    assert board.active and board.org_path == league_tree.tree.xiaodian.path
    page = client.get("/service/league/boards/").content.decode()
    assert f"/service/board/{board.token}/" in page
    # another city's admin neither sees nor withdraws it
    other = login(users.datong)
    assert board.token not in other.get("/service/league/boards/").content.decode()
    assert other.post(f"/service/league/boards/{board.token}/withdraw/").status_code == 404
    board.refresh_from_db()
    assert board.active
    client = login(users.taiyuan)
    assert client.post(f"/service/league/boards/{board.token}/withdraw/").status_code == 302
    board.refresh_from_db()
    assert not board.active
