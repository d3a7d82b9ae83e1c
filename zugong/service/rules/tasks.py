"""Service rules: the items' clock.

- `service.task_overdue` (WARNING 警示): an open item whose clock runs (not paused) is past its deadline on the
  scan day by at least one working day — the working days in (deadline, scan day], counted on the calendar
  (`core.WorkDay`). A deadline on a Friday is not overdue on the weekend after it. The time limits are local
  practice (urgency classes are configuration rows citing their own document), not a national regulation, so
  the rule is a 警示 on the responsible organization rather than a 违规; the citation names the local document
  with 条款号待核.

Set-based, one statement: the open statuses and `deadline < W` (W = the last working day up to the scan day,
computed once) select the rows through the index (status, deadline); the working days late are the calendar's
running count on the scan day less its running count on the deadline (a window over the calendar, hash-joined). A scan day the calendar does not cover finds nothing (never a guess).
"""

from __future__ import annotations

import datetime as dt

from zugong.core import rules
from zugong.core.rules import WARNING, Edition, Reads, Rule

from ..models.tasks import Status

EDITION = Edition("本地我为群众办实事工作规定（办结时限）", rules.UNVERIFIED_ARTICLE)
GROUP = "我为群众办实事"
RUNNING = (Status.PENDING, Status.ACTIVE, Status.REOPENED)  # open and not paused


def last_workday(on: dt.date) -> dt.date | None:
    """The last working day on or before `on`, or None when the calendar does not cover `on`."""
    from zugong.core.models import WorkDay

    if not WorkDay.objects.filter(day=on).exists():
        return None
    return WorkDay.objects.filter(day__lte=on, is_workday=True).order_by("-day").values_list("day", flat=True).first()


def workdays_through(on: dt.date) -> int:
    """Working days of the calendar up to and including `on`."""
    from zugong.core.models import WorkDay

    return WorkDay.objects.filter(day__lte=on, is_workday=True).count()


# The calendar's running count of working days (C(day) = working days up to and including the day), joined to
# each row's deadline: overdue days = C(scan day) − C(deadline), one hash join instead of a count per row. A
# deadline the calendar does not hold joins nothing: NULL.
SQL = """
WITH cal AS (SELECT day, SUM(CASE WHEN is_workday THEN 1 ELSE 0 END) OVER (ORDER BY day) AS n FROM core_workday)
SELECT t.id AS pk, t.organization_id, t.org_path, t.title, t.deadline, t.limit_workdays, u.name AS urgency_name,
       %s - cal.n AS overdue_days
FROM service_servicetask t
JOIN service_urgencyclass u ON u.id = t.urgency_id
LEFT JOIN cal ON cal.day = t.deadline
WHERE t.id IN ({rows})
"""


def overdue(qs, as_of: dt.date):
    """The running items of `qs` past their deadline by at least one working day on `as_of` (one statement)."""
    last = last_workday(as_of)
    if last is None:
        return []
    rows, params = qs.filter(status__in=RUNNING, deadline__lt=last).order_by().values("pk").query.sql_with_params()
    found = rules.sql_rows(SQL.format(rows=rows), [workdays_through(as_of), *params])
    for r in found:
        if isinstance(r["deadline"], str):  # SQLite answers text for a raw date column
            r["deadline"] = dt.date.fromisoformat(r["deadline"])
    return found


def describe(r) -> str:
    days = r["overdue_days"]
    late = f"超过办结期限 {days} 个工作日" if days is not None else "已超过办结期限"
    return (f"“{r['title']}”（{r['urgency_name']}，时限 {r['limit_workdays']} 个工作日）办结期限为"
            f"{r['deadline']:%Y年%-m月%-d日}，{late}，尚未办结")


READS = (Reads("service.TaskStep", "case_id"), Reads("service.Pause", "task_id"),
         Reads("service.Extension", "task_id"))

rules.register(Rule(
    code="service.task_overdue", title="办实事事项超过办结期限未办结", severity=WARNING,
    model="service.ServiceTask", editions=(EDITION,), check=overdue, describe=describe,
    measures=("title", "deadline", "overdue_days", "urgency_name", "limit_workdays"), person_field=None,
    reads=READS, group=GROUP, facts=("practice §5",),
    text="办实事事项应在办结时限内办结；确需延期的，应在期限届满前申请并经批准。",
))
