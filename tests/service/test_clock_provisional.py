"""Past the calendar's end (next year's holidays not yet loaded) an item still gets a deadline: counted over
Monday to Friday and marked provisional; `zugong calendar sync` recomputes it once the holidays are known."""

import datetime as dt

from zugong.core import workdays
from zugong.core.models import WorkDay
from zugong.service import clock

from .tasks_fixtures import *  # noqa: F403 — fixtures (calendar, service_defaults, svc)
from .tasks_fixtures import D, take_in


def test_a_deadline_past_the_calendar_is_provisional_and_recomputed_after_sync(svc, users):
    assert workdays.covered_until() == D(2026, 12, 31)
    # 2026-11-02 (Monday, not counted): 43 working days to 2026-12-31, then 17 more Mondays to Fridays:
    # 1.1 (Friday), 1.4–1.8, 1.11–1.15, 1.18–1.22, 1.25
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=60)
    assert task.deadline == D(2027, 1, 25) and clock.is_provisional(task.deadline)
    inside = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=43)
    assert inside.deadline == D(2026, 12, 31) and not clock.is_provisional(inside.deadline)

    # The holidays of 2027 become known: 1 January is a holiday. Sync with them (here: the rows written as a
    # newer chinese-calendar would, then the hook the sync runs).
    WorkDay.objects.bulk_create([WorkDay(day=D(2027, 1, 1) + dt.timedelta(i),
                                         is_workday=(D(2027, 1, 1) + dt.timedelta(i)).weekday() < 5 and i != 0)
                                 for i in range(365)])
    assert clock.resync(D(2026, 12, 31)) == 1
    task.refresh_from_db()
    inside.refresh_from_db()
    assert task.deadline == D(2027, 1, 26) and not clock.is_provisional(task.deadline)
    assert inside.deadline == D(2026, 12, 31)


def test_a_pause_resumed_past_the_calendar_counts_weekdays(svc):
    # (2026-12-30, 2027-01-05]: 12.31 (Thursday), then provisional 1.1 (Friday), 1.4, 1.5
    assert clock.paused_workdays(D(2026, 12, 30), D(2027, 1, 5)) == 4
    assert clock.Calendar().after(D(2026, 12, 30), 2) == D(2027, 1, 1)


def test_a_day_before_the_calendar_is_still_refused(svc):
    import pytest

    with pytest.raises(workdays.CalendarMissing):
        clock.deadline_after(D(2024, 12, 30), 3)
