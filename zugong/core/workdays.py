"""Working days on the official calendar (法定节假日 and 调休 make-up working days).

The calendar is a table (`WorkDay`) filled from the maintained package chinese-calendar, so rules can count
working days in SQL over all rows at once. Each December, when the State Council publishes the next year's
holidays: `pip install -U chinese-calendar` then `zugong calendar sync` (see README).

A day the calendar does not cover is never counted as a non-working day: `count_between`, `add_workdays` and
`is_workday` raise `CalendarMissing` (a `ValueError` whose message names the year and `zugong calendar sync`),
so a step that needs the count is refused with it; `count_expr` is NULL for a row whose dates the calendar does
not cover, so a rule comparing it finds nothing there (no false "0 个工作日") and judges the row once the year
is synced. `missing_notice(day)` is the reminder the findings page shows while today is past the calendar.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce


class CalendarMissing(ValueError):
    """The working-day calendar does not cover a day a count needs."""

    def __init__(self, day: dt.date):
        self.year = day.year
        super().__init__(f"工作日历未包含 {day.year} 年（{day:%Y-%m-%d}）的法定节假日安排，无法计算工作日数；"
                         f"请系统管理员更新节假日安排后运行 zugong calendar sync")


def covered_from() -> dt.date | None:
    from .models import WorkDay

    return WorkDay.objects.order_by("day").values_list("day", flat=True).first()


def require_covered(start: dt.date, end: dt.date) -> None:
    """Raise `CalendarMissing` unless the calendar (one unbroken run of days, as `sync` writes it) holds both
    ends of the period."""
    first, last = covered_from(), covered_until()
    if first is None or start < first:
        raise CalendarMissing(start)
    if end > last:
        raise CalendarMissing(max(start, last + dt.timedelta(days=1)))


def missing_notice(day: dt.date) -> str:
    """The reminder shown while `day` is past the calendar (empty when covered)."""
    last = covered_until()
    if last is not None and day <= last:
        return ""
    year = (last + dt.timedelta(days=1)).year if last else day.year
    return (f"工作日历未包含 {year} 年的法定节假日安排：涉及 {year} 年的工作日数（任前公示、发展党员公示等）暂不判断，"
            "相关问题预警在更新后才会生成；请系统管理员运行 zugong calendar sync 更新工作日历。")


# What must follow a sync (a domain that stored dates counted past the old end: `service.clock.resync`):
# callables taking the calendar's previous last day (None when it was empty), registered by `after_sync`.
AFTER_SYNC: list = []


def after_sync(fn):
    """Register `fn(previous_last)` to run after `sync` (from an app's `ready`)."""
    if fn not in AFTER_SYNC:
        AFTER_SYNC.append(fn)
    return fn


def sync(first_year: int = 2004, last_year: int | None = None, model=None) -> int:
    """Fill the WorkDay table from chinese-calendar for the years it covers, then run the `after_sync`
    callables with the previous last day; returns the days written."""
    import chinese_calendar

    from .models import WorkDay as _WorkDay

    WorkDay = model or _WorkDay

    last_year = last_year or max(d.year for d in chinese_calendar.holidays)
    rows = []
    day = dt.date(first_year, 1, 1)
    while day.year <= last_year:
        try:
            holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            break
        note = str(name.value if hasattr(name, "value") else name or "")
        if not holiday and day.weekday() >= 5:
            note = "调休上班"
        rows.append(WorkDay(day=day, is_workday=not holiday, note=note[:40]))
        day += dt.timedelta(days=1)
    previous_last = covered_until() if model is None else None
    WorkDay.objects.all().delete()
    WorkDay.objects.bulk_create(rows, batch_size=5000)
    if model is None:
        for fn in AFTER_SYNC:
            fn(previous_last)
    return len(rows)


def covered_until() -> dt.date | None:
    from .models import WorkDay

    return WorkDay.objects.order_by("-day").values_list("day", flat=True).first()


def is_workday(day: dt.date) -> bool:
    from .models import WorkDay

    row = WorkDay.objects.filter(day=day).values_list("is_workday", flat=True).first()
    if row is None:
        raise CalendarMissing(day)
    return row


def count_between(start: dt.date, end: dt.date) -> int:
    """Working days from start to end, both included; `CalendarMissing` when the calendar does not cover them."""
    from .models import WorkDay

    require_covered(start, end)
    return WorkDay.objects.filter(day__gte=start, day__lte=end, is_workday=True).count()


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day counting from `start` itself (n=1 → start if it is a working day)."""
    from .models import WorkDay

    days = list(WorkDay.objects.filter(day__gte=start, is_workday=True).order_by("day").values_list("day", flat=True)[:n])
    if len(days) < n:
        require_covered(start, dt.date.max)  # raises: the calendar ends before the n-th working day
    require_covered(start, start)  # a start before the calendar's first day
    return days[-1]


def count_expr(start_field: str, end_field: str):
    """A per-row SQL expression: working days between two date columns of the row, both included; NULL when
    the calendar holds neither or only one of the two days (it is one unbroken run: holding both ends, it holds
    every day between), so a comparison with it is false and the row is not judged."""
    from .models import WorkDay

    sub = (
        WorkDay.objects.filter(day__gte=OuterRef(start_field), day__lte=OuterRef(end_field), is_workday=True)
        .order_by()
        .values("is_workday")
        .annotate(n=Count("day"))
        .values("n")
    )
    counted = Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))
    has_start = Exists(WorkDay.objects.filter(day=OuterRef(start_field)))
    has_end = Exists(WorkDay.objects.filter(day=OuterRef(end_field)))
    return Case(When(has_start & has_end, then=counted), default=Value(None), output_field=IntegerField())
