"""Party dues (党费): the 2008 brackets as one table for Python and SQL, month arithmetic, arrears in SQL.

《关于中国共产党党费收缴、使用和管理的规定》（2008年）一、第二条 (after-tax monthly pay), 第五条 (pensions),
第六条 (farmers, students, the laid-off and unemployed, people on relief or 低保). Each bracket's upper bound
belongs to the lower band: 3000.00 pays 0.5 %, 3000.01 pays 1 %.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import (
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest, Least, Round
from django.db.models.lookups import Exact

from zugong.core import history
from zugong.core.dates import add_months

from .models import DuesBaseSpan, DuesExemption, DuesKind, DuesPayment, Membership

CENT = Decimal("0.01")
MINIMUM_AMOUNT = Decimal("0.20")
FARMER_RANGE = (Decimal("0.20"), Decimal("1.00"))

# (upper bound, inclusive; None for the top band) → rate.
SALARY_BRACKETS = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
PENSION_BRACKETS = ((Decimal("5000"), Decimal("0.005")), (None, Decimal("0.01")))
BRACKETS = {DuesKind.SALARY: SALARY_BRACKETS, DuesKind.PENSION: PENSION_BRACKETS}

ARTICLES = {
    DuesKind.SALARY: "一、第二条",
    DuesKind.PENSION: "一、第五条",
    DuesKind.FARMER: "一、第六条",
    DuesKind.MINIMUM: "一、第六条",
}
REGULATION = "《关于中国共产党党费收缴、使用和管理的规定》"


def farmer_amount() -> Decimal:
    """The monthly dues of farmer members: 0.2–1 元 (第六条); settings.ZUGONG_FARMER_DUES, default 0.20."""
    raw = getattr(settings, "ZUGONG_FARMER_DUES", "0.20")
    try:
        amount = Decimal(str(raw)).quantize(CENT)
    except InvalidOperation:
        raise ImproperlyConfigured(f"ZUGONG_FARMER_DUES={raw!r} 不是金额") from None
    if not FARMER_RANGE[0] <= amount <= FARMER_RANGE[1]:
        raise ImproperlyConfigured("ZUGONG_FARMER_DUES 应在 0.20 至 1.00 元之间（党费规定 一、第六条）")
    return amount


def rate(base: Decimal, kind: str) -> Decimal:
    """The percentage rate (as a fraction) of a base under a bracket kind (salary or pension)."""
    for upper, r in BRACKETS[kind]:
        if upper is None or base <= upper:
            return r
    raise AssertionError("the top band has no upper bound")


def monthly_dues(base, kind: str) -> Decimal:
    """The monthly dues in 元 for a base (元/月) and a dues kind, rounded half up to the 分.

    Farmers pay the configured fixed amount and the minimum kinds 0.20 whatever the base; salary and pension
    kinds need a base (ValueError with a Chinese reason otherwise).
    """
    if kind == DuesKind.FARMER:
        return farmer_amount()
    if kind == DuesKind.MINIMUM:
        return MINIMUM_AMOUNT
    if kind not in BRACKETS:
        raise ValueError(f"未知的党费计算方式“{kind}”")
    if base is None or base == "":
        raise ValueError("缺少党费计算基数（税后月收入或离退休费）")
    try:
        base = Decimal(str(base))
    except InvalidOperation:
        raise ValueError(f"党费计算基数“{base}”不是金额") from None
    if base < 0:
        raise ValueError("党费计算基数不能为负数")
    return (base * rate(base, kind)).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value) -> Decimal:
    """An amount to the 分 (SQLite hands computed amounts back as floats or integers)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def dues_of(membership: Membership) -> Decimal | None:
    """A member's monthly dues, or None while the base they need is not recorded."""
    try:
        return monthly_dues(membership.dues_base, membership.effective_dues_kind)
    except ValueError:
        return None


def basis_text(membership: Membership) -> str:
    """How a member's dues are worked out, with the article: "按税后月工资收入 6000.00 元 × 1.5%（一、第二条）"."""
    kind = membership.effective_dues_kind
    label = DuesKind(kind).label
    if kind in BRACKETS and membership.dues_base is not None:
        pct = (rate(membership.dues_base, kind) * 100).normalize()
        return f"{label} {membership.dues_base} 元 × {pct}%（{ARTICLES[kind]}）"
    if kind in BRACKETS:
        return f"{label}，未填写计算基数（{ARTICLES[kind]}）"
    return f"{label}（{ARTICLES[kind]}）"


# ---------------------------------------------------------------- months


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_label(day: dt.date | None) -> str:
    """A month as written in documents: 2026年3月."""
    return f"{day.year}年{day.month}月" if day else ""


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of every month from `first` to `last`, both included."""
    return [month_of_index(i) for i in range(month_index(first), month_index(last) + 1)]


def last_due_month(as_of: dt.date) -> dt.date:
    """The latest month whose dues are owed on `as_of`: the month before (dues are paid within the month)."""
    return add_months(first_of_month(as_of), -1)


_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*\d{1,2}\s*日?$"),
]


def parse_month(value) -> dt.date:
    """A month from a form or an Excel cell: a date, or text like 2026-03, 2026/3, 2026年3月, 202603,
    2026-03-01. Returns the month's first day; raises ValueError with a Chinese reason."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return first_of_month(value)
    text = str(value if value is not None else "").strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(text)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"月份“{text}”不存在")
            return dt.date(year, month, 1)
    raise ValueError(f"无法识别的月份“{text}”，请写作 2026-03 或 2026年3月")


# ---------------------------------------------------------------- SQL


def month_index_sql(expression):
    """SQL: months since year 0 of a date expression (year × 12 + month − 1), like `month_index`."""
    return ExtractYear(expression) * Value(12) + ExtractMonth(expression) - Value(1)


class MonthsLater(Func):
    """SQL: the first day of a month `months` later than a month's first day (no clamping needed, unlike
    `core.sql.AddMonths`): one native date operation per row on both databases."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        self.months = int(months)
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '+{self.months} months')", params

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql}) + INTERVAL '{self.months} months' AS date)", params


def kind_sql(prefix: str = ""):
    """SQL: a member row's dues kind, the recorded one or the one its category implies (`prefix` reaches the
    member through a relation: "membership__")."""
    by_category = [
        When(**{f"{prefix}category": c}, then=Value(str(k))) for c, k in Membership.CATEGORY_DUES_KIND.items()
    ]
    return Case(
        When(~Q(**{f"{prefix}dues_kind": ""}), then=F(f"{prefix}dues_kind")),
        *by_category,
        default=Value(str(DuesKind.SALARY)),
        output_field=CharField(),
    )


def due_sql(base: str = "dues_base", kind=None):
    """SQL: monthly dues by the brackets of `monthly_dues` (NULL while the base is missing), of a member row
    (its `dues_base` and `kind_sql`) or of any row with a base column and a kind expression (a `DuesBaseSpan`:
    `due_sql("base", F("kind"))`)."""
    money = DecimalField(max_digits=10, decimal_places=2)
    kind = kind_sql() if kind is None else kind
    whens = [
        When(Exact(kind, Value(str(DuesKind.FARMER))), then=Value(farmer_amount(), output_field=money)),
        When(Exact(kind, Value(str(DuesKind.MINIMUM))), then=Value(MINIMUM_AMOUNT, output_field=money)),
    ]
    for bracket_kind, brackets in BRACKETS.items():
        bands = [
            When(
                Q(**{f"{base}__lte": upper}) if upper is not None else Q(**{f"{base}__isnull": False}),
                then=Round(F(base) * Value(r, output_field=money), 2, output_field=money),
            )
            for upper, r in brackets
        ]
        whens.append(When(Exact(kind, Value(str(bracket_kind))), then=Case(*bands, output_field=money)))
    return Case(*whens, output_field=money)


def due_on_sql(membership, month, *, prefix: str = ""):
    """SQL: the monthly dues of `membership` (an `OuterRef` to the member's id) for `month` (a date or an
    expression: the first day of the month), by the base and kind in force that month (`DuesBaseSpan`: a new
    rate from the first month paid at the new salary, 党费规定 一、第十条). A month no span covers (a member
    recorded without history, or before its history) is judged by today's base on the member row (`prefix` reaches it from the outer
    query: "" on Membership, "membership__" on a payment)."""
    money = DecimalField(max_digits=10, decimal_places=2)
    spans = (
        DuesBaseSpan.objects.filter(history.held_on(month), membership=membership)
        .order_by("-started_on")
        .annotate(due=due_sql("base", F("kind")))
        .values("due")[:1]
    )
    by_month = Subquery(spans, output_field=money)
    today = due_sql(f"{prefix}dues_base", kind_sql(prefix))
    # Most members never changed their base: their one open span holds today's values, so the month's span is
    # looked up only for members with an ended span (a probe of the small partial index dues_base_span_changed).
    changed = DuesBaseSpan.objects.filter(membership=membership, ended_on__isnull=False)
    return Case(
        When(Exists(changed), then=Coalesce(by_month, today, output_field=money)), default=today, output_field=money
    )


def base_spans_sql(vendor: str, tables: dict) -> str:
    """The one INSERT … SELECT that opens a `DuesBaseSpan` with today's base and kind for every member that has
    none, from the month its dues began (`dues_from`, else the month joined): the migration and the seed."""
    if vendor == "postgresql":
        month = "CAST(date_trunc('month', COALESCE(dues_from, joined_on)) AS date)"
    elif vendor == "sqlite":
        month = "date(COALESCE(dues_from, joined_on), 'start of month')"
    else:  # pragma: no cover
        raise NotImplementedError(vendor)
    implied = " ".join(f"WHEN category = '{c}' THEN '{k}'" for c, k in Membership.CATEGORY_DUES_KIND.items())
    return f"""
        INSERT INTO {tables['span']} (membership_id, base, kind, started_on, ended_on)
        SELECT id, dues_base, CASE WHEN dues_kind <> '' THEN dues_kind {implied} ELSE '{DuesKind.SALARY}' END,
               {month}, NULL
        FROM {tables['member']} AS m
        WHERE NOT EXISTS (SELECT 1 FROM {tables['span']} AS s WHERE s.membership_id = m.id)"""


def open_base_spans(*, using: str | None = None) -> int:
    """Open today's base as a span for every member without history (`base_spans_sql`); the seed calls it."""
    using = using or router.db_for_write(Membership)
    connection = connections[using]
    q = connection.ops.quote_name
    tables = {"member": q(Membership._meta.db_table), "span": q(DuesBaseSpan._meta.db_table)}
    with connection.cursor() as cursor:
        cursor.execute(base_spans_sql(connection.vendor, tables))
        return cursor.rowcount


def arrears_sql(as_of: dt.date) -> dict:
    """Annotations of member rows for arrears as of a date (one set-based expression each):

    - `last_paid`: the latest month paid, up to the last month owed;
    - `covered_index`: the month index up to which every month is accounted for — the latest month paid, the
      latest month covered by a recorded reason (DuesExemption), or the month before dues began (the member's
      dues record start, else the month joined: 第八条);
    - `unpaid_months`: the consecutive months since then, up to the last month owed, with neither payment nor
      recorded reason.
    """
    last_due = last_due_month(as_of)
    paid = (
        DuesPayment.objects.filter(membership=OuterRef("pk"), month__lte=last_due)
        .order_by("-month")
        .values("month")[:1]
    )
    excused = (
        DuesExemption.objects.filter(membership=OuterRef("pk"), month_from__lte=last_due)
        .order_by()
        .values("membership")
        .annotate(until=Max(Least(Coalesce("month_to", Value(last_due)), Value(last_due))))
        .values("until")
    )
    covered = Greatest(
        Coalesce(month_index_sql(Subquery(paid, output_field=DateField())), Value(-1)),
        Coalesce(month_index_sql(Subquery(excused, output_field=DateField())), Value(-1)),
        month_index_sql(Coalesce("dues_from", "joined_on")) - Value(1),
        output_field=IntegerField(),
    )
    return {
        "last_paid": Subquery(paid, output_field=DateField()),
        "covered_index": covered,
        "unpaid_months": Value(month_index(last_due)) - F("covered_index"),
    }


def with_arrears(qs, as_of: dt.date):
    """Members annotated with `last_paid`, `covered_index` and `unpaid_months` (see `arrears_sql`)."""
    return qs.annotate(**arrears_sql(as_of))


def owing_q(as_of: dt.date, months: int = 1) -> Q:
    """The members with `months` or more consecutive months owed as of a date (`unpaid_months >= months` of
    `arrears_sql`), said as anti-joins so the database filters before it counts anything per member: dues began
    by the first of those months, and in them there is neither a payment nor a recorded reason.

    The same rows as `with_arrears(qs, as_of).filter(unpaid_months__gte=months)` (tests/members/
    test_arrears_page.py compares them on a seeded database): the months accounted for end before `since` exactly
    when no payment up to the last month owed falls in `since`…`last_due`, no reason that began by then reaches
    `since`, and dues began before the month after `since`.
    """
    months = max(int(months), 1)
    last_due = last_due_month(as_of)
    since = add_months(last_due, 1 - months)
    began_by = add_months(since, 1)
    paid = DuesPayment.objects.filter(membership=OuterRef("pk"), month__gte=since, month__lte=last_due)
    excused = DuesExemption.objects.filter(membership=OuterRef("pk"), month_from__lte=last_due).filter(
        Q(month_to__isnull=True) | Q(month_to__gte=since)
    )
    began = Q(dues_from__lt=began_by) | Q(dues_from__isnull=True, joined_on__lt=began_by)
    return began & ~Q(Exists(paid)) & ~Q(Exists(excused))


def _unsettled_q(as_of: dt.date) -> Q:
    """Members whose stored settled months do not answer for `as_of`: never settled (NULL), or with records
    after a gap that starts after the last month owed (`dues_settled_from` later than it)."""
    return Q(dues_settled_through__isnull=True) | Q(dues_settled_from__gt=last_due_month(as_of))


def _counted(as_of: dt.date):
    """`last_paid` and the months owed as `arrears_sql` counts them, each correlated subquery written once
    (the month indexes computed inside them)."""
    last_due = last_due_month(as_of)
    paid = DuesPayment.objects.filter(membership=OuterRef("pk"), month__lte=last_due).order_by("-month")
    paid_index = paid.annotate(i=month_index_sql("month")).values("i")[:1]
    excused_index = (
        DuesExemption.objects.filter(membership=OuterRef("pk"), month_from__lte=last_due)
        .order_by()
        .values("membership")
        .annotate(until=Max(Least(Coalesce("month_to", Value(last_due)), Value(last_due))))
        .annotate(i=month_index_sql("until"))
        .values("i")
    )
    covered = Greatest(
        Coalesce(Subquery(paid_index, output_field=IntegerField()), Value(-1)),
        Coalesce(Subquery(excused_index, output_field=IntegerField()), Value(-1)),
        month_index_sql(Coalesce("dues_from", "joined_on")) - Value(1),
        output_field=IntegerField(),
    )
    last_paid = Subquery(paid.values("month")[:1], output_field=DateField())
    return last_paid, ExpressionWrapper(Value(month_index(last_due)) - covered, output_field=IntegerField())


def _settled_unpaid(as_of: dt.date):
    """The months owed of a member whose stored `dues_settled_through` (S) is before the last month owed."""
    return ExpressionWrapper(
        Value(month_index(last_due_month(as_of))) - month_index_sql("dues_settled_through"),
        output_field=IntegerField(),
    )


def owing(qs, as_of: dt.date, months: int = 1):
    """The members of `qs` with `months` or more consecutive months owed, annotated with `last_paid` and
    `unpaid_months` exactly as `arrears_sql` computes them (the same rows as `with_arrears(...)
    .filter(unpaid_months__gte=months)`, tests/members/test_arrears_page.py).

    Read from the stored settled months (`settle_sql`): a member whose `dues_settled_through` is at least
    `months` months before the last month owed owes exactly the months since; the few members the stored
    months do not answer for (`_unsettled_q`) are counted from their records (`owing_q`, `arrears_sql`).
    The page reads the same rows through `arrears_rows`, which pages them by the index.
    """
    months = max(int(months), 1)
    cut = add_months(last_due_month(as_of), -months)
    unsettled = _unsettled_q(as_of)
    last_paid, counted = _counted(as_of)
    return qs.filter(Q(dues_settled_through__lte=cut) | (unsettled & owing_q(as_of, months))).annotate(
        last_paid=last_paid,
        unpaid_months=Case(When(unsettled, then=counted), default=_settled_unpaid(as_of), output_field=IntegerField()),
    )


def arrears_key(member) -> tuple:
    """The arrears page's order in Python: most months owed first, then organization, strokes, id."""
    return (-member.unpaid_months, member.org_path, member.person.stroke_key, member.pk)


class ArrearsRows:
    """The rows of `owing(qs, as_of, months)` in the page's order, as a sequence a table pages: the settled
    members read in the order of the index on (`dues_settled_through`, org_path) — a page reads its 50 rows,
    a count counts the index — merged with the few unsettled members, counted from their records and held in
    memory. `len` is the count; a slice reads at most its length plus the unsettled rows."""

    def __init__(self, qs, as_of: dt.date, months: int = 1):
        months = max(int(months), 1)
        cut = add_months(last_due_month(as_of), -months)
        unsettled = _unsettled_q(as_of)
        last_paid, counted = _counted(as_of)
        self.settled = (
            qs.filter(dues_settled_through__lte=cut)
            .annotate(last_paid=last_paid, unpaid_months=_settled_unpaid(as_of))
            .order_by("dues_settled_through", "org_path", "person__stroke_key", "pk")
        )
        self._unsettled_qs = (
            qs.filter(unsettled & owing_q(as_of, months))
            .annotate(last_paid=last_paid, unpaid_months=counted)
            .order_by("-unpaid_months", "org_path", "person__stroke_key", "pk")
        )
        self._unsettled = None
        self._settled_count = None

    @property
    def unsettled(self) -> list:
        if self._unsettled is None:
            self._unsettled = sorted(self._unsettled_qs, key=arrears_key)
        return self._unsettled

    def settled_count(self) -> int:
        if self._settled_count is None:
            self._settled_count = self.settled.count()
        return self._settled_count

    def __len__(self) -> int:
        return self.settled_count() + len(self.unsettled)

    def count(self) -> int:
        return len(self)

    def __iter__(self):
        return heapq.merge(self.settled.iterator(chunk_size=2000), self.unsettled, key=arrears_key)

    def __getitem__(self, item):
        if not isinstance(item, slice):
            index = item + len(self) if item < 0 else item
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(item)
            return rows[0]
        start, stop, step = item.indices(len(self))
        if step != 1:
            return list(self)[item]
        if stop <= start:
            return []
        others = self.unsettled
        first = max(0, start - len(others))  # no more than all the unsettled rows come before `start`
        if first and first >= self.settled_count():
            first = self.settled_count() - 1  # past the settled rows: from the last one
        rows = list(self.settled[first:stop]) if self.settled_count() else []
        exhausted = len(rows) < stop - first
        low = arrears_key(rows[0]) if rows and first else None
        high = arrears_key(rows[-1]) if rows and not exhausted else None
        begins = first + (sum(1 for r in others if arrears_key(r) < low) if low is not None else 0)
        rows += [
            r
            for r in others
            if (low is None or arrears_key(r) > low) and (high is None or arrears_key(r) < high)
        ]
        rows.sort(key=arrears_key)
        return rows[start - begins : stop - begins]


# ---------------------------------------------------------------- settled months, stored


SETTLED_FOREVER = dt.date(9999, 12, 1)  # an open-ended recorded reason settles every month to come
_FOREVER_INDEX = month_index(SETTLED_FOREVER)


def settle_sql(vendor: str, tables: dict, where: str = "") -> str:
    """The one UPDATE … FROM (grouped) statement that stores `dues_settled_through` and `dues_settled_from` on
    members (`where`: a condition on the member id, `m`, to restrict it), on SQLite and PostgreSQL.

    Every payment is the interval [month, month], every reason [month_from, month_to or forever], and the
    months before dues began (-∞, start − 1]; `dues_settled_through` = the latest end (S); `dues_settled_from`
    = the first month of the last unbroken run of intervals ending at S (A), NULL when that run reaches back
    before dues began. Then, as of any last month owed L, the months accounted for by `arrears_sql` are S when
    S ≤ L, L when A ≤ L ≤ S (none owed), and only when L < A do they need the records (see `owing`).
    """
    if vendor == "postgresql":
        index = "(EXTRACT(YEAR FROM {0})::int * 12 + EXTRACT(MONTH FROM {0})::int - 1)"
        date = "make_date(({0}) / 12, ({0}) % 12 + 1, 1)"
    elif vendor == "sqlite":
        index = "(CAST(strftime('%Y', {0}) AS INTEGER) * 12 + CAST(strftime('%m', {0}) AS INTEGER) - 1)"
        date = "printf('%04d-%02d-01', ({0}) / 12, ({0}) % 12 + 1)"
    else:  # pragma: no cover
        raise NotImplementedError(vendor)
    i = index.format
    member_where = f"WHERE {where.format(m='id')}" if where else ""
    record_where = f"WHERE {where.format(m='membership_id')}" if where else ""
    start = i("COALESCE(dues_from, joined_on)")
    intervals = f"""
        SELECT id AS m, -1 AS s, {start} - 1 AS e FROM {tables['member']} {member_where}
        UNION ALL
        SELECT membership_id, {i('month')}, {i('month')} FROM {tables['payment']} {record_where}
        UNION ALL
        SELECT membership_id, {i('month_from')}, COALESCE({i('month_to')}, {_FOREVER_INDEX})
        FROM {tables['exemption']} {record_where}"""
    ordered = f"""
        SELECT m, s, e, MAX(e) OVER (PARTITION BY m ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        AS prev_end FROM ({intervals}) AS iv"""
    grouped = f"""
        SELECT m, MAX(e) AS through, MAX(CASE WHEN s > prev_end + 1 THEN s END) AS run_from
        FROM ({ordered}) AS o GROUP BY m"""
    return f"""
        UPDATE {tables['member']} SET
            dues_settled_through = {date.format('g.through')},
            dues_settled_from = CASE WHEN g.run_from IS NULL THEN NULL ELSE {date.format('g.run_from')} END
        FROM ({grouped}) AS g WHERE {tables['member']}.id = g.m"""


def settle(members=None, *, using: str | None = None) -> None:
    """Store the settled months (`settle_sql`) of some members (ids or Membership rows), or of all (None):
    every write of payments, reasons or a member's dues start calls it in the same transaction."""
    using = using or router.db_for_write(Membership)
    connection = connections[using]
    tables = {
        "member": connection.ops.quote_name(Membership._meta.db_table),
        "payment": connection.ops.quote_name(DuesPayment._meta.db_table),
        "exemption": connection.ops.quote_name(DuesExemption._meta.db_table),
    }
    with connection.cursor() as cursor:
        if members is None:
            cursor.execute(settle_sql(connection.vendor, tables))
            return
        ids = sorted({getattr(m, "pk", m) for m in members})
        for n in range(0, len(ids), 500):
            chunk = ids[n : n + 500]
            sql = settle_sql(connection.vendor, tables, "{m} IN (@ids)").replace("%", "%%")
            cursor.execute(sql.replace("@ids", ", ".join(["%s"] * len(chunk))), chunk * 3)


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def settled(membership: Membership) -> tuple[dt.date | None, dt.date | None]:
    """What `settle` stores for one member, worked out in Python from its records (for tests and checks)."""
    start = month_index(first_of_month(membership.dues_from or membership.joined_on))
    intervals = [(-1, start - 1)]
    intervals += [(month_index(p), month_index(p)) for p in payments_of([membership.pk]).values_list("month", flat=True)]
    intervals += [
        (month_index(a), month_index(b) if b else _FOREVER_INDEX)
        for a, b in exemptions_of([membership.pk]).values_list("month_from", "month_to")
    ]
    intervals.sort()
    run_from, reach = None, None
    for s, e in intervals:
        if reach is not None and s > reach + 1:
            run_from = s
        reach = e if reach is None else max(reach, e)
    return month_of_index(reach), (month_of_index(run_from) if run_from is not None else None)


# ---------------------------------------------------------------- the base by month, in Python


def base_history(membership: Membership) -> list[DuesBaseSpan]:
    """The member's dues bases with the months they applied, latest first, each with `monthly` (the dues then,
    None while a base it needs is missing) and `first_month` / `last_month` (None: to this day)."""
    spans = list(DuesBaseSpan.objects.unrestricted().filter(membership=membership).order_by("-started_on"))
    for span in spans:
        try:
            span.monthly = monthly_dues(span.base, span.kind)
        except ValueError:
            span.monthly = None
        span.first_month = first_of_month(span.started_on)
        span.last_month = first_of_month(span.last_day) if span.ended_on else None
    return spans


def due_in(spans: list[DuesBaseSpan], month: dt.date, membership: Membership) -> Decimal | None:
    """The dues owed for `month` by the base in force that month (`base_history`'s spans; today's base for a
    month the history does not cover), as the rules judge it (`due_on_sql`)."""
    for span in spans:
        if history.holds(span, month):
            return span.monthly
    return dues_of(membership)


# ---------------------------------------------------------------- a page of members


def payments_of(members):
    """Dues payments of (visible) members, wherever paid (before a transfer: to the former branch)."""
    return DuesPayment.objects.unrestricted().filter(membership__in=members)


def exemptions_of(members):
    """Recorded reasons for unpaid or reduced dues of (visible) members."""
    return DuesExemption.objects.unrestricted().filter(membership__in=members)


def year_grid(members: list[Membership], year: int, as_of: dt.date) -> None:
    """Give each member of a page `monthly` (the dues) and `cells`, one (state, label, hint) per month of
    `year`: paid (the amount), excused (免, with the reason), unpaid (owed, neither paid nor excused) or none
    (before dues began, or not yet owed). Two queries for the whole page."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    ids = [m.pk for m in members]
    paid = {(p.membership_id, p.month): p for p in payments_of(ids).filter(month__gte=first, month__lte=last)}
    excused: dict[int, list[DuesExemption]] = {}
    for e in (
        exemptions_of(ids)
        .filter(month_from__lte=last)
        .filter(Q(month_to__isnull=True) | Q(month_to__gte=first))
    ):
        excused.setdefault(e.membership_id, []).append(e)
    last_due = last_due_month(as_of)
    for m in members:
        start = first_of_month(m.dues_from or m.joined_on)
        m.monthly = dues_of(m)
        m.cells = []
        for month in months(first, last):
            payment = paid.get((m.pk, month))
            reason = next(
                (
                    e
                    for e in excused.get(m.pk, ())
                    if e.month_from <= month and (e.month_to is None or e.month_to >= month)
                ),
                None,
            )
            if payment:
                m.cells.append(("paid", payment.amount, f"{payment.paid_on:%Y-%m-%d} 交纳"))
            elif reason:
                m.cells.append(("excused", "免", reason.reason))
            elif start <= month <= last_due:
                m.cells.append(("unpaid", "未交", ""))
            else:
                m.cells.append(("none", "", ""))
