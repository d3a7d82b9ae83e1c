"""What an organization must hold, how often, and where that comes from: one `Requirement` per frequency.

The rules (rules.py) judge the ended periods of a rolling year from these; the compliance table
(compliance.py) writes one row per organization × requirement × period from the same definitions, so the
findings and the dashboards agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet

from zugong.core import history
from zugong.core.rules import REMINDER, UNVERIFIED_ARTICLE, WARNING, Edition
from zugong.members.models import Membership, PostSpan
from zugong.orgs.models import Organization

from . import periods
from .models import Meeting

BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
EDUCATION_RULES = "《中国共产党党员教育管理工作条例》"
# An article regulations.md does not confirm (支部工作条例 第十一、十五、十六、十九条 are "?" there): the
# citation names the regulation and its edition and says 条款号待核.
UNVERIFIED = PENDING = UNVERIFIED_ARTICLE
BRANCH_EDITION = "2018年"

# Posts that make a branch committee (a branch with only a 书记 and a 副书记 has no committee: 支部工作条例 第六章).
COMMITTEE_POSTS = (
    Membership.CommitteePost.ORGANIZATION,
    Membership.CommitteePost.PROPAGANDA,
    Membership.CommitteePost.DISCIPLINE,
    Membership.CommitteePost.MEMBER,
)
ACTIVE_MEMBER = Q(transferred_out_on__isnull=True, status__in=Membership.ACTIVE_STATUSES)


def branches(qs: QuerySet) -> QuerySet:
    return qs.filter(kind=Organization.Kind.BRANCH, status=Organization.Status.ACTIVE)


def has_committee(day=None, outer: str = "pk") -> Exists:
    """SQL: the organization had a committee on `day` (default: today's posts): a committee member (组织、宣传、
    纪检委员 or 委员; a 书记 alone is no committee) held a post that day (members.PostSpan)."""
    if day is None:
        return Exists(
            Membership.objects.unrestricted().filter(
                ACTIVE_MEMBER, organization=OuterRef(outer), status=Membership.Status.FULL,
                committee_post__in=COMMITTEE_POSTS,
            )
        )
    return Exists(PostSpan.objects.unrestricted().filter(
        history.held_on(day), organization=OuterRef(outer), post__in=COMMITTEE_POSTS))


def branches_with_committee(qs: QuerySet) -> QuerySet:
    return branches(qs).filter(has_committee())


def existed_all_of(start: dt.date, end: dt.date, on_meeting: bool = False) -> Q:
    """The organization existed on every day of [start, end) (founded on or before its first day, not dissolved
    before its end; an unknown founding date counts as existing). A period is owed only then: a branch founded
    on 2025-12-30 owes no 2025 组织生活会, one founded on 2026-03-31 no first-quarter 党员大会. A Q on
    Organization, or (`on_meeting`) on Meeting through its organization."""
    p = "organization__" if on_meeting else ""
    return (Q(**{f"{p}founded_on__isnull": True}) | Q(**{f"{p}founded_on__lte": start})) & (
        Q(**{f"{p}dissolved_on__isnull": True}) | Q(**{f"{p}dissolved_on__gte": end}))


def committee_all_of(start: dt.date, end: dt.date, on_meeting: bool = False) -> Q:
    """The organization had a committee on the first and on the last day of [start, end): the month in which a
    committee is elected (or the last one ends) owes no committee meeting."""
    outer = "organization" if on_meeting else "pk"
    return Q(has_committee(start, outer)) & Q(has_committee(end - dt.timedelta(days=1), outer))


def committee_month(start: dt.date, end: dt.date, on_meeting: bool = False) -> Q:
    return existed_all_of(start, end, on_meeting) & committee_all_of(start, end, on_meeting)


def branches_with_posts(qs: QuerySet) -> QuerySet:
    """Branches that had a committee at some time (judged month by month by `committee_all_of`)."""
    return branches(qs).filter(Exists(PostSpan.objects.unrestricted().filter(
        organization=OuterRef("pk"), post__in=COMMITTEE_POSTS)))


def secretary_on_day(post: str = Membership.CommitteePost.SECRETARY) -> Exists:
    """SQL (on meetings): the host was the organization's 书记 on the day of the meeting (members.PostSpan)."""
    return Exists(PostSpan.objects.unrestricted().filter(
        history.held_on(OuterRef("held_on")), organization=OuterRef("organization"),
        membership__person=OuterRef("host_person"), post=post))


def party_groups(qs: QuerySet) -> QuerySet:
    """Active party groups with members (each holds its own group meetings)."""
    members = Membership.objects.unrestricted().filter(ACTIVE_MEMBER, party_group=OuterRef("pk"))
    return qs.filter(kind=Organization.Kind.PARTY_GROUP, status=Organization.Status.ACTIVE).filter(Exists(members))


def by_secretary() -> Q:
    """Lectures given by whoever was the organization's secretary on the lecture's day (PostSpan): a secretary
    replaced in November still lectured for the year if they lectured in April."""
    return Q(kind=Meeting.Kind.LECTURE) & Q(secretary_on_day())


def committees(qs: QuerySet) -> QuerySet:
    """Active 党委 whose secretary is recorded (a 书记 post span of the committee itself): the 条例's lecture
    rule for 党委（党组）书记 is judged where the platform knows who the secretary was."""
    return qs.filter(kind=Organization.Kind.COMMITTEE, status=Organization.Status.ACTIVE).filter(Exists(
        PostSpan.objects.unrestricted().filter(organization=OuterRef("pk"),
                                               post=Membership.CommitteePost.SECRETARY)))


@dataclass(frozen=True)
class Requirement:
    """An organization of `subjects` holds a meeting matching `meetings` at least once each `period`."""

    code: str  # the rule's code
    kind: str  # ComplianceStat.kind: a Meeting.Kind value or "secretary_lecture"
    period: str
    title: str
    noun: str  # what is held, for the texts: 主题党日, 支部委员会会议 …
    verb: str  # 召开, 开展, 讲
    editions: tuple[Edition, ...]
    text: str
    subjects: Callable[[QuerySet], QuerySet] = branches
    meetings: Callable[[], Q] = field(default=lambda: Q())
    severity: str = WARNING
    path: str = ""  # local rules: the subtree they apply to
    remind_from_month: int = 1  # the current period is reminded from this month of the year on
    # A period [start, end) is owed by an organization when this holds (a Q on Organization, or on Meeting with
    # on_meeting=True): by default the organization existed all of it; the committee meeting also needs a
    # committee all of it.
    owed: Callable[..., Q] = existed_all_of
    facts: tuple[str, ...] = ()  # regulations.md fact ids (core.rules.Rule.facts)

    def meeting_q(self) -> Q:
        return Q(kind=self.kind) if self.kind in Meeting.Kind.values else self.meetings()

    @property
    def every(self) -> str:
        return {periods.MONTH: "每月", periods.QUARTER: "每季度", periods.YEAR: "每年"}[self.period]


def _kind(kind):
    return lambda: Q(kind=kind)


NATIONAL = [
    Requirement(
        code="branchlife.general_quarterly", kind=Meeting.Kind.GENERAL, period=periods.QUARTER,
        title="支部党员大会每季度召开一次", noun="支部党员大会", verb="召开",
        editions=(Edition(BRANCH_RULES, UNVERIFIED, BRANCH_EDITION),),
        text="党员大会是党支部的议事决策机构，由全体党员参加，一般每季度召开 1 次。",
        facts=("B3",),
    ),
    Requirement(
        code="branchlife.committee_monthly", kind=Meeting.Kind.COMMITTEE, period=periods.MONTH,
        title="支部委员会会议每月召开一次", noun="支部委员会会议", verb="召开",
        editions=(Edition(BRANCH_RULES, "第十二条"),), subjects=branches_with_posts, facts=("B4",),
        owed=committee_month,
        text="支部委员会会议一般每月召开 1 次，根据需要可以随时召开（设有支部委员会的党支部）。"
             "按当月的支部委员会判断：当月第一天和最后一天都设有支部委员会的月份才计入，"
             "支部委员会选举产生（或撤销）的当月不计。",
    ),
    Requirement(
        code="branchlife.group_monthly", kind=Meeting.Kind.GROUP, period=periods.MONTH,
        title="党小组会每月召开一次", noun="党小组会", verb="召开",
        editions=(Edition(BRANCH_RULES, "第十三条"),), subjects=party_groups,
        text="党小组会一般每月召开 1 次（设有党小组的，每个党小组）。",
        facts=("B5",),
    ),
    Requirement(
        code="branchlife.themed_day_monthly", kind=Meeting.Kind.THEMED_DAY, period=periods.MONTH,
        title="每月开展主题党日", noun="主题党日", verb="开展",
        editions=(Edition(EDUCATION_RULES, "第十六条"),),
        text="党支部应当每月相对固定 1 天开展主题党日。",
        facts=("B8", "D1a"),
    ),
    Requirement(
        code="branchlife.life_meeting_yearly", kind=Meeting.Kind.LIFE_MEETING, period=periods.YEAR,
        title="组织生活会每年至少召开一次", noun="组织生活会", verb="召开",
        editions=(Edition(EDUCATION_RULES, "第十七条"),), remind_from_month=10,
        text="党支部每年至少召开 1 次组织生活会，一般安排在第四季度。",
        facts=("B9", "D2"),
    ),
    Requirement(
        code="branchlife.appraisal_yearly", kind=Meeting.Kind.APPRAISAL, period=periods.YEAR,
        title="民主评议党员每年开展一次", noun="民主评议党员", verb="开展",
        editions=(Edition(EDUCATION_RULES, "第十八条"),), remind_from_month=10,
        text="党支部一般每年开展 1 次民主评议党员，按个人自评、党员互评、民主测评、组织评定的程序进行。",
        facts=("B10", "D3"),
    ),
    Requirement(
        code="branchlife.talk_yearly", kind=Meeting.Kind.TALK, period=periods.YEAR,
        title="谈心谈话每年至少开展一次", noun="谈心谈话", verb="开展", facts=("B11",),
        editions=(Edition(BRANCH_RULES, PENDING, "2018年"),), remind_from_month=10,
        text="支部委员会委员之间、支部委员和党员之间、党员和党员之间，每年谈心谈话一般不少于 1 次。"
             "以登记为“谈心谈话”的组织生活记录为准（每次谈话登记一条，参加人逐一列明）。",
    ),
    Requirement(
        code="branchlife.committee_secretary_lecture_yearly", kind="committee_lecture",
        period=periods.YEAR, title="党委（党组）书记每年至少讲一次党课", noun="党委书记讲党课", verb="开展",
        meetings=by_secretary, subjects=committees, facts=("B7",),
        editions=(Edition(BRANCH_RULES, PENDING, "2018年"),), remind_from_month=10,
        text="党委（党组）书记每年至少讲 1 次党课。以党委名义登记、讲课人为讲课当日在任的党委书记的党课记录为准；"
             "只检查已登记书记任职记录的党委。",
    ),
]

# The branch secretary's yearly lecture is local practice (the 条例 names 党委（党组）书记): a local rule of the
# template "secretary_lecture", installed by defaults.py for the root organization (a place may drop or change it).
SECRETARY_TEMPLATE = "secretary_lecture"

# Kinds a local rule may set a frequency for, and the verbs used in its texts.
LOCAL_KINDS = {
    kind: (kind.label, verb)
    for kind, verb in ((Meeting.Kind.LECTURE, "讲"), (Meeting.Kind.GENERAL, "召开"),
                       (Meeting.Kind.THEMED_DAY, "开展"), (Meeting.Kind.TALK, "开展"))
}


def local_requirement(row) -> Requirement:
    """A LocalRule row of the template "meeting_frequency": params {"kind": "lecture", "period": "quarter"}."""
    kind, period = row.params.get("kind"), row.params.get("period")
    if kind not in LOCAL_KINDS or period not in periods.MONTHS:
        raise ValueError(
            f"本地规则 {row.code} 的参数有误：kind 应为 {'、'.join(LOCAL_KINDS)} 之一，period 应为 month、quarter 或 year"
        )
    noun, verb = LOCAL_KINDS[kind]
    from zugong.core.rules import local_edition

    return Requirement(
        code=row.code, kind=kind, period=period, title=row.title, noun=noun, verb=verb,
        editions=(local_edition(row),), severity=row.severity, path=row.organization.path,
        text=f"本地规则，适用于{row.organization.name}及其下级组织。",
    )


def secretary_requirement(row) -> Requirement:
    """A LocalRule row of the template "secretary_lecture" (params {"period": "year"}): the branch secretary's
    lecture, counted when given by whoever was the branch's 书记 on the lecture's day."""
    period = row.params.get("period", periods.YEAR)
    if period not in periods.MONTHS:
        raise ValueError(f"本地规则 {row.code} 的参数有误：period 应为 month、quarter 或 year")
    from zugong.core.rules import local_edition

    return Requirement(
        code=row.code, kind="secretary_lecture", period=period, title=row.title, noun="书记讲党课", verb="开展",
        meetings=by_secretary, editions=(local_edition(row),), severity=row.severity, path=row.organization.path,
        remind_from_month=10 if period == periods.YEAR else 1,
        text=f"本地规则，适用于{row.organization.name}及其下级组织：党支部书记每{periods.PERIOD_WORD[period]}至少为党员讲 1 次党课，以讲课当日在任的书记讲课的党课记录为准。",
    )


def local_requirements() -> list[Requirement]:
    from zugong.core.models import LocalRule

    rows = (LocalRule.objects.unrestricted().filter(active=True, template__in=(LOCAL_TEMPLATE, SECRETARY_TEMPLATE))
            .select_related("organization"))
    return [local_requirement(r) if r.template == LOCAL_TEMPLATE else secretary_requirement(r) for r in rows]


LOCAL_TEMPLATE = "meeting_frequency"


def all_requirements() -> list[Requirement]:
    return NATIONAL + local_requirements()


REMINDER_SEVERITY = REMINDER
