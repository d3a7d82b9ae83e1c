"""Working days on the official calendar (法定节假日 and 调休 make-up working days).

The calendar is a table (`WorkDay`) filled from the maintained package chinese-calendar, so rules can count
working days in SQL over all rows at once. Each December, when the State Council publishes the next year's
holidays: `pip install -U chinese-calendar` then `zugong calendar sync` (see README).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def sync(first_year: int = 2004, last_year: int | None = None, model=None) -> int:
    """Fill the WorkDay table from chinese-calendar for the years it covers; returns the days written."""
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
    WorkDay.objects.all().delete()
    WorkDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def covered_until() -> dt.date | None:
    from .models import WorkDay

    return WorkDay.objects.order_by("-day").values_list("day", flat=True).first()


def is_workday(day: dt.date) -> bool:
    from .models import WorkDay

    row = WorkDay.objects.filter(day=day).values_list("is_workday", flat=True).first()
    if row is None:
        raise ValueError(f"工作日历未包含 {day:%Y-%m-%d}，请更新节假日安排（zugong calendar sync）")
    return row


def count_between(start: dt.date, end: dt.date) -> int:
    """Working days from start to end, both included."""
    from .models import WorkDay

    return WorkDay.objects.filter(day__gte=start, day__lte=end, is_workday=True).count()


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day counting from `start` itself (n=1 → start if it is a working day)."""
    from .models import WorkDay

    days = list(WorkDay.objects.filter(day__gte=start, is_workday=True).order_by("day").values_list("day", flat=True)[:n])
    if len(days) < n:
        raise ValueError(f"工作日历未覆盖 {start:%Y-%m-%d} 之后的 {n} 个工作日，请更新节假日安排")
    return days[-1]


def count_expr(start_field: str, end_field: str):
    """A per-row SQL expression: working days between two date columns of the row, both included."""
    from .models import WorkDay

    sub = (
        WorkDay.objects.filter(day__gte=OuterRef(start_field), day__lte=OuterRef(end_field), is_workday=True)
        .order_by()
        .values("is_workday")
        .annotate(n=Count("day"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))
