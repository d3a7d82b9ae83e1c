"""The statistics pages: the start page, a table in its official layout, the drill-down behind a cell (scoped:
a member who has left the user's scope is counted, not named), a cell entered by hand."""

import datetime as D
import re
from decimal import Decimal

import pytest

from tests.stats.fixtures import member
from zugong.stats import definitions

pytestmark = pytest.mark.django_db
DAY = D.date(2025, 12, 31)


@pytest.fixture
def installed(db):
    definitions.install("2017")


@pytest.fixture
def extra_table(installed):
    """A small table with a cell zugong holds no data for (无数据来源) and a 补充资料 cell."""
    from zugong.stats.models import Edition, TableDef

    data = {"number": 98, "title": "测试表", "population": "members",
            "rows": [{"label": "总计"}, {"label": "其中：流动党员"}],
            "columns": [{"label": "党员数"}, {"label": "补充资料"}],
            "cells": [{"rows": [1], "cols": [0], "source": "none"}, {"rows": [0], "cols": [1], "source": "manual"},
                      {"rows": [1], "cols": [1], "source": "manual"}]}
    TableDef.objects.create(edition=Edition.objects.get(code="2017"), number=98, title="测试表", definition=data)


def _q(org, day=DAY):
    return f"organization={org.code}&date={day.isoformat()}"


def test_home_defaults_to_the_users_committee_and_last_year_end(tree, users, login, installed):
    page = login(users.taiyuan).get("/stats/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="1401"' in html and 'value="2025-12-31"' in html
    assert "表2　党员基本情况" in html
    assert "/stats/table/2/?organization=1401&amp;date=2025-12-31" in html
    assert ">党内统计</a>" in html or "党内统计" in html  # the sidebar entry


def test_the_start_page_answers_before_any_table_set_is_installed(tree, users, login):
    """The sidebar entry opens the start page on a database whose defaults were not installed (it was a 404, found
    by tests/browser/test_workbench_browser.py walking every sidebar entry); a table page says what is missing."""
    client = login(users.taiyuan)
    response = client.get("/stats/")
    assert response.status_code == 200 and "尚未安装统计报表定义" in response.content.decode()
    assert client.get("/stats/table/2/").status_code == 404
    assert client.get("/stats/?edition=1999").status_code == 404


def test_sidebar_entry_for_committee_users_only(tree, users):
    from zugong.core.context_processors import nav_for

    assert "党内统计" in {e.title for e, _ in nav_for(users.taiyuan)}
    assert "党内统计" not in {e.title for e, _ in nav_for(users.secretary)}


def test_home_refuses_an_organization_outside_scope_and_a_bad_date(tree, users, login, installed):
    client = login(users.datong)
    assert client.get("/stats/?organization=1401").status_code == 404
    page = client.get("/stats/?organization=1402&date=2025-13-40")
    assert page.status_code == 400 and "不是有效日期" in page.content.decode()


def test_table_in_official_layout_with_drill_down_links(tree, users, login, installed):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    member(tree.b2, "乙", 23, birth=D.date(1995, 6, 1), person_fields={"occupation_class": "60"})
    member(tree.b3, "丁", 25, area="140213", person_fields={"occupation_class": "11"})  # 大同
    page = login(users.taiyuan).get(f"/stats/table/2/?{_q(tree.taiyuan)}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'colspan="10">年龄</th>' in html  # the multi-level header
    assert 'rowspan="2">总数</th>' in html
    assert 'rowspan="8" class="label">公有制单位</td>' in html  # a row group spans its rows
    assert "<td class=\"seq\">甲</td>" in html or ">甲</td>" in html
    # 总计 = 2 (大同's member not counted), linked to its list
    assert re.search(r'href="/stats/table/2/cell/0/0/\?organization=1401&amp;date=2025-12-31">2</a>', html)
    assert re.search(r'href="/stats/table/2/cell/3/0/[^"]*">1</a>', html)  # 党政机关工作人员
    assert 'href="/stats/table/2/cell/1/1/' not in html  # a zero cell is not linked


def test_drill_down_lists_the_members_of_a_cell(tree, users, login, installed):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    member(tree.b2, "乙", 23, person_fields={"occupation_class": "60"})
    page = login(users.taiyuan).get(f"/stats/table/2/cell/3/0/?{_q(tree.taiyuan)}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "甲" in html and "乙" not in html
    assert "共 1 名党员" in html and "已转出本人管理范围" not in html
    assert "正式党员" in html  # a choice shown by its name


def test_a_datong_user_gets_nothing_of_taiyuan(tree, users, login, installed):
    member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    client = login(users.datong)
    for url in (f"/stats/table/2/?{_q(tree.taiyuan)}", f"/stats/table/2/cell/0/0/?{_q(tree.taiyuan)}",
                f"/stats/table/2/cell/0/0/?{_q(tree.taiyuan)}&export=xlsx", f"/stats/export/?{_q(tree.taiyuan)}",
                f"/stats/table/2/manual/0/0/?{_q(tree.taiyuan)}", f"/stats/table/2/?{_q(tree.b1)}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "甲" not in response.content.decode(errors="ignore")


def test_a_member_transferred_out_of_scope_is_counted_not_named(tree, users, login, installed):
    from zugong.members.models import Membership, TransferRequest

    member(tree.b1, "甲", 21, person_fields={"occupation_class": "11"})
    mover = member(tree.b1, "戊", 27, person_fields={"occupation_class": "11"})
    Membership.objects.unrestricted().filter(pk=mover.pk).update(organization=tree.b3, org_path=tree.b3.path)
    TransferRequest.objects.create(kind="within", status="received", membership=mover, from_org=tree.b1,
                                   to_org=tree.b3, name="戊", id_number=mover.person.id_number,
                                   member_status="full", joined_on=mover.joined_on,
                                   requested_on=D.date(2026, 3, 1), received_on=D.date(2026, 3, 20))
    client = login(users.taiyuan)
    html = client.get(f"/stats/table/2/?{_q(tree.taiyuan)}").content.decode()
    assert re.search(r'cell/3/0/[^"]*">2</a>', html)  # both were in 太原 on the day
    page = client.get(f"/stats/table/2/cell/3/0/?{_q(tree.taiyuan)}").content.decode()
    assert "甲" in page and "戊" not in page
    assert "另有 1 名已转出本人管理范围" in page
    assert "列出 1 名" in page


def test_drill_down_is_paginated_and_exported(tree, users, login, installed):
    from io import BytesIO

    from openpyxl import load_workbook

    for i in range(52):
        member(tree.b1, f"成员{i:02d}", 101 + i, person_fields={"occupation_class": "11"})
    client = login(users.taiyuan)
    first = client.get(f"/stats/table/2/cell/3/0/?{_q(tree.taiyuan)}").content.decode()
    assert "第 1 / 2 页" in first and first.count("成员") == 50
    second = client.get(f"/stats/table/2/cell/3/0/?{_q(tree.taiyuan)}&page=2").content.decode()
    assert second.count("成员") == 2
    response = client.get(f"/stats/table/2/cell/3/0/?{_q(tree.taiyuan)}&export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    assert ws.cell(1, 1).value == "姓名" and ws.max_row == 53


def test_cells_without_data_are_entered_by_hand(tree, users, login, extra_table):
    from zugong.core.models import AuditEntry
    from zugong.stats.models import ManualCell, Report

    member(tree.b1, "甲", 21)
    client = login(users.taiyuan)
    html = client.get(f"/stats/table/98/?{_q(tree.taiyuan)}").content.decode()
    assert "无数据来源" in html
    assert f'href="/stats/table/98/manual/1/0/?{_q(tree.taiyuan).replace("&", "&amp;")}"' in html
    assert "/stats/table/98/manual/0/0/" not in html  # a computed cell is not entered by hand
    url = f"/stats/table/98/manual/1/0/?{_q(tree.taiyuan)}"
    bad = client.post(url, {"value": "abc", "note": ""})
    assert bad.status_code == 200 and "数值：应为数字" in bad.content.decode()
    response = client.post(url, {"value": "3", "note": "据流动党员台账"})
    assert response.status_code == 302
    report = Report.objects.unrestricted().get(organization=tree.taiyuan, as_of=DAY)
    assert report.status == "draft"
    cell = ManualCell.objects.unrestricted().get(report=report, number=98, row=1, col=0)
    assert cell.value == Decimal("3") and cell.entered_by == users.taiyuan
    assert AuditEntry.objects.unrestricted().filter(note__contains="手工填报").exists()
    html = client.get(f"/stats/table/98/?{_q(tree.taiyuan)}").content.decode()
    assert "手工填报" in html and re.search(r'>3 <span class="badge[^"]*">手工填报', html)
    assert client.get(f"/stats/table/98/manual/0/0/?{_q(tree.taiyuan)}").status_code == 404
    # frozen once submitted
    Report.objects.unrestricted().filter(pk=report.pk).update(status="submitted")
    assert client.post(url, {"value": "4"}).status_code == 200
    assert ManualCell.objects.unrestricted().get(pk=cell.pk).value == Decimal("3")
    assert "/stats/table/98/manual/" not in client.get(f"/stats/table/98/?{_q(tree.taiyuan)}").content.decode()


def test_a_reader_cannot_enter_a_cell(tree, users, login, extra_table):
    from zugong.stats.models import ManualCell

    client = login(users.reader)
    q = _q(tree.xiaodian)
    assert "/stats/table/98/manual/" not in client.get(f"/stats/table/98/?{q}").content.decode()
    client.post(f"/stats/table/98/manual/1/0/?{q}", {"value": "3"})
    assert not ManualCell.objects.unrestricted().exists()
