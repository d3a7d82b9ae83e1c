"""The 工作台's to-dos: plain functions, each one cheap at province scale (a count, a GROUP BY, a LIMIT; never a
Python loop over rows of a subtree), each item linking to the page where it is done. `views.home` only puts
them together. Everything is read through `.visible_to(user)` or the domains' selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from zugong.appointments import deadlines as appointment_deadlines
from zugong.appointments.models import SelectionCase
from zugong.appointments.steps import STAGES as SELECTION_STAGES
from zugong.branchlife import selectors as branchlife
from zugong.core import deadlines, rules, scope
from zugong.core.models import Finding, Job, LocalRule
from zugong.members import dues
from zugong.members import selectors as members
from zugong.members.models import Membership, TransferRequest
from zugong.orgs.models import Organization
from zugong.recruitment import deadlines as recruitment_deadlines
from zugong.recruitment.models import Case
from zugong.recruitment.steps import STAGES as RECRUITMENT_STAGES

DAYS = 30  # deadlines due within this many days (and the overdue ones)
PER_KIND = 5  # deadlines shown per kind
LIMIT = 5  # rows shown in a card
RULES_SHOWN = 15  # rules listed with their open findings

# A grant on an organization of these kinds makes a user a branch's user (支部书记): the 工作台 adds the
# branch's month (meetings, dues, study hours, recruitment).
BRANCH_KINDS = (Organization.Kind.GENERAL_BRANCH, Organization.Kind.BRANCH, Organization.Kind.PARTY_GROUP)


# ---------------------------------------------------------------- deadlines (core.deadlines)


@dataclass
class DeadlineGroup:
    kind: str
    label: str
    items: list = field(default_factory=list)
    more: list = field(default_factory=list)  # (label, url) of the pages listing all, when there are more

    @property
    def overdue(self) -> int:
        return sum(d.overdue for d in self.items)


def deadline_groups(user, today: dt.date) -> list[DeadlineGroup]:
    """The deadlines due within `DAYS` days and the overdue ones, by kind, earliest first: at most `PER_KIND`
    a kind (one LIMITed query or a few per provider)."""
    groups: dict[str, DeadlineGroup] = {}
    sources: dict[str, list] = {}
    for source, items, has_more in deadlines.by_source(user, today + dt.timedelta(days=DAYS), limit=PER_KIND):
        if items:
            groups.setdefault(source.kind, DeadlineGroup(source.kind, deadlines.kinds()[source.kind]))
            sources.setdefault(source.kind, []).append((source, items, has_more))
    for kind, group in groups.items():
        every = sorted((d for _s, items, _m in sources[kind] for d in items), key=lambda d: (d.due, d.title))
        group.items = every[:PER_KIND]
        shown = {d.key for d in group.items}
        for source, items, has_more in sources[kind]:  # a page listing all, for a provider not wholly shown
            if (has_more or any(d.key not in shown for d in items)) and source.more:
                link = _more_link(source.more)
                if link not in group.more:
                    group.more.append(link)
    return sorted(groups.values(), key=lambda g: g.items[0].due)


MORE_LABELS = {
    "elections:terms": "换届", "recruitment:deadlines": "发展党员到期事项", "recruitment:list": "发展党员",
    "appointments:notices": "任前公示", "appointments:list": "选拔任用", "dispatch:list": "干部选派",
    "dispatch:reports": "选派工作报告", "weakorgs:cases": "软弱涣散整顿", "members:roster": "党员",
}


def _more_link(more: str) -> tuple[str, str]:
    name, _, query = more.partition("?")
    return MORE_LABELS.get(name, "全部"), reverse(name) + (f"?{query}" if query else "")


# ---------------------------------------------------------------- findings


@dataclass
class RuleCount:
    code: str
    title: str
    severity: str
    count: int

    @property
    def url(self) -> str:
        return f"{reverse('workbench:findings')}?rule={self.code}"

    @property
    def severity_label(self) -> str:
        return rules.SEVERITY_LABELS.get(self.severity, self.severity)


def findings_by_rule(user) -> tuple[list[RuleCount], int, int]:
    """Open findings of the user's subtrees grouped by rule (most first, at most `RULES_SHOWN` rules), the
    total of open findings and the number of rules with any. One GROUP BY."""
    grouped = list(Finding.objects.visible_to(user).open().order_by().values("rule", "severity")
                   .annotate(n=Count("pk")).order_by("-n", "rule"))
    total = sum(r["n"] for r in grouped)
    shown = grouped[:RULES_SHOWN]
    local = {code: title for code, title in LocalRule.objects.visible_to(user).filter(
        code__in=[r["rule"] for r in shown if r["rule"] not in rules.RULES]).values_list("code", "title")}
    rows = [RuleCount(r["rule"], rules.RULES[r["rule"]].title if r["rule"] in rules.RULES
                      else local.get(r["rule"], r["rule"]), r["severity"], r["n"]) for r in shown]
    return rows, total, len(grouped)


# ---------------------------------------------------------------- transfers, cases, 公示, jobs


def transfers_waiting(user) -> tuple[int, list[TransferRequest]]:
    """Transfers waiting for a confirmation the user may give (issuing or receiving side)."""
    qs = members.awaiting(TransferRequest.objects.visible_to(user), user)
    count = qs.count()
    return count, list(qs.select_related("from_org", "to_org").order_by("requested_on", "pk")[:LIMIT]) if count else []


@dataclass
class CaseStage:
    label: str
    count: int
    url: str


def cases_waiting(user) -> list[tuple[str, str, list[CaseStage]]]:
    """Running cases, by the stage whose next step they wait for: (title, list url, stages). One GROUP BY
    per case kind."""
    out = []
    recruitment = reverse("recruitment:list")
    rows = (Case.objects.visible_to(user).filter(status=Case.Status.ACTIVE).order_by().values("stage")
            .annotate(n=Count("pk")).order_by("stage"))
    stages = [CaseStage(RECRUITMENT_STAGES.get(r["stage"], ""), r["n"],
                        f"{recruitment}?status=active&stage={r['stage']}") for r in rows]
    if stages:
        out.append(("发展党员", f"{recruitment}?status=active", stages))
    selection = reverse("appointments:list")
    rows = (SelectionCase.objects.visible_to(user).filter(status=SelectionCase.Status.ACTIVE).order_by()
            .values("stage").annotate(n=Count("pk")).order_by("stage"))
    stages = [CaseStage(SELECTION_STAGES.get(r["stage"], ""), r["n"],
                        f"{selection}?status=active&stage={r['stage']}") for r in rows]
    probation = SelectionCase.objects.visible_to(user).filter(status=SelectionCase.Status.PROBATION).count()
    if probation:
        stages.append(CaseStage("试用期", probation, f"{selection}?status=probation"))
    if stages:
        out.append(("选拔任用", f"{selection}?status=active", stages))
    return out


@dataclass
class Notice:
    title: str
    what: str
    start: dt.date
    end: dt.date
    url: str


def under_notice(user, today: dt.date) -> tuple[int, list[Notice]]:
    """Items whose 公示 runs today: recruitment's two notices and the 任前公示 of appointments (counts and the
    first few ending soonest)."""
    cases = recruitment_deadlines.notices_running(Case.objects.visible_to(user), today)
    selections = appointment_deadlines.notices_running(SelectionCase.objects.visible_to(user), today)
    count = cases.count() + selections.count()
    items = []
    for c in cases.select_related("person").order_by("pk")[:LIMIT]:
        candidate = bool(c.candidate_public_notice_start and c.candidate_public_notice_start <= today
                         <= c.candidate_public_notice_end)
        start, end = ((c.candidate_public_notice_start, c.candidate_public_notice_end) if candidate else
                      (c.admission_public_notice_start, c.admission_public_notice_end))
        items.append(Notice(c.person.name, "发展对象公示" if candidate else "拟接收预备党员公示", start, end,
                            reverse("recruitment:detail", args=[c.pk])))
    for s in selections.select_related("cadre").order_by("public_notice_end", "pk")[:LIMIT]:
        items.append(Notice(f"{s.cadre.name}（拟任{s.title}）", "任前公示", s.public_notice_start,
                            s.public_notice_end, reverse("appointments:detail", args=[s.pk])))
    items.sort(key=lambda n: (n.end, n.title))
    return count, items[:LIMIT]


def my_jobs(user) -> tuple[list[Job], list[Job]]:
    """The user's imports, exports and scans: those queued or running, and the last few finished."""
    mine = Job.objects.visible_to(user).filter(user=user)
    running = list(mine.filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING)).order_by("-pk")[:LIMIT])
    finished = list(mine.filter(status__in=(Job.Status.DONE, Job.Status.FAILED)).order_by("-pk")[:3])
    return running, finished


# ---------------------------------------------------------------- a branch's month (支部书记)


def branch_orgs(user) -> list[Organization]:
    """The branches (党支部, 党总支, 党小组) the user holds a grant on: a branch secretary's 工作台 adds their
    month. A user with a grant on a committee gets none (their branches are too many to list)."""
    paths = [p for p, _role in scope.grants_of(user)]
    if not paths:
        return []
    return list(Organization.objects.visible_to(user).filter(path__in=paths, kind__in=BRANCH_KINDS,
                                                             status=Organization.Status.ACTIVE).order_by("path"))


def meetings_due(branches: list[Organization], today: dt.date) -> list:
    """This period's meetings the branches have not held yet (this month's 主题党日, this quarter's 党员大会 …),
    each linking to the page that records one."""
    out = branchlife.meetings_due(branches, today)
    record = reverse("branchlife:record")
    return [(m, f"{record}?org={m.organization.pk}&kind={m.record_kind}") for m in out]


def arrears(user, branches: list[Organization], today: dt.date) -> tuple[int, list]:
    """Members of the branches who owe dues (at least one month unpaid), most months first."""
    qs = Membership.objects.visible_to(user).active().filter(organization__in=branches)
    qs = dues.with_arrears(qs, today).filter(unpaid_months__gte=1)
    count = qs.count()
    rows = list(qs.select_related("person").order_by("-unpaid_months", "pk")[:LIMIT]) if count else []
    return count, rows


def study_hours_short(user, branches: list[Organization], today: dt.date):
    """Members of the branches short of their 32 学时 (学时不足) in the last whole year — the year the national
    rule `branchlife.study_hours` judges (early in a year, this year's hours so far would list nearly everyone):
    (count, the first `LIMIT` rows as (membership, hours), fewest hours first). The hours are the one definition,
    `training.ledger.member_hours_sql`, over the branches' members who joined before the year (one query)."""
    from zugong.training.requirements_selectors import members_short

    if not branches:
        return None
    members = Membership.objects.visible_to(user).active().filter(organization__in=branches)
    return members_short(members, today, LIMIT)


def branch_cases(user, branches: list[Organization]) -> tuple[int, list[Case]]:
    """The branches' running recruitment cases (发展党员), earliest application first."""
    qs = Case.objects.visible_to(user).filter(status=Case.Status.ACTIVE, organization__in=branches)
    count = qs.count()
    rows = list(qs.select_related("person").order_by("applied_on", "pk")[:10]) if count else []
    return count, rows
