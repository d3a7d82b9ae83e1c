"""Calendar arithmetic inside SQL, the same on SQLite and PostgreSQL, so rules compare columns set-based.

`AddMonths(date, n)` is `zugong.core.dates.add_months` as a SQL expression: the same day n calendar months
later, clamped to the month's end (2024-01-31 + 1 month = 2024-02-29, 2023-01-31 + 1 month = 2023-02-28).
`MonthsBetween(start, end)` is `core.dates.months_between`: whole calendar months.
"Within one month of X" is then `Y <= AddMonths(X, 1)`, and "one year or more" is `Y >= AddMonths(X, 12)`.
PostgreSQL clamps `date + interval 'n months'` itself; SQLite's `date(x, '+n months')` overflows into the
next month (01-31 + 1 month = 03-03), so there the target month's first day plus the day offset is clamped
to the target month's last day.
"""

from __future__ import annotations

from django.db.models import Case, DateField, ExpressionWrapper, F, Func, IntegerField, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan


def _as_expression(value):
    return Value(value, output_field=IntegerField()) if isinstance(value, int) else value


class AddMonths(Func):
    """A date column (or expression) plus `months` calendar months (an int or an integer expression)."""

    output_field = DateField()
    arity = 2

    def __init__(self, date, months, **extra):
        super().__init__(date, _as_expression(months), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date + interval clamps to the month's end; the cast keeps a date, not a timestamp.
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(({date_sql}) + make_interval(months => CAST(({n_sql}) AS integer)) AS date)"
        return sql, [*date_params, *n_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        day_offset = f"(CAST(strftime('%%d', {date_sql}) AS INTEGER) - 1) || ' days'"
        same_day = f"date({date_sql}, 'start of month', ({n_sql}) || ' months', {day_offset})"
        month_end = f"date({date_sql}, 'start of month', (({n_sql}) + 1) || ' months', '-1 day')"
        # min() of two ISO dates is the earlier one; NULL in, NULL out (SQLite's scalar min returns NULL).
        sql = f"min({same_day}, {month_end})"
        params = [*date_params, *n_params, *date_params, *date_params, *n_params]
        return sql, params


class AddDays(Func):
    """A date column (or expression) plus `days` days (an int or an integer expression)."""

    output_field = DateField()
    arity = 2

    def __init__(self, date, days, **extra):
        super().__init__(date, _as_expression(days), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        return f"CAST(({date_sql}) + CAST(({n_sql}) AS integer) AS date)", [*date_params, *n_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        return f"date({date_sql}, ({n_sql}) || ' days')", [*date_params, *n_params]


def _expr(value):
    return F(value) if isinstance(value, str) else value


def MonthsBetween(start, end):  # noqa: N802 - an SQL expression, named like the other functions here
    """Whole calendar months from `start` to `end` (column names or date expressions), as
    `zugong.core.dates.months_between` counts them: the month difference, less one when `AddMonths(start, n)`
    falls after `end` (2022-01-31 → 2024-01-01 is 23 months, 2024-03-15 → 2024-04-15 is 1)."""
    start, end = _expr(start), _expr(end)
    index = ExpressionWrapper((ExtractYear(end) - ExtractYear(start)) * 12 + ExtractMonth(end) - ExtractMonth(start),
                              output_field=IntegerField())
    over = Case(When(GreaterThan(AddMonths(start, index), end), then=Value(1)), default=Value(0),
                output_field=IntegerField())
    return ExpressionWrapper(index - over, output_field=IntegerField())
