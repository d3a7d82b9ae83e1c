"""New checklists and identification standards (新建评分标准 / 新建认定标准): empty or a new edition copying one
the user can see, issued by an organization the user administers, audited; which one governs when several are
in force (the nearest issuer, then the sector's, then the latest; same issuer and same day refused); the pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import make_user
from tests.orghealth.conftest import D, SECRETARY, staff
from zugong.core.models import AuditEntry
from zugong.core.scope import Role
from zugong.standardization import scoring
from zugong.standardization import services as config
from zugong.standardization.models import BranchScore, Checklist, ChecklistItem
from zugong.weakorgs import screening
from zugong.weakorgs import services as weak
from zugong.weakorgs.models import Indicator, IndicatorSet

pytestmark = pytest.mark.django_db

ITEM_FIELDS = ("area", "order", "title", "max_points", "source", "measure", "method", "params", "deduction_rule",
               "evidence_required", "is_bonus")
INDICATOR_FIELDS = ("code", "order", "text", "source", "measure", "params", "direct_trigger", "sector", "citation",
                    "local", "active")


@pytest.fixture
def depts(tree):
    """Department admins (组织部管理员) of the two cities."""
    return make_user("ty_dept", tree.taiyuan, Role.DEPT_ADMIN), make_user("dt_dept", tree.datong, Role.DEPT_ADMIN)


def new_checklist(org, **fields):
    values = {"name": "太原市党支部标准化建设评分标准", "edition": "2026年版", "issuing_body": "中共太原市委组织部",
              "organization": org, "effective_from": D(2026, 1, 1),
              "grade_bands": [{"grade": "优秀", "min": 90}, {"grade": "合格", "min": 60}, {"grade": "不合格", "min": 0}]}
    return Checklist(**(values | fields))


def new_standard(org, **fields):
    values = {"name": "太原市软弱涣散基层党组织认定标准", "edition": "2026年版", "issuing_body": "中共太原市委组织部",
              "organization": org, "effective_from": D(2026, 1, 1)}
    return IndicatorSet(**(values | fields))


def rows(qs, fields):
    return [tuple(getattr(r, f) for f in fields) for r in qs.unrestricted().order_by("order", "pk")]


# ---------------------------------------------------------------- services: checklists


def test_new_edition_copies_every_item_and_weight_and_is_audited(tree, depts, checklist):
    ty_dept, _ = depts
    created = config.create_checklist(ty_dept, new_checklist(tree.taiyuan), copy_from=checklist)
    assert created.org_path == tree.taiyuan.path
    assert rows(created.items, ITEM_FIELDS) == rows(checklist.items, ITEM_FIELDS)
    assert created.max_total == checklist.max_total == 100
    assert set(created.items.unrestricted().values_list("org_path", flat=True)) == {tree.taiyuan.path}
    assert checklist.items.unrestricted().count() == 12  # the source keeps its own items
    logged = AuditEntry.objects.unrestricted().filter(model="standardization.checklistitem", action="create",
                                                      note=f"复制自“{checklist}”")
    assert logged.count() == 12
    entry = AuditEntry.objects.unrestricted().filter(model="standardization.checklist", object_id=str(created.pk),
                                                     action="update").get()
    assert entry.changes[0]["new"] == "12 项，合计 100 分"
    # Edited afterwards like any checklist: the copy is its own.
    first = created.items.unrestricted().order_by("order").first()
    first.max_points = 10
    config.save_item(ty_dept, first)
    assert checklist.items.unrestricted().order_by("order").first().max_points == 8


def test_empty_checklist_is_validated_as_an_edit_is(tree, depts):
    ty_dept, _ = depts
    created = config.create_checklist(ty_dept, new_checklist(tree.xiaodian, name="小店区评分标准"))
    assert created.pk and not created.items.unrestricted().exists()
    bands_up = [{"grade": "合格", "min": 60}, {"grade": "优秀", "min": 90}]
    with pytest.raises(ValidationError) as exc:
        config.create_checklist(ty_dept, new_checklist(tree.taiyuan, grade_bands=bands_up))
    assert exc.value.message_dict == {"grade_bands": ["等次应按最低分从高到低排列"]}
    with pytest.raises(ValidationError) as exc:
        config.create_checklist(ty_dept, new_checklist(tree.taiyuan, effective_to=D(2025, 12, 31)))
    assert exc.value.message_dict == {"effective_to": ["失效日期应晚于生效日期"]}


def test_a_copied_item_with_wrong_scoring_is_refused_by_name(tree, users, checklist):
    ChecklistItem.objects.unrestricted().filter(checklist=checklist, title="按期换届").update(measure="gone")
    with pytest.raises(ValidationError) as exc:
        config.create_checklist(users.admin, new_checklist(tree.taiyuan), copy_from=checklist)
    assert "所复制的评分项目“按期换届”有误：按数据计分的项目应选择数据指标" in exc.value.message_dict["copy_from"][0]
    assert not Checklist.objects.unrestricted().filter(org_path=tree.taiyuan.path).exists()


def test_issuer_must_be_in_the_department_admins_subtree(tree, users, depts, checklist):
    ty_dept, dt_dept = depts
    with pytest.raises(PermissionDenied) as exc:  # another city's department
        config.create_checklist(dt_dept, new_checklist(tree.xiaodian), copy_from=checklist)
    assert "小店区" in str(exc.value)
    with pytest.raises(PermissionDenied):  # an organization admin, not a department admin
        config.create_checklist(users.taiyuan, new_checklist(tree.taiyuan))
    local = config.create_checklist(ty_dept, new_checklist(tree.taiyuan))
    with pytest.raises(PermissionDenied) as exc:  # a checklist 大同 cannot see is not copied
        config.create_checklist(dt_dept, new_checklist(tree.datong, name="大同"), copy_from=local)
    assert "无权查看" in str(exc.value)
    # The province's checklist applies to 大同 too, so 大同 may issue its own edition of it.
    own = config.create_checklist(dt_dept, new_checklist(tree.datong, name="大同"), copy_from=checklist)
    assert own.items.unrestricted().count() == 12


def test_same_issuer_same_day_is_refused_other_overlaps_are_ordered(tree, depts, checklist):
    ty_dept, _ = depts
    config.create_checklist(ty_dept, new_checklist(tree.taiyuan))
    with pytest.raises(ValidationError) as exc:
        config.create_checklist(ty_dept, new_checklist(tree.taiyuan, name="另一个"))
    assert "已有同一天（2026-01-01）生效的评分标准" in exc.value.message_dict["effective_from"][0]
    # Another sector, another day or a stopped one can be told apart.
    config.create_checklist(ty_dept, new_checklist(tree.taiyuan, name="农村", sector="rural"))
    config.create_checklist(ty_dept, new_checklist(tree.taiyuan, name="停用", active=False))
    config.create_checklist(ty_dept, new_checklist(tree.taiyuan, name="年中", effective_from=D(2026, 7, 1)))
    # Editing into a tie is refused the same way.
    mid = Checklist.objects.unrestricted().get(name="年中")
    mid.effective_from = D(2026, 1, 1)
    with pytest.raises(ValidationError):
        config.save_checklist(ty_dept, mid)


def test_nearest_issuer_then_latest_edition_governs(tree, depts, checklist):
    ty_dept, _ = depts
    city = config.create_checklist(ty_dept, new_checklist(tree.taiyuan, effective_from=D(2025, 1, 1)),
                                   copy_from=checklist)
    assert scoring.checklist_for(tree.b1.path, D(2025, 6, 1)) == city
    assert scoring.checklist_for(tree.b3.path, D(2025, 6, 1)) == checklist
    assert scoring.checklist_for(tree.b1.path, D(2024, 6, 1)) == checklist  # before the city's took effect


def test_new_edition_takes_over_from_its_effective_date(tree, users, checklist):
    edition = config.create_checklist(users.admin, new_checklist(tree.root, name=checklist.name),
                                      copy_from=checklist)
    assert scoring.checklist_for(tree.b1.path, D(2025, 12, 31)) == checklist
    assert scoring.checklist_for(tree.b1.path, D(2026, 1, 1)) == edition
    with pytest.raises(ValidationError) as exc:  # not yet in force for 2025
        config.compute(users.admin, edition, 2025, as_of=D(2026, 1, 1))
    assert "在 2025 年不在有效期内" in exc.value.message_dict["checklist"][0]
    assert config.compute(users.admin, checklist, 2025, as_of=D(2026, 1, 1)).scored == 3


def test_scoring_follows_the_governing_checklist_and_drops_superseded_scores(tree, depts, checklist):
    ty_dept, _ = depts
    staff(tree.b1, 3, 100, posts=(SECRETARY,))
    staff(tree.b2, 3, 200)
    assert scoring.compute(checklist, 2025, as_of=D(2026, 1, 1)).scored == 3
    city = config.create_checklist(ty_dept, new_checklist(tree.taiyuan, effective_from=D(2025, 1, 1)),
                                   copy_from=checklist)
    run = scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    assert (run.scored, run.removed) == (1, 2)  # only 大同's branch is still the province's
    assert scoring.compute(city, 2025, as_of=D(2026, 1, 1)).scored == 2
    by_branch = dict(BranchScore.objects.unrestricted().filter(year=2025).values_list("organization", "checklist"))
    assert by_branch == {tree.b1.pk: city.pk, tree.b2.pk: city.pk, tree.b3.pk: checklist.pk}
    assert AuditEntry.objects.unrestricted().filter(model="standardization.branchscore", action="delete").count() == 2


# ---------------------------------------------------------------- services: identification standards


def test_new_standard_copies_every_situation(tree, depts, standard):
    ty_dept, _ = depts
    created = weak.create_standard(ty_dept, new_standard(tree.taiyuan, pass_mark=75), copy_from=standard)
    assert rows(created.indicators, INDICATOR_FIELDS) == rows(standard.indicators, INDICATOR_FIELDS)
    assert created.pass_mark == 75 and created.org_path == tree.taiyuan.path
    assert AuditEntry.objects.unrestricted().filter(model="weakorgs.indicator", action="create",
                                                    note=f"复制自“{standard}”").count() == 14
    # Lists approved in 太原 screen with it from its effective date; 大同 keeps the province's.
    assert screening.indicator_set_for(tree.xiaodian.path, D(2026, 3, 1)) == created
    assert screening.indicator_set_for(tree.xiaodian.path, D(2025, 3, 1)) == standard
    assert screening.indicator_set_for(tree.datong.path, D(2026, 3, 1)) == standard


def test_standard_scope_validation_and_same_day_rule(tree, users, depts, standard):
    ty_dept, dt_dept = depts
    with pytest.raises(PermissionDenied):
        weak.create_standard(dt_dept, new_standard(tree.taiyuan), copy_from=standard)
    with pytest.raises(PermissionDenied):
        weak.create_standard(users.taiyuan, new_standard(tree.taiyuan))
    with pytest.raises(ValidationError) as exc:
        weak.create_standard(ty_dept, new_standard(tree.taiyuan, ratio_mode="floor"))
    assert exc.value.message_dict == {"ratio_percent": ["设定整顿比例的，请填写大于 0、不超过 100 的比例"]}
    empty = weak.create_standard(ty_dept, new_standard(tree.taiyuan))
    assert not empty.indicators.unrestricted().exists()
    with pytest.raises(ValidationError) as exc:
        weak.create_standard(ty_dept, new_standard(tree.taiyuan, name="重复"))
    assert "已有同一天（2026-01-01）生效的认定标准" in exc.value.message_dict["effective_from"][0]
    # The empty standard gets its situations one by one; a code is used once.
    weak.save_indicator(ty_dept, Indicator(indicator_set=empty, code="T1", text="书记缺职超过 3 个月"))
    with pytest.raises(ValidationError) as exc:
        weak.save_indicator(ty_dept, Indicator(indicator_set=empty, code="T1", text="另一个"))
    assert exc.value.message_dict == {"code": ["代码“T1”在该认定标准中已经使用，请换一个代码"]}
    with pytest.raises(PermissionDenied):
        weak.save_indicator(dt_dept, Indicator(indicator_set=empty, code="T2", text="x"))


# ---------------------------------------------------------------- pages


CHECKLIST_POST = {"name": "太原市党支部标准化建设评分标准", "edition": "2026年版", "issuing_body": "中共太原市委组织部",
                  "document": "", "sector": "", "effective_from": "2026-01-01", "effective_to": "",
                  "grade_bands": '[{"grade": "优秀", "min": 90}, {"grade": "合格", "min": 0}]', "source_status": "",
                  "active": "on"}


def test_checklist_create_page(login, tree, users, depts, checklist):
    ty_dept, _ = depts
    assert "新建评分标准" not in login(users.taiyuan).get("/standardization/checklists/").content.decode()
    assert login(users.taiyuan).get("/standardization/checklists/new/").status_code == 403
    client = login(ty_dept)
    assert "新建评分标准" in client.get("/standardization/checklists/").content.decode()
    r = client.get(f"/standardization/checklists/new/?copy_from={checklist.pk}")
    body = r.content.decode()
    assert r.status_code == 200 and "共 12 项，合计 100 分" in body and checklist.name in body
    assert f'value="{timezone.localdate().year + 1}年版"' in body
    r = client.post("/standardization/checklists/new/", CHECKLIST_POST | {
        "copy_from": checklist.pk, "organization": tree.taiyuan.pk})
    created = Checklist.objects.unrestricted().get(org_path=tree.taiyuan.path)
    assert r.status_code == 302 and r["Location"] == f"/standardization/checklists/{created.pk}/"
    assert created.items.unrestricted().count() == 12
    body = client.get(r["Location"]).content.decode()
    assert "合计 100" in body and "中共太原市委组织部" in body
    # Empty, with errors in Chinese next to the fields they name.
    r = client.post("/standardization/checklists/new/", CHECKLIST_POST | {
        "organization": tree.taiyuan.pk, "name": "", "effective_to": "2025-06-01", "effective_from": "2026-03-01"})
    body = r.content.decode()
    assert r.status_code == 200 and "请填写名称" in body
    r = client.post("/standardization/checklists/new/", CHECKLIST_POST | {
        "organization": tree.taiyuan.pk, "effective_to": "2025-06-01", "effective_from": "2026-03-01"})
    assert "失效日期应晚于生效日期" in r.content.decode()
    r = client.post("/standardization/checklists/new/", CHECKLIST_POST | {"organization": tree.taiyuan.pk})
    assert "已有同一天（2026-01-01）生效的评分标准" in r.content.decode()
    assert Checklist.objects.unrestricted().filter(org_path=tree.taiyuan.path).count() == 1


def test_checklist_create_page_keeps_to_the_users_subtree(login, tree, depts, checklist):
    ty_dept, dt_dept = depts
    local = config.create_checklist(ty_dept, new_checklist(tree.taiyuan))
    client = login(dt_dept)
    assert client.get(f"/standardization/checklists/new/?copy_from={local.pk}").status_code == 404
    assert client.get("/standardization/checklists/new/?copy_from=x").status_code == 404
    r = client.post("/standardization/checklists/new/", CHECKLIST_POST | {
        "organization": tree.xiaodian.pk, "name": "大同越权"})
    assert "所选组织不存在或不在您的管辖范围内" in r.content.decode()
    r = client.post("/standardization/checklists/new/", CHECKLIST_POST | {
        "organization": tree.datong.pk, "copy_from": local.pk, "name": "大同越权"})
    assert "所选评分标准不存在或您无权查看" in r.content.decode()
    assert not Checklist.objects.unrestricted().filter(name="大同越权").exists()
    # The htmx reload of the form when a source is chosen answers the same page, filled from it.
    r = client.get(f"/standardization/checklists/new/?copy_from={checklist.pk}", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "将复制" in r.content.decode() and "太原" not in r.content.decode()


STANDARD_POST = {"name": "太原市软弱涣散基层党组织认定标准", "edition": "2026年版", "issuing_body": "中共太原市委组织部",
                 "document": "", "effective_from": "2026-01-01", "effective_to": "", "comprehensive_min": 2,
                 "ratio_mode": "none", "ratio_percent": "", "pass_mark": 70, "veto_dissatisfied_percent": 50,
                 "rectification_months": 12, "followup_months": 12, "source_status": "", "active": "on"}


def test_standard_create_and_indicator_pages(login, tree, users, depts, standard):
    ty_dept, dt_dept = depts
    assert login(users.taiyuan).get("/weakorgs/standards/new/").status_code == 403
    client = login(ty_dept)
    assert "新建认定标准" in client.get("/weakorgs/standards/").content.decode()
    body = client.get(f"/weakorgs/standards/new/?copy_from={standard.pk}").content.decode()
    assert "共 14 项情形" in body and "W10" in body
    r = client.post("/weakorgs/standards/new/", STANDARD_POST | {"organization": tree.taiyuan.pk,
                                                                 "ratio_mode": "cap"})
    assert "设定整顿比例的，请填写大于 0、不超过 100 的比例" in r.content.decode()
    r = client.post("/weakorgs/standards/new/", STANDARD_POST | {"organization": tree.taiyuan.pk})
    created = IndicatorSet.objects.unrestricted().get(org_path=tree.taiyuan.path)
    assert r.status_code == 302 and r["Location"] == f"/weakorgs/standards/{created.pk}/"
    assert "新增认定情形" in client.get(r["Location"]).content.decode()
    r = client.post(f"/weakorgs/standards/{created.pk}/indicators/new/", {
        "code": "T1", "order": 1, "text": "书记缺职超过 3 个月", "source": "manual", "measure": "", "params": "",
        "sector": "", "citation": "太原市委组织部文件", "active": "on", "direct_trigger": "on"})
    assert r.status_code == 302 and created.indicators.unrestricted().get().code == "T1"
    r = client.post(f"/weakorgs/standards/{created.pk}/indicators/new/", {
        "code": "T1", "order": 2, "text": "重复", "source": "manual", "params": "", "sector": "", "active": "on"})
    assert "代码“T1”在该认定标准中已经使用" in r.content.decode()
    # Another city: the standard and its pages are not found.
    other = login(dt_dept)
    assert other.get(f"/weakorgs/standards/new/?copy_from={created.pk}").status_code == 404
    assert other.get(f"/weakorgs/standards/{created.pk}/indicators/new/").status_code == 404
    r = other.post("/weakorgs/standards/new/", STANDARD_POST | {"organization": tree.taiyuan.pk, "name": "越权"})
    assert "所选组织不存在或不在您的管辖范围内" in r.content.decode()


def test_parameters_are_typed_as_named_lines():
    from zugong.core.config.forms import ParamsField

    field = ParamsField(required=False)
    stored = {"months": 12, "kinds": ["committee", "themed_day"], "below": 0.6}
    text = field.prepare_value(stored)
    assert text == "统计月数：12\n会议类别：支部委员会会议、主题党日\n低于：0.6"
    assert field.clean(text) == stored
    assert field.clean("统计月数: 6\n会议类别：支部委员会会议，主题党日") == {"months": 6, "kinds": ["committee", "themed_day"]}
    assert field.clean('{"deduct": 2}') == {"deduct": 2}  # pasted as stored
    assert field.clean("") == {}
    with pytest.raises(ValidationError, match="第 2 行：“统计月数”应为整数"):
        field.clean("低于：0.5\n统计月数：1.5")
    with pytest.raises(ValidationError, match="第 1 行：会议类别“党委会”不认识"):
        field.clean("会议类别：党委会")
    with pytest.raises(ValidationError, match="第 1 行“月数 12”：应为“名称：数值”"):
        field.clean("月数 12")
