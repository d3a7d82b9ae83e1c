"""The pages: scores with ranks and exports, ranking chart table, a score card with the inspector's form, the
checklists (department admins edit), the list workflow through the pages, the case page, flags, standards."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.orghealth.conftest import D, SECRETARY, staff
from zugong.standardization import scoring
from zugong.standardization.models import BranchScore
from zugong.weakorgs.models import IdentificationList, Rectification

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(tree, checklist):
    staff(tree.b1, 3, 100, posts=(SECRETARY,))
    staff(tree.b2, 3, 200)
    scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    return checklist


def xlsx_text(response) -> str:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return " ".join(str(c.value) for row in load_workbook(BytesIO(response.content)).active.iter_rows() for c in row)


def test_scores_ranking_and_exports(login, tree, users, scored):
    client = login(users.taiyuan)
    r = client.get("/standardization/?year=2025")
    body = r.content.decode()
    assert r.status_code == 200 and "红星社区" in body and "财政局" in body and "大同" not in body
    assert "计算得分" in body
    assert "财政局" in xlsx_text(client.get("/standardization/?year=2025&export=xlsx"))
    r = client.get("/standardization/ranking/?year=2025&org=1401")
    assert r.status_code == 200 and "小店区" in r.content.decode()
    assert "小店区" in xlsx_text(client.get("/standardization/ranking/?year=2025&org=1401&export=xlsx"))
    assert client.get("/standardization/ranking/?org=1402").status_code == 404


def test_score_card_and_inspector_form(login, tree, users, scored):
    client = login(users.taiyuan)
    score = BranchScore.objects.unrestricted().get(organization=tree.b2, year=2025)
    r = client.get(f"/standardization/{score.pk}/")
    assert r.status_code == 200 and "活动阵地" in r.content.decode() and "待考评" in r.content.decode()
    item = scored.items.unrestricted().get(title="活动阵地")
    r = client.post(f"/standardization/{score.pk}/inspect/", {"item": item.pk, "points": "8", "note": ""}, follow=True)
    assert "未得满分的，请填写扣分理由" in r.content.decode()
    client.post(f"/standardization/{score.pk}/inspect/", {"item": item.pk, "points": "8", "note": "标识不全"})
    score.refresh_from_db()
    assert score.inspector_points == 8
    reader = login(users.reader)
    assert "评分</button>" not in reader.get(f"/standardization/{score.pk}/").content.decode()


def test_checklist_pages_edit_by_department_admin_only(login, tree, users, scored):
    client = login(users.taiyuan)
    r = client.get(f"/standardization/checklists/{scored.pk}/")
    assert r.status_code == 200 and "五星 ≥ 90（须有创新项目）" in r.content.decode()
    assert "统计月数：12" in r.content.decode() and "'months'" not in r.content.decode()  # parameters as read
    assert client.get(f"/standardization/checklists/{scored.pk}/edit/").status_code == 403
    admin = login(users.admin)
    assert "五星 90 须有创新项目\n四星 80" in admin.get(f"/standardization/checklists/{scored.pk}/edit/").content.decode()
    r = admin.post(f"/standardization/checklists/{scored.pk}/edit/", {
        "name": scored.name, "edition": "2026年版", "issuing_body": "中共山西省委组织部", "document": "",
        "sector": "", "effective_from": "2026-01-01", "effective_to": "", "source_status": "",
        "grade_bands": "优 85 须有创新项目\n良  0\n", "active": "on"})
    assert r.status_code == 302
    scored.refresh_from_db()
    assert scored.edition == "2026年版" and scored.grade_bands == [
        {"grade": "优", "min": 85, "requires_innovation": True}, {"grade": "良", "min": 0}]
    r = admin.post(f"/standardization/checklists/{scored.pk}/edit/", {
        "name": scored.name, "edition": "x", "issuing_body": "x", "effective_from": "2026-01-01",
        "grade_bands": "不是JSON"})
    assert "第 1 行“不是JSON”格式有误" in r.content.decode()


def test_list_and_case_pages(login, tree, users, standard):
    staff(tree.b2, 3, 200)
    client = login(users.taiyuan)
    r = client.post("/weakorgs/lists/", {"organization": tree.xiaodian.pk, "year": 2026, "as_of": "2026-03-01"})
    lst = IdentificationList.objects.unrestricted().get()
    assert r.status_code == 302 and r["Location"] == f"/weakorgs/lists/{lst.pk}/"
    body = client.get(f"/weakorgs/lists/{lst.pk}/").content.decode()
    assert "财政局" in body and "W1" in body and "报审" in body
    client.post(f"/weakorgs/lists/{lst.pk}/action/", {"action": "submit"})
    client.post(f"/weakorgs/lists/{lst.pk}/action/", {"action": "approve", "decision": "区委常委会"})
    lst.refresh_from_db()
    assert lst.status == "approved"
    entry = lst.entries.unrestricted().get(organization=tree.b2)
    r = client.post(f"/weakorgs/entries/{entry.pk}/rectify/", {"problems": "书记缺职", "measures": "",
                                                                "responsibilities": "x", "responsible_leader": "李某",
                                                                "started_on": "2026-03-10"})
    assert "请填写措施清单" in r.content.decode()
    r = client.post(f"/weakorgs/entries/{entry.pk}/rectify/", {
        "problems": "书记缺职", "measures": "选配书记", "responsibilities": "街道党工委", "responsible_leader": "李某",
        "first_secretary": "王某", "started_on": "2026-03-10"})
    case = Rectification.objects.unrestricted().get()
    assert r.status_code == 302 and case.deadline == D(2027, 3, 10)
    client.post(f"/weakorgs/cases/{case.pk}/report/", {"reported_on": "2026-04-01", "text": "已选配书记",
                                                        "problems_solved": 1})
    r = client.get(f"/weakorgs/cases/{case.pk}/")
    body = r.content.decode()
    assert "已选配书记" in body and "第一书记" in body and "记录验收" in body
    r = client.post(f"/weakorgs/cases/{case.pk}/accept/", {"held_on": "2027-03-01", "score": "88", "satisfied": 9,
                                                           "basically_satisfied": 1, "dissatisfied": 0}, follow=True)
    assert "验收合格（88 分）" in r.content.decode()
    assert "财政局" in xlsx_text(client.get("/weakorgs/?export=xlsx"))
    assert "财政局" not in login(users.datong).get("/weakorgs/").content.decode()


def test_flags_screen_and_standards(login, tree, users, standard):
    client = login(users.datong)
    l4 = standard.indicators.unrestricted().get(code="L4")
    r = client.post("/weakorgs/flags/", {"organization": tree.b3.pk, "indicator": l4.pk, "year": 2026,
                                         "note": "村霸把持村务"})
    assert r.status_code == 302
    assert "村霸把持村务" in client.get("/weakorgs/flags/").content.decode()
    body = client.get("/weakorgs/screen/?as_of=2026-03-01").content.decode()
    assert "某某村" in body and "村霸把持村务" in body
    body = client.get(f"/weakorgs/standards/{standard.pk}/").content.decode()
    assert "70 分合格" in body and "W10" in body
    assert client.get(f"/weakorgs/standards/{standard.pk}/edit/").status_code == 403
