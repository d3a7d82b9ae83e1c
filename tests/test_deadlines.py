"""The deadline providers of the domains (`<app>/deadlines.py`, registered in `core.deadlines`): one test per kind
with real records, on the dates the rules use, scoped to what the user may see; and the registry itself
(several providers of a kind, the limit, the first few per provider for the 工作台).

Today is the suite's reference day, 2026-11-27; `upcoming` looks 30 days ahead, to 2026-12-27."""

import datetime as dt

import pytest

from tests.appointments.conftest import make_cadre
from tests.appointments.conftest import make_case as make_selection
from tests.dispatch.conftest import make_dispatch, programs  # noqa: F401  (fixture)
from tests.members.conftest import make_member
from tests.orghealth.conftest import standard  # noqa: F401  (fixture)
from tests.orghealth.test_weakorgs import PLAN, approved_list
from tests.recruitment.conftest import make_case
from zugong.core import deadlines
from zugong.core.dates import add_months
from zugong.dispatch.models import DispatchReport
from zugong.elections.models import TermAdjustment
from zugong.members.models import Membership
from zugong.weakorgs import services as weakorgs

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 27)


def of_kind(user, kind):
    return {d.key: d for d in deadlines.upcoming(user, kinds=[kind])}


def test_every_kind_has_a_label_and_several_apps_may_provide_one():
    assert deadlines.kinds() == {"conversion": "预备党员转正", "talk": "谈话", "step": "流程办理时限",
                                 "public_notice": "公示期满", "term": "任期届满", "report": "报告报送",
                                 "service": "办实事时限", "talent": "人才项目公示",
                                 "talent_objections": "人才项目公示异议待核查", "talent_reviews": "专家评审打分"}
    by_kind = {}
    for s in deadlines.SOURCES:
        by_kind.setdefault(s.kind, set()).add(s.fn.__module__.split(".")[1])
    assert by_kind["public_notice"] == {"recruitment", "appointments"}
    assert by_kind["term"] == {"elections", "dispatch"}
    assert by_kind["step"] == {"recruitment", "appointments", "weakorgs"}
    with pytest.raises(ValueError, match="registered as"):
        deadlines.provider("term", "别的名称")(lambda user, until, limit=None: [])


def test_terms_end_on_the_rule_date_with_approved_adjustments(tree, users):
    b2, b3 = tree.b2, tree.b3
    b2.term_started_on, b2.term_years = D(2021, 12, 10), 5
    b2.save()  # ends 2026-12-10: within 30 days
    b3.term_started_on, b3.term_years = D(2021, 12, 5), 5
    b3.save()  # 大同's: not 太原's to do
    tree.xiaodian.term_started_on = D(2026, 1, 1)
    tree.xiaodian.save()  # ends in 2031
    # 红星社区 (community, 5 years from 2021-06-01) is past its term; 汾河 is past it but postponed a year.
    overdue = tree.b1
    fenhe = tree.b2.__class__.objects.add_child(tree.xiaodian, instance=tree.b2.__class__(
        name="中共汾河社区支部委员会", code="14010503", kind="branch", sector="community",
        term_started_on=D(2021, 6, 1)))
    TermAdjustment.objects.create(organization=fenhe, kind="postpone", term_ends_on=fenhe.term_ends_on, months=12,
                                  approved_by="小店区委", approved_on=D(2026, 5, 1), reason="社区合并")
    found = of_kind(users.taiyuan, "term")
    assert set(found) == {f"elections.term:{overdue.pk}", f"elections.term:{b2.pk}"}
    d = found[f"elections.term:{overdue.pk}"]
    assert d.due == D(2026, 6, 1) and d.overdue and d.title == f"{overdue.name}任期届满，应换届"
    assert d.url == f"/elections/records/new/?org={overdue.pk}" and d.org_path == overdue.path
    assert found[f"elections.term:{b2.pk}"].due == D(2026, 12, 10) and not found[f"elections.term:{b2.pk}"].overdue
    assert set(of_kind(users.datong, "term")) == {f"elections.term:{b3.pk}"}


def test_dispatch_terms_and_reports(tree, users, programs):  # noqa: F811
    p = tree.people
    ending = make_dispatch(programs.fs, p.zhangsan, tree.xiaodian, tree.b1, start=D(2024, 12, 20), months=24,
                           end_on=D(2026, 12, 20))
    later = make_dispatch(programs.fs, p.lisi, tree.xiaodian, tree.b2, start=D(2026, 10, 1), months=24)
    DispatchReport.objects.create(dispatch=ending, period_start=D(2026, 10, 1), period_end=D(2026, 10, 31),
                                  work_log="走访农户", submitted_on=D(2026, 11, 5))
    make_dispatch(programs.fs, p.zhaoliu, tree.datong, tree.b3, start=D(2024, 12, 20), end_on=D(2026, 12, 21))

    terms = {k: d for k, d in of_kind(users.taiyuan, "term").items() if k.startswith("dispatch.")}
    assert set(terms) == {f"dispatch.term:{ending.pk}"}  # (红星社区's own term is overdue too: elections')
    assert terms[f"dispatch.term:{ending.pk}"].due == D(2026, 12, 20)
    assert terms[f"dispatch.term:{ending.pk}"].url == f"/dispatch/{ending.pk}/evaluate/"
    assert "张三" in terms[f"dispatch.term:{ending.pk}"].title and "选派期满" in terms[f"dispatch.term:{ending.pk}"].title

    grace = programs.fs.report_grace_days
    reports = of_kind(users.taiyuan, "report")
    # 张三 reported October: November's report is due a month and the grace days after 11-01.
    assert reports[f"dispatch.report:{ending.pk}:2026-11"].due == D(2026, 12, 1) + dt.timedelta(days=grace - 1)
    # 李四 never reported: October's report, due 11-01 plus the grace days, is overdue.
    late = reports[f"dispatch.report:{later.pk}:2026-10"]
    assert late.due == D(2026, 11, 1) + dt.timedelta(days=grace - 1) and late.overdue
    assert late.url == f"/dispatch/{later.pk}/report/" and late.person_id == p.lisi.pk
    assert set(reports) == {f"dispatch.report:{ending.pk}:2026-11", f"dispatch.report:{later.pk}:2026-10"}


def test_public_notices_of_recruitment_and_appointments(tree, users):
    p = tree.people
    ending = make_case(p.zhangsan, candidate_on=D(2026, 6, 1), prereview_on=D(2026, 11, 20),
                       admission_public_notice_start=D(2026, 11, 21), admission_public_notice_end=D(2026, 11, 30))
    make_case(p.lisi, candidate_on=D(2026, 6, 1), admission_public_notice_start=D(2026, 10, 1),
              admission_public_notice_end=D(2026, 10, 10), branch_meeting_on=D(2026, 10, 20))  # done
    make_case(p.zhaoliu, candidate_on=D(2026, 6, 1), admission_public_notice_start=D(2026, 11, 21),
              admission_public_notice_end=D(2026, 11, 30))  # 大同
    cadre = make_cadre(p.wangwu, tree.xiaodian)
    selection = make_selection(cadre, decided_on=D(2026, 11, 20), public_notice_start=D(2026, 11, 23),
                               public_notice_workdays=5, public_notice_end=D(2026, 12, 1))
    found = of_kind(users.taiyuan, "public_notice")
    assert set(found) == {f"recruitment.admission_notice:{ending.pk}", f"appointments.notice:{selection.pk}"}
    r = found[f"recruitment.admission_notice:{ending.pk}"]
    assert r.due == D(2026, 11, 30) and r.url == f"/recruitment/{ending.pk}/step/?step=branch_meeting"
    a = found[f"appointments.notice:{selection.pk}"]
    assert a.due == D(2026, 12, 1) and "任前公示期满" in a.title and a.url.endswith("?step=appointment")
    # the 工作台's items under 公示 (running today) read the same columns
    from zugong.appointments.deadlines import notices_running as selections_running
    from zugong.appointments.models import SelectionCase
    from zugong.recruitment.deadlines import notices_running
    from zugong.recruitment.models import Case

    assert list(notices_running(Case.objects.visible_to(users.taiyuan), TODAY)) == [ending]
    assert list(selections_running(SelectionCase.objects.visible_to(users.taiyuan), TODAY)) == [selection]


def test_talks_due_within_a_month_of_the_application(tree, users):
    p = tree.people
    due = make_case(p.zhangsan, applied_on=D(2026, 11, 10))
    late = make_case(p.lisi, applied_on=D(2026, 9, 1))
    make_case(p.wangwu, applied_on=D(2026, 11, 1), talked_on=D(2026, 11, 15))  # talked
    make_case(p.zhaoliu, applied_on=D(2026, 11, 10))  # 大同
    found = of_kind(users.taiyuan, "talk")
    assert set(found) == {f"recruitment.talk:{due.pk}", f"recruitment.talk:{late.pk}"}
    assert found[f"recruitment.talk:{due.pk}"].due == D(2026, 12, 10)
    assert found[f"recruitment.talk:{late.pk}"].due == D(2026, 10, 1) and found[f"recruitment.talk:{late.pk}"].overdue
    assert found[f"recruitment.talk:{due.pk}"].url == f"/recruitment/{due.pk}/step/?step=talk"
    assert found[f"recruitment.talk:{due.pk}"].title == "张三：党组织派人谈话"


def test_conversions_of_cases_and_of_probationary_members_without_a_case(tree, users):
    p = tree.people
    admitted = dict(candidate_on=D(2025, 6, 1), branch_meeting_on=D(2025, 12, 15), approved_on=D(2026, 1, 10))
    case = make_case(p.zhangsan, **admitted)
    make_member(tree.b1, "", 0, person=p.zhangsan, status=Membership.Status.PROBATIONARY, joined_on=D(2025, 12, 15))
    extended = make_case(p.lisi, probation_extended_on=D(2026, 11, 1), probation_extended_months=6, **admitted)
    meeting_held = make_case(p.wangwu, conversion_meeting_on=D(2026, 10, 20), **admitted)  # approval due 2027-01-20
    imported = make_member(tree.b2, "钱八", 21, status=Membership.Status.PROBATIONARY, joined_on=D(2025, 12, 20))
    make_member(tree.b2, "周九", 23, status=Membership.Status.PROBATIONARY, joined_on=D(2026, 3, 1))  # 2027
    found = of_kind(users.taiyuan, "conversion")
    # 张三's case carries the conversion (not its membership too); 李四's probation is extended; 王五's approval
    # is due in January.
    assert set(found) == {f"recruitment.conversion:{case.pk}", f"members.probation:{imported.pk}"}
    assert found[f"recruitment.conversion:{case.pk}"].due == D(2026, 12, 15)
    assert found[f"recruitment.conversion:{case.pk}"].url.endswith("?step=conversion_meeting")
    assert found[f"members.probation:{imported.pk}"].due == D(2026, 12, 20)
    assert found[f"members.probation:{imported.pk}"].url == f"/members/{imported.pk}/"
    later = {d.key for d in deadlines.upcoming(users.taiyuan, D(2027, 7, 1), kinds=["conversion"])}
    assert {f"recruitment.conversion:{extended.pk}", f"recruitment.conversion_approval:{meeting_held.pk}"} <= later
    assert of_kind(users.datong, "conversion") == {}


def test_step_limits_approval_probation_and_rectification(tree, users, standard):  # noqa: F811
    p = tree.people
    approval = make_case(p.zhangsan, candidate_on=D(2026, 3, 1), branch_meeting_on=D(2026, 9, 1))
    cadre = make_cadre(p.wangwu, tree.xiaodian)
    probation = make_selection(cadre, status="probation", appointed_on=D(2025, 12, 15), probation_applies=True,
                               probation_until=D(2026, 12, 15))
    lst = approved_list(tree, users, standard)
    rectification, _ = weakorgs.open_rectification(users.taiyuan, lst.entries.unrestricted().get(),
                                                   started_on=D(2026, 3, 10), deadline=D(2026, 9, 10), **PLAN)
    found = of_kind(users.taiyuan, "step")
    assert set(found) == {f"recruitment.approval:{approval.pk}", f"appointments.probation:{probation.pk}",
                          f"weakorgs.rectification:{rectification.pk}"}
    assert found[f"recruitment.approval:{approval.pk}"].due == add_months(D(2026, 9, 1), 3)
    assert found[f"appointments.probation:{probation.pk}"].due == D(2026, 12, 15)
    r = found[f"weakorgs.rectification:{rectification.pk}"]
    assert r.due == D(2026, 9, 10) and r.overdue and r.url == f"/weakorgs/cases/{rectification.pk}/"
    assert of_kind(users.datong, "step") == {}


def test_limit_takes_the_earliest_of_each_provider_and_by_source_says_when_there_are_more(tree, users):
    people = [tree.people.zhangsan, tree.people.lisi, tree.people.wangwu]
    cases = [make_case(person, applied_on=D(2026, 11, 1) + dt.timedelta(days=i)) for i, person in enumerate(people)]
    first_two = deadlines.upcoming(users.taiyuan, kinds=["talk"], limit=2)
    assert [d.key for d in first_two] == [f"recruitment.talk:{c.pk}" for c in cases[:2]]
    talks = next((items, more) for source, items, more in deadlines.by_source(users.taiyuan, limit=2)
                 if source.fn.__name__ == "talks_due")
    assert len(talks[0]) == 2 and talks[1] is True
    talks = next((items, more) for source, items, more in deadlines.by_source(users.taiyuan, limit=3)
                 if source.fn.__name__ == "talks_due")
    assert len(talks[0]) == 3 and talks[1] is False


class OwnProvider:
    """A provider of a test's own, without the `limit` keyword (a callable object, as the reminders' tests use)."""

    def __init__(self, dues):
        self.dues = dues

    def __call__(self, user, until):
        for i, due in enumerate(self.dues):
            if due <= until:
                yield deadlines.Deadline(key=f"test.own:{i}", due=due, kind="test_own", title=f"事项{i}", url="/",
                                         org_path="")


def test_a_provider_without_limit_and_a_kind_unregistered_by_a_test(users):
    for attempt in range(2):  # registered, unregistered (del KINDS[kind]) and registered again with new data
        own = OwnProvider([D(2026, 12, 20), D(2026, 12, 1), D(2026, 12, 5), D(2027, 6, 1)][attempt:])
        deadlines.provider("test_own", "测试事项")(own)
        try:
            [(items, more)] = [(items, more) for s, items, more in deadlines.by_source(users.admin, limit=2)
                               if s.kind == "test_own"]
            assert [d.due for d in items] == ([D(2026, 12, 1), D(2026, 12, 5)] if attempt == 0 else
                                              [D(2026, 12, 1), D(2026, 12, 5)])
            assert more is (attempt == 0)
            assert len(deadlines.upcoming(users.admin, kinds=["test_own"])) == 3 - attempt
        finally:
            del deadlines.KINDS["test_own"]
    assert not deadlines.sources("test_own")
