"""Rules of organizational life: frequencies (三会一课, 主题党日, 组织生活会, 民主评议, 书记讲党课), the committee
meeting's quorum, 32 学时 of study a year, six months away from organizational life, follow-up of 不合格.

Each check is one set-based query. A frequency rule judges the periods of a rolling year that have ended
by the scan date (periods.ended) and finds the organization with how many of them had no meeting; the
current period only gives a reminder (`branchlife.due_now`). Frequencies that are local practice (党课 each
quarter) are local rules (`core.LocalRule`, template "meeting_frequency").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When,
)
from django.db.models.functions import Coalesce

from zugong.core import rules
from zugong.core.config import CHOICE, Param
from zugong.core.rules import ERROR, REMINDER, WARNING, Edition, Reads, Rule, register
from zugong.members.models import Membership, TransferRequest
from zugong.orgs.models import Organization

from . import periods
from .models import Absence, Grade, Meeting
from .requirements import (
    BRANCH_RULES, EDUCATION_RULES, LOCAL_KINDS, LOCAL_TEMPLATE, NATIONAL, SECRETARY_TEMPLATE, Requirement, branches,
    local_requirement, secretary_requirement,
)

STUDY_HOURS = Decimal(32)  # 党员教育管理工作条例 第二十条
ABSENT_MONTHS = 6  # 党员教育管理工作条例 第三十一条（六）

ORG_RULE = {"model": "orgs.Organization", "org_field": "pk", "path_field": "path", "person_field": None,
            "group": "组织生活"}
MEMBER_RULE = {"model": "members.Membership", "group": "组织生活"}


# ---------------------------------------------------------------- frequencies


# An organization is judged on the meetings it held.
MEETINGS_OF_ORG = (Reads("branchlife.Meeting", "organization_id"),
                   Reads("members.PostSpan", "organization_id"))  # the committee and secretary of each day
# A member is judged on the meetings of their organization and their own absences (and, for the study hours,
# their lines in the training ledger).
MEETINGS_OF_MEMBER = (Reads("branchlife.Meeting", "organization_id", "organization_id"),
                      Reads("branchlife.Absence", "membership_id"))
STUDY_OF_MEMBER = (*MEETINGS_OF_MEMBER, Reads("training.Credit", "person_id", "person_id"))


def periods_held(req: Requirement, window, outer="pk"):
    """SQL: in how many of the window's owed periods (`Requirement.owed`) the organization held a meeting the
    requirement counts (a meeting in a period not owed makes up for none)."""
    start, end = window[0][0], window[-1][1]
    bucket = Case(*[When(Q(held_on__gte=s, held_on__lt=e) & req.owed(s, e, on_meeting=True), then=Value(i))
                    for i, (s, e) in enumerate(window)], output_field=IntegerField())
    held = (
        Meeting.objects.unrestricted()
        .filter(req.meeting_q(), organization=OuterRef(outer), held_on__gte=start, held_on__lt=end)
        .order_by()
        .annotate(bucket=bucket)
        .values("organization")
        .annotate(n=Count("bucket", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(held[:1], output_field=IntegerField()), Value(0))


# Which periods are owed (one rule for every frequency, also in the compliance table and the year view): a
# period counts only when the organization existed for all of it (founded on or before its first day, not
# dissolved before its end); the committee meeting also needs a committee on its first and last day. The
# regulations set frequencies for standing organizations (支部工作条例 第十一至十三条, 党员教育管理工作条例
# 第十六至十八条) and say nothing of a part period: we do not hold a branch founded on 30 December to a year's
# 组织生活会, nor prorate a month.
OWED_TEXT = "成立（或设立支部委员会）不满一个完整周期的，该周期不计。"


def periods_required(window, req: Requirement | None = None):
    """SQL: how many of the window's periods the organization owes (`Requirement.owed`; default: existed all
    of the period)."""
    from .requirements import existed_all_of

    owed = req.owed if req is not None else existed_all_of
    terms = [Case(When(owed(s, e), then=Value(1)), default=Value(0), output_field=IntegerField())
             for s, e in window]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def frequency_check(req: Requirement):
    def check(qs, as_of):
        window = periods.ended(as_of, req.period)
        if req.path:
            qs = qs.filter(path__subtree=req.path)
        return (
            req.subjects(qs)
            .annotate(periods_required=periods_required(window, req), periods_held=periods_held(req, window))
            .annotate(periods_missed=F("periods_required") - F("periods_held"))
            .filter(periods_missed__gt=0)
            .annotate(window=Value(periods.span_label(window, req.period)))
        )

    return check


def frequency_text(req: Requirement):
    word = periods.PERIOD_WORD[req.period]

    def describe(row):
        if req.period == periods.YEAR:
            return f"{row['window']}未{req.verb}{req.noun}，应{req.every}{req.verb}"
        unit = "个月" if req.period == periods.MONTH else "个季度"
        return (f"{row['window']}有 {row['periods_missed']} {unit}未{req.verb}{req.noun}，"
                f"应{req.every}{req.verb}（共 {row['periods_required']} 个{word}）")

    return describe


def frequency_rule(req: Requirement) -> Rule:
    return Rule(
        code=req.code, title=req.title, severity=req.severity, editions=req.editions, reads=MEETINGS_OF_ORG,
        check=frequency_check(req), describe=frequency_text(req),
        measures=("periods_required", "periods_held", "periods_missed", "window"), text=req.text + OWED_TEXT,
        facts=req.facts, **ORG_RULE,
    )


for _req in NATIONAL:
    register(frequency_rule(_req))


@rules.local_template(LOCAL_TEMPLATE, title="组织生活的本地频次", params=(
    Param("kind", "会议类别", CHOICE, choices=lambda: {k: v[0] for k, v in LOCAL_KINDS.items()}),
    Param("period", "至少每", CHOICE, choices=periods.PERIOD_WORD),
))
def local_frequency_rule(row) -> Rule:
    """A frequency that is local practice, e.g. 党课 each quarter: params {"kind": "lecture", "period": "quarter"}."""
    req = local_requirement(row)
    rule = frequency_rule(req)
    rule.text = req.text + OWED_TEXT
    return rule


@rules.local_template(SECRETARY_TEMPLATE, title="党支部书记讲党课", params=(
    Param("period", "至少每", CHOICE, choices=periods.PERIOD_WORD),
))
def secretary_lecture_rule(row) -> Rule:
    """The branch secretary's lecture, local practice (the 条例 names 党委（党组）书记): params {"period": "year"}."""
    req = secretary_requirement(row)
    rule = frequency_rule(req)
    rule.text = req.text + OWED_TEXT
    return rule


# ---------------------------------------------------------------- the current period: a reminder


def _due_now_check(qs, as_of):
    annotations, missing = {}, Q()
    for req in NATIONAL:
        if req.subjects is not branches:
            continue
        if as_of.month < req.remind_from_month:
            annotations[f"due_{req.kind}"] = Value(False)
            continue
        start, end = periods.current(as_of, req.period)
        held = Meeting.objects.unrestricted().filter(req.meeting_q(), organization=OuterRef("pk"),
                                                     held_on__gte=start, held_on__lt=end)
        name = f"due_{req.kind}"
        annotations[name] = ~Exists(held)
        missing |= Q(**{name: True})
    committee_start, committee_end = periods.current(as_of, periods.MONTH)
    from .requirements import has_committee

    committee_held = Meeting.objects.unrestricted().filter(
        kind=Meeting.Kind.COMMITTEE, organization=OuterRef("pk"), held_on__gte=committee_start,
        held_on__lt=committee_end)
    annotations["due_committee"] = Case(When(has_committee(as_of) & ~Exists(committee_held), then=Value(True)),
                                        default=Value(False))
    missing |= Q(due_committee=True)
    return branches(qs).annotate(**annotations).filter(missing)


DUE_WORDS = [(req.kind, req) for req in NATIONAL if req.subjects is branches]


def _due_now_text(row) -> str:
    parts = []
    if row.get("due_committee"):
        parts.append("本月尚未召开支部委员会会议")
    for kind, req in DUE_WORDS:
        if row.get(f"due_{kind}"):
            when = {periods.MONTH: "本月", periods.QUARTER: "本季度", periods.YEAR: "今年"}[req.period]
            parts.append(f"{when}尚未{req.verb}{req.noun}")
    return "；".join(parts)


register(
    Rule(
        code="branchlife.due_now", title="本期组织生活待召开", severity=REMINDER,
        reads=MEETINGS_OF_ORG,
        editions=(Edition(BRANCH_RULES, "第十二条、第十三条、第十七条、第十八条等"),),
        check=_due_now_check, describe=_due_now_text,
        measures=("due_committee", *(f"due_{k}" for k, _ in DUE_WORDS)),
        text="当前月份、季度或年度尚未结束，尚未召开的会议作为提醒，期满仍未召开的才作为问题。"
             "组织生活会、民主评议党员和谈心谈话自第四季度起提醒。",
        **ORG_RULE,
        facts=("B3", "B4", "B5", "B8", "B9", "B10", "D1a"),
    )
)


# ---------------------------------------------------------------- committee meeting quorum


def check_quorum(qs, as_of):
    """半数以上委员到会: “以上” includes the number itself (as the Party's regulations and Chinese law count:
    以上、以下包括本数), so exactly half present is a quorum; fewer than half is not (present·2 < expected)."""
    return qs.filter(kind=Meeting.Kind.COMMITTEE, expected__gt=0).annotate(
        double_present=F("present") * 2).filter(double_present__lt=F("expected"))


register(
    Rule(
        code="branchlife.committee_quorum", facts=("B4",), title="支部委员会会议到会委员不足半数", severity=ERROR,
        model="branchlife.Meeting", editions=(Edition(BRANCH_RULES, "第十二条"),),
        check=check_quorum,
        describe=lambda row: f"支部委员会会议应到委员 {row['expected']} 人，实到 {row['present']} 人，不足半数",
        measures=("expected", "present"), event_field="held_on", person_field=None,
        text="支部委员会会议须有半数以上委员到会方能召开。“以上”包括本数：应到 4 人、实到 2 人可以召开，"
             "实到不足半数的不能召开。",
        group="组织生活",
    )
)


# ---------------------------------------------------------------- members: 32 学时, six months absent


def study_year(as_of: dt.date) -> tuple[dt.date, dt.date]:
    return periods.ended(as_of, periods.YEAR)[0]


def _movers(start: dt.date, end: dt.date, value: str, kinds: str) -> tuple[str, list]:
    """SQL joins for the members who moved branch by a received transfer after `start`: `l` (membership_id,
    since: the last arrival), `bm` and `gm` (membership_id, h: `value` over the meetings in [start, end) of the
    branches they were in on each day, and of today's party group since the last arrival). As for the meeting
    rosters (services.members_on), on a day a member was in the issuing branch of the first transfer received
    after it, or in today's branch when none was received since; a transfer clears the party group. Members
    are few who moved: these joins go per meeting, the others' per organization."""
    transfer, meeting = TransferRequest._meta.db_table, Meeting._meta.db_table
    membership = Membership._meta.db_table
    moves = (f"FROM {transfer} WHERE status = %s AND membership_id IS NOT NULL AND received_on > %s")
    moves_params = [TransferRequest.Status.RECEIVED, start]
    last = f"SELECT membership_id, MAX(received_on) AS since {moves} GROUP BY membership_id"
    stints = f"""
        SELECT membership_id, from_org_id AS org_id, received_on AS until,
               LAG(received_on) OVER (PARTITION BY membership_id ORDER BY received_on, id) AS since {moves}
        UNION ALL
        SELECT l.membership_id, ms.organization_id, NULL, l.since
        FROM ({last}) l JOIN {membership} ms ON ms.id = l.membership_id
    """
    window = "mt.held_on >= %s AND mt.held_on < %s"
    sql = f"""
        LEFT JOIN ({last}) l ON l.membership_id = m.id
        LEFT JOIN (SELECT s.membership_id, {value} AS h FROM ({stints}) s
                   JOIN {meeting} mt ON mt.organization_id = s.org_id
                   WHERE {window} AND mt.kind IN ({kinds})
                     AND (s.since IS NULL OR mt.held_on >= s.since) AND (s.until IS NULL OR mt.held_on < s.until)
                   GROUP BY s.membership_id) bm ON bm.membership_id = m.id
        LEFT JOIN (SELECT l.membership_id, {value} AS h FROM ({last}) l
                   JOIN {membership} ms ON ms.id = l.membership_id
                   JOIN {meeting} mt ON mt.organization_id = ms.party_group_id
                   WHERE {window} AND mt.kind = 'group' AND mt.held_on >= l.since
                   GROUP BY l.membership_id) gm ON gm.membership_id = m.id
    """
    return sql, [*moves_params, *moves_params, *moves_params, start, end, *moves_params, start, end]


# The meetings a member was expected at, per organization for those who stayed, per stint for those who moved.
HELD = "CASE WHEN l.membership_id IS NULL THEN COALESCE(b.{0}, 0) + COALESCE(g.{0}, 0) " \
       "ELSE COALESCE(bm.h, 0) + COALESCE(gm.h, 0) END"


def study_sql(members, start: dt.date, end: dt.date) -> tuple[str, list]:
    """SQL selecting (id, organization_id, org_path, person_id, hours) for the memberships of `members`: the
    hours of organizational life in [start, end) — the 学时 of the meetings of the branch (and the party group)
    they were in on each day, less those of the meetings they missed, rounded to the 0.1 学时 they are recorded
    in (SQLite sums them as floats: 32.3 − 0.3 must not fall short of 32) — as joins to per-organization and
    per-member sums (one pass over each table, served by covering indexes, instead of a subquery per member).
    A member's study hours are these plus their ledger lines: `training.ledger.member_hours_sql`, the one
    definition the rules and the compliance table read."""
    inner, inner_params = members.order_by().values(
        "id", "organization_id", "party_group_id", "org_path", "person_id").query.sql_with_params()
    meeting, absence = Meeting._meta.db_table, Absence._meta.db_table
    wide = ", ".join(f"'{k}'" for k in Meeting.BRANCH_WIDE)
    movers, movers_params = _movers(start, end, "SUM(CASE WHEN mt.credit_hours > 0 THEN mt.credit_hours END)", wide)
    orgs, groups, mine, only = _only(inner, inner_params)
    sql = f"""
        SELECT m.id, m.organization_id, m.org_path, m.person_id,
               ROUND({HELD.format("h")} - COALESCE(a.h, 0), 1) AS hours
        FROM ({inner}) m
        LEFT JOIN (SELECT organization_id, SUM(credit_hours) AS h FROM {meeting}
                   WHERE held_on >= %s AND held_on < %s AND credit_hours > 0 AND kind IN ({wide}){orgs}
                   GROUP BY organization_id) b ON b.organization_id = m.organization_id
        LEFT JOIN (SELECT organization_id, SUM(credit_hours) AS h FROM {meeting}
                   WHERE held_on >= %s AND held_on < %s AND credit_hours > 0 AND kind = 'group'{groups}
                   GROUP BY organization_id) g ON g.organization_id = m.party_group_id
        LEFT JOIN (SELECT membership_id, SUM(credit_hours) AS h FROM {absence}
                   WHERE held_on >= %s AND held_on < %s AND credit_hours > 0{mine}
                   GROUP BY membership_id) a ON a.membership_id = m.id
        {movers}
    """
    return sql, [*inner_params, *([start, end, *only] * 3), *movers_params]


def _only(inner: str, params) -> tuple[str, str, str, list]:
    """When a few rows are re-judged (`rules.narrow`), the per-organization and per-member sums are restricted
    to the organizations, party groups and memberships judged (else they sum the whole year's rows first)."""
    if not rules.narrow():
        return "", "", "", []
    return (f" AND organization_id IN (SELECT organization_id FROM ({inner}) ro)",
            f" AND organization_id IN (SELECT party_group_id FROM ({inner}) rg)",
            f" AND membership_id IN (SELECT id FROM ({inner}) rm)", list(params))


def _hours(value) -> Decimal:
    """A sum of 学时 as a Decimal to the 0.01 学时 the ledger credits (SQLite sums the stored values as floats)."""
    return Decimal(str(round(float(value), 2)))


def check_credit_hours(qs, as_of):
    from zugong.training.ledger import member_hours_sql  # the one definition of a member's study hours

    start, end = study_year(as_of)
    members = qs.active().filter(joined_on__lt=start)
    sql, params = member_hours_sql(members, start, end)
    rows = rules.sql_rows(
        f"SELECT s.id AS pk, s.organization_id, s.org_path, s.person_id, s.hours AS credit_hours "
        f"FROM ({sql}) s WHERE s.hours < %s", [*params, float(STUDY_HOURS)])
    for row in rows:
        row["credit_hours"] = _hours(row["credit_hours"])
        row["study_year"] = start.year
    return rows


register(
    Rule(
        code="branchlife.study_hours", title="党员年度集中学习培训不足 32 学时", severity=WARNING,
        reads=STUDY_OF_MEMBER,
        editions=(Edition(EDUCATION_RULES, "第二十条"),),
        check=check_credit_hours,
        describe=lambda row: (f"{row['study_year']}年参加集中学习培训 {row['credit_hours'].normalize():f} 学时，"
                              f"不足 32 学时"),
        measures=("credit_hours", "study_year"),
        text="党员每年参加集中学习培训累计一般不少于 32 学时（含党课、主题党日等集中学习和党校、网络培训）。",
        **MEMBER_RULE,
        facts=("D5",),
    )
)


def absence_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    months = periods.ended(as_of, periods.MONTH, ABSENT_MONTHS)
    return months[0][0], months[-1][1]


def absent_sql(members, start: dt.date, end: dt.date) -> tuple[str, list]:
    """SQL selecting the memberships of `members` who in [start, end) missed every meeting of organizational
    life held by the branch (and party group) they were in on the day, at least one, and gave no reason for
    any — (pk, organization_id, org_path, person_id, meetings_held, meetings_missed) — as per-member and
    per-organization counts joined, one pass over each table."""
    inner, inner_params = members.order_by().values(
        "id", "organization_id", "party_group_id", "org_path", "person_id").query.sql_with_params()
    meeting, absence = Meeting._meta.db_table, Absence._meta.db_table
    life = ", ".join(f"'{k}'" for k in Meeting.LIFE_KINDS)
    wide = ", ".join(f"'{k}'" for k in Meeting.BRANCH_WIDE)
    movers, movers_params = _movers(start, end, "COUNT(*)", wide)
    held = HELD.format("n")
    orgs, groups, mine, only = _only(inner, inner_params)
    sql = f"""
        SELECT m.id AS pk, m.organization_id, m.org_path, m.person_id,
               {held} AS meetings_held, x.n AS meetings_missed
        FROM ({inner}) m
        JOIN (SELECT membership_id, COUNT(*) AS n FROM {absence}
              WHERE held_on >= %s AND held_on < %s AND reason = '' AND kind IN ({life}){mine}
              GROUP BY membership_id) x ON x.membership_id = m.id
        LEFT JOIN (SELECT organization_id, COUNT(*) AS n FROM {meeting}
                   WHERE held_on >= %s AND held_on < %s AND kind IN ({wide}){orgs}
                   GROUP BY organization_id) b ON b.organization_id = m.organization_id
        LEFT JOIN (SELECT organization_id, COUNT(*) AS n FROM {meeting}
                   WHERE held_on >= %s AND held_on < %s AND kind = 'group'{groups}
                   GROUP BY organization_id) g ON g.organization_id = m.party_group_id
        {movers}
        WHERE x.n >= {held}
          AND NOT EXISTS (SELECT 1 FROM {absence} e WHERE e.membership_id = m.id AND e.held_on >= %s
                          AND e.held_on < %s AND e.kind IN ({life}) AND e.reason <> '')
    """
    return sql, [*inner_params, *([start, end, *only] * 3), *movers_params, start, end]


def check_absent(qs, as_of):
    start, end = absence_window(as_of)
    members = qs.active().filter(joined_on__lt=start)
    rows = rules.sql_rows(*absent_sql(members, start, end))
    window = periods.span_label(periods.ended(as_of, periods.MONTH, ABSENT_MONTHS), periods.MONTH)
    for row in rows:
        row["window"] = window
    return rows


register(
    Rule(
        code="branchlife.absent_six_months", title="连续 6 个月不参加党的组织生活", severity=WARNING,
        reads=MEETINGS_OF_MEMBER,
        editions=(Edition(EDUCATION_RULES, "第三十一条（六）"),),
        check=check_absent,
        describe=lambda row: (f"{row['window']}党组织召开组织生活 {row['meetings_held']} 次，均未参加，"
                              f"未登记缺席理由"),
        measures=("meetings_held", "meetings_missed", "window"),
        text="党员无正当理由连续 6 个月不参加党的组织生活的，按自行脱党予以除名。缺席理由应登记在案。",
        **MEMBER_RULE,
        facts=("D10",),
    )
)


# ---------------------------------------------------------------- democratic appraisal


def check_unqualified_followup(qs, as_of):
    return qs.filter(grade=Grade.UNQUALIFIED, followup="").annotate(
        appraisal_year=F("appraisal__year"), organization_id=F("appraisal__organization_id"),
        person_id=F("membership__person_id"))


register(
    Rule(
        code="branchlife.unqualified_followup", title="评定为不合格党员未作处置", severity=WARNING,
        model="branchlife.AppraisalResult",
        editions=(Edition(EDUCATION_RULES, "第十八条、第三十条"),),
        check=check_unqualified_followup,
        describe=lambda row: f"{row['appraisal_year']}年度民主评议评定为不合格，未登记处置方式（限期改正、劝其退党或除名）",
        measures=("appraisal_year",), group="组织生活",
        text="民主评议中评定为不合格的党员，应当根据情况限期改正（期限不超过 1 年）、劝其退党或者予以除名。",
        facts=("D3", "D9"),
    )
)


# ---------------------------------------------------------------- organization set-up by size; dual life

ORGAN_RULES = "《中国共产党党和国家机关基层组织工作条例》"
ELECTION_RULES = "《中国共产党基层组织选举工作条例》"
# 50–100 members → a general branch (第六条): `members.branch_too_large` says so (one finding, not two).
COMMITTEE_FROM = 100  # 100 members or more (以上 includes the number: 党和国家机关基层组织工作条例 第五条)
CONGRESS_FROM = 500  # 500 members or more may hold a 党员代表大会 (选举工作条例 第四条)
CONGRESS_LEAD_MONTHS = 6  # reminded when the term ends within this many months (or is overdue)
SETUP_RULE = {**ORG_RULE, "group": "组织设置"}
ACTIVE_HERE = Q(transferred_out_on__isnull=True, status__in=Membership.ACTIVE_STATUSES)


def _branch_members(qs):
    return branches(qs).annotate(members=Count("memberships", filter=Q(
        memberships__transferred_out_on__isnull=True, memberships__status__in=Membership.ACTIVE_STATUSES)))


def check_committee_size(qs, as_of):
    return _branch_members(qs).filter(members__gte=COMMITTEE_FROM)


ORG_MEMBERS = (Reads("members.Membership", "organization_id"),)

register(
    Rule(
        code="branchlife.branch_should_be_committee", facts=("B14",), title="党支部党员 100 人以上，应设立基层党委",
        severity=WARNING, reads=ORG_MEMBERS, editions=(Edition(ORGAN_RULES, "第五条", "2019年"),),
        check=check_committee_size,
        describe=lambda row: f"党支部有党员 {row['members']} 名，达到 {COMMITTEE_FROM} 名，"
                             f"应经上级党组织批准设立党的基层委员会",
        measures=("members",),
        text="党员人数 100 人以上的，一般设立党的基层委员会。党员人数包括预备党员。",
        **SETUP_RULE,
    )
)


def check_joint_branch_units(qs, as_of):
    """Joint branches with more than 5 units attached (orgs.Unit placed at the branch's path)."""
    from django.db.models.functions import Coalesce

    from zugong.orgs.models import Unit

    units = (Unit.objects.unrestricted().filter(org_path=OuterRef("path")).order_by().values("org_path")
             .annotate(n=Count("id")).values("n"))
    return (branches(qs).filter(is_joint=True)
            .annotate(units=Coalesce(Subquery(units[:1], output_field=IntegerField()), Value(0)))
            .filter(units__gt=JOINT_MAX_UNITS))


JOINT_MAX_UNITS = 5  # 支部工作条例 第二章 (article not verified)

register(
    Rule(
        code="branchlife.joint_branch_units", facts=("B2",), title="联合党支部覆盖单位超过 5 个", severity=WARNING,
        reads=(Reads("orgs.Unit", "org_path", "path"),),
        editions=(Edition(BRANCH_RULES, "第二章，条款号待核", "2018年"),),
        check=check_joint_branch_units,
        describe=lambda row: f"联合党支部覆盖单位 {row['units']} 个，超过 {JOINT_MAX_UNITS} 个",
        measures=("units",),
        text="正式党员不足 3 人的单位，可以与邻近单位建立联合党支部，联合党支部覆盖单位一般不超过 5 个。"
             "以挂在该党支部下的单位计数。",
        **SETUP_RULE,
    )
)


def check_congress(qs, as_of):
    """Committees of 500 members or more whose term ends within six months (or has ended): a reminder that
    the election may be held by a 党员代表大会 (with the higher committee's approval).

    Province scale: the subtree is an index range on `org_path` (never LIKE on a column: a scan per committee,
    20 minutes), and "500 or more" is an EXISTS of the 500th member, so a large subtree is not counted in full
    unless it passes; only the committees that pass are counted for the text."""
    from django.db.models.functions import Concat

    from zugong.core.dates import add_months
    from zugong.core.scope import PATH_MAX

    upper = Concat(OuterRef("path"), Value("Z" * PATH_MAX), output_field=CharField())
    subtree = Membership.objects.unrestricted().filter(ACTIVE_HERE, org_path__gte=OuterRef("path"),
                                                       org_path__lte=upper)
    members = subtree.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("id")).values("n")
    return (qs.filter(kind=Organization.Kind.COMMITTEE, status=Organization.Status.ACTIVE,
                      term_ends_on__isnull=False, term_ends_on__lte=add_months(as_of, CONGRESS_LEAD_MONTHS))
            .filter(Exists(subtree.order_by().values("pk")[CONGRESS_FROM - 1:CONGRESS_FROM]))
            .annotate(members=Coalesce(Subquery(members[:1], output_field=IntegerField()), Value(0))))


register(
    Rule(
        code="branchlife.congress_possible", facts=("C6",), title="党员 500 人以上的基层党委换届可召开党员代表大会",
        severity=REMINDER,  # the nightly scan: members anywhere in the subtree count
        editions=(Edition(ELECTION_RULES, "第四条", "2020年"),),
        check=check_congress,
        describe=lambda row: (f"党员 {row['members']} 名，本届任期 {row['term_ends_on']:%Y年%m月%d日}届满；"
                              f"换届可以经上级党组织批准召开党员代表大会选举"),
        measures=("members", "term_ends_on"),
        text="党员人数在 500 人以上或者所辖党组织驻地分散的基层党委，经上级党组织批准，可以召开党员代表大会进行选举。"
             "任期届满前 6 个月起提醒（“可以”：不是必须）。",
        **SETUP_RULE,
    )
)


def check_dual_life(qs, as_of):
    """Leading cadres (an active cadre record) who are members and missed, without a reason, every 组织生活会
    their branch held in the last ended year (their branch as today; at least one held)."""
    from zugong.cadres.models import Cadre

    start, end = study_year(as_of)
    life = Meeting.Kind.LIFE_MEETING
    held = (Meeting.objects.unrestricted().filter(organization=OuterRef("organization"), kind=life,
                                                   held_on__gte=start, held_on__lt=end)
            .order_by().annotate(one=Value(1)).values("one").annotate(n=Count("id")).values("n"))
    missed = (Absence.objects.unrestricted().filter(membership=OuterRef("pk"), kind=life, reason="",
                                                   held_on__gte=start, held_on__lt=end)
              .order_by().annotate(one=Value(1)).values("one").annotate(n=Count("id")).values("n"))
    cadre = Cadre.objects.unrestricted().filter(person=OuterRef("person"), status=Cadre.Status.ACTIVE)
    return (qs.active().filter(Exists(cadre), joined_on__lt=start)
            .annotate(meetings_held=Coalesce(Subquery(held[:1], output_field=IntegerField()), Value(0)),
                      meetings_missed=Coalesce(Subquery(missed[:1], output_field=IntegerField()), Value(0)))
            .filter(meetings_held__gt=0, meetings_missed__gte=F("meetings_held"))
            .annotate(study_year=Value(start.year)))


register(
    Rule(
        code="branchlife.cadre_dual_life", facts=("D1b",), title="党员领导干部未参加所在党支部组织生活会", severity=WARNING,
        reads=(*MEETINGS_OF_MEMBER, Reads("cadres.Cadre", "person_id", "person_id")),
        editions=(Edition(EDUCATION_RULES, "第十六条"),),
        check=check_dual_life,
        describe=lambda row: (f"{row['study_year']}年所在党支部召开组织生活会 {row['meetings_held']} 次，"
                              f"均未参加，未登记缺席理由"),
        measures=("meetings_held", "meetings_missed", "study_year"),
        text="党员领导干部应当参加双重组织生活，以普通党员身份参加所在党支部（党小组）的组织生活会。"
             "以干部信息中在职的干部、所在党支部上一年度组织生活会的缺席登记为准。",
        **MEMBER_RULE,
    )
)
