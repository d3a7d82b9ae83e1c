"""What pages, the API and the 工作台 read of the training requirements: one person's standing, the shortfalls
of a subtree. Both run the same evaluators as the rules (`requirements_eval`), over one person or a subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from zugong.branchlife.rules import STUDY_HOURS

from . import requirements_eval as ev
from .ledger import member_hours_sql
from .models import Credit, CreditKind

MEMBER_CODE = "branchlife.study_hours"
MEMBER_TITLE = "党员每年参加集中学习培训不少于 32 学时"
MEMBER_CITATION = "《中国共产党党员教育管理工作条例》第二十条"


@dataclass
class Standing:
    code: str
    title: str
    required: Decimal
    credited: Decimal
    shortfall: Decimal
    period: str
    citation: str
    unit: str = "学时"
    met: bool = False
    note: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def as_api(self) -> dict:
        return {"code": self.code, "required": float(self.required), "credited": float(self.credited),
                "shortfall": float(self.shortfall), "period": self.period}


def _as_of(year: int | None, today: dt.date | None = None) -> tuple[int, dt.date]:
    today = today or timezone.localdate()
    year = year or today.year
    return year, min(today, dt.date(year, 12, 31))


def _qs_for(req: ev.Requirement, person):
    qs = ev.judged_queryset(req)
    if req.model == "members.PostSpan":
        return qs.filter(membership__person=person)
    return qs.filter(person=person)


def _note(req: ev.Requirement, row: dict) -> str:
    if req.template == ev.CADRE_CYCLE:
        text = f"或 {ev.num(row['required_days'])} 天，已参加 {ev.num(row['days'])} 天"
        if row.get("in_grace"):
            text += f"；提拔任职后应于 {row['due']:%Y-%m-%d} 前达到"
        return text
    if req.template == ev.CADRE_YEAR:
        return f"或 {ev.num(row['required_days'])} 天，已参加 {ev.num(row['days'])} 天"
    if req.template == ev.COMMITTEE:
        return f"其中集中培训至少 {row['required_trainings']} 次，已参加 {row['trainings']} 次"
    if req.template in (ev.NEW_SECRETARY, ev.PROBATIONARY):
        return f"应于 {row['end']:%Y-%m-%d} 前参加" + ("（尚未到期）" if row.get("pending") else "")
    return ""


def standing(person, as_of: dt.date | None = None, *, year: int | None = None) -> list[Standing]:
    """Each requirement that applies to `person` with the credited hours: the yearly ones for `year` (default:
    the year of `as_of`) up to `as_of`, the 5-year one for the window ending on `as_of` (the year's last day for a
    past year), the new-secretary and probationary ones for the person's posts and admission. One query per
    requirement."""
    year, as_of = _as_of(year or (as_of.year if as_of else None), as_of)
    out: list[Standing] = []
    for req in ev.requirements():
        period_day = ev.year_period(year, as_of).end if req.yearly else as_of
        if not ev.in_force(req, period_day):
            continue
        rows = ev.evaluate(req, _qs_for(req, person), as_of, year=year, short_only=False)
        for row in rows:
            count = req.template in (ev.NEW_SECRETARY, ev.PROBATIONARY)
            out.append(Standing(
                code=req.code, title=req.title, required=row["required"], credited=row["credited"],
                shortfall=Decimal(0) if row.get("met") else row["shortfall"], period=row["period"],
                citation=req.citation, unit="次" if count else "学时", met=bool(row.get("met")),
                note=_note(req, row), start=row["start"], end=row["end"]))
    member = member_standing(person, year, as_of)
    if member is not None:
        out.insert(0, member)
    return out


def member_standing(person, year: int, as_of: dt.date) -> Standing | None:
    """The national 32 学时 (`branchlife.study_hours`, 第二十条): the hours of `member_hours_sql`."""
    from zugong.core import rules
    from zugong.members.models import Membership

    members = Membership.objects.unrestricted().active().filter(person=person)
    period = ev.year_period(year, as_of)
    sql, params = member_hours_sql(members, period.start, period.stop)
    rows = rules.sql_rows(sql, params)
    if not rows:
        return None
    credited = Decimal(str(round(float(rows[0]["hours"] or 0), 2))).normalize() + Decimal("0.00")
    return Standing(code=MEMBER_CODE, title=MEMBER_TITLE, required=STUDY_HOURS, credited=credited,
                    shortfall=max(STUDY_HOURS - credited, Decimal(0)), period=period.label,
                    citation=MEMBER_CITATION, met=credited >= STUDY_HOURS, start=period.start, end=period.end)


def by_type(person, year: int) -> tuple[Decimal, dict[str, Decimal]]:
    """The person's ledger hours of a year: the total and by type (as recorded on the lines)."""
    rows = (Credit.objects.unrestricted().filter(person=person, year=year).order_by().values("kind")
            .annotate(h=Sum("hours")))
    found = {r["kind"]: Decimal(str(r["h"] or 0)) for r in rows}
    out = {str(k): found.get(str(k), Decimal(0)) for k in CreditKind}
    return sum(out.values(), Decimal(0)), out


# ---------------------------------------------------------------- shortfalls of a subtree


@dataclass
class Shortfall:
    code: str
    title: str
    person_id: int
    organization_id: int
    credited: Decimal
    required: Decimal
    shortfall: Decimal
    period: str
    citation: str
    detail: str


def shortfalls(root_path: str, *, as_of: dt.date | None = None, year: int | None = None,
               codes: list[str] | None = None) -> list[Shortfall]:
    """The people of a subtree short of each requirement (one evaluator query per requirement over the
    subtree), for the yearly ones in `year` (default: this year so far)."""
    from .rules.requirements import TEXTS

    year, as_of = _as_of(year, as_of)
    out = []
    for req in ev.requirements():
        if codes and req.code not in codes:
            continue
        period_day = ev.year_period(year, as_of).end if req.yearly else as_of
        if not ev.in_force(req, period_day):
            continue
        qs = ev.judged_queryset(req).filter(org_path__subtree=root_path) if root_path else ev.judged_queryset(req)
        for row in ev.evaluate(req, qs, as_of, year=year, short_only=True):
            if row.get("in_grace"):
                continue
            out.append(Shortfall(req.code, req.title, row["person_id"], row["organization_id"], row["credited"],
                                 row["required"], row["shortfall"], row["period"], req.citation,
                                 TEXTS[req.template](row)))
    return out


# ---------------------------------------------------------------- the 工作台


def members_short(members, today: dt.date, limit: int):
    """(count, [(membership, hours)…] fewest first, at most `limit`) of the members of `members` (a scoped
    queryset) short of 32 学时 in the last whole year, among those who joined before it (as the rule judges)."""
    from zugong.core import rules
    from zugong.members.models import Membership

    period = ev.year_period(ev.judged_year(today))
    sql, params = member_hours_sql(members.filter(joined_on__lt=period.start), period.start, period.stop)
    rows = rules.sql_rows(f"SELECT s.id, s.hours FROM ({sql}) s WHERE s.hours < %s ORDER BY s.hours, s.id",
                          [*params, float(STUDY_HOURS)])
    first = rows[:limit]
    by_pk = Membership.objects.unrestricted().select_related("person").in_bulk([r["id"] for r in first])
    return len(rows), [(by_pk[r["id"]], Decimal(str(round(float(r["hours"] or 0), 1)))) for r in first]
