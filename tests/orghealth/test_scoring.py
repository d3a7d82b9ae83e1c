"""Branch standardization: measures from the data, inspector scores, totals, star grades, rankings, and one
query for the whole subtree whatever the number of branches."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import _org
from tests.orghealth.conftest import D, SECRETARY, compliance, has_compliance, pay, staff
from zugong.core.models import AuditEntry
from zugong.members.models import Membership
from zugong.standardization import scoring, services
from zugong.standardization.models import BranchScore, ChecklistItem

pytestmark = pytest.mark.django_db
POSTS7 = (SECRETARY, Membership.CommitteePost.ORGANIZATION, Membership.CommitteePost.PROPAGANDA)


def item(checklist, title):
    return checklist.items.unrestricted().get(title=title)


def score_of(org, checklist, year=2025):
    return BranchScore.objects.unrestricted().get(organization=org, checklist=checklist, year=year)


def test_default_checklist_is_data_with_the_example_weights(checklist):
    by_area = {}
    for i in checklist.items.unrestricted():
        by_area[i.area] = by_area.get(i.area, 0) + i.max_points
    assert by_area == {"班子建设": 20, "基本制度": 20, "基本工作": 30, "基本保障": 20, "加分": 10}
    assert [b["min"] for b in checklist.grade_bands] == [90, 80, 70, 60, 0]
    assert checklist.grade_for(Decimal("95")) == "四星"  # 五星 needs an innovation project
    assert checklist.grade_for(Decimal("95"), innovation=True) == "五星"
    assert checklist.grade_for(Decimal("59.99")) == "一星"


def test_data_items_scored_from_members_term_dues_and_recruitment(tree, checklist):
    # b1: 7 full members, secretary + 2 committee members (a committee needs 3); term runs to 2026-06-01.
    b1 = staff(tree.b1, 7, 100, posts=(SECRETARY, Membership.CommitteePost.ORGANIZATION))
    # b2: 3 members with a secretary, dues paid for the last 3 months, one new member in 2025, no term recorded.
    b2 = staff(tree.b2, 3, 200, posts=(SECRETARY,))
    b2.append(staff(tree.b2, 1, 300, joined_on=D(2025, 5, 1), status=Membership.Status.PROBATIONARY,
                    converted_on=None)[0])
    pay(b2, [D(2025, 10, 1), D(2025, 11, 1), D(2025, 12, 1)])
    run = scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    assert run.scored == 3  # b1, b2 and the Datong branch
    s1, s2 = score_of(tree.b1, checklist), score_of(tree.b2, checklist)
    pts = lambda s, title: s.items[str(item(checklist, title).pk)]  # noqa: E731
    assert pts(s1, "支部书记配备到位") == 8 and pts(s1, "支部委员会配备齐全") == 0 and pts(s1, "按期换届") == 6
    assert pts(s2, "支部委员会配备齐全") == 6 and pts(s2, "按期换届") == 0
    assert pts(s1, "党费按时足额交纳") == 0 and pts(s2, "党费按时足额交纳") == 10
    assert pts(s1, "发展党员工作正常开展") == 0 and pts(s2, "发展党员工作正常开展") == 5
    assert s2.inspector_pending == 5 and s2.inspector_points == 0
    assert s2.total == s2.data_points == Decimal("29.00") and s2.grade == "一星"
    del b1


def test_inspector_scores_count_and_need_a_reason_below_full(tree, users, checklist):
    staff(tree.b2, 3, 200, posts=(SECRETARY,))
    room = item(checklist, "活动阵地")
    with pytest.raises(ValidationError) as exc:
        services.set_inspector_score(users.taiyuan, tree.b2, room, year=2025, points=6)
    assert "请填写扣分理由" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.set_inspector_score(users.taiyuan, tree.b2, room, year=2025, points=11, note="x")
    assert "得分应在 0 至 10 分之间" in str(exc.value)
    with pytest.raises(ValidationError):
        services.set_inspector_score(users.taiyuan, tree.b2, item(checklist, "按期换届"), year=2025, points=6)
    with pytest.raises(PermissionDenied):
        services.set_inspector_score(users.datong, tree.b2, room, year=2025, points=10)
    services.set_inspector_score(users.taiyuan, tree.b2, room, year=2025, points=6, note="活动室兼作仓库")
    services.set_inspector_score(users.taiyuan, tree.b2, item(checklist, "创新项目（特色品牌）"), year=2025, points=5)
    scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    s2 = score_of(tree.b2, checklist)
    assert s2.inspector_points == 11 and s2.innovation and s2.inspector_pending == 3
    assert AuditEntry.objects.unrestricted().filter(model="standardization.inspectorscore").count() == 2


def test_recomputing_updates_the_year_and_keeps_other_years(tree, checklist):
    staff(tree.b2, 3, 200, posts=(SECRETARY,))
    scoring.compute(checklist, 2024, as_of=D(2025, 1, 1))
    scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    Membership.objects.unrestricted().filter(organization=tree.b2, committee_post=SECRETARY).update(committee_post="")
    scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    years = BranchScore.objects.unrestricted().filter(organization=tree.b2).order_by("year")
    assert [s.year for s in years] == [2024, 2025]
    assert years[0].items[str(item(checklist, "支部书记配备到位").pk)] == 8
    assert years[1].items[str(item(checklist, "支部书记配备到位").pk)] == 0


def test_scoring_a_subtree_is_a_fixed_number_of_queries(tree, checklist):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
        return len(ctx.captured_queries)

    few = queries()
    for i in range(6):
        org = _org(tree.xiaodian, f"新支部{i}", f"1401059{i}", "branch")
        staff(org, 3, 400 + 10 * i, posts=(SECRETARY,))
    assert queries() == few


def test_ranking_ties_share_a_rank(tree, checklist):
    staff(tree.b1, 3, 100, posts=(SECRETARY,))
    staff(tree.b2, 3, 200, posts=(SECRETARY,))
    scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    ranked = list(services.ranking(BranchScore.objects.unrestricted().filter(org_path__subtree=tree.xiaodian.path)))
    assert [r.rank for r in ranked] == [1, 2] or [r.rank for r in ranked] == [1, 1]
    assert ranked[0].total >= ranked[1].total


@pytest.mark.skipif(not has_compliance(), reason="branchlife's ComplianceStat not installed yet")
def test_meeting_items_read_compliance_stats(tree, checklist):
    staff(tree.b2, 3, 200, posts=(SECRETARY,))
    for month in range(1, 13):
        compliance(tree.b2, "committee", D(2025, month, 1), compliant=month <= 9)
    compliance(tree.b2, "life_meeting", D(2025, 1, 1), compliant=False, period="year")
    scoring.compute(checklist, 2025, as_of=D(2026, 1, 1))
    s2 = score_of(tree.b2, checklist)
    assert s2.items[str(item(checklist, "“三会一课”按规定召开").pk)] == 9.0  # 9 of 12 months × 12
    assert s2.items[str(item(checklist, "组织生活会、民主评议党员按年开展").pk)] == 4.0  # one miss, −4


def test_config_is_edited_by_department_admins_only(tree, users, checklist):
    checklist.edition = "2026年版"
    with pytest.raises(PermissionDenied):
        services.save_checklist(users.taiyuan, checklist)
    checklist.grade_bands = [{"grade": "好", "min": 60}, {"grade": "优", "min": 90}]
    with pytest.raises(ValidationError) as exc:
        services.save_checklist(users.admin, checklist)
    assert "从高到低" in str(exc.value)
    new = ChecklistItem(checklist=checklist, area="加分", title="x", max_points=5, source="data", measure="")
    with pytest.raises(ValidationError):
        services.save_item(users.admin, new)
