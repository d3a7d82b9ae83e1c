"""The training requirements (培训要求) as data, and one set-based evaluator per kind of requirement.

A requirement is a `core.LocalRule` row of one of the templates below (installed by `defaults/requirements.py`):
its numbers are the row's `params`, its citation the row's regulation and article, its edition the row's
`effective_from` / `effective_to` (a new edition of a 规划 is a new row with its own code and dates; the old row
gets an end date). `requirements()` reads the active rows; `in_force(req, day)` picks the edition of a period.

Each evaluator takes a queryset of the judged records (cadres, memberships or committee posts of a subtree, or of
one person) and a period, and returns the rows from ONE SQL statement (joins to grouped sums of the ledger's
`hours` of the people judged, as `training.ledger.person_hours_sql` / `member_hours_sql` sum them), never a loop
over people: the rules (`rules/requirements.py`) ask for the short rows of a subtree,
`requirements_selectors.standing` for every row of one person. Row keys: pk, organization_id, org_path,
person_id, credited, required, shortfall, days, trainings, start, end (inclusive) and per kind due / promoted_on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Exists, F, OuterRef, Q

from zugong.core import rules
from zugong.core.dates import add_months
from zugong.core.sql import AddMonths

from .ledger import member_hours_sql
from .models import CONCENTRATED, Credit, CreditKind

# The templates (LocalRule.template) of the training requirements.
CADRE_CYCLE = "training_cadre_cycle"          # 县处级以上：每 5 年 3 个月或 550 学时（提拔后 1 年内）
CADRE_YEAR = "training_cadre_year"            # 乡科级及以下：每年 12 天或 90 学时
ONLINE = "training_online"                    # 网络培训：每年 50 学时
COMMITTEE = "training_committee"              # 基层党组织书记和委员：每年 56 学时，至少 1 次集中培训
NEW_SECRETARY = "training_new_secretary"      # 新任书记 6 个月内参加培训
PROBATIONARY = "training_probationary"        # 预备党员参加上级党组织的集中培训
TEMPLATES = (CADRE_CYCLE, CADRE_YEAR, ONLINE, COMMITTEE, NEW_SECRETARY, PROBATIONARY)

CADRE_KINDS = (CADRE_CYCLE, CADRE_YEAR, ONLINE)
MEMBER_KINDS = (COMMITTEE, PROBATIONARY)
CONCENTRATED_KINDS = tuple(str(k) for k in CONCENTRATED)
LEVEL_CHOICES = {"1": "省部级", "2": "厅局级", "3": "县处级", "4": "乡科级", "5": "科员级"}
COMMITTEE_ORG_KINDS = {"committee": "党委", "general_branch": "党总支", "branch": "党支部"}
POSTS = {"secretary": "书记", "deputy_secretary": "副书记", "organization": "组织委员", "propaganda": "宣传委员",
         "discipline": "纪检委员", "member": "委员"}


@dataclass
class Requirement:
    """One requirement as read from its LocalRule row."""

    code: str
    template: str
    title: str
    params: dict
    edition: rules.Edition
    severity: str
    path: str  # the issuing organization's path: applies to its subtree ("" = everywhere)
    org_name: str = ""
    row_id: int | None = None
    extra: dict = field(default_factory=dict)

    def p(self, key, default=None):
        value = self.params.get(key, default)
        return default if value is None else value

    def dec(self, key, default) -> Decimal:
        return Decimal(str(self.p(key, default)))

    @property
    def citation(self) -> str:
        return self.edition.citation

    @property
    def model(self) -> str:
        if self.template in CADRE_KINDS:
            return "cadres.Cadre"
        if self.template == NEW_SECRETARY:
            return "members.PostSpan"
        return "members.Membership"

    @property
    def yearly(self) -> bool:
        return self.template in (CADRE_YEAR, ONLINE, COMMITTEE)


def from_row(row) -> Requirement:
    return Requirement(code=row.code, template=row.template, title=row.title, params=dict(row.params or {}),
                       edition=rules.local_edition(row), severity=row.severity,
                       path=row.organization.path if row.organization_id else "",
                       org_name=row.organization.name if row.organization_id else "", row_id=row.pk)


def requirements(templates=TEMPLATES) -> list[Requirement]:
    """The active requirement rows (every edition), in code order."""
    from zugong.core.models import LocalRule

    rows = (LocalRule.objects.unrestricted().filter(active=True, template__in=templates)
            .select_related("organization").order_by("code"))
    return [from_row(r) for r in rows]


def in_force(req: Requirement, day: dt.date) -> bool:
    return req.edition.in_force(day)


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def stop(self) -> dt.date:  # exclusive, for [start, stop) sums
        return self.end + dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end.year == self.start.year:
            if self.end.month == 12 and self.end.day == 31:
                return f"{self.start.year}年"
            return f"{self.start.year}年（截至{self.end.month}月{self.end.day}日）"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def cycle_period(req: Requirement, as_of: dt.date) -> Period:
    """The rolling window of `years` years ending on `as_of` (the day itself counted, the same day `years`
    years earlier not)."""
    years = int(req.p("years", 5))
    return Period(add_months(as_of, -12 * years) + dt.timedelta(days=1), as_of)


def year_period(year: int, as_of: dt.date | None = None) -> Period:
    end = dt.date(year, 12, 31)
    if as_of is not None and as_of < end:
        end = as_of
    return Period(dt.date(year, 1, 1), end)


def judged_year(as_of: dt.date) -> int:
    """The year a scan judges the yearly requirements for: the last whole year (as the 32 学时 rule does)."""
    return as_of.year - 1


def grace_start(as_of: dt.date, months: int) -> dt.date:
    """The earliest day a promotion still inside its grace on `as_of` can have: promoted on d, due on
    add_months(d, months) (the due day itself still in time)."""
    day = add_months(as_of, -months)
    if add_months(day, months) < as_of:
        day += dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------- SQL pieces


def _table(model) -> str:
    return model._meta.db_table


def _in(values) -> tuple[str, list]:
    values = list(values)
    return (", ".join(["%s"] * len(values)) or "NULL"), values


def _ledger_sums(person_ids, period: Period, kinds, *, counted: bool = True) -> tuple[str, list]:
    """(person_id, hours, days, trainings): the ledger of the period in the types `kinds` of the people whose ids
    `person_ids` selects (a one-column queryset): hours as the ledger credits them (caps applied: the sum of
    `hours`, as `person_hours_sql`), 脱产 days and the number of lines as recorded (`counted`; else 0). One grouped
    pass over those people's lines (index look-ups by person and year)."""
    inner, inner_params = person_ids.query.sql_with_params()
    kind_sql, kind_params = _in(kinds)
    counts = "SUM(COALESCE(c.days, 0)) AS days, COUNT(*) AS trainings" if counted else "0 AS days, 0 AS trainings"
    sql = (f"SELECT c.person_id, SUM(c.hours) AS hours, {counts} FROM {_table(Credit)} c "
           f'WHERE c.person_id IN ({inner}) AND c.year >= %s AND c.year <= %s AND c."on" >= %s AND c."on" < %s '
           f"AND c.kind IN ({kind_sql}) GROUP BY c.person_id")
    return sql, [*inner_params, period.start.year, period.end.year, period.start, period.stop, *kind_params]


def _people_of(qs, field_name: str = "person_id"):
    """The ids of the people of the judged records (their ledger lines are `person_id`)."""
    return qs.order_by().values(field_name)


@lru_cache(maxsize=8192)  # a scan converts the same few sums hundreds of thousands of times
def _dec(value) -> Decimal:
    return Decimal(str(round(float(value or 0), 2))).normalize() + Decimal("0.00")


def _finish(rows: list[dict], period: Period, required: Decimal, **extra) -> list[dict]:
    for row in rows:
        row["credited"] = _dec(row.get("credited"))
        row["days"] = _dec(row.get("days"))
        row["trainings"] = int(row.get("trainings") or 0)
        row["required"] = required
        row["shortfall"] = max(required - row["credited"], Decimal(0))
        row["start"], row["end"] = period.start, period.end
        row["period"] = period.label
        for k, v in extra.items():
            row.setdefault(k, v)
    return rows


def _in_subtree(qs, req: Requirement, path_field: str = "org_path"):
    return qs.filter(**{f"{path_field}__subtree": req.path}) if req.path else qs


# ---------------------------------------------------------------- cadres


def cadres(qs, req: Requirement):
    """The cadres a cadre requirement applies to: in service, of the levels of its `levels` parameter."""
    levels = [int(v) for v in req.p("levels", [])]
    qs = _in_subtree(qs.filter(status="active"), req)
    return qs.filter(rank_level__in=levels) if levels else qs.filter(rank_level__isnull=False)


def _promotions_sql(cadre_qs, top_order: int) -> tuple[str, list]:
    """(cadre_id, promoted_on): the last day each cadre took a rank of the cycle's levels higher than the one
    held before (the first rank record counts: no earlier rank is known), from the rank records."""
    from zugong.cadres import ranks
    from zugong.cadres.models import RankRecord

    order = "CASE r.rank " + " ".join(f"WHEN '{code}' THEN {i}" for code, i in ranks.ORDER.items()) + " ELSE 99 END"
    inner, params = cadre_qs.order_by().values("id").query.sql_with_params()
    sql = (f"SELECT x.cadre_id, MAX(x.start_on) AS promoted_on FROM ("
           f"SELECT r.cadre_id, r.start_on, {order} AS o, "
           f"LAG({order}) OVER (PARTITION BY r.cadre_id ORDER BY r.start_on, r.id) AS prev "
           f"FROM {_table(RankRecord)} r WHERE r.cadre_id IN ({inner})) x "
           f"WHERE x.o <= %s AND (x.prev IS NULL OR x.prev > x.o) GROUP BY x.cadre_id")
    return sql, [*params, top_order]


def eval_cadre_cycle(qs, req: Requirement, as_of: dt.date, *, short_only: bool = True) -> list[dict]:
    """县处级以上：in the rolling window ending on `as_of`, at least `hours` 学时 or `days` days of 脱产 or
    concentrated training; a cadre promoted (to a rank of these levels) within `grace_months` before `as_of` is
    not short yet (due then)."""
    from zugong.cadres import ranks

    population = cadres(qs, req)
    period = cycle_period(req, as_of)
    hours, days, grace = req.dec("hours", 550), req.dec("days", 90), int(req.p("grace_months", 12))
    levels = [int(v) for v in req.p("levels", ["1", "2", "3"])] or [3]
    top_order = max(i for code, i in ranks.ORDER.items() if ranks.level_of(code) <= max(levels))
    inner, inner_params = population.order_by().values(
        "id", "organization_id", "org_path", "person_id", "rank_since").query.sql_with_params()
    sums, sums_params = _ledger_sums(_people_of(population), period, CONCENTRATED_KINDS)
    promos, promos_params = _promotions_sql(population, top_order)
    where = ("WHERE COALESCE(s.hours, 0) < %s AND COALESCE(s.days, 0) < %s "
             "AND (COALESCE(p.promoted_on, c.rank_since) IS NULL OR COALESCE(p.promoted_on, c.rank_since) < %s)")
    sql = (f"SELECT c.id AS pk, c.organization_id, c.org_path, c.person_id, COALESCE(s.hours, 0) AS credited, "
           f"COALESCE(s.days, 0) AS days, COALESCE(s.trainings, 0) AS trainings, "
           f"COALESCE(p.promoted_on, c.rank_since) AS promoted_on "
           f"FROM ({inner}) c LEFT JOIN ({sums}) s ON s.person_id = c.person_id "
           f"LEFT JOIN ({promos}) p ON p.cadre_id = c.id {where if short_only else ''}")
    params = [*inner_params, *sums_params, *promos_params]
    if short_only:
        params += [float(hours), float(days), grace_start(as_of, grace)]
    rows = _finish(rules.sql_rows(sql, params), period, hours, required_days=days)
    for row in rows:
        promoted = row.get("promoted_on")
        if isinstance(promoted, str):
            promoted = row["promoted_on"] = dt.date.fromisoformat(promoted[:10])
        row["due"] = add_months(promoted, grace) if promoted else None
        row["met"] = row["credited"] >= hours or row["days"] >= days
        row["in_grace"] = bool(row["due"] and row["due"] >= as_of and not row["met"])
    return rows


def eval_cadre_year(qs, req: Requirement, period: Period, *, short_only: bool = True) -> list[dict]:
    """乡科级及以下：in the year, at least `hours` 学时 or `days` days of 脱产 or concentrated training."""
    population = cadres(qs, req)
    hours, days = req.dec("hours", 90), req.dec("days", 12)
    inner, inner_params = population.order_by().values(
        "id", "organization_id", "org_path", "person_id").query.sql_with_params()
    sums, sums_params = _ledger_sums(_people_of(population), period, CONCENTRATED_KINDS)
    sql = (f"SELECT c.id AS pk, c.organization_id, c.org_path, c.person_id, COALESCE(s.hours, 0) AS credited, "
           f"COALESCE(s.days, 0) AS days, COALESCE(s.trainings, 0) AS trainings "
           f"FROM ({inner}) c LEFT JOIN ({sums}) s ON s.person_id = c.person_id")
    params = [*inner_params, *sums_params]
    if short_only:
        sql += " WHERE COALESCE(s.hours, 0) < %s AND COALESCE(s.days, 0) < %s"
        params += [float(hours), float(days)]
    rows = _finish(rules.sql_rows(sql, params), period, hours, required_days=days)
    for row in rows:
        row["met"] = row["credited"] >= hours or row["days"] >= days
    return rows


def eval_online(qs, req: Requirement, period: Period, *, short_only: bool = True) -> list[dict]:
    """Every cadre of the levels: at least `hours` 学时 of 网络培训 in the year."""
    population = cadres(qs, req)
    hours = req.dec("hours", 50)
    inner, inner_params = population.order_by().values(
        "id", "organization_id", "org_path", "person_id").query.sql_with_params()
    sums, sums_params = _ledger_sums(_people_of(population), period, [str(CreditKind.ONLINE)], counted=False)
    sql = (f"SELECT c.id AS pk, c.organization_id, c.org_path, c.person_id, COALESCE(s.hours, 0) AS credited, "
           f"COALESCE(s.trainings, 0) AS trainings FROM ({inner}) c LEFT JOIN ({sums}) s ON s.person_id = c.person_id")
    params = [*inner_params, *sums_params]
    if short_only:
        sql += " WHERE COALESCE(s.hours, 0) < %s"
        params.append(float(hours))
    rows = _finish(rules.sql_rows(sql, params), period, hours)
    for row in rows:
        row["met"] = row["credited"] >= hours
    return rows


# ---------------------------------------------------------------- members


def committee_members(qs, req: Requirement, period: Period):
    """Members in good standing who held a post in the committee of an organization of the requirement's kinds
    on any day of the period (`members.PostSpan`). Driven from the posts (a tenth of the members, or fewer), not
    by a test per membership of the tree."""
    from zugong.members.models import PostSpan

    kinds = list(req.p("org_kinds", list(COMMITTEE_ORG_KINDS)))
    spans = PostSpan.objects.unrestricted().filter(organization__kind__in=kinds, started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=period.start))
    return _in_subtree(qs.active(), req).filter(pk__in=spans.values("membership_id"))


def eval_committee(qs, req: Requirement, period: Period, *, short_only: bool = True) -> list[dict]:
    """基层党组织书记和委员：in the year at least `hours` 学时 (the member's study hours, `member_hours_sql`)
    and at least `trainings` concentrated trainings (ledger lines of 脱产 or concentrated training)."""
    population = committee_members(qs, req, period)
    hours, trainings = req.dec("hours", 56), int(req.p("trainings", 1))
    study, study_params = member_hours_sql(population, period.start, period.stop)
    sums, sums_params = _ledger_sums(_people_of(population), period, CONCENTRATED_KINDS)
    sql = (f"SELECT s.id AS pk, s.organization_id, s.org_path, s.person_id, s.hours AS credited, "
           f"COALESCE(k.trainings, 0) AS trainings, COALESCE(k.days, 0) AS days "
           f"FROM ({study}) s LEFT JOIN ({sums}) k ON k.person_id = s.person_id")
    params = [*study_params, *sums_params]
    if short_only:
        sql += " WHERE s.hours < %s OR COALESCE(k.trainings, 0) < %s"
        params += [float(hours), trainings]
    rows = _finish(rules.sql_rows(sql, params), period, hours, required_trainings=trainings)
    for row in rows:
        row["met"] = row["credited"] >= hours and row["trainings"] >= trainings
    return rows


def _trained(person_ref: str, start, end) -> Exists:
    """A ledger line of 脱产 or concentrated training of the person in [start, end] (expressions)."""
    return Exists(Credit.objects.unrestricted().filter(
        person_id=OuterRef(person_ref), kind__in=CONCENTRATED_KINDS, on__gte=start, on__lte=end))


def eval_new_secretary(qs, req: Requirement, as_of: dt.date, *, short_only: bool = True) -> list[dict]:
    """New secretaries (a 书记 post begun within `lookback_months` before `as_of`): trained (a line of 脱产 or
    concentrated training) between taking the post and `months` months later. Judged once that day has passed
    (`short_only`); the standing shows a post still inside its months too."""
    months, lookback = int(req.p("months", 6)), int(req.p("lookback_months", 24))
    kinds = list(req.p("org_kinds", list(COMMITTEE_ORG_KINDS)))
    posts = _in_subtree(qs.filter(post="secretary", organization__kind__in=kinds,
                                  started_on__gt=add_months(as_of, -lookback), started_on__lte=as_of), req)
    posts = posts.annotate(due=AddMonths(F("started_on"), months)).annotate(
        trained=_trained("membership__person_id", OuterRef("started_on"), OuterRef("due")))
    if short_only:
        posts = posts.filter(due__lt=as_of, trained=False)
    counts = {}
    found = list(posts.order_by().values("pk", "organization_id", "org_path", "started_on", "due", "trained",
                                         person_id=F("membership__person_id")))
    if found and not short_only:
        for row in found:
            counts[row["pk"]] = Credit.objects.unrestricted().filter(
                person_id=row["person_id"], kind__in=CONCENTRATED_KINDS, on__gte=row["started_on"],
                on__lte=row["due"]).count()
    out = []
    for row in found:
        period = Period(row["started_on"], row["due"])
        n = counts.get(row["pk"], 1 if row["trained"] else 0)
        out.extend(_finish([dict(row, credited=n, trainings=n)], period, Decimal(1)))
        out[-1]["met"] = bool(row["trained"])
        out[-1]["pending"] = not row["trained"] and row["due"] >= as_of
    return out


def eval_probationary(qs, req: Requirement, as_of: dt.date, *, short_only: bool = True) -> list[dict]:
    """Members admitted (as 预备党员) within `months` + `lookback_months` before `as_of`: at least one line of 脱产 or concentrated
    training between admission and `months` months later (the probation year by default); judged once that
    day has passed. Whether the training was held by a higher-level organization is not in the ledger: every
    concentrated training counts."""
    from zugong.members.models import Membership

    months, lookback = int(req.p("months", 12)), int(req.p("lookback_months", 12)) + int(req.p("months", 12))
    members = _in_subtree(qs.present().filter(status__in=Membership.ACTIVE_STATUSES, joined_on__gt=add_months(as_of, -lookback),
                                              joined_on__lte=as_of), req)
    members = members.annotate(due=AddMonths(F("joined_on"), months)).annotate(
        trained=_trained("person_id", OuterRef("joined_on"), OuterRef("due")))
    if short_only:
        members = members.filter(due__lt=as_of, trained=False)
    found = list(members.order_by().values("pk", "organization_id", "org_path", "person_id", "joined_on", "due",
                                           "trained"))
    out = []
    for row in found:
        n = 1 if row["trained"] else 0
        out.extend(_finish([dict(row, credited=n, trainings=n)], Period(row["joined_on"], row["due"]), Decimal(1)))
        out[-1]["met"] = bool(row["trained"])
        out[-1]["pending"] = not row["trained"] and row["due"] >= as_of
    return out


def evaluate(req: Requirement, qs, as_of: dt.date, *, year: int | None = None, short_only: bool = True):
    """The rows of one requirement over `qs` (the judged records): the yearly ones for `year` (default: the
    scan's judged year), up to `as_of`; the others as of `as_of`."""
    if req.template == CADRE_CYCLE:
        return eval_cadre_cycle(qs, req, as_of, short_only=short_only)
    if req.template == NEW_SECRETARY:
        return eval_new_secretary(qs, req, as_of, short_only=short_only)
    if req.template == PROBATIONARY:
        return eval_probationary(qs, req, as_of, short_only=short_only)
    period = year_period(judged_year(as_of) if year is None else year, as_of)
    fn = {CADRE_YEAR: eval_cadre_year, ONLINE: eval_online, COMMITTEE: eval_committee}[req.template]
    return fn(qs, req, period, short_only=short_only)


def judged_queryset(req: Requirement):
    """All records a requirement judges (unrestricted: scans and selectors narrow it)."""
    from django.apps import apps

    return apps.get_model(req.model).objects.unrestricted()


def num(value) -> str:
    d = Decimal(str(value or 0)).normalize()
    return f"{d:f}"
