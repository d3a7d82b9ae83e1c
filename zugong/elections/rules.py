"""The rules of terms and elections (换届), each citing its article (regulations.md §3).

- 《中国共产党基层组织选举工作条例》 (中共中央 2020-07-13; treated as in force from that day, earlier elections
  are not judged): 第三条 elections when the term ends, delay or advance with higher approval ≤ 1 year [V1];
  第十三条 committee candidates exceed seats by ≥ 20 % [V2]; voters present > 4/5 of those expected and a
  candidate elected with yes votes > ½ of the expected voters [V2, article numbers not verified: cited as
  "条款号待核"]; the secretary and deputy approved by the higher organization (党章, article not verified).
- The term lengths are the organization model's (《关于党的基层组织任期的意见》, 中办 2018).
- The reminder before a term ends is local practice, not law (regulations.md §3: "not found, treat as
  configurable"): the local rule template `term_reminder` with its lead time in months in a LocalRule row,
  installed by `zugong defaults install --domain elections` (default 6 months).

Every threshold is integer arithmetic: 20 % more → candidates·5 ≥ seats·6 (5 seats → 6, rounding up);
more than 4/5 → present·5 > expected·4; more than half → yes·2 > expected.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DateField, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from zugong.core import rules
from zugong.core.config import INT, Param
from zugong.core.dates import months_days
from zugong.core.rules import ERROR, REMINDER, Edition, Reads, Rule
from zugong.core.sql import AddMonths
from zugong.members import history as member_history
from zugong.members.models import Membership
from zugong.orgs.models import Organization

from .models import Election, ElectionCandidate, TermAdjustment

GROUP = "换届选举"
ELECTIONS = "《中国共产党基层组织选举工作条例》"
EDITION = "2020年"
IN_FORCE = dt.date(2020, 7, 13)
CHARTER = "《中国共产党章程》"
UNVERIFIED = rules.UNVERIFIED_ARTICLE  # an article regulations.md does not confirm (C12–C14)
MAX_ADJUST_MONTHS = 12


def ymd(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "（未记录）"


def election_edition(article: str) -> tuple[Edition, ...]:
    return (Edition(ELECTIONS, article, EDITION, IN_FORCE, None),)


def need_candidates(seats: int) -> int:
    """The least number of candidates for `seats`: 20 % more, rounded up (5 → 6, 3 → 4, 7 → 9)."""
    return -(-seats * 6 // 5)


def quorum_met(expected: int, present: int) -> bool:
    """More than four fifths of the expected voters present."""
    return present * 5 > expected * 4


def majority(expected: int, yes: int) -> bool:
    """Yes votes more than half of the expected voters."""
    return yes * 2 > expected


# ---------------------------------------------------------------- terms (organizations)


def election_due():
    """The date by which the organization must hold its election: its term end, or the due date of an approved
    adjustment of that term (the latest approved, if several)."""
    adjusted = (TermAdjustment.objects.unrestricted()
                .filter(organization=OuterRef("pk"), term_ends_on=OuterRef("term_ends_on"))
                .order_by("-approved_on", "-id").values("due_on")[:1])
    return Coalesce(Subquery(adjusted, output_field=DateField()), F("term_ends_on"))


def with_terms(qs):
    """Active organizations that have an elected committee (no party groups), with `election_due`."""
    return (qs.filter(status=Organization.Status.ACTIVE, term_ends_on__isnull=False)
            .exclude(kind=Organization.Kind.PARTY_GROUP).annotate(election_due=election_due()))


def _overdue_check(qs, as_of):
    return (with_terms(qs).filter(election_due__lt=as_of)
            .annotate(checked_on=Value(as_of, output_field=DateField())))


def _overdue_describe(row):
    ends, due, on = row["term_ends_on"], row["election_due"], row["checked_on"]
    text = f"本届任期于 {ymd(ends)} 届满"
    if due != ends:
        text += f"，经批准调整换届时间至 {ymd(due)}"
    return text + f"，已逾期 {months_days(due, on)}未换届"


# An organization's term is judged on its own term dates and its approved adjustments (延期、提前).
TERM_READS = (Reads("elections.TermAdjustment", "organization_id"),)

rules.register(Rule(
    code="elections.term_overdue", title="任期届满按期换届", severity=ERROR, model="orgs.Organization",
    editions=election_edition("第三条"), check=_overdue_check, describe=_overdue_describe,
    measures=("term_ends_on", "election_due", "checked_on"), person_field=None, org_field="pk",
    path_field="path", group=GROUP, reads=TERM_READS,
    text="党的基层委员会、总支部委员会、支部委员会（不设委员会的党支部书记、副书记）任期届满应当按期进行换届选举；"
         "如需延期或者提前进行换届选举，应当报上级党组织批准，延长或者提前期限一般不超过 1 年。"
         "任期按《关于党的基层组织任期的意见》：基层党委 5 年，总支部和支部 3 年，村和社区各级 5 年。",
    facts=("C5", "C1"),
))


# ---------------------------------------------------------------- elections


def _national(code, title, article, check, describe, measures, severity=ERROR, text="", regulation=None,
              facts=(), reads=()):
    editions = (Edition(regulation, article, "", None, None),) if regulation else election_edition(article)
    return rules.register(Rule(code=code, title=title, severity=severity, model="elections.Election",
                               editions=editions, check=check, describe=describe, measures=measures,
                               event_field="held_on", person_field=None, group=GROUP, text=text, facts=facts,
                               reads=reads))


def _history_reads(key: str) -> tuple[Reads, ...]:
    """A member's status or 留党察看 history changed: re-judge the elections it concerns (`key`, from the election
    to the membership)."""
    return (Reads("members.StatusSpan", "membership_id", key), Reads("members.DisciplineSpan", "membership_id", key))


def _margin_check(qs, as_of):
    return qs.annotate(candidates_x5=F("candidates") * 5).filter(seats__gte=3, candidates_x5__lt=F("seats") * 6)


def _margin_describe(row):
    return (f"应选 {row['seats']} 人，候选人 {row['candidates']} 人，"
            f"差额不足 20%（至少应有 {need_candidates(row['seats'])} 名候选人）")


_national("elections.candidate_margin", "委员候选人差额不少于应选人数的 20%", "第十三条", _margin_check,
          _margin_describe, ("seats", "candidates"),
          text="委员候选人的差额不少于应选人数的 20%，按四舍五入后仍不足的向上取整（应选 5 人至少 6 名候选人）。"
               "不设委员会、只选举书记（副书记）的，本规则不适用。", facts=("C9",))


def _quorum_check(qs, as_of):
    return qs.annotate(present_x5=F("voters_present") * 5).filter(present_x5__lte=F("expected_voters") * 4)


def _quorum_describe(row):
    return (f"应到会有选举权的党员 {row['expected_voters']} 人，实到 {row['voters_present']} 人，"
            "未超过应到会人数的五分之四，选举无效")


_national("elections.quorum", "实到会有选举权的党员超过应到会人数的五分之四", UNVERIFIED, _quorum_check,
          _quorum_describe, ("expected_voters", "voters_present"),
          text="进行选举时，有选举权的到会人数超过应到会人数的五分之四，会议有效。", facts=("C12",))


def _majority_check(qs, as_of):
    candidates = ElectionCandidate.objects.unrestricted().filter(election=OuterRef("pk"))

    def count(sub):
        return Coalesce(Subquery(sub.order_by().values("election").annotate(n=Count("pk")).values("n"),
                                 output_field=IntegerField()), 0)

    short = candidates.annotate(yes_x2=F("yes_votes") * 2).filter(elected=True, yes_x2__lte=OuterRef("expected_voters"))
    qs = qs.annotate(elected_short=count(short), elected_count=count(candidates.filter(elected=True)))
    return qs.filter(Q(elected_short__gt=0) | Q(elected_count__gt=F("seats")))


def _majority_describe(row):
    parts = []
    if row["elected_short"]:
        parts.append(f"{row['elected_short']} 名当选人的赞成票未超过应到会有选举权党员 {row['expected_voters']} 人的半数")
    if row["elected_count"] > row["seats"]:
        parts.append(f"当选 {row['elected_count']} 人，多于应选 {row['seats']} 人")
    return "；".join(parts)


_national("elections.elected_majority", "当选人赞成票超过应到会有选举权党员的半数", UNVERIFIED, _majority_check,
          _majority_describe, ("expected_voters", "seats", "elected_short", "elected_count"),
          text="被选举人获得的赞成票超过应到会有选举权的人数的一半，始得当选；得票超过半数的多于应选名额时，"
               "以得票多少为序至取足应选名额为止（以往一些地方以实到会人数计算，现按应到会人数）。", facts=("C13",))


def _approval_check(qs, as_of):
    return qs.filter(valid=True, approved_by_higher=False, kind=Election.Kind.TERM)


_national("elections.secretary_approval", "书记、副书记选举结果报上级党组织批准", UNVERIFIED, _approval_check,
          lambda row: f"{ymd(row['held_on'])} 选举产生的书记、副书记尚未经上级党组织批准，新一届任期尚未开始计算",
          ("held_on",), severity=REMINDER, regulation=CHARTER,
          text="基层委员会选举产生书记、副书记，报上级党组织批准；批准后以选举之日为新一届任期的开始。", facts=("C14",))


# ---------------------------------------------------------------- who may vote and stand (第五条), on the election day
#
# 第五条: only full members vote and stand; probationary members and members under 留党察看 do not. The roster of
# the election day comes from the members' dated history (`members.history`): a member's status and 留党察看 on
# `held_on`, in the organization's subtree on that day (transfers within the province undone).

FIFTH = "第五条"


def _voters_check(qs, as_of):
    roster = member_history.voters_on(OuterRef("org_path"), OuterRef("held_on"))
    return qs.annotate(roster_voters=roster).filter(expected_voters__gt=F("roster_voters"))


def _voters_describe(row):
    return (f"应到会有选举权的党员数 登记 {row['expected_voters']} 人，选举日名册 {row['roster_voters']} 人"
            f"（{ymd(row['held_on'])} 在册的正式党员，不含受留党察看处分未恢复党员权利的）；预备党员和受留党察看处分的"
            "党员没有表决权、选举权和被选举权，不计入应到会有选举权的人数")


_national("elections.expected_voters_roster", "应到会有选举权的党员数不超过选举日名册中的正式党员数", FIFTH,
          _voters_check, _voters_describe, ("expected_voters", "roster_voters"),
          text="有选举权的是正式党员；预备党员和受留党察看处分、尚未恢复党员权利的党员没有选举权。"
               "登记的应到会有选举权的党员数多于选举日（党员大会召开之日）本组织在册的正式党员数"
               "（不含受留党察看处分的）的，人数有误或把没有选举权的党员计入了应到会人数。"
               "名册按党员的党籍状态记录、留党察看记录和组织关系转接记录还原到选举之日。", facts=("C7",),
          # a branch's own members (an election of a committee above is judged again by the nightly scan)
          reads=_history_reads("organization__memberships__pk"))


def _candidate_check(qs, as_of):
    """Elections with a candidate (a recorded person) who on the election day was not a full member or was under
    留党察看: their number, and the first of them (ballot order) with their status that day."""
    day = OuterRef(OuterRef("held_on"))
    ineligible = (ElectionCandidate.objects.unrestricted()
                  .filter(election=OuterRef("pk"), person__isnull=False)
                  .filter(~member_history.person_full_on(day) | Q(member_history.person_disciplined_on(day)))
                  .order_by("order", "pk"))
    first = ineligible.annotate(status_then=member_history.person_status_on(day),
                                disciplined_then=member_history.person_disciplined_on(day))
    counted = ineligible.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return (qs.annotate(ineligible=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
            .filter(ineligible__gt=0)
            .annotate(first_name=Subquery(first.values("name")[:1]),
                      first_status=Subquery(first.values("status_then")[:1]),
                      first_disciplined=Subquery(first.values("disciplined_then")[:1])))


def _candidate_describe(row):
    day = ymd(row["held_on"])
    if row["first_disciplined"]:
        why = "受留党察看处分、尚未恢复党员权利"
    else:
        status = dict(Membership.Status.choices).get(row["first_status"])
        why = f"为{status}，不是正式党员" if status else "不是本省在册的正式党员"
    text = f"候选人{row['first_name']}在选举日（{day}）{why}，没有被选举权"
    if row["ineligible"] > 1:
        text = f"{row['ineligible']} 名候选人在选举日没有被选举权：{text}等"
    return text


_national("elections.candidate_eligible", "候选人须为选举日有被选举权的正式党员", FIFTH, _candidate_check,
          _candidate_describe, ("ineligible", "first_name", "first_status", "first_disciplined"),
          text="党员有选举权和被选举权的是正式党员；预备党员和受留党察看处分、尚未恢复党员权利的党员没有被选举权。"
               "按候选人在选举日的党籍状态和留党察看记录判断（只判断登记了人员的候选人）。", facts=("C7",),
          reads=_history_reads("candidate_rows__person__membership__pk"))


# ---------------------------------------------------------------- term adjustments


def _adjust_check(qs, as_of):
    return qs.filter(Q(months__gt=MAX_ADJUST_MONTHS) | Q(months=0))


def _adjust_describe(row):
    return f"{'延期' if row['kind'] == 'postpone' else '提前'}换届 {row['months']} 个月，应为 1 至 {MAX_ADJUST_MONTHS} 个月"


rules.register(Rule(
    code="elections.adjustment_limit", title="延期或提前换届一般不超过 1 年", severity=ERROR,
    model="elections.TermAdjustment", editions=election_edition("第三条"), check=_adjust_check,
    describe=_adjust_describe, measures=("kind", "months"), event_field="approved_on", person_field=None,
    group=GROUP, text="如需延期或者提前进行换届选举，应当报上级党组织批准，延长或者提前期限一般不超过 1 年。",
    facts=("C5", "C2"),
))


VALIDITY_RULES = ("elections.candidate_margin", "elections.quorum", "elections.elected_majority")


# ---------------------------------------------------------------- local rule: the reminder before the term ends

DEFAULT_REMINDER_MONTHS = 6


@rules.local_template("term_reminder", title="任期届满前提醒换届", params=(
    Param("months", "提前提醒", INT, "个月", DEFAULT_REMINDER_MONTHS),
))
def term_reminder_rule(row) -> Rule:
    """A reminder `months` before the election falls due (practice: time for the 换届请示 and preparation).

    params: {"months": 6}."""
    months = int(row.params.get("months", DEFAULT_REMINDER_MONTHS))
    if not 1 <= months <= 24:
        raise ValueError(f"本地规则 {row.code} 的参数有误：months 应为 1 至 24 的整数")
    path = row.organization.path

    def check(qs, as_of):
        qs = with_terms(qs.filter(path__subtree=path))
        return (qs.filter(election_due__gte=as_of, election_due__lte=AddMonths(Value(as_of), months))
                .annotate(checked_on=Value(as_of, output_field=DateField())))

    def describe(r):
        return (f"本届任期将于 {ymd(r['term_ends_on'])} 届满（换届期限 {ymd(r['election_due'])}，"
                f"还有 {months_days(r['checked_on'], r['election_due'])}），请做好换届准备并向上级党组织请示")

    return Rule(code=row.code, title=row.title, severity=row.severity, model="orgs.Organization",
                editions=(rules.local_edition(row),), check=check, describe=describe,
                measures=("term_ends_on", "election_due", "checked_on"), person_field=None, org_field="pk",
                path_field="path", group=GROUP, reads=TERM_READS,
                text=f"本地规则，适用于{row.organization.name}及其下级组织：任期届满前 {months} 个月提醒换届")


def reminder_months(path: str) -> int:
    """The lead time of the reminder that applies at `path` (the most specific active local rule), or the
    default."""
    from zugong.core.models import LocalRule

    best, months = -1, DEFAULT_REMINDER_MONTHS
    for row in LocalRule.objects.unrestricted().filter(template="term_reminder", active=True).select_related("organization"):
        p = row.organization.path
        if path.startswith(p) and len(p) > best:
            best, months = len(p), int(row.params.get("months", DEFAULT_REMINDER_MONTHS))
    return months
