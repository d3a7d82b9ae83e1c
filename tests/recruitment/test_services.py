"""The steps as services: order, validation, audit, the rules guarding each step (refusal with the article,
rollback, exceptions by an authorized administrator) and the membership that admission and conversion
create."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import make_person
from zugong.core import audit, rules
from zugong.core.models import AuditEntry, Finding, LocalRule
from zugong.members.models import Membership, StatusSpan
from zugong.recruitment import services
from zugong.recruitment.models import Case, CaseContact, Step, StepDocument
from zugong.recruitment.services import StepRecord as R

D = dt.date
pytestmark = pytest.mark.django_db


APPLIED = D(2022, 3, 1)
MEETING = D(2023, 12, 20)


def start(user, person, org, on=APPLIED):
    return services.open_case(user, person=person, organization=org, record=R(on), target_group="student").case


def to_candidate(user, case, members):
    services.record_talk(user, case, R(D(2022, 3, 20), done_by="支部书记"))
    services.designate_activist(user, case, R(D(2022, 9, 10)))
    services.record_step(user, case, "activist_filing", R(D(2022, 9, 12)))
    services.designate_sponsors(user, case, [members.a, members.b], R(D(2022, 9, 15)))
    services.record_step(user, case, "inspection", R(D(2023, 3, 10), note="第一次考察"))
    services.record_step(user, case, "inspection", R(D(2023, 9, 10), note="第二次考察"))
    services.designate_candidate(user, case, R(D(2023, 10, 12)))
    services.record_step(user, case, "candidate_filing", R(D(2023, 10, 15)))
    services.designate_introducers(user, case, [(members.a, None), (members.c, None)], R(D(2023, 10, 20)))
    services.conclude_review(user, case, R(D(2023, 11, 20)), passed=True)
    services.record_training(user, case, R(D(2023, 11, 6)), end=D(2023, 11, 8), hours=Decimal(24))
    services.committee_review(user, case, R(D(2023, 11, 25)))
    services.prereview(user, case, R(D(2023, 12, 1)))
    return case


def candidate(user, case, activist_on, candidate_on, **notice):
    """Activist on `activist_on` (filed, assessed every half year), candidate on `candidate_on` (filed)."""
    from zugong.core.dates import add_months

    services.designate_activist(user, case, R(activist_on))
    services.record_step(user, case, "activist_filing", R(activist_on))
    inspection = add_months(activist_on, 6)
    while inspection < candidate_on:
        services.record_step(user, case, "inspection", R(inspection))
        inspection = add_months(inspection, 6)
    result = services.designate_candidate(user, case, R(candidate_on), **notice)
    services.record_step(user, case, "candidate_filing", R(candidate_on))
    return result


def admitted(user, case, members, meeting=MEETING):
    to_candidate(user, case, members)
    services.hold_branch_meeting(user, case, R(meeting), expected=12, present=11, yes=11)
    services.record_step(user, case, "approval_talk", R(meeting + dt.timedelta(days=10)))
    services.approve_admission(user, case, R(meeting + dt.timedelta(days=26)))
    return case


def test_the_whole_way_from_application_to_conversion(tree, users, members, applicant):
    admin = users.taiyuan
    case = admitted(admin, start(admin, applicant, tree.b1), members)
    membership = Membership.objects.unrestricted().get(person=applicant)
    assert (membership.status, membership.joined_on, membership.organization) == ("probationary", D(2023, 12, 20),
                                                                                  tree.b1)
    assert case.stage == 5
    services.record_oath(admin, case, R(D(2024, 1, 20)))
    services.apply_for_conversion(admin, case, R(D(2024, 12, 1)))
    services.hold_conversion_meeting(admin, case, R(D(2024, 12, 20)), expected=12, present=10, yes=10)
    result = services.approve_conversion(admin, case, R(D(2025, 1, 10)))
    case.refresh_from_db()
    assert (case.status, case.converted_on) == ("converted", D(2024, 12, 20))  # the day the probation ended
    membership.refresh_from_db()
    assert (membership.status, membership.converted_on) == ("full", D(2024, 12, 20))
    # the status history follows (issue 13): probationary from the branch meeting, full from the probation's end
    assert list(StatusSpan.objects.unrestricted().filter(membership=membership).order_by("started_on")
                .values_list("status", "started_on", "ended_on")) == [
        ("probationary", D(2023, 12, 20), D(2024, 12, 20)), ("full", D(2024, 12, 20), None)]
    assert result.warnings == []
    kinds = list(Step.objects.unrestricted().filter(case=case).values_list("kind", flat=True))
    assert kinds.count("inspection") == 2 and len(kinds) == 21
    services.record_step(admin, case, "archiving", R(D(2025, 1, 20)))  # still possible once converted
    with pytest.raises(ValidationError, match="已转正，不能再办理后续步骤"):
        services.record_oath(admin, case, R(D(2025, 1, 21)))
    entries = AuditEntry.objects.unrestricted().filter(model="recruitment.case", object_id=str(case.pk))
    assert entries.filter(action="create").count() == 1 and entries.filter(action="step").count() == 22
    talk = entries.get(note="流程步骤：党组织派人谈话")
    assert {c["label"]: c["new"] for c in talk.changes} == {
        "谈话日期": "2022-03-20", "流程步骤": "2 党组织派人谈话（2022-03-20）", "经办人": "支部书记"}


def test_a_refused_step_rolls_back_and_cites_the_article(tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1, on=D(2025, 3, 15))
    steps_before = Step.objects.unrestricted().count()
    entries_before = AuditEntry.objects.unrestricted().count()
    with pytest.raises(rules.RuleViolation) as exc:
        services.record_talk(users.taiyuan, case, R(D(2025, 4, 16)))
    assert str(exc.value.messages[0]).startswith(
        "谈话在递交入党申请书后 32 天进行（2025-03-15 递交，2025-04-16 谈话），超过 1 个月"
        "（《中国共产党发展党员工作细则》（2014年）第七条）。")
    assert case.talked_on is None  # the object is as it was
    assert Case.objects.unrestricted().get(pk=case.pk).talked_on is None
    assert Step.objects.unrestricted().count() == steps_before
    assert AuditEntry.objects.unrestricted().count() == entries_before
    services.record_talk(users.taiyuan, case, R(D(2025, 4, 15)))  # on the last day: fine
    assert Case.objects.unrestricted().get(pk=case.pk).talked_on == D(2025, 4, 15)


def test_an_exception_by_an_org_admin_passes_and_is_audited(tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1, on=D(2025, 3, 15))
    with audit.acting_as(users.taiyuan):
        services.record_talk(users.taiyuan, case, R(D(2025, 5, 6), exception_reason="申请人在外地务工，返乡后谈话"))
    assert Case.objects.unrestricted().get(pk=case.pk).talked_on == D(2025, 5, 6)
    finding = Finding.objects.unrestricted().get(rule="recruitment.talk_within_month", object_id=case.pk,
                                                 excepted_at__isnull=False)
    assert finding.excepted_by == users.taiyuan and finding.exception_reason == "申请人在外地务工，返乡后谈话"
    assert finding.person == applicant and finding.article == "第七条" and finding.edition == "2014年"
    entry = AuditEntry.objects.unrestricted().get(action="exception")
    assert (entry.note, entry.actor_name) == ("申请人在外地务工，返乡后谈话", "ty_admin")
    rules.scan(tree.root.path, D(2026, 11, 27), [rules.RULES["recruitment.talk_within_month"]])
    open_findings = Finding.objects.unrestricted().filter(rule="recruitment.talk_within_month", resolved_at=None)
    assert list(open_findings.all()) == [finding]  # the overdue finding of before the talk is resolved
    services.record_talk(users.taiyuan, case, R(D(2025, 5, 6), note="补记谈话地点"))  # same facts: no new exception
    services.record_talk(users.taiyuan, case, R(D(2025, 4, 10)))  # corrected: within the month
    assert not open_findings.exists()


def test_a_secretary_cannot_grant_an_exception(tree, users, applicant):
    case = start(users.secretary, applicant, tree.b1, on=D(2025, 3, 15))
    with pytest.raises(PermissionDenied, match="只有组织部门或党组织管理员可以作为例外办理"):
        services.record_talk(users.secretary, case, R(D(2025, 5, 6), exception_reason="我觉得可以"))
    assert Case.objects.unrestricted().get(pk=case.pk).talked_on is None
    assert not Finding.objects.unrestricted().filter(excepted_at__isnull=False).exists()


@pytest.mark.parametrize("present,yes,refused", [
    (6, 6, "实到会有表决权正式党员 6 人，未超过应到会有表决权正式党员 12 人的半数（《中国共产党发展党员工作细则》（2014年）第二十条）"),
    (12, 6, "赞成 6 票，未超过应到会有表决权正式党员 12 人的半数（《中国共产党发展党员工作细则》（2014年）条款号待核）"),
    (7, 7, None),
])
def test_the_branch_meeting_needs_quorum_and_majority(tree, users, members, applicant, present, yes, refused):
    case = to_candidate(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    if refused:
        with pytest.raises(rules.RuleViolation) as exc:
            services.hold_branch_meeting(users.taiyuan, case, R(D(2023, 12, 20)), expected=12, present=present,
                                         yes=yes)
        assert refused in exc.value.messages[0]
        assert Case.objects.unrestricted().get(pk=case.pk).branch_meeting_on is None
    else:
        services.hold_branch_meeting(users.taiyuan, case, R(D(2023, 12, 20)), expected=12, present=present, yes=yes)
        assert case.stage == 4


def test_the_2026_revision_is_cited_for_a_meeting_after_11_may_2026(tree, users, members):
    person = make_person(tree.b1, "新规", birth=D(2000, 1, 1), seq=311)
    case = start(users.taiyuan, person, tree.b1, on=D(2024, 3, 1))
    candidate(users.taiyuan, case, D(2024, 9, 1), D(2025, 9, 1))
    services.designate_introducers(users.taiyuan, case, [(members.a, None), (members.b, None)], R(D(2025, 9, 5)))
    services.conclude_review(users.taiyuan, case, R(D(2025, 10, 1)), passed=True)
    services.record_training(users.taiyuan, case, R(D(2025, 10, 8)), end=D(2025, 10, 10))
    with pytest.raises(rules.RuleViolation) as exc:
        services.hold_branch_meeting(users.taiyuan, case, R(D(2026, 5, 11)), expected=12, present=6, yes=6)
    message = exc.value.messages[0]
    assert "有表决权正式党员 6 人，未超过应到会有表决权正式党员 12 人的半数（《中国共产党发展党员工作细则》（2026年修订）条款号待核）" in message
    assert "未记录上级党委预审（《中国共产党发展党员工作细则》（2026年修订）条款号待核）" in message
    assert "第十九条" not in message and "待核）第" not in message


def test_admission_needs_review_training_and_two_introducers(tree, users, members, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    candidate(users.taiyuan, case, D(2022, 9, 10), D(2023, 10, 12))
    with pytest.raises(rules.RuleViolation) as exc:
        services.hold_branch_meeting(users.taiyuan, case, R(D(2023, 12, 20)), expected=12, present=11, yes=11)
    message = exc.value.messages[0]
    assert "未记录政治审查结论（《中国共产党发展党员工作细则》（2014年）条款号待核）" in message
    assert "支部大会讨论接收，但未记录上级党委预审（《中国共产党发展党员工作细则》（2014年）第十九条）" in message
    assert "未参加发展对象集中培训（《中国共产党发展党员工作细则》（2014年）第十七条）" in message
    assert "入党介绍人 0 人，应为 2 人（《中国共产党发展党员工作细则》（2014年）条款号待核）" in message


def test_introducers_must_be_full_members_not_under_discipline(tree, users, members, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    candidate(users.taiyuan, case, D(2022, 9, 10), D(2023, 10, 12))
    with pytest.raises(rules.RuleViolation, match="入党介绍人中 1 人在确定时不是正式党员"):
        services.designate_introducers(users.taiyuan, case, [(members.a, None), (members.probationary, None)],
                                       R(D(2023, 10, 20)))
    with pytest.raises(rules.RuleViolation, match="受留党察看处分、尚未恢复党员权利"):
        services.designate_introducers(users.taiyuan, case, [(members.a, D(2024, 5, 1)), (members.b, None)],
                                       R(D(2023, 10, 20)))
    assert not CaseContact.objects.unrestricted().filter(case=case).exists()
    with pytest.raises(ValidationError, match="本人不能担任自己的入党介绍人"):
        services.designate_introducers(users.taiyuan, case, [(applicant, None), (members.b, None)], R(D(2023, 10, 20)))


def test_steps_in_order_and_dates_in_order(tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1, on=D(2025, 3, 15))
    with pytest.raises(ValidationError, match="请先记录“推荐和确定入党积极分子”，再办理“确定发展对象”"):
        services.designate_candidate(users.taiyuan, case, R(D(2026, 4, 1)))
    with pytest.raises(ValidationError) as exc:
        services.record_talk(users.taiyuan, case, R(D(2025, 3, 14)))
    assert exc.value.message_dict == {"talked_on": ["谈话日期（2025-03-14）早于递交入党申请书日期（2025-03-15）"]}
    with pytest.raises(ValidationError, match="晚于今天"):
        services.designate_activist(users.taiyuan, case, R(dt.date.today() + dt.timedelta(days=3)))


def test_who_may_open_a_case(tree, users, members, applicant):
    with pytest.raises(PermissionDenied):
        start(users.datong, applicant, tree.b1)
    with pytest.raises(ValidationError, match="人员不存在或不在您的管辖范围内"):
        start(users.datong, tree.people.zhangsan, tree.b3)
    with pytest.raises(ValidationError, match="入党申请应向党支部提出"):
        start(users.taiyuan, applicant, tree.xiaodian)
    with pytest.raises(ValidationError, match="周一已是正式党员"):
        start(users.taiyuan, members.a, tree.b1)
    start(users.secretary, applicant, tree.b1)
    with pytest.raises(ValidationError, match="刘青已有进行中的发展党员纪实"):
        start(users.secretary, applicant, tree.b1)
    with pytest.raises(PermissionDenied):
        start(users.reader, tree.people.lisi, tree.b1)


def test_an_under_age_applicant_is_refused(tree, users):
    young = make_person(tree.b1, "少年", birth=D(2009, 6, 1), seq=313)
    refusal = r"递交入党申请书时 16 岁.*未满十八周岁（《中国共产党发展党员工作细则》（2014年）第五条）"
    with pytest.raises(rules.RuleViolation, match=refusal):
        start(users.taiyuan, young, tree.b1, on=D(2025, 9, 1))
    assert not Case.objects.unrestricted().filter(person=young).exists()


def test_late_approval_needs_a_special_reason(tree, users, members, applicant):
    case = to_candidate(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    services.hold_branch_meeting(users.taiyuan, case, R(D(2023, 12, 20)), expected=12, present=11, yes=11)
    services.record_step(users.taiyuan, case, "approval_talk", R(D(2024, 1, 10)))
    refusal = "超过 3 个月（应于 2024-03-20 前），且未记录特殊情况（《中国共产党发展党员工作细则》（2014年）条款号待核）"
    with pytest.raises(rules.RuleViolation, match=refusal):
        services.approve_admission(users.taiyuan, case, R(D(2024, 4, 1)))
    assert not Membership.objects.unrestricted().filter(person=applicant).exists()
    services.approve_admission(users.taiyuan, case, R(D(2024, 4, 1)), special_reason="上级党委换届")
    assert Membership.objects.unrestricted().get(person=applicant).joined_on == D(2023, 12, 20)


def test_probation_extended_once_by_six_to_twelve_months(tree, users, members, applicant):
    case = admitted(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    refusal = "延长预备期 3 个月，应不少于半年、不超过一年（《中国共产党发展党员工作细则》（2014年）第三十二条）"
    with pytest.raises(rules.RuleViolation, match=refusal):
        services.extend_probation(users.taiyuan, case, R(D(2024, 12, 20)), months=3)
    services.extend_probation(users.taiyuan, case, R(D(2024, 12, 20)), months=6)
    with pytest.raises(ValidationError, match="预备期只能延长一次"):
        services.extend_probation(users.taiyuan, case, R(D(2025, 6, 20)), months=6)
    services.record_oath(users.taiyuan, case, R(D(2024, 1, 20)))
    with pytest.raises(rules.RuleViolation, match="预备期 2025-06-20 才满，支部大会 2025-06-19 提前讨论转正"):
        services.hold_conversion_meeting(users.taiyuan, case, R(D(2025, 6, 19)), expected=12, present=9, yes=9)
    services.hold_conversion_meeting(users.taiyuan, case, R(D(2025, 6, 20)), expected=12, present=9, yes=9)
    services.approve_conversion(users.taiyuan, case, R(D(2025, 7, 1)))
    membership = Membership.objects.unrestricted().get(person=applicant)
    assert (membership.status, membership.converted_on) == ("full", D(2025, 6, 20))


def test_terminating_a_probation_ends_the_membership(tree, users, members, applicant):
    case = admitted(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    with pytest.raises(ValidationError):
        services.terminate(users.taiyuan, case, R(D(2024, 6, 1)), reason=" ")
    services.terminate(users.taiyuan, case, R(D(2024, 6, 1)), reason="取消预备党员资格")
    membership = Membership.objects.unrestricted().get(person=applicant)
    assert membership.status == "cancelled"
    assert list(StatusSpan.objects.unrestricted().filter(membership=membership).order_by("started_on")
                .values_list("status", "started_on", "ended_on")) == [
        ("probationary", D(2023, 12, 20), D(2024, 6, 1)), ("cancelled", D(2024, 6, 1), None)]
    assert Case.objects.unrestricted().get(pk=case.pk).status == "terminated"


def test_documents_are_kept_with_the_step(tree, users, applicant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = start(users.taiyuan, applicant, tree.b1, on=D(2025, 3, 15))
    result = services.record_talk(users.taiyuan, case, R(D(2025, 3, 20), document=SimpleUploadedFile(
        "谈话记录.pdf", b"%PDF-1.4 talk"), document_title="谈话记录"))
    services.add_document(users.taiyuan, result.step, SimpleUploadedFile("补充.pdf", b"%PDF-1.4 more"))
    titles = list(StepDocument.objects.unrestricted().filter(step=result.step).values_list("title", flat=True))
    assert titles == ["谈话记录", "补充.pdf"]


def test_local_rules_warn_at_the_step(tree, users, members, applicant):
    from django.core.management import call_command

    call_command("recruitment", "local-rules")
    case = start(users.taiyuan, applicant, tree.b1, on=D(2025, 3, 1))
    result = candidate(users.taiyuan, case, D(2025, 9, 1), D(2026, 10, 12), public_notice_start=D(2026, 9, 29),
                       public_notice_end=D(2026, 10, 9))
    assert result.warnings == [
        "公示 4 个工作日（2026-09-29 至 2026-10-09），不足 5 个工作日"
        "（《中国共产党发展党员工作细则》（2026年修订）条款号待核）"]
    assert LocalRule.objects.count() == 4


# ---------------------------------------------------------------- the steps of the chart guard the workflow (issue 13)


def test_a_candidate_needs_the_half_yearly_assessments_and_the_filing(tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    services.designate_activist(users.taiyuan, case, R(D(2022, 9, 10)))
    with pytest.raises(rules.RuleViolation) as exc:
        services.designate_candidate(users.taiyuan, case, R(D(2023, 10, 12)))
    message = exc.value.messages[0]
    assert ("确定为入党积极分子（2022-09-10）后半年内（至 2023-03-10）未记录培养教育考察"
            "（《中国共产党发展党员工作细则》（2014年）第十一条）") in message
    assert "未记录报上级党委备案（《中国共产党发展党员工作细则》（2014年）第八条）" in message
    assert Case.objects.unrestricted().get(pk=case.pk).candidate_on is None


def test_the_committee_review_needs_the_candidate_filed(tree, users, members, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    services.designate_activist(users.taiyuan, case, R(D(2022, 9, 10)))
    services.record_step(users.taiyuan, case, "activist_filing", R(D(2022, 9, 12)))
    for on in (D(2023, 3, 10), D(2023, 9, 10)):
        services.record_step(users.taiyuan, case, "inspection", R(on))
    services.designate_candidate(users.taiyuan, case, R(D(2023, 10, 12)))
    with pytest.raises(rules.RuleViolation, match="未记录报上级党委备案（《中国共产党发展党员工作细则》（2014年）第十三条）"):
        services.committee_review(users.taiyuan, case, R(D(2023, 11, 25)))


def test_the_approval_needs_the_talk_and_a_committee(tree, users, members, applicant):
    from tests.conftest import _org
    from zugong.orgs.models import Organization

    case = to_candidate(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    services.hold_branch_meeting(users.taiyuan, case, R(MEETING), expected=12, present=11, yes=11)
    with pytest.raises(rules.RuleViolation, match="审批前未记录党委委员或组织员同发展对象谈话"):
        services.approve_admission(users.taiyuan, case, R(D(2024, 1, 15)))
    services.record_step(users.taiyuan, case, "approval_talk", R(D(2024, 1, 5)))
    general = _org(tree.taiyuan, "某机关党总支", "1401GB", kind=Organization.Kind.GENERAL_BRANCH)
    with pytest.raises(rules.RuleViolation, match="党总支没有审批权"):
        services.approve_admission(users.taiyuan, case, R(D(2024, 1, 15)), approving_organization=general)
    services.approve_admission(users.taiyuan, case, R(D(2024, 1, 15)))
    case.refresh_from_db()
    assert case.approving_organization == tree.xiaodian  # the nearest 党委 above the branch
    assert case.approving_organization.kind == Organization.Kind.COMMITTEE


def test_the_conversion_meeting_needs_the_oath(tree, users, members, applicant):
    case = admitted(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    with pytest.raises(rules.RuleViolation, match="未记录入党宣誓（《中国共产党发展党员工作细则》（2014年）第三十条）"):
        services.hold_conversion_meeting(users.taiyuan, case, R(D(2024, 12, 20)), expected=12, present=10, yes=10)
    services.record_oath(users.taiyuan, case, R(D(2024, 1, 20)))
    services.hold_conversion_meeting(users.taiyuan, case, R(D(2024, 12, 20)), expected=12, present=10, yes=10)
