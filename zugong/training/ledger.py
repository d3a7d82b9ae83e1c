"""The hours ledger (学时台账): the one way hours are credited and the one definition of a person's hours.

INTERFACE (every area uses only these names; the ledger area owns this module and may change the bodies, not
the signatures):

- `Line(person_id, on, kind, quantity, unit, label, source_id=None, passed_test=False, note="", days=None)`: a fact to
  credit. `unit` is "hour" (学时 as given: a class session, a recognised activity), "day" (a 脱产 day, credited
  at the rate of the crediting rule) or "minute" (an online course, credited by the online rule); `days` is
  the number of 脱产 days a line stands for (unit "day": the quantity), kept on the credit for the day-based
  requirements (“3 个月或 550 学时”, “12 天或 90 学时”).
- `post(op, source, lines, *, user=None) -> list[Credit]`: credit the lines by the crediting rules that apply
  to each person, inside the caller's `audit.operation` `op` (the lines are named with `op.created`). Posting the
  same `(source, source_id, person)` again replaces its line, so re-posting is idempotent.
- `withdraw(op, source, source_ids)`: remove the lines of these source records (a class re-opened, a record
  deleted).
- `member_hours_sql(memberships, start, end)`: SQL selecting (id, organization_id, org_path, person_id, hours)
  for the memberships of a queryset: the study hours of [start, end) — the meetings of their branch and group
  less those they missed, plus their ledger lines. The 32 学时 rule and the member requirements read it.
- `person_hours_sql(people, start, end, kinds=None)`: SQL selecting (person_id, kind, hours) for the people of
  a queryset of `people.Person`: their ledger hours of [start, end) by type (caps applied), `kinds` restricting
  the types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import Credit, CreditKind

# Placeholder crediting defaults until the crediting rules are configuration (the ledger area replaces these).
DAY_RATE = Decimal(6)


@dataclass(frozen=True)
class Line:
    person_id: int
    on: dt.date
    kind: str
    quantity: Decimal
    unit: str
    label: str
    source_id: int | None = None
    passed_test: bool = False
    note: str = ""
    days: Decimal | None = None  # days of 脱产 attendance the line stands for (a requirement may count days)


def _credit(line: Line) -> tuple[Decimal, str, str]:
    """(hours, basis, rule code) of one line by the default crediting rules."""
    q = Decimal(line.quantity)
    if line.unit == "day":
        return q * DAY_RATE, f"{q.normalize():f} 天 × {DAY_RATE} 学时", "day_rate"
    if line.unit == "minute":
        hours = Decimal(1) if q >= 30 else Decimal("0.5") if q >= 15 else Decimal("0.25")
        if line.passed_test:
            hours += Decimal("0.5")
        return hours, f"学习 {q.normalize():f} 分钟" + ("，考试通过" if line.passed_test else ""), "online"
    return q, f"{q.normalize():f} 学时", "hours"


def post(op, source: str, lines: Iterable[Line], *, user=None) -> list[Credit]:
    lines = list(lines)
    keyed = [ln.source_id for ln in lines if ln.source_id is not None]
    if keyed:
        Credit.objects.unrestricted().filter(source=source, source_id__in=keyed, carried=False).delete()
    rows = []
    for ln in lines:
        hours, basis, rule = _credit(ln)
        days = ln.days if ln.days is not None else (Decimal(ln.quantity) if ln.unit == "day" else None)
        rows.append(Credit(person_id=ln.person_id, on=ln.on, year=ln.on.year, kind=ln.kind, hours=hours, days=days,
                           basis=basis[:200], source=source, source_id=ln.source_id, source_label=ln.label[:200],
                           rule=rule, note=ln.note[:200]))
    created = Credit.objects.bulk_create(rows, batch_size=2000)
    if op is not None and created:
        op.created(created)
    return created


def withdraw(op, source: str, source_ids: Iterable[int]) -> int:
    ids = list(source_ids)
    if not ids:
        return 0
    qs = Credit.objects.unrestricted().filter(source=source, source_id__in=ids)
    if op is not None:
        op.fact("撤销学时记录", qs.count())
    return qs.delete()[0]


def person_hours_sql(people, start: dt.date, end: dt.date, kinds: Iterable[str] | None = None) -> tuple[str, list]:
    inner, inner_params = people.order_by().values("id").query.sql_with_params()
    table = Credit._meta.db_table
    kind_sql, kind_params = "", []
    if kinds is not None:
        kinds = list(kinds)
        kind_sql = f" AND c.kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else " AND 1 = 0"
        kind_params = kinds
    sql = (f'SELECT c.person_id, c.kind, SUM(c.hours) AS hours FROM {table} c '
           f'WHERE c.person_id IN ({inner}) AND c."on" >= %s AND c."on" < %s{kind_sql} '
           f'GROUP BY c.person_id, c.kind')
    return sql, [*inner_params, start, end, *kind_params]


def member_hours_sql(memberships, start: dt.date, end: dt.date) -> tuple[str, list]:
    from zugong.branchlife.rules import study_sql

    meetings, params = study_sql(memberships, start, end)
    table = Credit._meta.db_table
    sql = (f"SELECT s.id, s.organization_id, s.org_path, s.person_id, "
           f"ROUND(s.hours + COALESCE(c.h, 0), 2) AS hours FROM ({meetings}) s "
           f'LEFT JOIN (SELECT person_id, SUM(hours) AS h FROM {table} WHERE "on" >= %s AND "on" < %s '
           f"GROUP BY person_id) c ON c.person_id = s.person_id")
    return sql, [*params, start, end]


__all__ = ["Line", "post", "withdraw", "member_hours_sql", "person_hours_sql", "CreditKind"]
