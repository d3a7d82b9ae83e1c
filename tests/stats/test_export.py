"""The tables as a workbook in the official layout, read back: sheets 表N, title and heading lines, merged
multi-level headers, the 栏次 numbers, 行次, figures, frozen panes; the whole set as one workbook; scoped."""

import datetime as D
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.stats.fixtures import member
from zugong.stats import definitions

pytestmark = pytest.mark.django_db
DAY = D.date(2025, 12, 31)
Q = "organization=1401&date=2025-12-31"


@pytest.fixture
def installed(db):
    definitions.install("2017")


def _merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_one_table_in_the_official_layout(tree, users, login, installed):
    member(tree.b1, "甲", 21, birth=D.date(1995, 12, 31), person_fields={"occupation_class": "11"})
    member(tree.b2, "乙", 23, person_fields={"occupation_class": "60"})
    response = login(users.taiyuan).get(f"/stats/export/?{Q}&table=2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["表2"]
    ws = wb["表2"]
    assert ws["A1"].value == "表2　党员基本情况"
    assert ws["A2"].value == "填报单位：中共太原市委员会"
    assert ws.cell(2, ws.max_column).value == "统计截止日期：2025年12月31日"
    merged = _merged(ws)
    # rows 4-5: the two header rows; columns A-B 项目 (rows are grouped), C 行次, D… the 15 columns
    assert "A4:B5" in merged and "C4:C5" in merged
    assert "D4:D5" in merged and ws["D4"].value == "总数"
    assert "I4:R4" in merged and ws["I4"].value == "年龄" and ws["I5"].value == "30岁及以下"
    assert [ws.cell(6, c).value for c in (1, 3, 4, 5, 18)] == ["甲", "乙", 1, 2, 15]  # 栏次
    assert ws["A7"].value == "总计" and "A7:B7" in merged and ws["C7"].value == 1
    assert ws["D7"].value == 2  # 总计·总数
    assert ws["A9"].value == "公有制单位" and "A9:A16" in merged and ws["B10"].value == "党政机关工作人员"
    assert ws["D10"].value == 1 and ws["I7"].value == 1  # 党政机关工作人员; 30岁及以下
    assert ws.freeze_panes == "D7"
    assert ws["D7"].border.left.style == "thin"
    assert ws.column_dimensions["C"].width == 6


def test_the_whole_set_as_one_workbook(tree, users, login, installed):
    from zugong.stats.models import Edition, TableDef

    # a number no shipped table uses (the edition ships 表1–43 with gaps)
    data = {"number": 99, "title": "第二张表", "population": "members", "rows": [{"label": "总计"}],
            "columns": [{"label": "党员数"}]}
    TableDef.objects.create(edition=Edition.objects.get(code="2017"), number=99, title="第二张表", definition=data)
    member(tree.b1, "甲", 21)
    response = login(users.taiyuan).get(f"/stats/export/?{Q}")
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == [f"表{t.number}" for t in definitions.load("2017")]
    assert wb.sheetnames[:2] == ["表1", "表2"] and wb.sheetnames[-1] == "表99"
    ws = wb["表99"]
    assert ws["A1"].value == "表99　第二张表" and ws["A4"].value == "项目" and ws["C4"].value == "党员数"
    assert [ws["A5"].value, ws["B5"].value, ws["C5"].value] == ["甲", "乙", 1]  # one header row, no groups
    assert [ws["A6"].value, ws["B6"].value, ws["C6"].value] == ["总计", 1, 1]
    assert ws.freeze_panes == "C6"


def test_the_export_is_recorded_and_scoped(tree, users, login, installed):
    from zugong.core.models import Job

    client = login(users.taiyuan)
    assert client.get(f"/stats/export/?{Q}&table=2").status_code == 200
    assert Job.objects.unrestricted().filter(kind="export", user=users.taiyuan).exists()
    assert client.get(f"/stats/export/?{Q}&table=77").status_code == 404
    assert client.get(f"/stats/export/?{Q}&table=x").status_code == 404
    assert login(users.datong).get(f"/stats/export/?{Q}&table=2").status_code == 404
