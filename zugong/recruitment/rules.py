"""The rules of recruitment (发展党员), each citing its article in every edition of its regulation.

Editions of 《中国共产党发展党员工作细则》:
- 2014: issued by 中共中央办公厅 on 2014-05-28; treated here as in force from **2014-06-10** until the
  revision takes over. Events before 2014-06-10 are not judged. A 2014 article is cited only where
  regulations.md §1.2 gives it as verified; else the citation says "条款号待核" (`UNVERIFIED_ARTICLE`).
- 2026 revision: reported in force from **2026-05-11** (regulations.md §1.4, status [U]: nobody on the team
  has seen the official text). No article of it is confirmed, so every citation of it names the regulation
  and edition and says "条款号待核". The numbers third-party copies give (§1.4) are kept in the code as
  `details(…, reported_2026=…)`, for the day the official text is checked; they are never shown.

Each rule names the regulations.md facts it encodes (`facts`: A1–A22 of §1.2).

A rule judges a case by the edition in force on its `event_field`: the date of the step it judges, or, for a
time limit, the date that opens the period (so an overdue step that has no date yet is judged too).
Facts that exist only as local practice or only in the unverified revision (公示 in working days, the branch
meeting within one month of the pre-review) are local rule templates at the end of this module, configured
in `core.LocalRule` rows and citing their own document.

Every check is one query over all cases of a subtree; `describe` words the measured value of one violation.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as SqlCase
from django.db.models import Count, DateField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from zugong.core import rules
from zugong.core.config import CHOICE, INT, UNVERIFIED_ARTICLE, Param
from zugong.core.dates import add_months, age_on, months_between
from zugong.core.rules import ERROR, WARNING, Edition, Reads, Rule
from zugong.core.sql import AddDays, AddMonths
from zugong.core.workdays import count_expr
from zugong.members import history as member_history
from zugong.members.models import Membership
from zugong.orgs.models import Organization

from .deadlines import APPROVAL, CONVERSION, CONVERSION_APPROVAL, TALK
from .models import Case, CaseContact, Step
from .steps import WORKFLOW

MODEL = "recruitment.Case"
GROUP = "发展党员"
DETAILS = "《中国共产党发展党员工作细则》"
DUES = "《关于中国共产党党费收缴、使用和管理的规定》"
IN_FORCE_2014 = dt.date(2014, 6, 10)
IN_FORCE_2026 = dt.date(2026, 5, 11)
EDITION_2014 = "2014年"
EDITION_2026 = "2026年修订"
ACTIVE, TERMINATED = Case.Status.ACTIVE, Case.Status.TERMINATED
# What the rule catalogue says of the 2026 edition (no article of it is confirmed).
UNCONFIRMED_2026 = "2026年修订版的对应条款尚未与正式文本核对，条款号待核。"
REPORTED = INFERRED = UNCONFIRMED_2026  # (the names older code uses)


def details(article_2014: str = UNVERIFIED_ARTICLE, reported_2026: str = "") -> tuple[Edition, Edition]:
    """The rule's article in the 2014 细则 (`UNVERIFIED_ARTICLE` where regulations.md does not verify it) and
    its edition in the 2026 revision, whose articles are all unconfirmed: "条款号待核". `reported_2026` is the
    number third-party copies give (regulations.md §1.4 or inferred from it); it is not shown."""
    return (
        Edition(DETAILS, article_2014, EDITION_2014, IN_FORCE_2014, IN_FORCE_2026),
        Edition(DETAILS, UNVERIFIED_ARTICLE, EDITION_2026, IN_FORCE_2026, None),
    )


# A case is judged on its own dates, its steps, its contacts (培养联系人, 入党介绍人) and its person.
# A contact's status and 留党察看 on the day they were designated come from the members' dated history: a change
# of it (a status corrected back in time, a 留党察看 recorded) re-judges the cases the member is a contact of.
CONTACT_HISTORY = "contacts__person__membership__pk"
READS = (Reads("recruitment.Step", "case_id"), Reads("recruitment.CaseContact", "case_id"),
         Reads("people.Person", "pk", "person_id"), Reads("members.StatusSpan", "membership_id", CONTACT_HISTORY),
         Reads("members.DisciplineSpan", "membership_id", CONTACT_HISTORY))


def national(code, title, editions, check, describe, measures, event_field, severity=ERROR, text="", facts=()):
    return rules.register(Rule(code=code, title=title, severity=severity, model=MODEL, editions=editions,
                               check=check, describe=describe, measures=measures, event_field=event_field,
                               text=text, group=GROUP, reads=READS, facts=tuple(facts)))


def ymd(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "（未记录）"


def hours_text(hours) -> str:
    """Credit hours without a trailing .0 (24, 24.5)."""
    return f"{hours.normalize():f}"


# ---------------------------------------------------------------- subqueries over contacts and memberships


def _count(qs):
    """The number of rows of a subquery correlated to the case, 0 when none."""
    counted = qs.order_by().values("case").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _contacts(role: str):
    return CaseContact.objects.unrestricted().filter(case=OuterRef("pk"), role=role)


def _not_full_member():
    """A contact who was not a full member on the day they were designated, judged by the status they held
    that day (`members.history.person_full_on`: the member's status spans, else the record's dates), not by
    today's: an introducer whose 党籍 was stopped in 2025 was a full member for a 2020 case."""
    return ~member_history.person_full_on(OuterRef("designated_on"))


def _under_discipline():
    """A contact under 留党察看 on the day they were designated: as recorded on the case (`discipline_until`)
    or in the member's history (`members.DisciplineSpan`)."""
    in_history = member_history.person_disciplined_on(OuterRef("designated_on"))
    return Q(discipline_until__gt=F("designated_on")) | Q(in_history)


# ---------------------------------------------------------------- stage 1: application and talk


def _age_check(qs, as_of):
    return qs.filter(applied_on__lt=AddMonths(F("person__birth_date"), 18 * 12))


def _age_describe(row):
    birth, applied = row["person__birth_date"], row["applied_on"]
    return (f"递交入党申请书时 {age_on(birth, applied)} 岁（{ymd(birth)} 出生，{ymd(applied)} 递交），"
            "未满十八周岁")


national("recruitment.applicant_age", "申请入党须年满十八岁", details("第五条", "第五条"),
         _age_check, _age_describe, ("person__birth_date", "applied_on"), "applied_on", text=UNCONFIRMED_2026,
         facts=("A1",))


def _talk_check(qs, as_of):
    qs = qs.annotate(talk_due=TALK.due_sql())
    late = Q(talked_on__gt=F("talk_due"))
    overdue = Q(talked_on__isnull=True, talk_due__lt=as_of) & ~Q(status=TERMINATED)
    return qs.filter(late | overdue)


def _talk_describe(row):
    applied, talked, due = row["applied_on"], row["talked_on"], row["talk_due"]
    if talked:
        days = (talked - applied).days
        return f"谈话在递交入党申请书后 {days} 天进行（{ymd(applied)} 递交，{ymd(talked)} 谈话），超过 1 个月"
    return f"{ymd(applied)} 递交入党申请书，应于 {ymd(due)} 前派人谈话，至今未谈话"


national("recruitment.talk_within_month", "收到入党申请书后一个月内派人谈话", details("第七条", "第七条"),
         _talk_check, _talk_describe, ("applied_on", "talked_on", "talk_due"), "applied_on", text=UNCONFIRMED_2026,
         facts=("A3",))


# ---------------------------------------------------------------- stage 2: activists and their sponsors


def _sponsors_check(qs, as_of):
    sponsors = _contacts(CaseContact.Role.SPONSOR)
    qs = qs.annotate(sponsors=_count(sponsors), sponsors_not_full=_count(sponsors.filter(_not_full_member())))
    return qs.filter(Q(sponsors__gt=2) | Q(sponsors_not_full__gt=0) | Q(sponsors=0, candidate_on__isnull=False))


def _sponsors_describe(row):
    n, not_full = row["sponsors"], row["sponsors_not_full"]
    if n == 0:
        return f"已于 {ymd(row['candidate_on'])} 确定为发展对象，但未指定培养联系人"
    parts = []
    if n > 2:
        parts.append(f"培养联系人 {n} 人，超过 2 人")
    if not_full:
        parts.append(f"培养联系人 {n} 人中 {not_full} 人在指定时不是正式党员")
    return "；".join(parts)


national("recruitment.sponsors", "指定一至两名正式党员作培养联系人",
         details(rules.UNVERIFIED_ARTICLE, "第九条"),
         _sponsors_check, _sponsors_describe, ("sponsors", "sponsors_not_full", "candidate_on"), "activist_on",
         text=INFERRED, facts=("A5",))


# ---------------------------------------------------------------- stage 3: candidates


def _activist_year_check(qs, as_of):
    return qs.filter(Q(activist_on__isnull=True) | Q(candidate_on__lt=AddMonths(F("activist_on"), 12)))


def _activist_year_describe(row):
    activist, candidate = row["activist_on"], row["candidate_on"]
    if not activist:
        return f"{ymd(candidate)} 确定为发展对象，但未记录确定为入党积极分子的日期"
    return (f"培养期 {months_between(activist, candidate)} 个月（{ymd(activist)} 确定为入党积极分子，"
            f"{ymd(candidate)} 确定为发展对象），不足 1 年")


national("recruitment.activist_one_year", "经过一年以上培养教育和考察方可列为发展对象",
         details("第十三条", "第十三条"), _activist_year_check, _activist_year_describe,
         ("activist_on", "candidate_on"), "candidate_on", text=UNCONFIRMED_2026, facts=("A7",))


def _introducers_check(qs, as_of):
    introducers = _contacts(CaseContact.Role.INTRODUCER)
    qs = qs.annotate(
        introducers=_count(introducers),
        introducers_not_full=_count(introducers.filter(_not_full_member())),
        introducers_disciplined=_count(introducers.filter(_under_discipline())),
    )
    return qs.filter(
        Q(introducers__gt=2) | Q(introducers_not_full__gt=0) | Q(introducers_disciplined__gt=0)
        | Q(introducers__lt=2, branch_meeting_on__isnull=False)
    )


def _introducers_describe(row):
    n = row["introducers"]
    parts = []
    if n != 2:
        parts.append(f"入党介绍人 {n} 人，应为 2 人")
    if row["introducers_not_full"]:
        parts.append(f"入党介绍人中 {row['introducers_not_full']} 人在确定时不是正式党员")
    if row["introducers_disciplined"]:
        parts.append(f"入党介绍人中 {row['introducers_disciplined']} 人受留党察看处分、尚未恢复党员权利")
    return "；".join(parts)


national("recruitment.introducers", "两名正式党员作入党介绍人，受留党察看处分未恢复党员权利的不能担任",
         details(rules.UNVERIFIED_ARTICLE, "第十四条"), _introducers_check, _introducers_describe,
         ("introducers", "introducers_not_full", "introducers_disciplined"), "candidate_on", text=INFERRED,
         facts=("A8",))


def _review_check(qs, as_of):
    return qs.filter(Q(review_concluded_on__isnull=True) | Q(review_concluded_on__gt=F("branch_meeting_on"))
                     | Q(review_passed=False))


def _review_describe(row):
    concluded, meeting = row["review_concluded_on"], row["branch_meeting_on"]
    if row["review_passed"] is False:
        return "政治审查结论为不合格，不能发展入党"
    if not concluded:
        return f"{ymd(meeting)} 支部大会讨论接收，但未记录政治审查结论"
    return f"政治审查 {ymd(concluded)} 才形成结论，晚于支部大会讨论接收（{ymd(meeting)}）"


national("recruitment.political_review", "未经政治审查或政治审查不合格的不能发展入党",
         details(UNVERIFIED_ARTICLE, "第十六条"), _review_check, _review_describe,
         ("review_concluded_on", "review_passed", "branch_meeting_on"), "branch_meeting_on",
         text="2014年版第十五、十六条（条款号待核）。" + UNCONFIRMED_2026, facts=("A9",))


def _training_check(qs, as_of):
    short_days = (Q(training_start__isnull=True) | Q(training_end__isnull=True)
                  | Q(training_end__lt=AddDays(F("training_start"), 2)))
    short_hours = Q(training_hours__isnull=True) | Q(training_hours__lt=24)
    return qs.filter(Q(training_end__gt=F("branch_meeting_on")) | (short_days & short_hours))


def _training_describe(row):
    start, end, hours = row["training_start"], row["training_end"], row["training_hours"]
    meeting = row["branch_meeting_on"]
    if not start and hours is None:
        return f"{ymd(meeting)} 支部大会讨论接收，但未参加发展对象集中培训"
    parts = [f"{(end - start).days + 1} 天" if start and end else "",
             f"{hours_text(hours)} 学时" if hours is not None else ""]
    length = "、".join(p for p in parts if p)
    if end and end > meeting:
        return f"集中培训 {ymd(end)} 才结束，晚于支部大会讨论接收（{ymd(meeting)}）"
    return f"集中培训 {length}，不足 3 天（或 24 学时）"


national("recruitment.training", "发展对象集中培训不少于三天（或二十四学时）", details("第十七条", "第十七条"),
         _training_check, _training_describe, ("training_start", "training_end", "training_hours",
                                               "branch_meeting_on"), "branch_meeting_on", text=UNCONFIRMED_2026,
         facts=("A10",))


# ---------------------------------------------------------------- stage 4: the branch meeting and approval


def _quorum(prefix: str):
    """Voting members present must be more than half of those expected: present * 2 > expected. Meetings
    are judged on their recorded counts (the services and the import require them)."""
    expected, present = f"{prefix}expected_voters", f"{prefix}present_voters"

    def check(qs, as_of):
        return qs.filter(**{f"{present}__isnull": False, f"{expected}__gte": F(present) * 2})

    def describe(row):
        return f"实到会有表决权正式党员 {row[present]} 人，未超过应到会有表决权正式党员 {row[expected]} 人的半数"

    return check, describe, (expected, present)


def _majority(prefix: str):
    """Yes votes must be more than half of the expected voting full members (not of those present)."""
    expected, yes = f"{prefix}expected_voters", f"{prefix}yes_votes"

    def check(qs, as_of):
        return qs.filter(**{f"{yes}__isnull": False, f"{expected}__gte": F(yes) * 2})

    def describe(row):
        return f"赞成 {row[yes]} 票，未超过应到会有表决权正式党员 {row[expected]} 人的半数"

    return check, describe, (expected, yes)


national("recruitment.admission_quorum", "讨论接收预备党员的支部大会，有表决权的到会人数须超过应到会人数的半数",
         details("第二十条", "第十九条"), *_quorum(""), "branch_meeting_on", text=UNCONFIRMED_2026, facts=("A12",))
national("recruitment.admission_majority", "赞成人数超过应到会有表决权正式党员的半数，才能通过接收预备党员的决议",
         details(UNVERIFIED_ARTICLE, "第二十条"), *_majority(""), "branch_meeting_on", text=UNCONFIRMED_2026,
         facts=("A13",))


def _approval_check(qs, as_of):
    qs = qs.annotate(approval_due=APPROVAL.due_sql(), approval_limit=AddMonths(F("branch_meeting_on"), 6))
    late = Q(approved_on__gt=F("approval_limit")) | Q(approved_on__gt=AddMonths(F("branch_meeting_on"), 3),
                                                      approval_special_reason="")
    overdue = Q(approved_on__isnull=True, status=ACTIVE, approval_due__lt=as_of)
    return qs.filter(late | overdue)


def _approval_describe(row):
    meeting, approved = row["branch_meeting_on"], row["approved_on"]
    if not approved:
        return f"支部大会 {ymd(meeting)} 通过接收，应于 {ymd(row['approval_due'])} 前审批，至今未审批"
    if approved > row["approval_limit"]:
        return (f"支部大会 {ymd(meeting)} 通过，上级党委 {ymd(approved)} 审批，超过 6 个月"
                f"（最迟应于 {ymd(row['approval_limit'])} 审批）")
    return (f"支部大会 {ymd(meeting)} 通过，上级党委 {ymd(approved)} 审批，超过 3 个月"
            f"（应于 {ymd(row['approval_due'])} 前），且未记录特殊情况")


national("recruitment.approval_within_3_months",
         "上级党委在三个月内审批接收预备党员，特殊情况不超过六个月", details(UNVERIFIED_ARTICLE, "第二十五条"),
         _approval_check, _approval_describe,
         ("branch_meeting_on", "approved_on", "approval_special_reason", "approval_due", "approval_limit"),
         "branch_meeting_on", text=UNCONFIRMED_2026, facts=("A15",))


# ---------------------------------------------------------------- stage 5: probation and conversion


def _extension_check(qs, as_of):
    return qs.filter(Q(probation_extended_months__isnull=True) | Q(probation_extended_months__lt=6)
                     | Q(probation_extended_months__gt=12))


def _extension_describe(row):
    months = row["probation_extended_months"]
    if months is None:
        return f"{ymd(row['probation_extended_on'])} 决定延长预备期，但未记录延长期限"
    return f"延长预备期 {months} 个月，应不少于半年、不超过一年"


national("recruitment.probation_extension", "预备期一年，可延长一次，延长时间不少于半年、最长不超过一年",
         details("第三十二条", "第三十一条"), _extension_check, _extension_describe,
         ("probation_extended_months",), "probation_extended_on", text=UNCONFIRMED_2026, facts=("A18",))


def _conversion_check(qs, as_of):
    qs = qs.filter(approved_on__isnull=False).annotate(probation_end=CONVERSION.due_sql())
    return qs.filter(conversion_meeting_on__lt=F("probation_end"))


def _conversion_describe(row):
    end, meeting = row["probation_end"], row["conversion_meeting_on"]
    return f"预备期 {ymd(end)} 才满，支部大会 {ymd(meeting)} 提前讨论转正"


# The 细则 says the branch discusses the conversion 及时 (in good time) once the probation has ended, with no
# number: the national rule judges only a discussion before the end; how late is too late is a local rule
# (template `conversion_lead_time`, installed by defaults.py: a warning after one month, an error after three).
CONVERSION_TEXT = ("预备期满后支部大会应当及时讨论；细则未规定具体期限，逾期多久提示由本地规则设定"
                   "（默认：预备期满超过一个月未讨论为警示，超过三个月为违规）。本规则只判断预备期未满提前讨论的情况。")
national("recruitment.conversion_on_time", "预备期满后支部大会才能讨论能否转为正式党员",
         details("第三十二条", "第三十一条"), _conversion_check, _conversion_describe,
         ("branch_meeting_on", "probation_extended_months", "conversion_meeting_on", "probation_end"),
         "branch_meeting_on", text=CONVERSION_TEXT + UNCONFIRMED_2026, facts=("A18",))

national("recruitment.conversion_quorum", "讨论预备党员转正的支部大会，有表决权的到会人数须超过应到会人数的半数",
         details("第三十三条", "第三十二条"), *_quorum("conversion_"), "conversion_meeting_on", text=UNCONFIRMED_2026,
         facts=("A19", "A12"))
national("recruitment.conversion_majority", "赞成人数超过应到会有表决权正式党员的半数，才能通过预备党员转正的决议",
         details("第三十三条", "第三十二条"), *_majority("conversion_"), "conversion_meeting_on",
         text="2014年版第三十三条：转正的表决同接收预备党员（赞成人数超过应到会有表决权正式党员的半数）。"
              + UNCONFIRMED_2026, facts=("A19", "A13"))


def _conversion_approval_check(qs, as_of):
    qs = qs.annotate(conversion_approval_due=CONVERSION_APPROVAL.due_sql())
    late = Q(conversion_approved_on__gt=F("conversion_approval_due"))
    overdue = Q(conversion_approved_on__isnull=True, status=ACTIVE, conversion_approval_due__lt=as_of)
    return qs.filter(late | overdue)


def _conversion_approval_describe(row):
    meeting, approved = row["conversion_meeting_on"], row["conversion_approved_on"]
    if approved:
        return (f"支部大会 {ymd(meeting)} 讨论转正，上级党委 {ymd(approved)} 审批，超过 3 个月"
                f"（应于 {ymd(row['conversion_approval_due'])} 前）")
    return f"支部大会 {ymd(meeting)} 讨论转正，应于 {ymd(row['conversion_approval_due'])} 前审批，至今未审批"


national("recruitment.conversion_approval_within_3_months", "上级党委在三个月内审批预备党员转正",
         details("第三十四条", "第三十三条"), _conversion_approval_check, _conversion_approval_describe,
         ("conversion_meeting_on", "conversion_approved_on", "conversion_approval_due"), "conversion_meeting_on",
         text=UNCONFIRMED_2026, facts=("A20",))


def _dues_check(qs, as_of):
    joined = Membership.objects.unrestricted().filter(person=OuterRef("person")).values("joined_on")[:1]
    qs = qs.filter(approved_on__isnull=False).exclude(status=TERMINATED).annotate(member_joined_on=Subquery(joined))
    return qs.filter(Q(member_joined_on__isnull=True) | Q(member_joined_on__lt=F("branch_meeting_on"))
                     | Q(member_joined_on__gt=F("branch_meeting_on")))


def _dues_describe(row):
    meeting, joined = row["branch_meeting_on"], row["member_joined_on"]
    if not joined:
        return f"已审批接收为预备党员（支部大会 {ymd(meeting)} 通过），但未建立党员信息，党费起交日期无从确定"
    return (f"党员信息中的入党时间 {ymd(joined)} 与支部大会通过之日 {ymd(meeting)} 不一致，"
            "党费应自支部大会通过之日起交纳")


national("recruitment.dues_from_admission", "预备党员自支部大会通过之日起交纳党费",
         (Edition(DUES, "一、第八条", "2008年"),), _dues_check, _dues_describe,
         ("branch_meeting_on", "member_joined_on"), "branch_meeting_on", severity=WARNING,
         text="中组部2008年印发，第一部分“党费的收缴”第八条：预备党员从支部大会通过其为预备党员之日起交纳党费。"
              "以党员信息中的入党时间作为党费起交日期核对。", facts=("A21", "E8"))


# ---------------------------------------------------------------- the steps of the chart a case must pass
# Steps of the 25 (regulations.md §1.1) that leave no date on the case are judged by their `Step` rows: one
# correlated EXISTS per case.


def _step_on_or_before(kind: str, day: str):
    """A recorded step of `kind` of the case dated on or before the case's date column `day`."""
    return Exists(Step.objects.unrestricted().filter(case=OuterRef("pk"), kind=kind, on__lte=OuterRef(day)))


INSPECTION = "inspection"


def _inspections(**lookups):
    return Step.objects.unrestricted().filter(kind=INSPECTION, **lookups)


def _assessment_check(qs, as_of):
    """While an activist (from `activist_on` until named a candidate, the case ends, or `as_of`), no six
    months without a 培养教育考察 (step 6): from the designation and from each inspection, the next within six
    calendar months. `assessment_gap_from` is the first day a gap starts from."""
    qs = qs.filter(activist_on__isnull=False).annotate(
        activist_end=Coalesce("candidate_on", "terminated_on", Value(as_of, output_field=DateField())),
        first_due=AddMonths(F("activist_on"), 6),
    )
    # The next inspection after a day, as a correlated MIN (an index search): a gap starts from a day whose six
    # months end before the period does and before the next inspection.
    after_activist = _inspections(case=OuterRef("pk"), on__gt=OuterRef("activist_on")).order_by("on").values("on")[:1]
    qs = qs.annotate(first_next=Subquery(after_activist))
    first_missing = Q(first_due__lt=F("activist_end")) & (Q(first_next__isnull=True) | Q(first_next__gt=F("first_due")))
    after_inspection = _inspections(case=OuterRef("case"), on__gt=OuterRef("on")).order_by("on").values("on")[:1]
    later_gap = (_inspections(case=OuterRef("pk"), on__gt=OuterRef("activist_on"), on__lt=OuterRef("activist_end"))
                 .annotate(next_due=AddMonths(F("on"), 6), next_on=Subquery(after_inspection))
                 .filter(next_due__lt=OuterRef("activist_end"))
                 .filter(Q(next_on__isnull=True) | Q(next_on__gt=F("next_due")))
                 .order_by("on").values("on")[:1])
    qs = qs.annotate(assessment_gap_from=SqlCase(When(first_missing, then=F("activist_on")),
                                                 default=Subquery(later_gap), output_field=DateField()))
    return qs.filter(assessment_gap_from__isnull=False)


def _assessment_describe(row):
    start, activist = row["assessment_gap_from"], row["activist_on"]
    since = f"确定为入党积极分子（{ymd(start)}）" if start == activist else f"上次培养教育考察（{ymd(start)}）"
    return f"{since}后半年内（至 {ymd(add_months(start, 6))}）未记录培养教育考察"


national("recruitment.activist_assessment", "党支部每半年对入党积极分子进行一次考察",
         details("第十一条", "第十一条"), _assessment_check, _assessment_describe,
         ("activist_on", "candidate_on", "assessment_gap_from"), "activist_on",
         text="入党积极分子期间（确定为入党积极分子之日起，至确定为发展对象、终止或今天），每次考察后半年内应有下一次"
              "培养教育考察记录。" + UNCONFIRMED_2026, facts=("A6",))


def _activist_filed_check(qs, as_of):
    return qs.filter(activist_on__isnull=False, candidate_on__isnull=False).filter(
        ~_step_on_or_before("activist_filing", "candidate_on"))


def _activist_filed_describe(row):
    return (f"{ymd(row['activist_on'])} 确定为入党积极分子，至确定为发展对象（{ymd(row['candidate_on'])}）"
            "未记录报上级党委备案")


national("recruitment.activist_filed", "确定入党积极分子后报上级党委备案", details("第八条", "第八条"),
         _activist_filed_check, _activist_filed_describe, ("activist_on", "candidate_on"), "activist_on",
         text="以确定为发展对象之前记录的“上级党委备案”（流程第4步）为准。" + UNCONFIRMED_2026, facts=("A4",))


def _candidate_filed_check(qs, as_of):
    qs = qs.filter(candidate_on__isnull=False).annotate(
        stage4_on=Coalesce("committee_review_on", "prereview_on", "branch_meeting_on"))
    return qs.filter(stage4_on__isnull=False).filter(~_step_on_or_before("candidate_filing", "stage4_on"))


def _candidate_filed_describe(row):
    return (f"{ymd(row['candidate_on'])} 确定为发展对象，至支部委员会审查（{ymd(row['stage4_on'])}）"
            "未记录报上级党委备案")


national("recruitment.candidate_filed", "确定发展对象后报上级党委备案", details("第十三条", "第十三条"),
         _candidate_filed_check, _candidate_filed_describe, ("candidate_on", "stage4_on"), "candidate_on",
         text="以支部委员会审查（流程第12步）之前记录的“报上级党委备案”（流程第8步）为准。" + UNCONFIRMED_2026,
         facts=("A7",))


def _prereview_check(qs, as_of):
    return qs.filter(branch_meeting_on__isnull=False).filter(
        Q(prereview_on__isnull=True) | Q(prereview_on__gt=F("branch_meeting_on")))


def _prereview_describe(row):
    meeting, prereview = row["branch_meeting_on"], row["prereview_on"]
    if prereview:
        return f"上级党委 {ymd(prereview)} 才预审，晚于支部大会讨论接收（{ymd(meeting)}）"
    return f"{ymd(meeting)} 支部大会讨论接收，但未记录上级党委预审"


national("recruitment.prereview_before_meeting", "支部大会讨论接收前须经上级党委预审", details("第十九条", "第十八条"),
         _prereview_check, _prereview_describe, ("branch_meeting_on", "prereview_on"), "branch_meeting_on",
         text="预审合格后方可发放入党志愿书、提交支部大会讨论。" + UNCONFIRMED_2026, facts=("A11",))


def _approval_talk_check(qs, as_of):
    return qs.filter(approved_on__isnull=False).filter(~_step_on_or_before("approval_talk", "approved_on"))


def _approval_talk_describe(row):
    return (f"上级党委 {ymd(row['approved_on'])} 审批接收预备党员，审批前未记录党委委员或组织员"
            "同发展对象谈话")


national("recruitment.approval_talk", "上级党委审批前指派党委委员或组织员同发展对象谈话", details(),
         _approval_talk_check, _approval_talk_describe, ("approved_on",), "approved_on",
         text="以审批之前记录的“上级党委派人谈话”（流程第16步）为准。2014年版条款号待核。" + UNCONFIRMED_2026,
         facts=("A14",))


def _approving_committee_check(qs, as_of):
    return qs.filter(approved_on__isnull=False, approving_organization__isnull=False).exclude(
        approving_organization__kind=Organization.Kind.COMMITTEE)


def _approving_committee_describe(row):
    kind = Organization.Kind(row["approving_organization__kind"]).label
    return (f"由{row['approving_organization__name']}（{kind}）审批接收预备党员；{kind}没有审批权，"
            "应由具有审批权的基层党委审批")


national("recruitment.approving_committee", "党总支不能审批预备党员，须由具有审批权的基层党委审批", details(),
         _approving_committee_check, _approving_committee_describe,
         ("approved_on", "approving_organization__name", "approving_organization__kind"), "approved_on",
         text="按审批记录中的审批组织判断；未记录审批组织的不判断。乡镇（街道）党委所属基层党委是否有审批权，"
              "本规则不判断。2014年版条款号待核。" + UNCONFIRMED_2026, facts=("A16",))


def _oath_check(qs, as_of):
    return qs.filter(conversion_meeting_on__isnull=False, oath_on__isnull=True)


def _oath_describe(row):
    return f"支部大会 {ymd(row['conversion_meeting_on'])} 讨论转正，但未记录入党宣誓"


national("recruitment.oath_recorded", "预备党员应面向党旗进行入党宣誓", details("第三十条", "第二十九条"),
         _oath_check, _oath_describe, ("conversion_meeting_on", "oath_on"), "conversion_meeting_on",
         text="讨论转正时应已记录入党宣誓（流程第20步）。" + UNCONFIRMED_2026, facts=("A17",))


# ---------------------------------------------------------------- local rule templates (core.LocalRule rows)

PUBLIC_NOTICE = {
    # stage → (start, end, the step the notice must precede, its name)
    "candidate": ("candidate_public_notice_start", "candidate_public_notice_end", "candidate_on", "确定发展对象"),
    "admission": ("admission_public_notice_start", "admission_public_notice_end", "branch_meeting_on",
                  "支部大会讨论接收"),
}
STEP_DATES = {
    "applied_on": "递交入党申请书", "talked_on": "谈话", "activist_on": "确定入党积极分子",
    "candidate_on": "确定发展对象", "review_concluded_on": "政治审查结论", "training_end": "集中培训结束",
    "committee_review_on": "支部委员会审查", "prereview_on": "上级党委预审", "branch_meeting_on": "支部大会讨论接收",
    "approved_on": "上级党委审批", "oath_on": "入党宣誓", "conversion_applied_on": "提出转正申请",
    "conversion_meeting_on": "支部大会讨论转正", "conversion_approved_on": "上级党委审批转正",
}


def _local(row, check, describe, measures, event_field, facts=()) -> Rule:
    path = row.organization.path

    def scoped_check(qs, as_of):
        return check(qs.filter(org_path__subtree=path), as_of)

    return Rule(code=row.code, title=row.title, severity=row.severity, model=MODEL,
                editions=(rules.local_edition(row),), check=scoped_check, describe=describe, measures=measures,
                event_field=event_field, group=GROUP, text=f"本地规则，适用于{row.organization.name}及其下级组织",
                reads=READS, facts=tuple(facts))


@rules.local_template("publicity_working_days", title="公示工作日数", params=(
    Param("days", "公示工作日数", INT, "个工作日", 5),
    Param("stage", "公示环节", CHOICE, default="candidate",
          choices={"candidate": "确定发展对象", "admission": "支部大会讨论接收"}),
), citation=f"本地规定（2014年版细则未规定公示天数；{DETAILS}2026年修订版{UNVERIFIED_ARTICLE}）")
def public_notice_rule(row) -> Rule:
    """公示 of at least `days` working days (official calendar, make-up days count) before a step.

    params: {"days": 5, "stage": "candidate" | "admission"}."""
    days = int(row.params.get("days", 5))
    stage = row.params.get("stage", "candidate")
    if stage not in PUBLIC_NOTICE or days < 1:
        raise ValueError(f"本地规则 {row.code} 的参数有误：stage 应为 candidate 或 admission，days 应为正整数")
    start, end, event, step = PUBLIC_NOTICE[stage]

    def check(qs, as_of):
        qs = qs.annotate(public_notice_days=count_expr(start, end))
        return qs.filter(Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True})
                         | Q(**{f"{end}__gte": F(event)}) | Q(public_notice_days__lt=days))

    def describe(r):
        if not r[start] or not r[end]:
            return f"{step}（{ymd(r[event])}）前未记录公示"
        if r[end] >= r[event]:
            return f"公示至 {ymd(r[end])}，未在{step}（{ymd(r[event])}）之前期满"
        return f"公示 {r['public_notice_days']} 个工作日（{ymd(r[start])} 至 {ymd(r[end])}），不足 {days} 个工作日"

    return _local(row, check, describe, (start, end, event, "public_notice_days"), event, facts=("A22",))


@rules.local_template("step_within_months", title="两个环节之间的期限", params=(
    Param("from", "起算环节", CHOICE, choices=STEP_DATES),
    Param("to", "应完成环节", CHOICE, choices=STEP_DATES),
    Param("months", "期限", INT, "个月", 1),
), citation="本地规定（如预审后一个月内召开支部大会）")
def step_within_months_rule(row) -> Rule:
    """A step within `months` calendar months of an earlier one (a local lead time), e.g. the branch meeting
    within one month of the pre-review.

    params: {"from": "prereview_on", "to": "branch_meeting_on", "months": 1}."""
    first, then, months = row.params.get("from"), row.params.get("to"), int(row.params.get("months", 0))
    if first not in STEP_DATES or then not in STEP_DATES or months < 1:
        raise ValueError(f"本地规则 {row.code} 的参数有误：from、to 应为流程日期字段，months 应为正整数")

    def check(qs, as_of):
        qs = qs.annotate(local_due=AddMonths(F(first), months))
        late = Q(**{f"{then}__gt": F("local_due")})
        overdue = Q(**{f"{then}__isnull": True}, status=ACTIVE, local_due__lt=as_of)
        return qs.filter(late | overdue)

    def describe(r):
        if r[then]:
            return (f"{STEP_DATES[first]}（{ymd(r[first])}）后 {months} 个月内应{STEP_DATES[then]}，"
                    f"实际于 {ymd(r[then])}")
        return f"{STEP_DATES[first]}（{ymd(r[first])}）后应于 {ymd(r['local_due'])} 前{STEP_DATES[then]}，至今未办"

    return _local(row, check, describe, (first, then, "local_due"), first)


@rules.local_template("conversion_lead_time", title="预备期满后讨论转正的期限", params=(
    Param("months", "预备期满后超过多少个月未讨论即提示", INT, "个月", 1),
    Param("until", "超过多少个月改由另一条本地规则提示（0 表示不设上限）", INT, "个月", 0),
), citation="本地规定（《中国共产党发展党员工作细则》只规定预备期满后“及时讨论”，未规定期限）")
def conversion_lead_time_rule(row) -> Rule:
    """The branch meeting discusses the conversion within `months` calendar months of the end of the
    probation (one year from the admitting branch meeting, plus any extension), still open or held late.

    params: {"months": 1, "until": 3}: with `until`, only lateness up to `until` months (the rule with the
    higher severity takes over from there, so a case is not reported twice)."""
    months, until = int(row.params.get("months", 1)), int(row.params.get("until", 0) or 0)
    if months < 0 or (until and until <= months):
        raise ValueError(f"本地规则 {row.code} 的参数有误：months 应为非负整数，until 为 0 或大于 months")

    def check(qs, as_of):
        qs = qs.filter(approved_on__isnull=False).annotate(
            probation_end=CONVERSION.due_sql(), conversion_due=AddMonths(CONVERSION.due_sql(), months))
        late = Q(conversion_meeting_on__gt=F("conversion_due"))
        overdue = Q(conversion_meeting_on__isnull=True, status=ACTIVE, conversion_due__lt=as_of)
        if until:
            qs = qs.annotate(conversion_until=AddMonths(CONVERSION.due_sql(), until))
            late &= Q(conversion_meeting_on__lte=F("conversion_until"))
            overdue &= Q(conversion_until__gte=as_of)
        return qs.filter(late | overdue)

    def describe(r):
        end, meeting = r["probation_end"], r["conversion_meeting_on"]
        if meeting:
            return f"预备期 {ymd(end)} 届满，支部大会 {ymd(meeting)} 才讨论转正，超过 {months} 个月"
        return f"预备期已于 {ymd(end)} 届满，超过 {months} 个月支部大会仍未讨论转正"

    rule = _local(row, check, describe, ("probation_end", "conversion_due", "conversion_meeting_on"),
                  "branch_meeting_on")
    rule.text = (f"{rule.text}。预备期满后超过 {months} 个月未讨论转正即提示"
                 + (f"（超过 {until} 个月的由期限更长的规则提示）" if until else "") + "。")
    return rule


def recruitment_rules() -> list[Rule]:
    """The national rules and the configured local rules that judge cases."""
    return WORKFLOW.case_rules()
