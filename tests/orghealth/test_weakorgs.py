"""Weak organizations: screening by data and manual flags, the yearly list's workflow, rectification with
progress and acceptance (pass mark, 不满意 veto, exception), the overdue finding, scope and all-or-nothing."""


import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import _org, make_user
from tests.orghealth.conftest import D, SECRETARY, compliance, has_compliance, pay, staff
from zugong.core import rules
from zugong.core.models import AuditEntry, Finding
from zugong.core.rules import RuleViolation
from zugong.core.scope import Role
from zugong.weakorgs import screening, services
from zugong.weakorgs.models import Acceptance, IdentificationList, Rectification

pytestmark = pytest.mark.django_db
AS_OF = D(2026, 3, 1)


def indicator(standard, code):
    return standard.indicators.unrestricted().get(code=code)


def test_default_standard_has_the_national_situations_and_parameters(standard):
    codes = list(standard.indicators.unrestricted().values_list("code", flat=True))
    assert codes[:10] == [f"W{i}" for i in range(1, 11)]
    assert standard.pass_mark == 70 and standard.veto_dissatisfied_percent == 50
    w1 = indicator(standard, "W1")
    assert w1.source == "data" and w1.direct_trigger and "软弱涣散基层党组织 8 种基本情形" in w1.citation
    assert "（V）" not in w1.citation  # no research tags (docs/rules-coverage.md)


def test_screening_finds_vacant_secretary_overdue_term_and_flags(tree, users, standard):
    b1 = staff(tree.b1, 3, 100, posts=(SECRETARY,))  # community branch, term until 2026-06-01
    pay(b1, [D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)])  # only L2 (no new member): one indirect hit
    staff(tree.b2, 3, 200)  # no secretary → W1 (direct)
    found = {c.organization_id: c for c in screening.screen(standard, tree.root.path, AS_OF)}
    assert tree.b2.pk in found and tree.b1.pk not in found
    w1 = next(r for r in found[tree.b2.pk].reasons if r["code"] == "W1")
    assert w1["detail"] == "书记缺职或支部委员会不健全" and w1["direct"]
    # b1 after its term: only L1 (not direct) and L2 (no new member for 2 years): two hits qualify as a whole.
    later = {c.organization_id: c for c in screening.screen(standard, tree.root.path, D(2026, 9, 1))}
    assert {r["code"] for r in later[tree.b1.pk].reasons} == {"L1", "L2", "L3"}
    assert later[tree.b1.pk].basis == "comprehensive"
    # A manual flag (村霸, rural only): the Datong village branch.
    services.flag(users.datong, tree.b3, indicator(standard, "L4"), year=2026, note="村霸把持村务", reported_on=AS_OF)
    with pytest.raises(PermissionDenied):
        services.flag(users.taiyuan, tree.b3, indicator(standard, "W8"), year=2026, note="信访")
    with pytest.raises(ValidationError) as exc:
        services.flag(users.datong, tree.b3, indicator(standard, "W1"), year=2026, note="x")
    assert "按数据自动识别" in str(exc.value)
    found = {c.organization_id: c for c in screening.screen(standard, tree.datong.path, AS_OF)}
    l4 = next(r for r in found[tree.b3.pk].reasons if r["code"] == "L4")
    assert l4["detail"] == "村霸把持村务"


def test_screening_is_a_fixed_number_of_queries(tree, standard):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            screening.screen(standard, tree.root.path, AS_OF)
        return len(ctx.captured_queries)

    few = queries()
    for i in range(5):
        staff(_org(tree.xiaodian, f"新支部{i}", f"1401059{i}", "branch"), 3, 400 + 10 * i)
    assert queries() == few


def approved_list(tree, users, standard):
    healthy(tree.b1, 100)
    staff(tree.b2, 3, 200)
    lst = services.create_list(users.taiyuan, tree.xiaodian, 2026, as_of=AS_OF)
    services.submit(users.taiyuan, lst)
    services.approve(users.taiyuan, lst, decision="区委常委会 2026 年第 3 次会议")
    return lst


PLAN = dict(problems="书记缺职", measures="选优配强书记", responsibilities="街道党工委负责", responsible_leader="李某")


def healthy(org, seq0):
    """A branch with a secretary and dues paid up to AS_OF: only L2 (no new member), which alone does not list."""
    pay(staff(org, 3, seq0, posts=(SECRETARY,)), [D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)])


def test_list_workflow_and_who_may_do_what(tree, users, standard):
    healthy(tree.b1, 100)
    staff(tree.b2, 3, 200)
    reader_list = pytest.raises(PermissionDenied)
    with reader_list:
        services.create_list(users.reader, tree.xiaodian, 2026, as_of=AS_OF)
    lst = services.create_list(users.taiyuan, tree.xiaodian, 2026, as_of=AS_OF)
    assert lst.status == "draft" and [e.organization for e in lst.entries.unrestricted()] == [tree.b2]
    with pytest.raises(ValidationError):
        services.create_list(users.taiyuan, tree.xiaodian, 2026, as_of=AS_OF)
    entry = services.add_entry(users.taiyuan, lst, tree.b1, codes=["W10"], note="群众意见较大，综合研判列入")
    assert entry.basis == "comprehensive"
    entry_b2 = lst.entries.unrestricted().get(organization=tree.b2)
    with pytest.raises(ValidationError):
        services.open_rectification(users.taiyuan, entry_b2, **PLAN)  # not approved yet
    services.submit(users.taiyuan, lst)
    with pytest.raises(ValidationError) as exc:
        services.add_entry(users.taiyuan, lst, tree.b1, codes=["W9"], note="x")
    assert "不能修改" in str(exc.value)
    secretary = make_user("xd_sec", tree.xiaodian, Role.SECRETARY)
    with pytest.raises(PermissionDenied):
        services.approve(secretary, lst)
    services.return_list(users.taiyuan, lst, "请补充研判意见")
    services.submit(users.taiyuan, lst)
    services.approve(users.taiyuan, lst, decision="区委常委会审定")
    lst.refresh_from_db()
    assert lst.status == "approved" and lst.approved_by == users.taiyuan
    statuses = [c["new"] for e in AuditEntry.objects.unrestricted().filter(model="weakorgs.identificationlist")
                for c in e.changes if c["field"] == "status"]
    assert statuses.count("已报审") == 2 and "已审定" in statuses


def test_rectification_acceptance_pass_mark_and_veto(tree, users, standard):
    lst = approved_list(tree, users, standard)
    entry = lst.entries.unrestricted().get()
    with pytest.raises(ValidationError) as exc:
        services.open_rectification(users.taiyuan, entry, **{**PLAN, "measures": ""})
    assert "请填写措施清单" in str(exc.value)
    case, warnings = services.open_rectification(users.taiyuan, entry, started_on=D(2026, 3, 10), **PLAN)
    assert case.deadline == D(2027, 3, 10) and warnings == []
    services.report_progress(users.taiyuan, case, text="已选配书记", reported_on=D(2026, 4, 10), problems_solved=1)
    # The branch's own organization may not accept itself: acceptance is by the higher organization.
    b2_admin = make_user("b2_admin", tree.b2, Role.ORG_ADMIN)
    with pytest.raises(PermissionDenied) as exc:
        services.accept(b2_admin, case, held_on=D(2027, 3, 1), score=90)
    assert "上级党组织" in str(exc.value)
    # 75 points but 6 of 10 不满意: vetoed, back to rectification with a new deadline.
    with pytest.raises(ValidationError) as exc:
        services.accept(users.taiyuan, case, held_on=D(2027, 3, 1), score=75, satisfied=4, dissatisfied=6)
    assert "重新整顿期限" in str(exc.value)
    assert not Acceptance.objects.unrestricted().exists()  # all or nothing
    a = services.accept(users.taiyuan, case, held_on=D(2027, 3, 1), score=75, satisfied=4, dissatisfied=6,
                        new_deadline=D(2027, 9, 1))
    case.refresh_from_db()
    assert not a.passed and "超过 50%" in a.result_text and case.status == "failed" and case.deadline == D(2027, 9, 1)
    # Closing a failed acceptance anyway is refused with the citation unless an exception is recorded.
    with pytest.raises(RuleViolation) as exc:
        services.accept(users.taiyuan, case, held_on=D(2027, 8, 1), score=65, satisfied=10, close_anyway=True)
    assert "验收得分 65 分，低于合格线 70 分" in str(exc.value) and "整顿验收办法" in str(exc.value)
    case.refresh_from_db()
    assert case.status == "failed" and case.acceptances.unrestricted().count() == 1
    a = services.accept(users.taiyuan, case, held_on=D(2027, 8, 1), score=82, satisfied=9, dissatisfied=1)
    case.refresh_from_db()
    assert a.passed and case.status == "accepted" and case.accepted_on == D(2027, 8, 1)
    assert case.followup_until == D(2028, 8, 1)
    with pytest.raises(ValidationError):
        services.report_progress(users.taiyuan, case, text="x")


def test_overdue_rectification_is_a_finding(tree, users, standard):
    lst = approved_list(tree, users, standard)
    case, _ = services.open_rectification(users.taiyuan, lst.entries.unrestricted().get(), started_on=D(2026, 3, 10),
                                          deadline=D(2026, 9, 10), **PLAN)
    result = rules.scan(tree.root.path, as_of=D(2026, 11, 20),
                        rules=[rules.RULES["weakorgs.rectification_overdue"]])
    assert result.per_rule["weakorgs.rectification_overdue"] == 1
    f = Finding.objects.unrestricted().get(rule="weakorgs.rectification_overdue")
    assert f.detail == "整顿期限 2026-09-10，超期 2 个月，尚未验收销号" and f.organization_id == tree.b2.pk
    assert not rules.scan(tree.root.path, as_of=D(2026, 9, 10),
                          rules=[rules.RULES["weakorgs.rectification_overdue"]]).still_open


def test_village_without_first_secretary_warns(tree, users, standard):
    services.flag(users.datong, tree.b3, indicator(standard, "L4"), year=2026, note="村霸", reported_on=AS_OF)
    lst = services.create_list(users.datong, tree.datong, 2026, as_of=AS_OF)
    services.submit(users.datong, lst)
    services.approve(users.datong, lst)
    _case, warnings = services.open_rectification(users.datong, lst.entries.unrestricted().get(), **PLAN)
    assert [r.code for r, _ in warnings] == ["weakorgs.village_without_first_secretary"]
    assert Rectification.objects.visible_to(users.taiyuan).count() == 0
    assert IdentificationList.objects.visible_to(users.taiyuan).count() == 0


@pytest.mark.skipif(not has_compliance(), reason="branchlife's ComplianceStat not installed")
def test_w4_reads_meeting_compliance(tree, standard):
    staff(tree.b2, 3, 200, posts=(SECRETARY,))
    for month in range(1, 13):
        compliance(tree.b2, "committee", D(2025, month, 1), compliant=month <= 5)
    found = {c.organization_id: c for c in screening.screen(standard, tree.b2.path, D(2026, 1, 1))}
    w4 = next(r for r in found[tree.b2.pk].reasons if r["code"] == "W4")
    assert w4["detail"] == "支部党员大会、支部委员会会议、党课、主题党日达标率 42%" and w4["direct"]


def test_no_progress_report_only_after_more_than_a_month(tree, users, standard):
    """Issue 13 item 8: last report 03-15, a scan on 04-15 is exactly one month: not yet 超过一个月."""
    lst = approved_list(tree, users, standard)
    case, _ = services.open_rectification(users.taiyuan, lst.entries.unrestricted().get(), started_on=D(2026, 2, 1),
                                          **PLAN)
    services.report_progress(users.taiyuan, case, text="已选配书记", reported_on=D(2026, 3, 15), problems_solved=1)
    rule = rules.RULES["weakorgs.no_progress_report"]
    qs = Rectification.objects.unrestricted()
    assert rule.violations(qs, D(2026, 4, 15)) == []
    rows = rule.violations(qs, D(2026, 4, 16))
    assert [r["pk"] for r in rows] == [case.pk]
    assert rule.describe(rows[0]) == "最近一次进展报告在 2026-03-15，已超过一个月未报告"
