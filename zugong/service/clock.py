"""The clock of an item, on the working-day calendar (`core.workdays`, 法定节假日 and 调休).

- The deadline is the N-th working day **after** the day the clock starts (受理日期, or the 复办 day): that day
  does not count, 调休 working Saturdays count, holidays and ordinary weekends do not. N = the time limit plus
  the working days paused since the clock started plus the approved extensions since then.
- A pause from day P to day R stops the clock for the working days in (P, R]: P still counts (work was done that
  day), R does not (the clock runs again from the day after, as on the day received).
- An item is overdue on day D when it is open, not paused, and D is after its deadline; by the working days in
  (deadline, D].

`deadline_after`, `paused_workdays`, `recompute` read the calendar table; `Calendar` loads it once for bulk work
(imports, the demo). A day the calendar does not cover raises `workdays.CalendarMissing` (never a guess).
"""

from __future__ import annotations

import bisect
import datetime as dt

from zugong.core import workdays

ONE_DAY = dt.timedelta(days=1)


def deadline_after(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (`start` itself not counted); `start` when n is 0."""
    if n <= 0:
        return start
    return workdays.add_workdays(start + ONE_DAY, n)


def paused_workdays(paused_on: dt.date, resumed_on: dt.date) -> int:
    """Working days in (paused_on, resumed_on]: what a pause adds to the clock."""
    if resumed_on <= paused_on:
        return 0
    return workdays.count_between(paused_on + ONE_DAY, resumed_on)


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
    extensions = list(task.extensions.unrestricted().filter(decision="approved")
                      .values_list("requested_on", "approved_workdays"))
    task.paused_workdays = sum(n for _, n in pauses)
    task.extended_workdays = sum(n for _, n in extensions)
    running = (sum(n for day, n in pauses if day >= task.clock_from)
               + sum(n for day, n in extensions if day >= task.clock_from))
    task.deadline = deadline_after(task.clock_from, task.limit_workdays + running)


class Calendar:
    """The working days loaded once, for bulk work: `after(day, n)` and `between(a, b)` as above, in memory."""

    def __init__(self):
        from zugong.core.models import WorkDay

        rows = list(WorkDay.objects.order_by("day").values_list("day", "is_workday"))
        if not rows:
            raise workdays.CalendarMissing(dt.date.today())
        self.first, self.last = rows[0][0], rows[-1][0]
        self.days = [day for day, working in rows if working]

    def _covered(self, day: dt.date) -> None:
        if day < self.first or day > self.last:
            raise workdays.CalendarMissing(day)

    def after(self, start: dt.date, n: int) -> dt.date:
        if n <= 0:
            return start
        self._covered(start)
        i = bisect.bisect_right(self.days, start) + n - 1
        if i >= len(self.days):
            raise workdays.CalendarMissing(self.last + ONE_DAY)
        return self.days[i]

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end]."""
        if end < start:
            return 0
        self._covered(start)
        self._covered(end)
        return bisect.bisect_right(self.days, end) - bisect.bisect_left(self.days, start)
