"""A member's dated history: 党籍状态 (`StatusSpan`), 党小组 (`GroupSpan`) and 留党察看 (`DisciplineSpan`).

Writing (the services only, inside their `audit.operation`, right after the membership is saved):
- `keep(membership, on)`: the status and group spans follow the record. Probationary holds from `joined_on`,
  full from `converted_on` (these dates are the facts the record keeps); a stopped / left / cancelled status
  and a new party group hold from `on` (the day of the decision or the edit; today when not given). A changed
  `joined_on` / `converted_on` on a record whose history already has that span moves the span's start (and the
  end of the one before it): a correction of the dates, not a new state.
- `leave(membership, on)`: the relationship left the province (transfer out): no status or group from `on`.

Reading (expressions for one query, usable in rules): `full_on(day)`, `disciplined_on(day)`, `branch_on(day)`,
`members_on(path, day)` (a past roster), `voters_on(path, day)` (those with the right to vote that day).

`backfill(connection)`: the spans of memberships that have none, set-based (three INSERT … SELECT for the
statuses, one for the groups), on SQLite and PostgreSQL; migration 0009 and the demo seed run it. The dates it
uses, best known first:
- probationary from `joined_on`;
- full from `converted_on`; a member recorded full (or stopped / left) without a 转正时间 is taken as full from
  one year after joining (党章 第七条: the probation is one year; an extension would only make it later, so the
  member was certainly not full before that day);
- stopped / left / cancelled from the day the record was last changed (`updated_at`, the date in Beijing): the
  platform keeps no date of that decision; the status cannot have changed after the record's last change, so
  the earlier status is never cut short after that day (before it, the member may show the earlier status
  longer than it held);
- nothing after `transferred_out_on` (the relationship left the province);
- the party group from the later of `joined_on`, the group's `founded_on` and the day the member was received
  into the current branch (the last received transfer within the province), until `transferred_out_on`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, Func, Value, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from zugong.core import history, scope

from .models import DisciplineSpan, GroupSpan, Membership, StatusSpan, TransferRequest

S = Membership.Status


def _add_year(day: dt.date) -> dt.date:
    from zugong.core.dates import add_years

    return add_years(day, 1)


# ---------------------------------------------------------------- writing


def _series(membership) -> dict:
    return {"membership": membership}


def _spans(membership) -> list[StatusSpan]:
    return list(StatusSpan.objects.unrestricted().filter(membership=membership).order_by("started_on"))


def _move_start(spans: list[StatusSpan], i: int, start: dt.date) -> None:
    """Correct the first day of spans[i] (and the end of the span before it)."""
    span = spans[i]
    if span.started_on == start:
        return
    before = spans[i - 1] if i > 0 else None
    if (before and start <= before.started_on) or (span.ended_on and start >= span.ended_on):
        raise ValidationError("更正后的日期与该党员已记录的党籍状态变化不一致，请核对入党时间、转正时间")
    span.started_on = start
    span.save(update_fields=["started_on"])
    if before is not None:
        before.ended_on = start
        before.save(update_fields=["ended_on"])


def _steps(membership, on: dt.date, since: dt.date | None = None) -> list[tuple[dt.date, str]]:
    """The (first day, status) of a membership's spans from its own dates; from `since` when its relationship
    came into the province that day (the status it then held starts there)."""
    status, joined = membership.status, membership.joined_on
    full_from = membership.converted_on
    if full_from is None and status in (S.FULL, S.STOPPED, S.LEFT):
        full_from = _add_year(joined)
    steps = [(joined, S.PROBATIONARY)]
    if full_from and status not in (S.PROBATIONARY, S.CANCELLED):
        steps.append((full_from, S.FULL))
    if status not in Membership.ACTIVE_STATUSES:
        steps.append((max(on, joined), status))
    last = steps[-1][0]
    steps = [(d, v) for d, v in steps if d < last] + [steps[-1]]  # a decision before 转正: never full
    if since is not None and since > joined:
        before = [v for d, v in steps if d <= since]
        steps = [(since, before[-1])] + [(d, v) for d, v in steps if d > since]
    return steps


def initial_spans(memberships) -> list[StatusSpan]:
    """Unsaved status spans of new memberships written in bulk (an import): `bulk_create` them with the
    memberships' ids set and name them in the operation (`op.created`)."""
    today = timezone.localdate()
    spans = []
    for m in memberships:
        steps = _steps(m, today)
        for i, (day, value) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else None
            spans.append(StatusSpan(membership=m, status=value, started_on=day, ended_on=end))
    return spans


def _initial(membership, on: dt.date, since: dt.date | None = None) -> None:
    """A membership with no history yet (registered, admitted, received): its spans from its own dates."""
    for day, value in _steps(membership, on, since):
        history.change(StatusSpan, _series(membership), day, {"status": value})


def _keep_status(membership, on: dt.date, since: dt.date | None) -> None:
    spans = _spans(membership)
    if not spans:
        _initial(membership, on, since)
        return
    status, current = membership.status, spans[-1]
    try:
        if current.ended_on is not None:  # back in the province (a transfer in): from that day
            history.change(StatusSpan, _series(membership), since or on, {"status": status})
            return
        if status == S.PROBATIONARY:
            if current.status == S.PROBATIONARY:
                _move_start(spans, len(spans) - 1, membership.joined_on)
            else:  # admitted again (a cancelled probationary member, a member who left): a new history
                history.change(StatusSpan, _series(membership), membership.joined_on, {"status": status})
                return  # the first span is the first admission's: its start is no correction of 入党时间
        elif status == S.FULL:
            full_from = membership.converted_on or on
            if current.status == S.FULL and current.ended_on is None:
                if membership.converted_on and len(spans) > 1 and spans[-2].status == S.PROBATIONARY:
                    _move_start(spans, len(spans) - 1, membership.converted_on)
            else:
                if current.status != S.PROBATIONARY:
                    full_from = on  # restored (恢复党籍): from the decision, not the old 转正时间
                history.change(StatusSpan, _series(membership), full_from, {"status": status})
        else:
            history.change(StatusSpan, _series(membership), on, {"status": status})
        first = spans[0]
        if first.status == S.PROBATIONARY and first.started_on != membership.joined_on and len(spans) > 1:
            _move_start(spans, 0, membership.joined_on)
    except history.HistoryError as exc:
        raise ValidationError(f"党籍状态变化日期有误：{exc}") from None


def _keep_group(membership, on: dt.date) -> None:
    if membership.party_group_id is None:
        history.end(GroupSpan, _series(membership), on)
        return
    try:
        history.change(GroupSpan, _series(membership), on, {"party_group_id": membership.party_group_id})
    except history.HistoryError as exc:
        raise ValidationError({"party_group": f"党小组变更日期有误：{exc}"}) from None


def keep(membership, on: dt.date | None = None, *, group_on: dt.date | None = None,
         since: dt.date | None = None) -> None:
    """Bring the membership's status and group spans in step with the saved record (call inside the service's
    `audit.operation`, after `membership.save()`). `on`: the day a status that has no date field of its own
    (stopped, left, cancelled, restored) took effect; `group_on`: the day the party group changed (default
    `on`); both default to today. `since`: the day the relationship came into the province (a transfer in)."""
    on = on or timezone.localdate()
    _keep_status(membership, on, since)
    _keep_group(membership, group_on or on)


def leave(membership, on: dt.date) -> None:
    """The relationship left the province on `on`: the status and group spans end there."""
    history.end(StatusSpan, _series(membership), on)
    history.end(GroupSpan, _series(membership), on)


def place_in_group(membership, on: dt.date) -> None:
    """The member's party group changed on `on` (a transfer within the province clears it)."""
    _keep_group(membership, on)


# ---------------------------------------------------------------- reading


def _inner(value):
    """`value` as seen from one subquery deeper (a date stays a date)."""
    if isinstance(value, OuterRef):
        return OuterRef(value)
    if isinstance(value, F):
        return OuterRef(value.name)
    return value


def full_on(day, membership=OuterRef("pk")) -> Exists:
    """The membership held full status on `day` (as seen from the membership query: use with `_inner` values
    when `day` is a column of the query above)."""
    return Exists(StatusSpan.objects.unrestricted().filter(history.held_on(day), membership=membership,
                                                          status=S.FULL))


def disciplined_on(day, membership=OuterRef("pk")) -> Exists:
    """The membership was under 留党察看 (rights not yet restored) on `day`."""
    return Exists(DisciplineSpan.objects.unrestricted().filter(history.held_on(day), membership=membership))


def person_full_on(day, person=OuterRef("person")) -> Q:
    """The person (a column of the query, e.g. a case contact's or a candidate's) was a full member on `day`
    (an `OuterRef` to the same query): by the status span that held that day; where none held (a membership
    recorded without history, a member who came from outside the province later) by the record's dates:
    converted by that day (or full without a recorded 转正时间), not a probationary or cancelled member."""
    spans = StatusSpan.objects.unrestricted().filter(history.held_on(day), membership__person=person)
    by_dates = Membership.objects.unrestricted().filter(
        Q(converted_on__lte=day) | Q(converted_on__isnull=True, status=S.FULL),
        person=person, joined_on__lte=day, status__in=(S.FULL, S.STOPPED, S.LEFT),
    )
    return Exists(spans.filter(status=S.FULL)) | (~Exists(spans) & Exists(by_dates))


def person_disciplined_on(day, person=OuterRef("person")) -> Exists:
    """The person was under 留党察看 on `day` (both as for `person_full_on`)."""
    return Exists(DisciplineSpan.objects.unrestricted().filter(history.held_on(day), membership__person=person))


def person_status_on(day, person=OuterRef("person")) -> Subquery:
    """The person's status on `day` (None: no span held that day)."""
    return Subquery(StatusSpan.objects.unrestricted().filter(history.held_on(day), membership__person=person)
                    .order_by("-started_on").values("status")[:1])


def _moved_after(day):
    return (TransferRequest.objects.unrestricted()
            .filter(membership=OuterRef("pk"), kind=TransferRequest.Kind.WITHIN,
                    status=TransferRequest.Status.RECEIVED, received_on__gt=day)
            .order_by("received_on", "pk"))


def branch_on(day):
    """The id of the branch that held the membership on `day`: the branch it left by the first transfer within
    the province received after `day`, else its branch now (an expression on a membership query; `day` is a
    date or an expression of that query)."""
    moved = _moved_after(_inner(day)).values("from_org_id")[:1]
    return Coalesce(Subquery(moved, output_field=IntegerField()), F("organization_id"))


def then(day) -> dict:
    """Annotations of a membership query for `day` (a date or an `OuterRef` to the query above): the path and
    name of the branch that held the membership that day (`branch_path_then`, `branch_name_then`) and its
    status that day (`status_then`; None: no status, e.g. not yet admitted or transferred out of the province)."""
    inner_day = _inner(day)
    moved = _moved_after(inner_day)
    status = (StatusSpan.objects.unrestricted().filter(history.held_on(inner_day), membership=OuterRef("pk"))
              .order_by("-started_on").values("status")[:1])
    return {
        "branch_path_then": Coalesce(Subquery(moved.values("from_org__path")[:1]), F("org_path")),
        "branch_name_then": Coalesce(Subquery(moved.values("from_org__name")[:1]), F("organization__name")),
        "status_then": Subquery(status),
    }


def in_subtree(field: str, path) -> Q:
    """`field` lies in the subtree at `path` (a path string, or an expression such as an `OuterRef`): an index
    range like `core.scope`'s `__subtree` lookup, not a LIKE (which no index serves for a correlated path)."""
    if isinstance(path, str):
        return Q(**{f"{field}__subtree": path})
    upper = Concat(path, Value("Z" * scope.PATH_MAX), output_field=CharField())
    return Q(**{f"{field}__gte": path, f"{field}__lte": upper})


def left_after(day, transfers=None):
    """Ids of the memberships that left a branch by a transfer within the province received after `day`
    (`transfers`: a transfer queryset to start from, e.g. those a user sees)."""
    transfers = TransferRequest.objects.unrestricted() if transfers is None else transfers
    return (transfers.filter(kind=TransferRequest.Kind.WITHIN, status=TransferRequest.Status.RECEIVED,
                             received_on__gt=day).values("membership_id"))


def members_on(path, day):
    """Memberships whose branch on `day` lay in the subtree at `path` and who held a status that day, with
    the annotations of `then(day)`: a past roster. `path` and `day` are values, or `OuterRef`s to the query
    this one is nested in (an election: `OuterRef("org_path")`, `OuterRef("held_on")`). Members now in the
    subtree, and those who left it by a transfer within the province after `day`; members transferred out of
    the province or not yet admitted hold no status."""
    left = left_after(_inner(day)).filter(in_subtree("org_path", _inner(path)))
    annotations = then(day)
    del annotations["branch_name_then"]
    return (Membership.objects.unrestricted()
            .filter(in_subtree("org_path", path) | Q(pk__in=left))
            .annotate(**annotations)
            .filter(in_subtree("branch_path_then", path), status_then__isnull=False))


def voters_on(path, day):
    """The number of members with the right to vote on `day` in the subtree at `path` (选举工作条例 第五条:
    full members not under 留党察看): an integer subquery (`path`, `day` as for `members_on`)."""
    voters = members_on(path, day).filter(status_then=S.FULL).exclude(disciplined_on(_inner(day)))
    counted = voters.annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# ---------------------------------------------------------------- backfill (migration 0009, the demo seed)

SENTINEL = "9999-12-31"


def _sql_parts(vendor: str) -> dict:
    if vendor == "postgresql":
        return {
            "year": "CAST({} + INTERVAL '1 year' AS date)",
            "day": "CAST(({} AT TIME ZONE 'Asia/Shanghai') AS date)",
            "least": "LEAST",
            "greatest": "GREATEST",
            "sentinel": f"DATE '{SENTINEL}'",
            "date": "CAST({} AS date)",
        }
    return {
        "year": "date({}, '+1 year')",
        "day": "date({}, '+8 hours')",
        "least": "MIN",
        "greatest": "MAX",
        "sentinel": f"'{SENTINEL}'",
        "date": "{}",
    }


def backfill(connection, *, since_id: int = 0) -> dict[str, int]:
    """Fill the status and group spans of every membership (id > since_id) that has none, from its dates
    (the choices in the module docstring). Set-based: one INSERT … SELECT per kind of span."""
    p = _sql_parts(connection.vendor)
    m, st, gs = Membership._meta.db_table, StatusSpan._meta.db_table, GroupSpan._meta.db_table
    org = Membership._meta.get_field("organization").related_model._meta.db_table
    tr = TransferRequest._meta.db_table
    least, greatest, sentinel = p["least"], p["greatest"], p["sentinel"]
    full_from = (f"CASE WHEN m.converted_on IS NOT NULL THEN m.converted_on "
                 f"WHEN m.status IN ('full', 'stopped', 'left') THEN {p['year'].format('m.joined_on')} END")
    terminal = (f"CASE WHEN m.status IN ('stopped', 'left', 'cancelled') "
                f"THEN {greatest}(m.joined_on, {p['day'].format('m.updated_at')}) END")
    # The memberships to fill: those that had no span when this call began (spans up to id `before`), so the
    # three statements below see the same set although the first adds spans to it.
    base = (f"SELECT m.id AS mid, m.joined_on AS p, {full_from} AS f, {terminal} AS t, "
            f"COALESCE(m.transferred_out_on, {sentinel}) AS x, m.status AS status "
            f"FROM {m} m WHERE m.id > %s "
            f"AND NOT EXISTS (SELECT 1 FROM {st} s WHERE s.membership_id = m.id AND s.id <= %s)")
    # an end that is not there sorts as the sentinel (LEAST/MIN over the candidates), and is stored as NULL
    f_or, t_or = f"COALESCE(d.f, {sentinel})", f"COALESCE(d.t, {sentinel})"
    end_prob = f"{least}({f_or}, {t_or}, d.x)"
    end_full = f"{least}({t_or}, d.x)"

    def nullif(expr):
        return f"NULLIF({expr}, {sentinel})"

    statements = [
        # probationary: joined_on until 转正, the terminal status or the transfer out
        (f"INSERT INTO {st} (membership_id, status, started_on, ended_on) "
         f"SELECT d.mid, 'probationary', d.p, {nullif(end_prob)} FROM ({base}) d WHERE d.p < {end_prob}"),
        # full: from 转正 until the terminal status or the transfer out
        (f"INSERT INTO {st} (membership_id, status, started_on, ended_on) "
         f"SELECT d.mid, 'full', d.f, {nullif(end_full)} FROM ({base}) d "
         f"WHERE d.f IS NOT NULL AND d.f < {end_full} AND d.status <> 'cancelled'"),
        # stopped / left / cancelled: from the best known day until the transfer out
        (f"INSERT INTO {st} (membership_id, status, started_on, ended_on) "
         f"SELECT d.mid, d.status, d.t, {nullif('d.x')} FROM ({base}) d "
         f"WHERE d.t IS NOT NULL AND d.t < d.x"),
    ]
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {st}")
        (before,) = cursor.fetchone()
        for sql in statements:
            cursor.execute(sql, [since_id, before])
        cursor.execute(f"SELECT COUNT(*) FROM {st} WHERE id > %s", [before])
        counts["status_spans"] = cursor.fetchone()[0]
        received = (f"SELECT MAX(t.received_on) FROM {tr} t WHERE t.membership_id = m.id AND t.kind = 'within' "
                    f"AND t.status = 'received' AND t.to_org_id = m.organization_id")
        start = f"{greatest}(m.joined_on, COALESCE(g.founded_on, m.joined_on), COALESCE(({received}), m.joined_on))"
        cursor.execute(
            f"INSERT INTO {gs} (membership_id, party_group_id, started_on, ended_on) "
            f"SELECT m.id, m.party_group_id, {start}, m.transferred_out_on FROM {m} m "
            f"JOIN {org} g ON g.id = m.party_group_id "
            f"WHERE m.id > %s AND NOT EXISTS (SELECT 1 FROM {gs} s WHERE s.membership_id = m.id) "
            f"AND (m.transferred_out_on IS NULL OR m.transferred_out_on > {start})",
            [since_id],
        )
        counts["group_spans"] = cursor.rowcount
    return counts
