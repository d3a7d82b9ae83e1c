"""The hours ledger (学时台账): the one way hours are credited and the one definition of a person's hours.

INTERFACE (every area uses only these names; the ledger area owns this module and may change the bodies, not
the signatures):

- `Line(person_id, on, kind, quantity, unit, label, source_id=None, passed_test=False, note="", days=None,
  provider="")`: a fact to credit. `unit` is "hour" (学时 as given: a class session, a recognised activity), "day"
  (a 脱产 day, credited at the rate of the crediting rule) or "minute" (an online course, credited by the online
  rule); `days` is the number of 脱产 days a line stands for (unit "day": the quantity), kept on the credit for
  the day-based requirements (“3 个月或 550 学时”, “12 天或 90 学时”); `provider` the body that ran it (an
  online college: the per-source cap counts by it).
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

CREDITING (`CreditRule`, configuration): the rule of a line is the active row of the nearest issuer above the
person's organization, the row of the line's type before the row for every type at the same issuer; none at all:
the model's defaults (6 学时 a 脱产 day; online ≥ 30 minutes 1 学时, 15–30 minutes 0.5, under 15 minutes 0.25, a
passed test + 0.5; no caps). The line keeps the rule's code (`rule`), the hours the rule gives (`claimed`) and how
(`basis`).

CAPS ARE APPLIED AT POSTING (decision). `hours` is what counts: every reader sums `hours` and nothing else, so the
sums (`person_hours_sql`, `member_hours_sql`, the requirements, the API, a province-wide scan) stay one indexed
SUM with no per-person rule lookup. When a rule of a person's type has a cap, `post` and `withdraw` re-allocate
that person's lines of that type in the years touched (and the next year, for the carry-over): in date order
(carried hours first, then the year's lines by day), each line gets what still fits under the yearly cap of the
type and the yearly cap of its provider; the rest is cut (`claimed − hours`, said in `basis`). When the rule
carries the excess over, each cut becomes a carried line (`carried`, `carried_from` the line it came from) on
1 January of the next year, counted there first and under that year's caps; what does not fit there is lost
(carried once, never twice). A rule edited later applies to lines posted afterwards and to the years re-allocated
by a later posting of the same person and type.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import Credit, CreditKind, CreditRule

ZERO = Decimal(0)
CHUNK = 2000
DEFAULT_CODE = "默认"


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
    provider: str = ""  # the body that ran it (an online college); the per-source cap counts by it


def _num(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


# ---------------------------------------------------------------- the crediting rules


def rules_table() -> list[CreditRule]:
    """Every active crediting rule (a few rows), nearest issuer first; at one issuer the row of a type before the
    row for every type."""
    rows = list(CreditRule.objects.unrestricted().filter(active=True))
    return sorted(rows, key=lambda r: (len(r.org_path), bool(r.kind), -r.pk), reverse=True)


def default_rule() -> CreditRule:
    return CreditRule(code=DEFAULT_CODE, title="默认认定规则")


def rule_for(table: list[CreditRule], path: str, kind: str) -> CreditRule:
    """The rule that credits a line of `kind` for a person at `path` (the nearest issuer's)."""
    for row in table:
        if path.startswith(row.org_path) and row.kind in ("", kind):
            return row
    return default_rule()


def online_hours(rule: CreditRule, minutes: Decimal, passed_test: bool = False) -> Decimal:
    """学时 of one online course: the long course's hours from `long_minutes` on (30 → 1), the short one's from
    `short_minutes` on (15 → 0.5), else the least; a passed test adds its bonus."""
    minutes = Decimal(minutes)
    if minutes >= rule.long_minutes:
        hours = Decimal(rule.long_hours)
    elif minutes >= rule.short_minutes:
        hours = Decimal(rule.short_hours)
    else:
        hours = Decimal(rule.least_hours)
    return hours + (Decimal(rule.test_bonus) if passed_test else ZERO)


def credit(rule: CreditRule, line: Line) -> tuple[Decimal, str]:
    """(hours, basis) of one line by its rule, before the caps."""
    q = Decimal(line.quantity)
    if line.unit == "day":
        return q * Decimal(rule.day_rate), f"脱产 {_num(q)} 天 × {_num(rule.day_rate)} 学时"
    if line.unit == "minute":
        hours = online_hours(rule, q, line.passed_test)
        return hours, f"学习 {_num(q)} 分钟" + ("，考试通过" if line.passed_test else "")
    return q, f"{_num(q)} 学时"


def _paths(person_ids: Iterable[int]) -> dict[int, str]:
    from zugong.people.models import Person

    ids = list(set(person_ids))
    out: dict[int, str] = {}
    for i in range(0, len(ids), CHUNK):
        out.update(Person.objects.unrestricted().filter(pk__in=ids[i:i + CHUNK]).values_list("pk", "org_path"))
    return out


# ---------------------------------------------------------------- posting


def post(op, source: str, lines: Iterable[Line], *, user=None) -> list[Credit]:
    lines = list(lines)
    if not lines:
        return []
    affected: set[tuple[int, str, int]] = set()
    keyed = [ln.source_id for ln in lines if ln.source_id is not None]
    for i in range(0, len(keyed), CHUNK):
        old = Credit.objects.unrestricted().filter(source=source, source_id__in=keyed[i:i + CHUNK], carried=False)
        affected |= set(old.values_list("person_id", "kind", "year"))
        Credit.objects.unrestricted().filter(carried_from__in=old).delete()
        old.delete()
    table = rules_table()
    paths = _paths(ln.person_id for ln in lines)
    rows = []
    for ln in lines:
        rule = rule_for(table, paths.get(ln.person_id, ""), ln.kind)
        hours, basis = credit(rule, ln)
        days = ln.days if ln.days is not None else (Decimal(ln.quantity) if ln.unit == "day" else None)
        rows.append(Credit(person_id=ln.person_id, on=ln.on, year=ln.on.year, kind=ln.kind, hours=hours,
                           claimed=hours, days=days, basis=basis[:200], source=source, source_id=ln.source_id,
                           source_label=ln.label[:200], rule=rule.code[:60], note=ln.note[:200],
                           provider=ln.provider[:100], unit=ln.unit, quantity=ln.quantity,
                           passed_test=ln.passed_test))
    created = Credit.objects.bulk_create(rows, batch_size=CHUNK)
    if op is not None:
        op.created(created)
    affected |= {(c.person_id, c.kind, c.year) for c in created}
    changed = _apply_caps(op, affected, table, paths)
    for c in created:
        if c.pk in changed:
            c.hours, c.basis = changed[c.pk]
    return created


def withdraw(op, source: str, source_ids: Iterable[int]) -> int:
    ids = list(source_ids)
    if not ids:
        return 0
    qs = Credit.objects.unrestricted().filter(source=source, source_id__in=ids, carried=False)
    affected = set(qs.values_list("person_id", "kind", "year"))
    if op is not None:
        op.fact("撤销学时记录", qs.count())
    Credit.objects.unrestricted().filter(carried_from__in=qs).delete()
    n = qs.delete()[0]
    if affected:
        _apply_caps(op, affected, rules_table())
    return n


def remove(op, line: Credit) -> None:
    """Delete one line (a manual entry made in error) and re-allocate the person's capped hours of its type."""
    origin = line.carried_from if line.carried else line
    affected = {(origin.person_id, origin.kind, origin.year)}
    for carried in Credit.objects.unrestricted().filter(carried_from=origin):
        carried.delete()
    origin.delete()
    _apply_caps(op, affected, rules_table())


def _cut_text(cut: Decimal, carries: bool) -> str:
    return f"；超出计入上限 {_num(cut)} 学时" + ("，结转下一年度" if carries else "，不计入")


def _allocate(rule: CreditRule, items: list[Credit]) -> dict[int, Decimal]:
    """The hours each line keeps under the rule's yearly caps (by index in `items`, taken in order)."""
    total = ZERO
    by_provider: dict[str, Decimal] = defaultdict(lambda: ZERO)
    out = {}
    for i, c in enumerate(items):
        room = Decimal(c.claimed if c.claimed is not None else c.hours)
        if rule.year_cap is not None:
            room = min(room, max(ZERO, Decimal(rule.year_cap) - total))
        if rule.provider_cap is not None and c.provider:
            room = min(room, max(ZERO, Decimal(rule.provider_cap) - by_provider[c.provider]))
        out[i] = room
        total += room
        by_provider[c.provider] += room
    return out


def _apply_caps(op, affected: set[tuple[int, str, int]], table: list[CreditRule],
                paths: dict[int, str] | None = None) -> dict[int, tuple[Decimal, str]]:
    """Re-allocate the lines of the (person, type) pairs touched in the years touched and the year after, where
    the person's rule of that type has a cap (see the module's docstring). Returns {pk: (hours, basis)} of the
    lines whose hours changed."""
    if not affected or not any(r.year_cap is not None or r.provider_cap is not None for r in table):
        return {}
    missing = {p for p, _k, _y in affected} - set(paths or {})
    paths = {**(paths or {}), **(_paths(missing) if missing else {})}
    groups: dict[tuple[int, str], set[int]] = defaultdict(set)
    rules: dict[tuple[int, str], CreditRule] = {}
    for person_id, kind, year in affected:
        rule = rule_for(table, paths.get(person_id, ""), kind)
        if rule.year_cap is None and rule.provider_cap is None:
            continue
        groups[(person_id, kind)].add(year)
        rules[(person_id, kind)] = rule
    if not groups:
        return {}
    lines: dict[tuple[int, str], list[Credit]] = defaultdict(list)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for person_id, kind in groups:
        by_kind[kind].append(person_id)
    low = min(min(ys) for ys in groups.values()) - 1
    for kind, people in by_kind.items():
        for i in range(0, len(people), CHUNK):
            for c in Credit.objects.unrestricted().filter(person_id__in=people[i:i + CHUNK], kind=kind,
                                                          year__gte=low).order_by("on", "pk"):
                lines[(c.person_id, kind)].append(c)
    changed: dict[int, tuple[Decimal, str]] = {}
    updates: list[Credit] = []
    new_carried: list[Credit] = []
    stale: list[int] = []
    for key, years in groups.items():
        rule = rules[key]
        mine = lines.get(key, [])
        year, last = min(years), max(years)
        while True:
            if year > last + (1 if rule.carry_over else 0):
                # past the years touched and the next: go on while hours were carried into this year, or are to be
                if not any(c.year == year and c.carried or c.year == year - 1 and not c.carried and c.cut
                           and rule.carry_over for c in mine):
                    break
            own = [c for c in mine if c.year == year and not c.carried]
            carried = {c.carried_from_id: c for c in mine if c.year == year and c.carried}
            wanted: list[Credit] = []
            if rule.carry_over:
                for c in mine:
                    if c.year == year - 1 and not c.carried and c.cut:
                        line = carried.pop(c.pk, None)
                        if line is None:
                            line = Credit(person_id=c.person_id, on=dt.date(year, 1, 1), year=year, kind=c.kind,
                                          hours=c.cut, source=c.source, source_id=c.source_id,
                                          source_label=c.source_label, rule=rule.code[:60], carried=True,
                                          carried_from=c, provider=c.provider, unit="hour", note=c.note)
                        line.claimed = c.cut
                        line.basis = f"{year - 1}年超出计入上限的学时结转"
                        wanted.append(line)
            stale.extend(c.pk for c in carried.values())  # their origin no longer exceeds the cap
            items = wanted + own
            kept = _allocate(rule, items)
            for i, c in enumerate(items):
                hours = kept[i]
                claimed = Decimal(c.claimed if c.claimed is not None else c.hours)
                head = c.basis.split("；超出")[0]
                basis = (head + (_cut_text(claimed - hours, rule.carry_over and not c.carried)
                                 if hours < claimed else ""))[:200]
                if c.pk is None:
                    c.hours, c.basis = hours, basis
                    new_carried.append(c)
                elif hours != c.hours or basis != c.basis or (c.carried and c.claimed != claimed):
                    before = c.hours
                    c.hours, c.basis = hours, basis
                    updates.append(c)
                    changed[c.pk] = (hours, basis)
                    if op is not None and hours != before:  # bulk-updated: the change named on the line
                        op.fact("计入学时（按计入上限）", _num(hours), old=_num(before), on=c)
            year += 1
    if stale:
        Credit.objects.unrestricted().filter(pk__in=stale).delete()
    if updates:
        Credit.objects.bulk_update(updates, ["hours", "basis", "claimed"], batch_size=CHUNK)
    if new_carried:
        made = Credit.objects.bulk_create(new_carried, batch_size=CHUNK)
        if op is not None:
            op.created(made)
    return changed


# ---------------------------------------------------------------- the sums


def _years(start: dt.date, end: dt.date) -> tuple[int, int] | None:
    """[start, end) as whole calendar years (the lines' `year` column, indexed), else None."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 1, 1):
        return start.year, end.year
    return None


def _window(alias: str, start: dt.date, end: dt.date) -> tuple[str, list]:
    years = _years(start, end)
    if years:
        return f"{alias}year >= %s AND {alias}year < %s", list(years)
    return f'{alias}"on" >= %s AND {alias}"on" < %s', [start, end]


def _bounded_window(alias: str, start: dt.date, end: dt.date) -> tuple[str, list]:
    """`_window`, and for a window that is not whole years the years it spans too (a line's `year` is the year of
    its day), so an index led by (person, year) or (year, …) bounds the lines read."""
    if _years(start, end):
        return _window(alias, start, end)
    last = end - dt.timedelta(days=1)
    return (f'{alias}year >= %s AND {alias}year <= %s AND {alias}"on" >= %s AND {alias}"on" < %s',
            [start.year, last.year, start, end])


def person_hours_sql(people, start: dt.date, end: dt.date, kinds: Iterable[str] | None = None) -> tuple[str, list]:
    inner, inner_params = people.order_by().values("id").query.sql_with_params()
    table = Credit._meta.db_table
    kind_sql, kind_params = "", []
    if kinds is not None:
        kinds = list(kinds)
        kind_sql = f" AND c.kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else " AND 1 = 0"
        kind_params = kinds
    window, window_params = _bounded_window("c.", start, end)
    sql = (f'SELECT c.person_id, c.kind, SUM(c.hours) AS hours FROM {table} c '
           f'WHERE c.person_id IN ({inner}) AND {window}{kind_sql} '
           f'GROUP BY c.person_id, c.kind')
    return sql, [*inner_params, *window_params, *kind_params]


def member_hours_sql(memberships, start: dt.date, end: dt.date) -> tuple[str, list]:
    """THE study hours of members (one definition): the meetings of the branch and party group each was in on the
    day less those missed (`branchlife.rules.study_sql`), plus every ledger line of the person in [start, end)
    (classes, online learning, recognised activities, the study records once kept by branch life), rounded to
    0.01 学时 (SQLite sums as floats).

    The ledger is read only for the members judged, never the whole year's lines of everybody (a scan of the
    committee members, a member re-judged): on SQLite one seek per member into the covering index
    (person, year, kind, hours); on PostgreSQL one grouped sum of the year's lines restricted to the members'
    people (a hashed semi-join, or index look-ups for a few)."""
    from django.db import connection

    from zugong.branchlife.rules import study_sql

    meetings, params = study_sql(memberships, start, end)
    table = Credit._meta.db_table
    window, window_params = _bounded_window("c.", start, end)
    head = "SELECT s.id, s.organization_id, s.org_path, s.person_id, "
    if connection.vendor == "sqlite":
        ledger = f"(SELECT SUM(c.hours) FROM {table} c WHERE c.person_id = s.person_id AND {window})"
        return (f"{head}ROUND(s.hours + COALESCE({ledger}, 0), 2) AS hours FROM ({meetings}) s",
                [*window_params, *params])
    inner, inner_params = memberships.order_by().values("person_id").query.sql_with_params()
    sql = (f"{head}ROUND(s.hours + COALESCE(c.h, 0), 2) AS hours FROM ({meetings}) s "
           f"LEFT JOIN (SELECT c.person_id, SUM(c.hours) AS h FROM {table} c "
           f"WHERE {window} AND c.person_id IN ({inner}) GROUP BY c.person_id) c ON c.person_id = s.person_id")
    return sql, [*params, *window_params, *inner_params]


__all__ = ["Line", "post", "withdraw", "remove", "member_hours_sql", "person_hours_sql", "CreditKind", "rule_for",
           "rules_table", "online_hours", "credit"]
