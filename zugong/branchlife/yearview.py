"""A branch's year at a glance: per requirement (and per party group), each month, quarter or year with what
was held and what is due; and, for a committee's subtree, the roll-up of the compliance table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from zugong.orgs.models import Organization

from . import periods
from .models import ComplianceStat, Meeting
from .requirements import Requirement, all_requirements

MONTHS = list(range(1, 13))


@dataclass
class Cell:
    start: dt.date
    end: dt.date
    span: int  # months
    held: int
    state: str  # held, missed, due, future, before (the organization did not exist yet)

    @property
    def label(self) -> str:
        wide = self.span > 1
        return {"held": f"✓{self.held}" if self.held > 1 else "✓", "missed": "✗ 未开" if wide else "✗",
                "due": "待开" if wide else "待", "future": "", "none": "", "before": "—"}[self.state]


@dataclass
class Row:
    title: str
    every: str
    cells: list[Cell] = field(default_factory=list)
    org: Organization | None = None
    required: bool = True

    @property
    def missed(self) -> int:
        return sum(c.state == "missed" for c in self.cells)


def applies(req: Requirement, org: Organization) -> bool:
    if req.path and not org.path.startswith(req.path):
        return False
    return req.subjects(Organization.objects.unrestricted().filter(pk=org.pk)).exists()


def _cells(req_period: str, year: int, as_of: dt.date, founded: dt.date | None, counts) -> list[Cell]:
    out = []
    for start, end in periods.between(dt.date(year, 1, 1), dt.date(year, 12, 31), req_period):
        held = counts(start, end)
        if founded and start < founded:  # not in existence all of the period: not owed (rules.OWED_TEXT)
            state = "held" if held else "before"
        elif held:
            state = "held"
        elif end <= as_of:
            state = "missed"
        elif start <= as_of:
            state = "due"
        else:
            state = "future"
        out.append(Cell(start, end, periods.MONTHS[req_period], held, state))
    return out


def year_rows(org: Organization, meetings: list[Meeting], year: int, as_of: dt.date) -> list[Row]:
    """Rows for a branch (or a party group): one per requirement that applies, then each party group, then
    the kinds held without a requirement (talks; lectures where no local rule asks for them)."""
    rows = []
    covered = set()

    def counter(org_id, predicate):
        def counts(start, end):
            return sum(1 for m in meetings if m.organization_id == org_id and start <= m.held_on < end and predicate(m))
        return counts

    secretaries = None
    for req in all_requirements():
        if req.kind == Meeting.Kind.GROUP or not applies(req, org):
            continue
        if req.kind in ("secretary_lecture", "committee_lecture"):
            if secretaries is None:  # who was secretary when (the post history): a lecture counts by its day
                from zugong.members.models import Membership, PostSpan

                secretaries = list(PostSpan.objects.unrestricted().filter(
                    organization=org, post=Membership.CommitteePost.SECRETARY).values_list(
                    "membership__person_id", "started_on", "ended_on"))
            predicate = (lambda m, s=secretaries: m.kind == Meeting.Kind.LECTURE and any(
                p == m.host_person_id and a <= m.held_on and (b is None or m.held_on < b) for p, a, b in s))
        else:
            predicate = (lambda m, k=req.kind: m.kind == k)
            covered.add(req.kind)
        rows.append(Row(req.noun, req.every,
                        _cells(req.period, year, as_of, org.founded_on, counter(org.pk, predicate)), org))
    groups = Organization.objects.unrestricted().filter(path__subtree=org.path, kind=Organization.Kind.PARTY_GROUP,
                                                        status=Organization.Status.ACTIVE).exclude(pk=org.pk)
    group_req = next(r for r in all_requirements() if r.kind == Meeting.Kind.GROUP)
    targets = [org] if org.kind == Organization.Kind.PARTY_GROUP else list(groups)
    for g in targets:
        required = applies(group_req, g)
        rows.append(Row(f"党小组会（{g.display_name}）", "每月" if required else "", _cells(
            periods.MONTH, year, as_of, g.founded_on, counter(g.pk, lambda m: m.kind == Meeting.Kind.GROUP)), g,
            required))
    for kind in (Meeting.Kind.LECTURE, Meeting.Kind.TALK):
        if kind not in covered and org.kind != Organization.Kind.PARTY_GROUP:
            rows.append(Row(Meeting.Kind(kind).label, "", _cells(
                periods.MONTH, year, as_of, None, counter(org.pk, lambda m, k=kind: m.kind == k)), org, False))
    for row in rows:
        if not row.required:
            for c in row.cells:
                if c.state in ("missed", "due"):
                    c.state = "future" if c.state == "due" else "none"
    return rows


def subtree_summary(qs, year: int) -> list[dict]:
    """The compliance table rolled up for a subtree and a year: per kind, periods required / met / not met
    (ended periods only) and the organizations with at least one period not met."""
    from .requirements import NATIONAL

    names = {r.kind: r.noun for r in NATIONAL} | {"lecture": "党课", "study": "党员学习满 32 学时",
                                                 "secretary_lecture": "书记讲党课", "committee_lecture": "党委书记讲党课"}
    rows = (
        qs.filter(period_start__year=year, current=False)
        .values("kind")
        .annotate(periods=Count("id"), met=Count("id", filter=Q(compliant=True)),
                  orgs_short=Count("organization", filter=Q(compliant=False), distinct=True),
                  needed=Sum("needed"), held=Sum("held"))
        .order_by("kind")
    )
    out = []
    for r in rows:
        r["name"] = names.get(r["kind"], r["kind"])
        r["rate"] = round(100 * r["met"] / r["periods"], 1) if r["periods"] else None
        out.append(r)
    return out


CSTAT = ComplianceStat


def weakest(qs, year: int, limit: int = 50) -> list[dict]:
    """The organizations of a subtree with the most ended periods not met in a year (from the compliance
    table), for the committee's follow-up."""
    return list(
        qs.filter(period_start__year=year, current=False, compliant=False)
        .values("organization_id", "organization__name", "organization__code")
        .annotate(short=Count("id"))
        .order_by("-short", "organization__code")[:limit]
    )
