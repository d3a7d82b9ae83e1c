"""Rules: each regulation (a time limit, a frequency, a quota, an eligibility condition) as code with a citation.

A `Rule` judges one model. Its `check` is one set-based query over all rows of a subtree that yields the
violating rows with the measured values; `describe` turns those values into the finding's Chinese text
("培养期 10 个月，不足 1 年"). A rule cites one or more editions of its regulation; an event is judged by the
edition in force on the event's date (`event_field`). `scan` opens and resolves `Finding`s; `enforce` lets a
workflow service refuse a step that would break an error-severity rule, unless an authorized user records an
exception with a reason (audited). A rule declares what it reads besides its own model (`Reads`); a change
saved through the audit (a service's `audit.operation`, a single audited save, rows named with `op.created`)
re-judges the rows it concerns at once (`rejudge`), so a record's page never shows a stale verdict.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import audit, bulk, config, scope

log = logging.getLogger(__name__)

ERROR, WARNING, REMINDER = "error", "warning", "reminder"
# The article of a citation that regulations.md does not confirm: the citation names the regulation and its
# edition and says so (never an inferred number; docs/rules-coverage.md gives each fact's status).
UNVERIFIED_ARTICLE = config.UNVERIFIED_ARTICLE
SEVERITY_LABELS = {ERROR: "违规", WARNING: "警示", REMINDER: "提醒"}


@dataclass(frozen=True)
class Edition:
    """Where a rule comes from: regulation, edition, article, and when that edition was in force."""

    regulation: str
    article: str
    edition: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None  # exclusive
    local: bool = False

    def in_force(self, day: dt.date | None) -> bool:
        if day is None:
            return self.effective_to is None
        return (self.effective_from is None or day >= self.effective_from) and (
            self.effective_to is None or day < self.effective_to
        )

    @property
    def citation(self) -> str:
        return f"{self.regulation}{'（' + self.edition + '）' if self.edition else ''}{self.article}"


@dataclass(frozen=True)
class Reads:
    """A model a rule reads besides its own, and which judged rows a changed row of it concerns: those whose
    `key` (a field of the judged model: "pk", "organization_id", "person_id", or a lookup across relations such as
    "contacts__person__membership__pk": the judged rows are then taken once each, by a subquery) equals the
    changed row's `value` (a concrete field of the changed row: "organization_id", "membership_id", "case_id").
    A rule always reads its own model (`Reads(rule.model, "pk")`)."""

    model: str  # app_label.ModelName
    value: str
    key: str = "pk"


@dataclass
class Rule:
    code: str
    title: str
    severity: str
    model: str  # app_label.ModelName of the judged records
    editions: tuple[Edition, ...]
    # The violating rows of the queryset it is given: a queryset (values() of the rule's fields are read), or
    # rows (dicts with those keys) from a check written as one SQL statement over that queryset (`sql_rows`).
    check: Callable[[QuerySet, dt.date], QuerySet | list[dict]]
    describe: Callable[[dict], str]
    measures: tuple[str, ...] = ()
    event_field: str | None = None
    person_field: str | None = "person_id"
    org_field: str = "organization_id"
    path_field: str = "org_path"
    text: str = ""
    group: str = ""
    reads: tuple[Reads, ...] = ()  # other models whose change re-judges rows of this rule (see `rejudge`)
    # The facts of ../shared/domain/regulations.md the rule encodes, by their ids there ("A3", "B7" …); a local
    # rule names the practice.md section ("practice §2"). Internal: never shown to users.
    facts: tuple[str, ...] = ()

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def reading(self) -> tuple[Reads, ...]:
        return (Reads(self.model, "pk"), *self.reads)

    @property
    def local(self) -> bool:
        return any(e.local for e in self.editions)

    def edition_on(self, day: dt.date | None) -> Edition:
        for e in self.editions:
            if e.in_force(day):
                return e
        return self.editions[-1]

    def applicable(self, qs: QuerySet) -> QuerySet:
        """Rows whose event falls under an edition that has this rule."""
        if not self.event_field:
            return qs
        q = Q()
        for e in self.editions:
            part = Q()
            if e.effective_from:
                part &= Q(**{f"{self.event_field}__gte": e.effective_from})
            if e.effective_to:
                part &= Q(**{f"{self.event_field}__lt": e.effective_to})
            q |= part
        return qs.filter(q)

    def violations(self, qs: QuerySet, as_of: dt.date) -> list[dict]:
        """The violating rows of `qs` as dicts with pk, organization, path, person, event date and measures."""
        names = ["pk", self.org_field, self.path_field, *(self.measures)]
        if self.person_field:
            names.append(self.person_field)
        if self.event_field:
            names.append(self.event_field)
        found = self.check(self.applicable(qs), as_of)
        if isinstance(found, QuerySet):
            return list(found.order_by().values(*dict.fromkeys(names)))  # no sort: rows are keyed by pk
        # A check written as one SQL statement (see `sql_rows`) returns the rows with these keys itself.
        return list(found)

    @property
    def citation(self) -> str:
        return self.editions[-1].citation


def sql_rows(sql: str, params) -> list[dict]:
    """Rows of a raw SELECT as dicts keyed by column name, for checks that are one statement (joins to grouped
    derived tables instead of correlated subqueries: one pass over each large table at province scale)."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in RULES:
        raise ValueError(f"rule {rule.code} registered twice")
    RULES[rule.code] = rule
    return rule


def all_rules() -> list[Rule]:
    """National rules from code and local rules from configuration (LocalRule rows)."""
    from .models import LocalRule

    rules = list(RULES.values())
    for row in LocalRule.objects.unrestricted().filter(active=True).select_related("organization"):
        factory = LOCAL_TEMPLATES.get(row.template)
        if factory:
            rules.append(factory(row))
    return rules


# Templates for local rules: code that takes its numbers and its citation from a LocalRule row. Each is also
# a configuration template (`zugong.core.config.TEMPLATES`): what its parameters mean, units and defaults.
LOCAL_TEMPLATES: dict[str, Callable] = {}


def local_template(name: str, *, title: str = "", domain: str = "", params: tuple = (), citation: str = ""):
    """Register the code of a local rule template and, with it, the template's parameters (`config.Param`)."""
    from . import config

    def register_template(fn):
        LOCAL_TEMPLATES[name] = fn
        app = fn.__module__.split(".")[1]
        config.register(config.Template(name, title or name, domain or app, tuple(params), citation,
                                        (fn.__doc__ or "").strip().split("\n")[0]))
        return fn

    return register_template


def local_edition(row) -> Edition:
    return Edition(row.regulation, row.article, "", row.effective_from, row.effective_to, local=True)


# ---------------------------------------------------------------- scanning


@dataclass
class ScanResult:
    as_of: dt.date
    opened: int = 0
    resolved: int = 0
    still_open: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)


class RuleViolation(ValidationError):
    """A workflow step refused by an error-severity rule; the message cites the article."""


def _finding_fields(rule: Rule, row: dict) -> dict:
    event = row.get(rule.event_field) if rule.event_field else None
    if isinstance(event, dt.datetime):
        event = event.date()
    edition = rule.edition_on(event)
    return {
        "rule": rule.code,
        "severity": rule.severity,
        "model": rule.model.lower(),
        "object_id": row["pk"],
        "person_id": row.get(rule.person_field) if rule.person_field else None,
        "organization_id": row[rule.org_field],
        "org_path": row[rule.path_field],
        "regulation": edition.regulation,
        "edition": edition.edition,
        "article": edition.article,
        "detail": rule.describe(row)[:300],
    }


def _citation(rule: Rule, row: dict) -> str:
    event = row.get(rule.event_field) if rule.event_field else None
    return rule.edition_on(event.date() if isinstance(event, dt.datetime) else event).citation


def _insert_findings(rows: list[dict], now) -> None:
    """Insert new findings (dicts of `_finding_fields`) in bulk (COPY on PostgreSQL): a province's first scan
    opens some 400 thousand, and building model instances for them took longer than the checks."""
    from .models import Finding

    if not rows:
        return
    fields = [f for f in Finding._meta.concrete_fields if not f.primary_key]
    given = set(rows[0]) - {"opened_at"}
    constant = {f.attname: f.get_db_prep_save(now if f.attname == "opened_at" else f.get_default(), connection)
                for f in fields if f.attname not in given}
    names = [f.attname for f in fields]
    bulk.insert_rows(Finding._meta.db_table, [f.column for f in fields],
                     ([constant[n] if n in constant else row[n] for n in names] for row in rows))


def _judge(rule: Rule, qs: QuerySet, open_qs: QuerySet, as_of: dt.date, now) -> tuple[int, int, int]:
    """Judge the rows of `qs` by one rule against the open findings `open_qs` of those rows: open the new ones,
    resolve those no longer true, refresh the changed texts. Returns (opened, resolved, still open)."""
    from .models import Finding

    rows = {r["pk"]: r for r in rule.violations(qs, as_of)}
    current = {object_id: (pk, detail) for object_id, pk, detail in
               open_qs.order_by().values_list("object_id", "id", "detail")}
    new = [_finding_fields(rule, rows[pk]) for pk in rows.keys() - current.keys()]
    gone = [current[pk][0] for pk in current.keys() - rows.keys()]
    changed = []
    for pk in rows.keys() & current.keys():
        detail = rule.describe(rows[pk])[:300]
        if current[pk][1] != detail:
            changed.append(Finding(id=current[pk][0], detail=detail))
    if not (new or gone or changed):  # nothing to write: no savepoint (a re-judge runs many rules per operation)
        return 0, 0, len(rows)
    with transaction.atomic():
        _insert_findings(new, now)
        for start in range(0, len(gone), 2000):
            Finding.objects.unrestricted().filter(id__in=gone[start:start + 2000]).update(resolved_at=now)
        Finding.objects.bulk_update(changed, ["detail"], batch_size=2000)
    return len(new), len(gone), len(rows)


def scan(root_path: str = "", as_of: dt.date | None = None, rules: Iterable[Rule] | None = None,
         progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Run rules over a subtree as of a date: open new findings, resolve those no longer true."""
    from .models import Finding

    as_of = as_of or timezone.localdate()
    rules = list(rules if rules is not None else all_rules())
    result = ScanResult(as_of=as_of)
    now = timezone.now()
    for i, rule in enumerate(rules, start=1):
        qs = rule.model_class.objects.unrestricted()
        open_qs = Finding.objects.unrestricted().filter(rule=rule.code, resolved_at__isnull=True)
        if root_path:
            qs = qs.filter(**{f"{rule.path_field}__subtree": root_path})
            open_qs = open_qs.subtree(root_path)
        opened, resolved, still = _judge(rule, qs, open_qs, as_of, now)
        result.opened += opened
        result.resolved += resolved
        result.still_open += still
        result.per_rule[rule.code] = still
        if progress:
            progress(i, len(rules))
    return result


# ---------------------------------------------------------------- incremental re-judging

# What changed, per model label (lower case): {field attname: values} — "pk" and every foreign key column, old
# and new values both (a membership moved from one branch to another concerns both branches).
Changes = dict[str, dict[str, set]]
CHUNK = 2000  # values in one IN (...) list


def changed_values(obj) -> dict[str, set]:
    """The pk and foreign key values of a changed row, as loaded and as saved (deleted rows included)."""
    loaded = getattr(obj, "_audit_loaded", None) or {}
    out = {"pk": {obj.pk}}
    for f in obj._meta.concrete_fields:
        if f.is_relation:
            out[f.attname] = {getattr(obj, f.attname), loaded.get(f.attname)}
    return out


def _keys(rule: Rule, changes: Changes) -> dict[str, set]:
    """The judged rows a set of changes concerns: {lookup on the judged model: values}."""
    keys: dict[str, set] = {}
    for reads in rule.reading:
        values = changes.get(reads.model.lower(), {}).get(reads.value)
        if values:
            keys.setdefault(reads.key, set()).update(v for v in values if v is not None)
    return {k: v for k, v in keys.items() if v}


def _parts(keys: dict[str, set]):
    """The keys in pieces of at most CHUNK values (one query each): one piece for a service's change."""
    flat = [(k, v) for k, values in keys.items() for v in sorted(values, key=str)]
    for start in range(0, len(flat), CHUNK):
        part: dict[str, list] = {}
        for k, v in flat[start:start + CHUNK]:
            part.setdefault(k, []).append(v)
        yield part


def rejudge(changes: Changes, as_of: dt.date | None = None, rules: Iterable[Rule] | None = None) -> ScanResult:
    """Re-judge, by the rules that read them, the rows concerned by changed rows (`changed_values` per model
    label): one check per affected rule restricted to those rows, the same open/resolve as `scan`."""
    as_of = as_of or timezone.localdate()
    result = ScanResult(as_of=as_of)
    now = timezone.now()
    token = _narrow.set(True)
    try:
        _rejudge(changes, as_of, rules if rules is not None else all_rules(), result, now)
    finally:
        _narrow.reset(token)
    return result


def _rejudge(changes: Changes, as_of: dt.date, rules: Iterable[Rule], result: ScanResult, now) -> None:
    from .models import Finding

    for rule in rules:
        keys = _keys(rule, changes)
        for part in _parts(keys):
            q = Q()
            for key, values in part.items():
                q |= Q(**{f"{key}__in": values})
            qs = rule.model_class.objects.unrestricted().filter(q)
            if any("__" in key for key in part):  # a lookup across a to-many relation repeats rows: once each
                qs = rule.model_class.objects.unrestricted().filter(pk__in=qs.values("pk"))
            # The open findings of the rows judged, and of judged rows that are gone (deleted: resolved).
            judged = Q(object_id__in=qs.values("pk"))
            if part.get("pk"):
                judged |= Q(object_id__in=part["pk"])
            open_qs = Finding.objects.unrestricted().filter(judged, rule=rule.code, resolved_at__isnull=True)
            opened, resolved, still = _judge(rule, qs, open_qs, as_of, now)
            result.opened += opened
            result.resolved += resolved
            result.still_open += still
            result.per_rule[rule.code] = result.per_rule.get(rule.code, 0) + still


# Changes waiting to be re-judged, per connection: those made inside an operation (re-judged when it ends, inside
# its transaction: the findings commit or roll back with the change) and single saves outside any (on commit).
_narrow: ContextVar[bool] = ContextVar("zugong_rules_narrow", default=False)


def narrow() -> bool:
    """Whether the checks now judge a few rows (`rejudge`): a check written as one SQL statement over the whole
    tree may then restrict its per-organization sums to the rows judged (cheaper), which would only slow a scan."""
    return _narrow.get()


_PENDING = {True: "zugong_rejudge_in_operation", False: "zugong_rejudge_on_commit"}


def _noted(obj, in_operation: bool) -> None:
    """A row saved or deleted through the audit: remember what it concerns until the change is complete (the
    end of its `audit.operation`, or the commit of a single save)."""
    conn = transaction.get_connection()
    pending = getattr(conn, _PENDING[in_operation], None)
    if pending is None:
        pending = {}
        setattr(conn, _PENDING[in_operation], pending)
    into = pending.setdefault(obj._meta.label_lower, {})
    for name, values in changed_values(obj).items():
        into.setdefault(name, set()).update(values)
    if not in_operation:
        # One callback per save (the first to run judges everything noted; the others find nothing left): a
        # savepoint rolled back drops its own callbacks, never the outer ones'.
        transaction.on_commit(_flush_committed)


def _flush(in_operation: bool) -> None:
    """Re-judge what the changes noted so far concern. A failing rule is logged and never undoes the change (the
    nightly scan judges again)."""
    conn = transaction.get_connection()
    pending = getattr(conn, _PENDING[in_operation], None)
    if not pending:
        return
    setattr(conn, _PENDING[in_operation], None)
    try:
        with transaction.atomic():
            rejudge(pending)
    except Exception:
        log.exception("re-judging after a change failed")


def flush() -> None:
    """The end of an outermost `audit.operation`: re-judge what it changed."""
    _flush(True)


def _flush_committed() -> None:
    _flush(False)
    _flush(True)  # an operation that failed after noting rows left them: judging them again is harmless


def judge_changes() -> None:
    """Re-judge now, inside the transaction, what it changed so far: for a service that saves rows one by one
    (no operation) and wants their findings settled before it returns (or rolled back with it)."""
    _flush_committed()


audit.listen(changed=_noted, done=flush)


# ---------------------------------------------------------------- workflow guard


def check_record(rule_codes: Iterable[str], obj, as_of: dt.date | None = None) -> list[tuple[Rule, dict]]:
    """Evaluate rules on one record (the same set-based checks, restricted to its row)."""
    as_of = as_of or timezone.localdate()
    known = {r.code: r for r in all_rules()}
    out = []
    token = _narrow.set(True)
    try:
        for code in rule_codes:
            rule = known[code]
            qs = rule.model_class.objects.unrestricted().filter(pk=obj.pk)
            out.extend((rule, row) for row in rule.violations(qs, as_of))
    finally:
        _narrow.reset(token)
    return out


def enforce(rule_codes: Iterable[str], obj, *, user, as_of: dt.date | None = None, exception_reason: str = ""):
    """Refuse a step whose result breaks an error-severity rule (call inside the step's transaction, after
    applying it, so the refusal rolls it back). With a reason from an authorized user, the step passes and
    the finding is recorded as an exception, in the audit log too. Returns the warnings and reminders."""
    from .models import Finding

    found = check_record(rule_codes, obj, as_of)
    errors = [(r, row) for r, row in found if r.severity == ERROR]
    if errors and not exception_reason.strip():
        lines = [f"{r.describe(row)}（{_citation(r, row)}）" for r, row in errors]
        raise RuleViolation("；".join(lines) + "。如确有特殊情况，可由有权限的管理员填写理由后作为例外办理。")
    for rule, row in errors:
        fields = _finding_fields(rule, row)
        if not scope.can(user, "manage", fields["org_path"]):
            raise PermissionDenied("只有组织部门或党组织管理员可以作为例外办理")
        now = timezone.now()
        Finding.objects.unrestricted().filter(rule=rule.code, object_id=fields["object_id"],
                                              resolved_at__isnull=True).update(resolved_at=now)
        finding = Finding.objects.create(opened_at=now, excepted_by=user, excepted_at=now,
                                         exception_reason=exception_reason.strip(), **fields)
        reason = exception_reason.strip()
        with audit.operation(finding, "exception", reason, org_path=fields["org_path"]) as op:
            op.fact("例外办理的规则", f"{rule.title}（{finding.citation}）", field="rule")
    return [(r, row) for r, row in found if r.severity != ERROR]
