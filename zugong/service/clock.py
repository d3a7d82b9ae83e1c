"""The clock of an item, on the working-day calendar (`core.workdays`, 法定节假日 and 调休).

- The deadline is the N-th working day **after** the day the clock starts (受理日期, or the 复办 day): that day
  does not count, 调休 working Saturdays count, holidays and ordinary weekends do not. N = the time limit plus
  the working days paused since the clock started plus the approved extensions since then.
- A pause from day P to day R stops the clock for the working days in (P, R]: P still counts (work was done that
  day), R does not (the clock runs again from the day after, as on the day received).
- An item is overdue on day D when it is open, not paused, and D is after its deadline; by the working days in
  (deadline, D].

`deadline_after`, `paused_workdays`, `recompute` read the calendar table; `Calendar` loads it once for bulk work
(imports, the demo).

**Past the calendar's end** (the State Council publishes next year's holidays in the late autumn; until
`zugong calendar sync` loads them) an item taken in on 1 December with a 20-day limit cannot wait: the count
goes on over Monday to Friday and the deadline is **provisional** (`is_provisional`: after the last day the
calendar holds; the item page says so). Counting an unknown holiday as a working day can only make the
deadline earlier, never later than the true one. When the calendar is synced, `resync` (registered with
`workdays.after_sync`) recomputes every item whose deadline or pause reached past the old end. A day before the
calendar's first day still raises `workdays.CalendarMissing`. The overdue rule never judges a day the calendar
does not hold (`workdays.count_expr` is NULL there).
"""

from __future__ import annotations

import bisect
import datetime as dt

from zugong.core import workdays

ONE_DAY = dt.timedelta(days=1)


def _weekdays_after(day: dt.date, n: int) -> dt.date:
    """The n-th Monday-to-Friday after `day` (past the calendar's end: provisional)."""
    while n > 0:
        day += ONE_DAY
        if day.weekday() < 5:
            n -= 1
    return day


def _weekdays_between(start: dt.date, end: dt.date) -> int:
    """Mondays to Fridays in [start, end]."""
    n, day = 0, start
    while day <= end:
        n += day.weekday() < 5
        day += ONE_DAY
    return n


def _bounds() -> tuple[dt.date, dt.date]:
    first, last = workdays.covered_from(), workdays.covered_until()
    if first is None:
        raise workdays.CalendarMissing(dt.date.today())
    return first, last


def is_provisional(day: dt.date | None) -> bool:
    """A deadline after the calendar's last day was counted over Monday to Friday there."""
    last = workdays.covered_until()
    return day is not None and (last is None or day > last)


def deadline_after(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (`start` itself not counted); `start` when n is 0; past the
    calendar's end, provisional (Monday to Friday)."""
    if n <= 0:
        return start
    first, last = _bounds()
    if start < first:
        raise workdays.CalendarMissing(start)
    known = workdays.count_between(start + ONE_DAY, last) if start < last else 0
    if known >= n:
        return workdays.add_workdays(start + ONE_DAY, n)
    return _weekdays_after(max(start, last), n - known)


def paused_workdays(paused_on: dt.date, resumed_on: dt.date) -> int:
    """Working days in (paused_on, resumed_on]: what a pause adds to the clock (provisional past the end)."""
    if resumed_on <= paused_on:
        return 0
    first, last = _bounds()
    if paused_on < first:
        raise workdays.CalendarMissing(paused_on)
    known = workdays.count_between(paused_on + ONE_DAY, min(resumed_on, last)) if paused_on < last else 0
    extra = _weekdays_between(max(paused_on, last) + ONE_DAY, resumed_on) if resumed_on > last else 0
    return known + extra


def overdue_workdays(deadline: dt.date, on: dt.date) -> int:
    """Working days in (deadline, on]: how far past its deadline an item is on a day (0 when not past)."""
    if on <= deadline:
        return 0
    return workdays.count_between(deadline + ONE_DAY, on)


def recompute(task) -> None:
    """Set the task's `deadline`, `paused_workdays` and `extended_workdays` from its pauses and extensions
    (the caller saves). Paused days and extensions count toward the running clock from `clock_from` on; the
    totals shown are over the item's whole life."""
    pauses = list(task.pauses.unrestricted().filter(resumed_on__isnull=False).values_list("paused_on", "workdays"))
    # Records are told apart from an earlier round by their day: a pause always ends before the completion (its
    # days are in the old round), but an extension requested on the very day of a later 复办 counts in the new one.
    extensions = list(task.extensions.unrestricted().filter(decision="approved")
                      .values_list("requested_on", "approved_workdays"))
    task.paused_workdays = sum(n for _, n in pauses)
    task.extended_workdays = sum(n for _, n in extensions)
    running = (sum(n for day, n in pauses if day >= task.clock_from)
               + sum(n for day, n in extensions if day >= task.clock_from))
    task.deadline = deadline_after(task.clock_from, task.limit_workdays + running)


def resync(previous_last: dt.date | None) -> int:
    """After `zugong calendar sync`: recount the pauses that ran past the old end and recompute the items whose
    deadline lay past it (open items and those completed since); returns how many items changed."""
    from django.db.models import Q

    from zugong.core import audit

    from .models import Pause, ServiceTask

    if previous_last is None:
        return 0
    pauses = Pause.objects.unrestricted().filter(resumed_on__gt=previous_last)
    tasks = ServiceTask.objects.unrestricted().filter(
        Q(deadline__gt=previous_last) | Q(pauses__resumed_on__gt=previous_last)).distinct()
    if not tasks.exists():  # nothing was counted past the old end: no entry in the log
        return 0
    changed = 0
    with audit.operation(None, "update", note="工作日历更新：重算暂估的办结期限") as op:
        for pause in pauses:
            pause.workdays = paused_workdays(pause.paused_on, pause.resumed_on)
            pause.save(update_fields=["workdays"])
        for task in tasks:
            before = task.deadline
            recompute(task)
            if task.completed_on:
                task.on_time = task.completed_on <= task.deadline
            if task.deadline != before:
                task.save(update_fields=["deadline", "paused_workdays", "extended_workdays", "on_time"])
                changed += 1
        op.fact("重算事项", str(changed))
    return changed


class Calendar:
    """The working days loaded once, for bulk work: `after(day, n)` and `between(a, b)` as above, in memory
    (past the calendar's end, Monday to Friday: provisional)."""

    def __init__(self, years_beyond: int = 3):
        from zugong.core.models import WorkDay

        rows = list(WorkDay.objects.order_by("day").values_list("day", "is_workday"))
        if not rows:
            raise workdays.CalendarMissing(dt.date.today())
        self.first, self.last = rows[0][0], rows[-1][0]
        self.days = [day for day, working in rows if working]
        day, end = self.last, self.last + dt.timedelta(days=366 * years_beyond)
        while day < end:
            day += ONE_DAY
            if day.weekday() < 5:
                self.days.append(day)

    def _covered(self, day: dt.date) -> None:
        if day < self.first:
            raise workdays.CalendarMissing(day)

    def after(self, start: dt.date, n: int) -> dt.date:
        if n <= 0:
            return start
        self._covered(start)
        i = bisect.bisect_right(self.days, start) + n - 1
        if i >= len(self.days):
            raise workdays.CalendarMissing(self.days[-1] + ONE_DAY)
        return self.days[i]

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end]."""
        if end < start:
            return 0
        self._covered(start)
        return bisect.bisect_right(self.days, end) - bisect.bisect_left(self.days, start)
