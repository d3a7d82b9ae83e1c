"""The results API's fixed contract and its scoping, the pages (ranked tables, a unit's explanation, value entry,
计算), the .xlsx 考核结果通报 and a computed indicator from zugong's own data."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.assessment.schemes_fixtures import build_scheme, counties_fixture, place, put  # noqa: F401
from zugong.assessment import schemes_services as services
from zugong.assessment.models import IndicatorValue, SchemeCategory, SchemeIndicator, SchemeUnit, UnitResult
from zugong.core.models import AuditEntry

pytestmark = pytest.mark.django_db
A, B = "一类（重点开发）", "二类（农产品主产）"


@pytest.fixture
def scored(tree, users, counties):
    """太原's 2025 scheme: 一类 小店区, 迎泽区, 杏花岭区, 清徐县, 阳曲县 (5 → one 优秀); 二类 娄烦县. 杏花岭 vetoed."""
    scheme = build_scheme(tree.taiyuan)
    c = counties
    place(scheme, A, c.xiaodian, c.yingze, c.xinghualing, c.qingxu, c.yangqu)
    place(scheme, B, c.loufan)
    put(scheme, c.xiaodian, A1=8, A2=0.4, A3=0)
    put(scheme, c.yingze, A1=4, A2=1.0, A3=1)
    put(scheme, c.xinghualing, A1=8, A2=0.5, A3=0, V1=1)
    put(scheme, c.qingxu, A1=2, A2=0.25, A3=2)
    put(scheme, c.yangqu, A1=0, A2=0, A3=0)
    put(scheme, c.loufan, B1=300, B2=1, V2=1)
    services.compute(scheme, user=users.taiyuan)
    return scheme


def test_results_api_contract(api_client, users, scored):
    client = api_client()
    client.force_authenticate(users.taiyuan)
    r = client.get("/api/assessment/results/", {"scheme": "TY-2025"})
    assert r.status_code == 200
    rows = {row["organization"]: row for row in r.json()["results"]}
    assert set(rows) == {"140105", "140106", "140107", "140121", "140122", "140123"}
    top = rows["140105"]
    assert {"organization", "category", "score", "rank", "grade", "vetoed", "lines"} <= set(top)
    assert (top["category"], top["score"], top["rank"], top["grade"], top["vetoed"]) == (A, 100.0, 1, "优秀", False)
    assert top["lines"][0] == {"indicator": "A1", "value": 8.0, "points": 40.0}
    assert [ln["indicator"] for ln in top["lines"]] == ["A1", "A2", "A3", "V1"]
    vetoed = rows["140107"]  # 杏花岭: tied with 小店区 on 100 points, but 一票否决
    assert (vetoed["rank"], vetoed["grade"], vetoed["vetoed"], vetoed["veto"]) == (1, "较差", True, "一票否决")
    assert rows["140123"]["vetoed"] and rows["140123"]["grade"] == "良好"  # 一票否优; 1 × 20 % = 0 anyway
    assert client.get("/api/assessment/results/", {"scheme": "NONE"}).json()["results"] == []


def test_results_api_is_scoped(api_client, users, scored, tree):
    from tests.conftest import make_user
    from zugong.core.scope import Role

    client = api_client()
    client.force_authenticate(users.datong)  # another city's user sees nothing of 太原
    assert client.get("/api/assessment/results/", {"scheme": "TY-2025"}).json()["results"] == []
    assert client.get("/api/assessment/results/").json()["results"] == []
    pk = UnitResult.objects.unrestricted().first().pk
    assert client.get(f"/api/assessment/results/{pk}/").status_code == 404
    county = make_user("xd_admin", tree.xiaodian, Role.ORG_ADMIN)  # a county sees its own result only
    client.force_authenticate(county)
    rows = client.get("/api/assessment/results/", {"scheme": "TY-2025"}).json()["results"]
    assert [r["organization"] for r in rows] == ["140105"]


def test_scheme_page_ranks_per_category_and_other_city_sees_nothing(login, users, scored):
    page = login(users.taiyuan).get(f"/assessment/schemes/{scored.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "一类（重点开发）" in html and "二类（农产品主产）" in html
    assert html.index("小店区") < html.index("迎泽区") and 'id="option-' in html and "一票否决" in html
    assert login(users.datong).get(f"/assessment/schemes/{scored.pk}/").status_code == 404
    assert "TY-2025" not in login(users.datong).get("/assessment/schemes/").content.decode()
    assert "TY-2025" in login(users.taiyuan).get("/assessment/schemes/").content.decode()
    indicators = login(users.taiyuan).get(f"/assessment/schemes/{scored.pk}/?tab=indicators").content.decode()
    assert "资源环境（30）" in indicators and "目标值 0.5" in indicators and "排名分值 60/57/54" in indicators


def test_unit_explanation_page(login, users, scored, counties):
    result = UnitResult.objects.unrestricted().get(organization=counties.yingze)
    html = login(users.taiyuan).get(f"/assessment/schemes/results/{result.pk}/").content.decode()
    # 迎泽区: A1 4/8 × 40 = 20; A2 lower 达标法 30 × 0.5 / 1 = 15; A3 30 − 5 × 1 = 25 → 60
    assert result.score == pytest.approx(60) and result.rank == 3  # tied with 清徐县 and 阳曲县 on 60
    for text in ("比值法", "对标本类别最大值", "达标法", "目标值 0.5", "扣分法", "每次扣 5 分", "20.00", "15.00",
                 "25.00", "radar-option", "trend-option", "本类别平均"):
        assert text in html, text
    assert login(users.datong).get(f"/assessment/schemes/results/{result.pk}/").status_code == 404


def test_export_is_a_results_bulletin(login, users, scored):
    r = login(users.taiyuan).get(f"/assessment/schemes/{scored.pk}/?export=xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("名次", "单位", "得分", "等次")
    assert rows[1][0] == "一类（重点开发）（5 个单位）"
    assert rows[2] == (1, "中共太原市小店区委员会", 100, "优秀")
    assert rows[3] == (1, "中共太原市杏花岭区委员会", 100, "较差（一票否决）")
    heading = next(i for i, r in enumerate(rows) if r[0] == "二类（农产品主产）（1 个单位）")
    assert rows[heading + 1][1] == "中共娄烦县委员会" and rows[heading + 1][3] == "良好（一票否优）"
    assert AuditEntry.objects.unrestricted().filter(action="export").exists()


def test_compute_button_is_audited_and_for_managers_only(login, users, scored):
    assert login(users.reader).post(f"/assessment/schemes/{scored.pk}/compute/").status_code == 403
    r = login(users.taiyuan).post(f"/assessment/schemes/{scored.pk}/compute/")
    assert r.status_code == 302
    entry = AuditEntry.objects.unrestricted().filter(model="assessment.scheme", object_id=str(scored.pk)).latest("pk")
    assert "手动计算" in entry.note and "计算考核结果" in str(entry.changes)


def test_value_entry_for_typed_indicators_recomputes_and_refuses_a_stale_value(login, users, scored, counties):
    ind = SchemeIndicator.objects.unrestricted().get(category__name=A, code="A3")
    SchemeIndicator.objects.unrestricted().filter(pk=ind.pk).update(source="typed")
    unit = SchemeUnit.objects.unrestricted().get(scheme=scored, organization=counties.yingze)
    url = f"/assessment/schemes/units/{unit.pk}/values/"
    client = login(users.taiyuan)
    page = client.get(url)
    assert page.status_code == 200 and "A3 安全生产事故" in page.content.decode()
    r = client.post(url, {f"v{ind.pk}": "0", f"o{ind.pk}": "1"})
    assert r.status_code == 302
    value = IndicatorValue.objects.unrestricted().get(indicator=ind, organization=counties.yingze)
    assert value.value == 0 and value.entered_by == users.taiyuan and value.source == "typed"
    assert UnitResult.objects.unrestricted().get(organization=counties.yingze).score == pytest.approx(65)
    # A second user still holding the old page (value 1) is refused; nothing written.
    r = client.post(url, {f"v{ind.pk}": "3", f"o{ind.pk}": "1"})
    assert r.status_code == 200 and "保存未成功" in r.content.decode()
    value.refresh_from_db()
    assert value.value == 0
    assert login(users.datong).get(url).status_code == 404


def test_a_computed_indicator_from_branch_life_compliance(users, tree, counties):
    """A 系统数据计算 indicator reads the compliance of the unit's branches through the measures registry."""
    from zugong.branchlife.models import ComplianceStat

    scheme = build_scheme(tree.taiyuan, code="TY-C", year=2025)
    cat = SchemeCategory.objects.unrestricted().get(scheme=scheme, name=A)
    SchemeIndicator.objects.unrestricted().filter(category=cat, code="A1").update(
        source="computed", measure="meeting_compliance", measure_params={"months": 12}, unit="%")
    place(scheme, A, tree.xiaodian)
    for org, ok in ((tree.b1, True), (tree.b2, False)):
        ComplianceStat.objects.create(organization=org, org_path=org.path, kind="general", period="quarter",
                                      period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 4, 1), required=True,
                                      compliant=ok, current=False, computed_at=timezone.now())
    services.compute(scheme, as_of=dt.date(2026, 1, 1))
    value = IndicatorValue.objects.unrestricted().get(indicator__code="A1", organization=tree.xiaodian)
    assert value.source == "computed" and value.value == Decimal("50")  # one of two branches compliant: 50 %
    result = UnitResult.objects.unrestricted().get(scheme=scheme)
    lines = services.explain(result, {value.indicator_id: value})
    assert lines[0]["link"].startswith("/branchlife/year/?org=140105&year=2025")

