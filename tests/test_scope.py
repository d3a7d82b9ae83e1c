"""Nobody sees what is not theirs: every URL, walked as a user of the sibling subtree."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from zugong.cadres import services as cadre_services
from zugong.core import scope
from zugong.core.models import Finding, Job, LocalRule
from zugong.dispatch.models import Dispatch, DispatchReport, Evaluation, Program, Rotation, WorkTeam
from zugong.members import services as member_services
from zugong.members.models import DuesExemption, DuesPayment, Membership, TransferRequest
from zugong.orgs.models import Organization
from zugong.people.idnumber import make_id_number
from zugong.people.models import Person
from zugong.recruitment.models import Case, Step, StepDocument
from zugong.standardization.models import BranchScore, Checklist, ChecklistItem
from zugong.weakorgs.models import (
    Flag,
    IdentificationList,
    Indicator,
    IndicatorSet,
    Rectification,
    WeakOrganization,
)

# What of the 太原 side must never show to a 大同 user.
TAIYUAN_MARKERS = ["太原", "小店", "红星社区", "财政局", "张三", "李四", "王五"]


def walk(patterns, prefix="", namespace=""):
    """(name, route regex) of every URL pattern."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern.regex.pattern).lstrip("^"), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern.regex.pattern).lstrip("^")


def fill(regex: str, values: dict) -> str | None:
    """A concrete path for a route regex, with named groups from `values` (None if one is missing)."""
    missing = []

    def group(m):
        name = m.group(1)
        if name not in values:
            missing.append(name)
            return ""
        return str(values[name])

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", group, regex)
    path = path.replace("\\Z", "").replace("$", "").replace("\\.", ".").replace("\\", "")
    path = re.sub(r"\(\?:[^)]*\)\??", "", path).replace("?", "")
    return None if missing else "/" + path


@pytest.fixture
def other_side(tree, users):
    """Records of the 太原 side (including a job of its admin) that the 大同 admin must not reach."""
    job = Job.objects.create(kind="import", title="太原导入", user=users.taiyuan, org_path=tree.taiyuan.path)
    finding = Finding.objects.create(
        rule="test.rule", severity="error", model="people.person", object_id=tree.people.zhangsan.pk,
        person=tree.people.zhangsan, organization=tree.b1, org_path=tree.b1.path, regulation="某规定",
        article="第一条", detail="张三的问题", opened_at=timezone.now())
    zs, ww = (Membership.objects.create(person=p, organization=p.organization, joined_on=dt.date(2005, 7, 1),
                                        converted_on=dt.date(2006, 7, 1), dues_base=Decimal("4000"))
              for p in (tree.people.zhangsan, tree.people.wangwu))
    transfer = member_services.request_transfer(users.secretary, zs, kind=TransferRequest.Kind.WITHIN,
                                                to_org=tree.b2)
    payment = DuesPayment.objects.create(membership=zs, organization=tree.b1, org_path=tree.b1.path,
                                         month=dt.date(2026, 1, 1), amount=Decimal("40"), paid_on=dt.date(2026, 1, 5))
    exemption = DuesExemption.objects.create(membership=zs, organization=tree.b1, org_path=tree.b1.path,
                                             month_from=dt.date(2026, 2, 1), reason="病休")
    from zugong.members.models import CorrectionPeriod

    correction = CorrectionPeriod.objects.create(membership=zs, started_on=dt.date(2026, 3, 1),
                                                 deadline=dt.date(2026, 9, 1), reason="不按时交纳党费")
    case = Case.objects.create(person=tree.people.lisi, organization=tree.b1, applied_on=dt.date(2025, 3, 1))
    step = Step.objects.create(case=case, kind="application", number=1, on=case.applied_on)
    document = StepDocument.objects.create(step=step, title="入党申请书", file="recruitment/x.pdf")
    adform_person = Person.objects.create(
        organization=tree.b2, name="周八", sex="1", birth_date=dt.date(1971, 2, 3),
        id_number=make_id_number("140105", dt.date(1971, 2, 3), 19))
    adform_cadre = cadre_services.create_cadre(users.taiyuan, adform_person, tree.xiaodian)
    adform_job = Job.objects.create(kind="adform_preview", title="太原任免审批表导入", user=users.taiyuan,
                                    org_path=tree.taiyuan.path, params={"org_id": tree.taiyuan.pk})
    program = Program.objects.create(code="taiyuan_fs", name="太原第一书记", kind="first_secretary",
                                     organization=tree.taiyuan)
    workteam = WorkTeam.objects.create(program=program, name="财政局驻红星社区工作队", organization=tree.b2,
                                       host_org=tree.b1, host_name="红星社区", start_on=dt.date(2025, 6, 1),
                                       end_on=dt.date(2027, 6, 1))
    dispatch = Dispatch.objects.create(program=program, person=tree.people.wangwu, organization=tree.b2,
                                       host_org=tree.b1, host_name="红星社区", team=workteam,
                                       start_on=dt.date(2025, 6, 1), end_on=dt.date(2027, 6, 1))
    DispatchReport.objects.create(dispatch=dispatch, org_path=dispatch.org_path, period_start=dt.date(2026, 1, 1),
                                  period_end=dt.date(2026, 1, 31), days_in_village=20, workdays=20,
                                  work_log="红星社区走访", submitted_on=dt.date(2026, 2, 2))
    Evaluation.objects.create(dispatch=dispatch, org_path=dispatch.org_path, kind="annual", year=2025,
                              grade="excellent", comments="王五表现优秀", evaluated_on=dt.date(2026, 1, 10))
    rotation = Rotation.objects.create(person=tree.people.zhangsan, organization=tree.b1, kind="up_down",
                                       from_level="village", from_org=tree.b1, from_unit_name="红星社区",
                                       to_level="county", to_org=tree.b2, to_unit_name="小店区财政局",
                                       on=dt.date(2025, 1, 1))
    from zugong.assessment.models import Investigation, Sanction, SanctionEffect

    sanction = Sanction.objects.create(person=tree.people.wangwu, kind="party_warning", family="party",
                                       decided_on=dt.date(2026, 3, 5), note="王五受太原处分")
    investigation = Investigation.objects.create(person=tree.people.wangwu, opened_on=dt.date(2026, 5, 1),
                                                 note="王五立案审查")
    effect = SanctionEffect.objects.create(organization=tree.taiyuan, code="ty.effect", kind="party_warning",
                                           year_effect="not_excellent", regulation="《太原某办法》")
    local = LocalRule.objects.create(template="publicity_working_days", code="test.local", title="太原本地规则",
                                     params={"days": 5}, regulation="《太原某办法》", organization=tree.taiyuan)
    from zugong.branchlife.models import (
        Absence,
        Appraisal,
        AppraisalResult,
        ComplianceStat,
        Meeting,
        MeetingAttachment,
    )

    meeting = Meeting.objects.create(organization=tree.b1, kind="themed_day", held_on=dt.date(2026, 1, 10),
                                     topic="太原红星社区主题党日", expected=2, present=1, host="张三")
    Absence.objects.create(meeting=meeting, membership=ww, org_path=tree.b1.path, held_on=meeting.held_on,
                           kind=meeting.kind, reason="外出")
    attachment = MeetingAttachment.objects.create(meeting=meeting, org_path=tree.b1.path, name="太原签到表",
                                                  file="branchlife/x.pdf")
    appraisal = Appraisal.objects.create(organization=tree.b1, year=2025)
    result = AppraisalResult.objects.create(appraisal=appraisal, membership=zs, org_path=tree.b1.path,
                                            grade="qualified")
    stat = ComplianceStat.objects.create(organization=tree.b1, org_path=tree.b1.path, kind="themed_day",
                                         period="month", period_start=dt.date(2026, 1, 1),
                                         period_end=dt.date(2026, 2, 1), held=1, compliant=True, current=False,
                                         computed_at=timezone.now())
    from zugong.elections.models import Election, ElectionCandidate

    election = Election.objects.create(organization=tree.b1, org_path=tree.b1.path, held_on=dt.date(2026, 1, 5),
                                       seats=3, candidates=4, expected_voters=20, voters_present=18, valid=True,
                                       secretary_name="张三")
    ElectionCandidate.objects.create(election=election, org_path=tree.b1.path, name="张三", yes_votes=15,
                                     elected=True)
    checklist = Checklist.objects.create(name="太原标准化评分标准", edition="太原版", issuing_body="太原市委组织部",
                                         organization=tree.taiyuan, effective_from=dt.date(2025, 1, 1),
                                         grade_bands=[{"grade": "好", "min": 0}])
    item = ChecklistItem.objects.create(checklist=checklist, area="太原", title="太原阵地", max_points=10)
    score = BranchScore.objects.create(organization=tree.b1, org_path=tree.b1.path, checklist=checklist, year=2025,
                                       total=50, grade="好", computed_at=timezone.now())
    standard = IndicatorSet.objects.create(name="太原认定标准", edition="太原版", issuing_body="太原市委组织部",
                                           organization=tree.taiyuan, effective_from=dt.date(2025, 1, 1))
    indicator = Indicator.objects.create(indicator_set=standard, code="T1", text="太原情形")
    flag = Flag.objects.create(organization=tree.b1, org_path=tree.b1.path, indicator=indicator, year=2026,
                               note="太原标记", reported_on=dt.date(2026, 1, 5))
    weak_list = IdentificationList.objects.create(year=2026, organization=tree.xiaodian, org_path=tree.xiaodian.path,
                                                  indicator_set=standard, as_of=dt.date(2026, 1, 1), status="approved")
    entry = WeakOrganization.objects.create(identification_list=weak_list, organization=tree.b1, org_path=tree.b1.path,
                                            reasons=[{"code": "T1", "text": "太原情形"}])
    entry2 = WeakOrganization.objects.create(identification_list=weak_list, organization=tree.b2,
                                             org_path=tree.b2.path, reasons=[])
    rectification = Rectification.objects.create(
        organization=tree.b1, org_path=tree.b1.path, entry=entry, problems="太原问题", measures="措施",
        responsibilities="责任", responsible_leader="太原某", started_on=dt.date(2026, 2, 1),
        deadline=dt.date(2027, 2, 1))
    team_standard = LocalRule.objects.create(template="team_composition", code="test.team_standard",
                                             title="太原班子配备要求", regulation="《太原某办法》",
                                             params={"level": 3, "young_age": 40, "women": 1, "young": 1},
                                             organization=tree.taiyuan)
    team, team_post, team_member = _taiyuan_team(tree)
    from zugong.appointments.models import CaseDocument, CaseStep, Observation, SelectionCase
    from zugong.cadres.models import Cadre

    sel_cadre = Cadre.objects.unrestricted().filter(person=tree.people.wangwu).first() or Cadre.objects.create(
        person=tree.people.wangwu, organization=tree.xiaodian, rank="township_chief", current_title="小店区财政局局长")
    selection = SelectionCase.objects.create(
        cadre=sel_cadre, organization=tree.xiaodian, proposed_on=dt.date(2026, 3, 2), title="小店区财政局局长",
        unit_name="小店区财政局", rank="county_deputy", from_rank="township_chief", decided_on=dt.date(2026, 4, 1),
        public_notice_start=dt.date(2026, 4, 2), public_notice_end=dt.date(2026, 4, 9), public_notice_workdays=5)
    sel_step = CaseStep.objects.create(case=selection, kind="proposal", on=selection.proposed_on)
    sel_document = CaseDocument.objects.create(step=sel_step, title="动议材料", file="appointments/x.pdf")
    observation = Observation.objects.create(cadre=sel_cadre, observed_on=dt.date(2025, 7, 1), task_kind="epidemic",
                                             task="太原疫情防控", conduct="王五坚守一线", observer="小店区委组织部")
    selection.observations.add(observation)
    from zugong.cadres.models import (
        AnnualAssessment,
        Education,
        FamilyMember,
        RewardPunishment,
        TrainingRecord,
    )

    cadre = cadre_services.create_cadre(users.taiyuan, tree.people.lisi, tree.xiaodian, rank="township_deputy",
                                        rank_since=dt.date(2020, 1, 1))
    cadre_post = cadre_services.appoint(cadre, user=users.taiyuan, title="小店区财政局副局长",
                                        start_on=dt.date(2020, 1, 1))
    cadre_children = {
        "post": cadre_post, "rank": cadre.rank_records.first(), "resume": cadre.resume.first(),
        "education": cadre_services.save_child(users.taiyuan, cadre, Education(education_text="大学",
                                                                                 institution="山西大学")),
        "reward": cadre_services.save_child(users.taiyuan, cadre, RewardPunishment(on=dt.date(2022, 1, 1),
                                                                                    text="小店区嘉奖")),
        "assessment": cadre_services.save_child(users.taiyuan, cadre, AnnualAssessment(year=2024,
                                                                                        grade="excellent")),
        "family": cadre_services.save_child(users.taiyuan, cadre, FamilyMember(relation="妻子", name="李四之妻")),
        "training": cadre_services.save_child(users.taiyuan, cadre, TrainingRecord(name="小店区培训班",
                                                                                    start_on=dt.date(2024, 3, 1))),
    }
    return {
        "cadre": [cadre.pk, sel_cadre.pk],
        **{f"cadre_{k}": [v.pk] for k, v in cadre_children.items()},
        "adform_cadre": [adform_cadre.pk], "adform_job": [adform_job.pk],
        "meeting": [meeting.pk], "attachment": [attachment.pk], "appraisal": [appraisal.pk],
        "appraisal_result": [result.pk], "compliance": [stat.pk],
        "election": [election.pk],
        "checklist": [checklist.pk], "checklistitem": [item.pk], "branchscore": [score.pk],
        "indicatorset": [standard.pk], "indicator": [indicator.pk], "flag": [flag.pk], "weaklist": [weak_list.pk],
        "weakentry": [entry.pk, entry2.pk], "rectification": [rectification.pk],
        "selection": [selection.pk], "selection_step": [sel_step.pk], "selection_document": [sel_document.pk],
        "observation": [observation.pk],
        "localrule": [local.pk],
        "sanction": [sanction.pk], "investigation": [investigation.pk], "sanction_effect": [effect.pk],
        # Scheduled tasks are system-wide: no subtree has its own (root admins only: tests/test_schedule.py).
        "scheduledtask": [],
        "program": [program.pk], "dispatch": [dispatch.pk], "workteam": [workteam.pk], "rotation": [rotation.pk],
        "team_standard": [team_standard.pk], "team": [team.pk], "unit": [team.unit_id], "team_post": [team_post.pk],
        "team_member": [team_member.pk],
        "case": [case.pk], "step": [step.pk], "document": [document.pk],
        "membership": [zs.pk, ww.pk], "transfer": [transfer.pk], "payment": [payment.pk],
        "exemption": [exemption.pk], "correction": [correction.pk],
        "org": [tree.taiyuan.pk, tree.xiaodian.pk, tree.b1.pk],
        "person": [tree.people.zhangsan.pk, tree.people.wangwu.pk],
        "job": [job.pk],
        "user": [users.taiyuan.pk, users.secretary.pk],
        "token": [_taiyuan_token(users)],
        "finding": [finding.pk],
        **_taiyuan_reminders(tree, users),
        **_taiyuan_ledger(tree),
        **_taiyuan_satisfaction(tree),
        **_taiyuan_ballots(tree, users, team),
        **_taiyuan_assessment_schemes(tree, users),
        **_taiyuan_assessment(tree, users),
        **_taiyuan_signin(tree, users),
        **_taiyuan_courses(tree, users),
        **_taiyuan_training_classes(tree, users),
        **_taiyuan_community(tree, users),
        **_taiyuan_service_tasks(tree, users),
        **_taiyuan_talent_programmes(tree, users),
        **_taiyuan_talent_review(tree, users),
        **_taiyuan_talent_applications(tree, users),
        **_taiyuan_talent_pool(tree, users),
    }


def _taiyuan_talent_programmes(tree, users):
    """A programme 太原市委 issued, its edition and each kind of row (talent, programmes area)."""
    from zugong.talent.models import AllowanceInstalment, Condition, Criterion, Edition, Program, Tier, UnitQuota

    program = Program.objects.create(organization=tree.taiyuan, code="TY-SCOPE", name="太原英才（范围测试）")
    edition = Edition.objects.create(program=program, year=2026, title="2026年度太原英才（范围测试）")
    tier = Tier.objects.create(edition=edition, code="young", name="太原青年优秀")
    instalment = AllowanceInstalment.objects.create(tier=tier, number=1, amount=1000)
    condition = Condition.objects.create(edition=edition, kind="manual", label="太原条件", source="太原文件")
    quota = UnitQuota.objects.create(edition=edition, organization=tree.xiaodian, quota=2)
    criterion = Criterion.objects.create(edition=edition, name="太原指标", weight=1)
    return {"talent_program": [program.pk], "talent_edition": [edition.pk], "talent_tier": [tier.pk],
            "talent_instalment": [instalment.pk], "talent_condition": [condition.pk], "talent_quota": [quota.pk],
            "talent_criterion": [criterion.pk]}


def _taiyuan_talent_review(tree, users):
    """An expert of 太原's pool, a review round of a programme 太原 issued and an assignment of 张三's
    application to the expert (talent, review area)."""
    from zugong.talent.models import Application, Assignment, Edition, Expert, Program, ReviewRound, Tier

    program = Program.objects.create(organization=tree.taiyuan, code="TYSCOPE", name="太原人才（范围测试）")
    edition = Edition.objects.create(program=program, year=2026, title="2026年度太原人才（范围测试）")
    tier = Tier.objects.create(edition=edition, code="young", name="青年优秀")
    app = Application.objects.create(edition=edition, tier=tier, person=tree.people.zhangsan,
                                     organization=tree.b1, field="材料", applied_on=dt.date(2026, 3, 1),
                                     status="qualified")
    expert = Expert.objects.create(organization=tree.taiyuan, name="太原专家", field="材料")
    rnd = ReviewRound.objects.create(edition=edition, name="太原评审（范围测试）", status="assigned")
    a = Assignment.objects.create(round=rnd, application=app, expert=expert, assigned_on=dt.date(2026, 5, 1))
    return {"talent_expert": [expert.pk], "talent_round": [rnd.pk], "talent_assignment": [a.pk]}


def _taiyuan_talent_applications(tree, users):
    """An application of 张三 (红星社区) to 太原's programme, recommended, with a document (talent, applications)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zugong.core import workdays
    from zugong.core.casework.services import StepRecord
    from zugong.talent import applications_services
    from zugong.talent.models import ApplicationDocument, Edition, Program, Tier

    if workdays.covered_until() is None:
        workdays.sync(2025, 2026)
    program = Program.objects.create(organization=tree.taiyuan, code="TYYC-SCOPE", name="太原英才（范围）")
    edition = Edition.objects.create(program=program, year=2026, title="2026年度太原英才", status="open",
                                     opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 4, 30))
    tier = Tier.objects.create(edition=edition, code="top", name="拔尖骨干")
    case = applications_services.open_application(
        users.taiyuan, edition=edition, tier=tier, person=tree.people.zhangsan, organization=tree.b1,
        field="材料科学", applied_on=dt.date(2026, 3, 10)).case
    step = applications_services.recommend(users.taiyuan, case, StepRecord(
        on=dt.date(2026, 3, 20), document=SimpleUploadedFile("推荐.pdf", b"%PDF-1.4 x"))).step
    document = ApplicationDocument.objects.unrestricted().get(step=step)
    return {"talent_application": [case.pk], "talent_step": [step.pk], "talent_document": [document.pk]}


def _taiyuan_community(tree, users):
    """王五 (财政局, 太原) registered with 红星社区, confirmed, an activity and his hours (service, community area)."""
    from zugong.service import community_services

    ww = Membership.objects.get(person=tree.people.wangwu)
    reg = community_services.register(users.taiyuan, ww, tree.b1, dt.date(2026, 3, 2), "红星小区")
    community_services.confirm(users.taiyuan, reg, dt.date(2026, 3, 5))
    activity = community_services.create_activity(users.taiyuan, tree.b1, dt.date(2026, 4, 11), "小店环境整治")
    community_services.record_attendance(users.taiyuan, activity, [reg])
    return {"community_registration": [reg.pk], "community_activity": [activity.pk]}


def _taiyuan_courses(tree, users):
    """太原's course with a material, and a national course's study by 张三 (training, courses area)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zugong.training import courses_services
    from zugong.training.defaults.courses import install
    from zugong.training.models import Course, CourseCategory

    install(None)
    category = CourseCategory.objects.unrestricted().first()
    course = courses_services.create_course(users.taiyuan, Course(
        organization=tree.taiyuan, code="TY-SCOPE-1", title="太原太行精神课", minutes=45, category=category))
    material = courses_services.add_material(users.taiyuan, course, title="太原讲稿",
                                             file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))
    national = courses_services.create_course(users.admin, Course(code="QG-SCOPE-1", title="全国课程", minutes=30,
                                                                  category=category))
    log = courses_services.record_study(users.taiyuan, national, [tree.people.zhangsan],
                                        studied_on=dt.date(2026, 11, 2), minutes=30)[0]
    return {"course": [course.pk], "course_material": [material.pk], "study_log": [log.pk]}


def _taiyuan_training_classes(tree, users):
    """太原's plan and a closed 脱产 class (a session, 张三 enrolled with attendance and a certificate), its class
    type and leave limit (training, classes area)."""
    from zugong.training import classes_services
    from zugong.training.models import (Attendance, Certificate, ClassType, LeavePolicy, Plan, Session,
                                        TrainingClass)

    ctype = ClassType.objects.create(organization=tree.taiyuan, code="ty_topic", name="太原专题培训")
    policy = LeavePolicy.objects.create(organization=tree.taiyuan, code="test.taiyuan.leave")
    plan = Plan.objects.create(organization=tree.taiyuan, year=2026, title="太原2026年度培训计划")
    cls = TrainingClass.objects.create(organization=tree.taiyuan, plan=plan, code="TY-SCOPE-01", name="太原轮训班",
                                       kind="ty_topic", starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 2),
                                       total_hours=8, status="running")
    session = Session.objects.create(training_class=cls, on=dt.date(2026, 11, 2), topic="太原专题", hours=8)
    (enrolment,) = classes_services.enrol_people(users.taiyuan, cls, [tree.people.zhangsan.pk])
    attendance = Attendance.objects.create(session=session, enrolment=enrolment, status="present", hours=8,
                                           org_path=cls.org_path)
    classes_services.close_class(users.taiyuan, cls)
    certificate = Certificate.objects.unrestricted().get(enrolment=enrolment)
    return {"training_plan": [plan.pk], "training_class": [cls.pk], "training_session": [session.pk],
            "training_enrolment": [enrolment.pk], "training_attendance": [attendance.pk],
            "training_certificate": [certificate.pk], "training_class_type": [ctype.pk],
            "training_leave_policy": [policy.pk]}


def _taiyuan_talent_pool(tree, users):
    """A talent of 太原's programme (王五, imported) and 小店区 as a priority county (talent, pool area)."""
    from zugong.core import audit
    from zugong.talent import pool_services
    from zugong.talent.models import Program

    program = Program.objects.create(organization=tree.taiyuan, code="TY-SCOPE-POOL", name="太原英才（范围测试）")
    with audit.operation(None, "import") as op:
        talent = pool_services.import_talent(op, person=tree.people.wangwu, program=program, organization=tree.b2,
                                             tier=None, tier_name="拔尖骨干", field="新材料",
                                             since=dt.date(2025, 7, 1), until=dt.date(2028, 7, 1))
    county = pool_services.add_priority_county(users.admin, tree.xiaodian, since=dt.date(2021, 1, 1))
    return {"talent_pool": [talent.pk], "talent_priority_county": [county.pk]}


def _taiyuan_service_tasks(tree, users):
    """An item of 红星社区 with a progress report and its photo (service, tasks area)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zugong.core import workdays
    from zugong.core.casework.services import StepRecord
    from zugong.service import tasks_services
    from zugong.service.defaults.tasks import install
    from zugong.service.models import TaskDocument, UrgencyClass

    if workdays.covered_until() is None:
        workdays.sync(2025, 2026)
    install(None)
    task = tasks_services.open_task(users.taiyuan, tree.b1, title="红星社区路灯", received_on=dt.date(2026, 11, 2),
                                    urgency=UrgencyClass.objects.get(code="limited"), limit_workdays=10).case
    report = tasks_services.report(users.taiyuan, task, StepRecord(on=dt.date(2026, 11, 3), note="太原进展"),
                                   photos=[SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n", "image/png")]).step
    document = TaskDocument.objects.unrestricted().get(step=report)
    return {"service_task": [task.pk], "service_step": [report.pk], "service_document": [document.pk]}


def _taiyuan_assessment(tree, users):
    """A routine round, an annual round and a proposal of 小店区 (assessment, individual area)."""
    from zugong.assessment import individual_services

    routine = individual_services.open_routine_round(users.admin, tree.xiaodian, 2026, 1)
    annual = individual_services.open_annual_round(users.admin, tree.xiaodian, 2025)
    (proposal,) = individual_services.propose_annual(users.admin, annual, [
        {"person": tree.people.wangwu, "unit": tree.b2, "category": "civil_servant", "proposed": "competent"}])
    from zugong.assessment.models import AssessmentPolicy, QuotaRule

    quota = QuotaRule.objects.create(code="test.taiyuan_excellent", title="太原优秀比例", organization=tree.taiyuan,
                                     kind="annual", grade="excellent", share="0.200")
    policy = AssessmentPolicy.objects.create(code="test.taiyuan", title="太原考核设置", organization=tree.taiyuan)
    pool = individual_services.create_pool(users.admin, tree.xiaodian, name="小店区合并考核组", kind="merged")
    return {"routine_round": [routine.pk], "annual_round": [annual.pk], "annual_proposal": [proposal.pk],
            "quota_rule": [quota.pk], "assessment_policy": [policy.pk], "assessment_pool": [pool.pk]}


def _taiyuan_signin(tree, users):
    """A 小店区 class with a session, 张三 signed in by the roll, and 太原's sign-in rules."""
    from zugong.training import signin_services
    from zugong.training.models import Enrolment, Session, SignInRules, TrainingClass

    klass = TrainingClass.objects.create(organization=tree.xiaodian, code="TY-SIGNIN", name="小店区轮训班", kind="x",
                                         starts_on=dt.date(2026, 11, 27), ends_on=dt.date(2026, 11, 28),
                                         total_hours=Decimal("12"))
    enrolment = Enrolment.objects.create(training_class=klass, person=tree.people.zhangsan)
    session = Session.objects.create(training_class=klass, on=dt.date(2026, 11, 27), topic="小店专题",
                                     hours=Decimal("3"))
    signin_services.roll(users.taiyuan, session, [enrolment.pk])
    rules_row = SignInRules.objects.create(code="test.taiyuan.signin", name="太原签到规则", organization=tree.taiyuan)
    return {"signin_session": [session.pk], "signin_rules": [rules_row.pk]}


def _taiyuan_reminders(tree, users):
    """A reminder of the 太原 admin and a lead time issued by 太原."""
    from zugong.notifications.models import LeadTime, Notification

    note = Notification.objects.create(user=users.taiyuan, kind="term", title="太原红星社区任期届满",
                                       url=f"/orgs/{tree.b1.pk}/", org_path=tree.b1.path)
    lead = LeadTime.objects.create(code="test.taiyuan", organization=tree.taiyuan, days="14、3")
    return {"notification": [note.pk], "leadtime": [lead.pk]}


def _taiyuan_ballots(tree, users, team):
    """A 民主测评 of the 小店区 team (codes issued, not printed), its grades, and 太原's ballot configuration."""
    from zugong.assessment import ballots_services
    from zugong.assessment.models import BallotRules, ExcellenceBar, LeaderAssessment, TeamAssessment

    rules_row = BallotRules.objects.create(code="test.taiyuan", name="太原测评规则", organization=tree.taiyuan)
    bar = ExcellenceBar.objects.create(code="test.taiyuan", text="太原情形", organization=tree.taiyuan)
    ballot_round = ballots_services.create_round(
        users.taiyuan, organization=tree.xiaodian, title="小店区委民主测评", year=2026, mode="annual",
        opens_on=dt.date(2026, 11, 1), closes_on=dt.date(2026, 12, 31), rules_row=rules_row, team=team,
        as_of=dt.date(2026, 11, 1))
    batch = ballots_services.issue_codes(users.taiyuan, ballot_round.classes.unrestricted().first(), 2)
    grade = TeamAssessment.objects.create(team=team, year=2025, grade="good", assessed_on=dt.date(2026, 1, 5))
    member = team.members.unrestricted().first()
    leader = LeaderAssessment.objects.create(team=team, cadre=member.cadre, year=2025, grade="competent",
                                             assessed_on=dt.date(2026, 1, 5))
    return {"ballot_round": [ballot_round.pk], "ballot_batch": [batch.pk],
            "ballot_subject": list(ballot_round.subjects.unrestricted().values_list("pk", flat=True)),
            "team_grade": [grade.pk], "leader_grade": [leader.pk], "excellence_bar": [bar.pk],
            "ballot_rules": [rules_row.pk]}
def _taiyuan_assessment_schemes(tree, users):
    """太原's classified-assessment scheme with 小店区 scored in it."""
    from zugong.assessment import schemes_services
    from zugong.assessment.models import Scheme, SchemeCategory, SchemeIndicator, SchemeUnit, UnitResult

    scheme = Scheme.objects.create(organization=tree.taiyuan, code="TY-SCOPE", name="太原分类考核", year=2025)
    category = SchemeCategory.objects.create(scheme=scheme, name="一类（小店）")
    SchemeIndicator.objects.create(category=category, dimension="产业", code="A1", name="小店指标", weight=100,
                                   method="ratio", source="typed")
    unit = SchemeUnit.objects.create(scheme=scheme, category=category, organization=tree.xiaodian)
    schemes_services.compute(scheme, user=users.taiyuan)
    result = UnitResult.objects.unrestricted().get(scheme=scheme)
    return {"assessment_scheme": [scheme.pk], "assessment_unit": [unit.pk], "assessment_result": [result.pk]}


def _taiyuan_token(users):
    from zugong.accounts.models import ApiToken

    return ApiToken.issue(users.taiyuan)[0].pk


def _taiyuan_team(tree):
    """A leadership team of 小店区 with a post held by 王五 (a cadre)."""
    from zugong.cadres.models import Cadre, CadrePost
    from zugong.orgs.models import Unit
    from zugong.teams.models import LeadershipTeam, TeamMember, TeamPost

    unit = Unit.objects.create(name="中共太原市小店区委员会", org_path=tree.xiaodian.path)
    team = LeadershipTeam.objects.create(unit=unit, organization=tree.xiaodian, name="小店区委领导班子", level=3)
    team_post = TeamPost.objects.create(team=team, title="书记", quota=1)
    cadre = (Cadre.objects.unrestricted().filter(person=tree.people.wangwu).first()
             or Cadre.objects.create(person=tree.people.wangwu, organization=tree.xiaodian))
    post = CadrePost.objects.create(cadre=cadre, title="书记", unit=unit, start_on=dt.date(2022, 1, 1))
    return team, team_post, TeamMember.objects.create(team_post=team_post, post=post)


# Which model a URL's pk names: every URL with a pk must be listed, so a new page cannot skip this test.
PK_MODEL = {
    "assessment:individual_routine": "routine_round", "assessment:individual_annual": "annual_round",
    "assessment:individual_result": "annual_proposal", "api:assessment-annual-detail": "annual_proposal",
    "assessment:individual_quota_edit": "quota_rule", "assessment:individual_policy_edit": "assessment_policy",
    "assessment:individual_pool": "assessment_pool",
    "orgs:tree_children": "org", "orgs:detail": "org", "orgs:edit": "org", "orgs:move": "org",
    "orgs:merge": "org", "orgs:dissolve": "org", "people:detail": "person", "people:edit": "person", "people:full": "person",
    "training:person": "person",
    "core:job": "job", "core:job_output": "job", "core:job_retry": "job", "accounts:token_revoke": "token",
    **{f"accounts:{n}": "user" for n in ("user", "user_disable", "user_enable", "user_unlock", "user_reset",
                                         "user_grants")},
    "api:organization-detail": "org", "api:person-detail": "person", "api:person-full": "person", "api:finding-detail": "finding",
    "core:finding_ack": "finding", "core:local_rule": "localrule",
    "workbench:schedule_edit": "scheduledtask", "workbench:schedule_run": "scheduledtask",
    "cadres:detail": "cadre", "cadres:edit": "cadre", "cadres:appoint": "cadre", "cadres:create": "person",
    "cadres:end_post": "cadre_post", "api:cadre-detail": "cadre",
    **{f"cadres:{k}_add": "cadre" for k in ("post", "rank", "resume", "education", "reward", "assessment", "family",
                                            "training")},
    **{f"cadres:{k}_{a}": f"cadre_{k}" for k in ("post", "rank", "resume", "education", "reward", "assessment",
                                                 "family", "training") for a in ("edit", "delete")},
    "members:detail": "membership", "members:edit": "membership", "members:transfer_create": "membership",
    "members:exit_add": "membership", "members:award_member_add": "membership", "orgs:unit_edit": "unit",
    "members:dues_pay": "membership", "members:dues_exempt": "membership", "api:membership-detail": "membership",
    "members:register": "person", "members:transfer_detail": "transfer", "members:transfer_send": "transfer",
    "members:transfer_receive": "transfer", "members:transfer_close": "transfer",
    "members:payment_delete": "payment", "members:exemption_delete": "exemption",
    "members:contact_add": "membership", "members:correction_add": "membership",
    "members:correction_outcome": "correction",
    "recruitment:detail": "case", "recruitment:step": "case", "recruitment:docx": "case",
    "standardization:detail": "branchscore", "standardization:inspect": "branchscore",
    "standardization:checklist": "checklist", "standardization:checklist_edit": "checklist",
    "standardization:item_create": "checklist", "standardization:item_edit": "checklistitem",
    "api:standardization-score-detail": "branchscore",
    "weakorgs:list_detail": "weaklist", "weakorgs:list_action": "weaklist", "weakorgs:entry_remove": "weakentry",
    "weakorgs:open_case": "weakentry", "weakorgs:case_detail": "rectification", "weakorgs:case_edit": "rectification",
    "weakorgs:case_report": "rectification", "weakorgs:case_apply": "rectification",
    "weakorgs:case_accept": "rectification", "weakorgs:case_followup": "rectification",
    "weakorgs:flag_withdraw": "flag", "weakorgs:standard": "indicatorset", "weakorgs:standard_edit": "indicatorset",
    "weakorgs:indicator_edit": "indicator", "weakorgs:indicator_create": "indicatorset",
    "api:weakorgs-rectification-detail": "rectification",
    "recruitment:add_document": "step", "recruitment:document": "document", "api:recruitment-case-detail": "case",
    "adform:session": "adform_job", "adform:confirm": "adform_job", "adform:lrmx": "adform_cadre",
    "adform:docx": "adform_cadre", "adform:pdf": "adform_cadre", "adform:edit": "adform_cadre",
    "branchlife:detail": "meeting", "branchlife:edit": "meeting", "branchlife:delete": "meeting",
    "branchlife:add_attachment": "meeting", "branchlife:attachment": "attachment", "branchlife:study": "membership",
    "branchlife:appraisal": "appraisal", "branchlife:appraisal_result": "appraisal_result",
    "api:branchlife-meeting-detail": "meeting", "api:branchlife-compliance-detail": "compliance",
    "elections:detail": "election", "elections:approve": "election", "api:election-detail": "election",
    "elections:adjust": "org",
    "appointments:detail": "selection", "appointments:step": "selection", "appointments:docx": "selection",
    "appointments:add_document": "selection_step", "appointments:document": "selection_document",
    "appointments:observation": "observation", "appointments:observation_edit": "observation",
    "api:appointments-case-detail": "selection", "api:appointments-observation-detail": "observation",
    "dispatch:program_edit": "program", "dispatch:detail": "dispatch", "dispatch:report": "dispatch",
    "dispatch:evaluate": "dispatch", "dispatch:recall": "dispatch", "dispatch:extend": "dispatch",
    "dispatch:team": "workteam", "dispatch:team_end": "workteam", "dispatch:rotation": "rotation",
    "dispatch:rotation_end": "rotation", "api:dispatch-dispatch-detail": "dispatch",
    "api:dispatch-rotation-detail": "rotation",
    "teams:detail": "team", "teams:add_post": "team", "teams:assign": "team", "api:team-detail": "team",
    "teams:post": "team_post", "teams:edit_post": "team_post", "teams:member": "team_member",
    "teams:release": "team_member", "teams:standard_edit": "team_standard",
    **{f"assessment:ballots_{n}": "ballot_round" for n in ("round", "round_classes", "round_team", "round_codes",
                                                             "round_open", "round_close", "results")},
    "assessment:ballots_slips": "ballot_batch", "assessment:ballots_subject": "ballot_subject",
    "assessment:ballots_follow_up": "ballot_subject", "assessment:ballots_team": "team_grade",
    "assessment:ballots_leader_create": "team_grade", "assessment:ballots_leader": "leader_grade",
    "assessment:ballots_bar_edit": "excellence_bar", "assessment:ballots_rules_edit": "ballot_rules",
    "notifications:open": "notification", "notifications:read": "notification",
    "notifications:lead_time": "leadtime",
    "assessment:sanctions_detail": "sanction", "assessment:sanctions_edit": "sanction",
    "assessment:sanctions_delete": "sanction", "assessment:sanctions_restore": "sanction",
    "assessment:sanctions_person": "person", "assessment:sanctions_effect_edit": "sanction_effect",
    "assessment:investigations_detail": "investigation", "assessment:investigations_close": "investigation",
    "assessment:investigations_delete": "investigation",
    "assessment:scheme": "assessment_scheme", "assessment:scheme_compute": "assessment_scheme",
    "assessment:scheme_values": "assessment_unit", "assessment:scheme_result": "assessment_result",
    "api:assessment-result-detail": "assessment_result",
    **{f"training:signin_{n}": "signin_session" for n in ("live", "live_panel", "display", "display_panel", "roll")},
    "training:signin_rules_edit": "signin_rules",
    **{f"training:course_{n}": "course" for n in ("detail", "edit", "material_add", "study")},
    "training:course_material": "course_material", "training:course_material_delete": "course_material",
    "training:course_study_delete": "study_log", "api:training-course-detail": "course",
    "training:plan_edit": "training_plan", "api:training-classes-detail": "training_class",
    **{f"training:{n}": "training_class" for n in ("class_detail", "class_edit", "class_status", "class_close",
                                                  "class_reopen", "class_enrol", "session_create")},
    "training:session_edit": "training_session", "training:session_delete": "training_session",
    **{f"training:{n}": "training_enrolment" for n in ("enrolment", "enrolment_leave", "enrolment_withdraw",
                                                      "enrolment_reinstate", "enrolment_remove")},
    "training:leave_cancel": "training_attendance", "training:certificate_pdf": "training_certificate",
    "training:class_type_edit": "training_class_type", "training:leave_policy_edit": "training_leave_policy",
    "training:ledger_person": "person", "training:ledger_remove": "training_credit",
    "training:ledger_evidence": "training_credit", "api:training-credits-detail": "training_credit",
    "training:ledger_rule_edit": "training_credit_rule", "training:ledger_rule_issue": "training_credit_rule",
    **{f"service:satisfaction_{n}": "service_task" for n in ("panel", "surveys", "reopen", "close")},
    "service:satisfaction_codes": "service_survey", "service:satisfaction_callback": "service_survey",
    "service:satisfaction_settings_edit": "service_policy",
    "service:community_registration": "community_registration", "service:community_action": "community_registration",
    "service:community_activity": "community_activity",
    "service:detail": "service_task", "service:step": "service_task", "api:service-task-detail": "service_task",
    "service:add_document": "service_step", "service:document": "service_document",
    "service:photo": "service_document",
    # talent, programmes area
    "talent:program": "talent_program", "talent:edition_new": "talent_program",
    **{f"talent:{n}": "talent_edition" for n in ("edition", "edition_edit", "edition_status", "tier_new",
                                                  "condition_new", "quota_new", "criterion_new")},
    "talent:tier_edit": "talent_tier", "talent:instalment_new": "talent_tier",
    "talent:instalment_edit": "talent_instalment", "talent:condition_edit": "talent_condition",
    "talent:quota_edit": "talent_quota", "talent:criterion_edit": "talent_criterion",
    "talent:expert": "talent_expert", "talent:round": "talent_round", "talent:assignment_swap": "talent_assignment",
    "talent:review_sheet": "talent_assignment",
    "talent:detail": "talent_application", "talent:step": "talent_application",
    "api:talent-application-detail": "talent_application",
    "talent:add_document": "talent_step", "talent:document": "talent_document",
    "talent:talent": "talent_pool", "talent:talent_tags": "talent_pool", "talent:talent_step": "talent_pool",
    "api:talent-pool-detail": "talent_pool", "talent:priority_county_end": "talent_priority_county",
    "talent:assignment_scores": "talent_assignment",
}


def _taiyuan_satisfaction(tree) -> dict:
    """A completed item of 太原's branch with its survey round, and a survey policy 太原 issued."""
    from zugong.service.models import SatisfactionPolicy, ServiceTask, Survey, UrgencyClass

    urgency = UrgencyClass.objects.create(code="test.ty.urgency", name="限期办", limit_workdays=20,
                                          organization=tree.taiyuan)
    task = ServiceTask.objects.create(organization=tree.b1, title="红星社区屋顶修缮", urgency=urgency,
                                      limit_workdays=20, received_on=dt.date(2026, 10, 19),
                                      clock_from=dt.date(2026, 10, 19), completed_on=dt.date(2026, 11, 16),
                                      status="done")
    survey = Survey.objects.create(task=task, opened_on=dt.date(2026, 11, 16), required=1,
                                   expires_on=dt.date(2026, 12, 1))
    policy = SatisfactionPolicy.objects.create(code="test.ty.survey", organization=tree.taiyuan)
    return {"service_task": [task.pk], "service_survey": [survey.pk], "service_policy": [policy.pk]}


def _taiyuan_ledger(tree) -> dict:
    """A ledger line of 张三 (太原) and a crediting rule 太原 issued (the training ledger)."""
    from zugong.training import ledger
    from zugong.training.models import CreditRule

    line = ledger.post(None, "training.manual", [ledger.Line(tree.people.zhangsan.pk, dt.date(2026, 3, 1), "study",
                                                            Decimal(3), "hour", "太原集中学习")])[0]
    rule = CreditRule.objects.create(code="test.ty.credit", title="太原学时认定", organization=tree.taiyuan)
    return {"training_credit": [line.pk], "training_credit_rule": [rule.pk]}


DUTY_ONLY = {f"accounts:{n}" for n in ("user", "user_disable", "user_enable", "user_unlock", "user_reset",
                                        "user_grants")}


def _leaks(response) -> list[str]:
    body = response.content.decode("utf-8", "replace")
    return [m for m in TAIYUAN_MARKERS if m in body]


@pytest.mark.django_db
def test_every_url_hides_the_sibling_subtree(client, tree, users, other_side):
    client.force_login(users.datong, backend="django.contrib.auth.backends.ModelBackend")
    seen = 0
    for name, regex in walk(get_resolver().url_patterns):
        if "<pk>" in regex or "(?P<pk>" in regex:
            assert name in PK_MODEL, f"{name}: add it to PK_MODEL so its scope is tested"
            for pk in other_side[PK_MODEL[name]]:
                path = fill(regex, {"pk": pk, "format": "json"})
                for method in ("get", "post", "patch"):
                    r = getattr(client, method)(path, content_type="application/json") if method == "patch" \
                        else getattr(client, method)(path)
                    if r.status_code == 405:  # the method is refused before any record is looked up
                        continue
                    # the system duties' pages (三员分立) refuse a business user before any record is looked up
                    expected = 403 if name in DUTY_ONLY else 404
                    assert r.status_code == expected, f"{method.upper()} {path} ({name}) answered {r.status_code}"
                    seen += 1
            continue
        path = fill(regex, {"kind": "people", "path": "photos/2026/x.jpg", "format": "json", "code": "test.rule"})
        if path is None:
            continue
        for query in ("", "?q=张", "?q=zs", "?search=张", "?q=中共", "?within=1401", "?org=1401",
                      "?organization=1401", "?tab=findings", "?open=true"):
            r = client.get(path + query)
            assert r.status_code in (200, 302, 400, 403, 404, 405), f"GET {path}{query}: {r.status_code}"
            if r.status_code == 200 and not r.get("Content-Disposition"):
                assert not _leaks(r), f"GET {path}{query} shows {_leaks(r)}"
            seen += 1
    assert seen > 50


@pytest.mark.django_db
def test_exports_hide_the_sibling_subtree(login, tree, users):
    from io import BytesIO

    from openpyxl import load_workbook

    from zugong.cadres import services as cadre_services

    for person, org, user in ((tree.people.zhaoliu, tree.datong, users.datong),
                              (tree.people.wangwu, tree.xiaodian, users.taiyuan)):
        cadre_services.create_cadre(user, person, org, rank="clerk_1", rank_since=dt.date(2020, 1, 1))
    client = login(users.datong)
    for url in ("/core/audit/?export=xlsx", "/accounts/users/?export=xlsx"):  # the duties' (三员分立)
        assert client.get(url).status_code == 403
    for url in ("/people/?export=xlsx", "/orgs/list/?export=xlsx", "/cadres/?export=xlsx"):
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        text = " ".join(str(c.value) for row in load_workbook(BytesIO(r.content)).active.iter_rows() for c in row)
        assert "大同" in text or "赵六" in text or "dt_admin" in text
        assert not [m for m in TAIYUAN_MARKERS if m in text], url


@pytest.mark.django_db
def test_unscoped_query_in_a_request_fails_closed(tree):
    with scope.guard():
        with pytest.raises(scope.ScopeError):
            list(Person.objects.all())
        with pytest.raises(scope.ScopeError):
            Organization.objects.filter(kind="branch").count()
        assert Person.objects.unrestricted().count() == 5


@pytest.mark.django_db
def test_visible_to_follows_grants(tree, users):
    names = set(Person.objects.visible_to(users.datong).values_list("name", flat=True))
    assert names == {"赵六", "孙七"}
    assert set(Person.objects.visible_to(users.secretary).values_list("name", flat=True)) == {"张三", "李四"}
    assert Person.objects.visible_to(users.admin).count() == 5
    # A read-only user may view, not change.
    assert Person.objects.visible_to(users.reader).count() == 3
    assert Person.objects.visible_to(users.reader, "change").count() == 0


@pytest.mark.django_db
def test_business_admins_manage_no_accounts(tree, users):
    """三员分立 (issue 12, finding 10): accounts are the system administrator's; an organization or department
    admin creates none (before, an org_admin created accounts inside the subtree)."""
    from django.core.exceptions import PermissionDenied

    from zugong.accounts import services

    for actor in (users.admin, users.datong):
        with pytest.raises(PermissionDenied):
            services.create_account(actor, username="x1", display_name="某", password="Zg-long-pass-1")
        with pytest.raises(PermissionDenied):
            services.change_grants(actor, users.secretary, add=(tree.b3, scope.Role.SECRETARY))
    assert not users.secretary.grants.filter(organization=tree.b3).exists()


@pytest.mark.django_db
def test_narrowing_intersects_the_scope_and_keeps_one_range(tree, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A province admin narrowed to one county: one path range in the SQL, the county's.
    with CaptureQueriesContext(connection) as ctx:
        names = set(Person.objects.visible_to(users.admin).subtree(tree.xiaodian.path).values_list("name", flat=True))
    assert names == {"张三", "李四", "王五"}
    assert ctx.captured_queries[-1]["sql"].count('"people_person"."org_path" >=') == 1
    # Narrowing to another subtree than one's own gives nothing, not the other subtree.
    assert not Person.objects.visible_to(users.datong).subtree(tree.xiaodian.path).exists()
    # A broader narrowing keeps the user's own subtree.
    assert Person.objects.visible_to(users.secretary).subtree(tree.root.path).count() == 2
    # Used as a subquery, a scoped queryset is scoped too.
    visible_orgs = Organization.objects.visible_to(users.datong).values("pk")
    assert set(Person.objects.unrestricted().filter(organization__in=visible_orgs).values_list("name", flat=True)) \
        == {"赵六", "孙七"}
    with scope.guard():
        with pytest.raises(scope.ScopeError):
            list(Person.objects.unrestricted().filter(organization__in=Organization.objects.values("pk")))
