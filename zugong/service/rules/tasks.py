"""Service rules: the items' clock.

- `service.task_overdue` (WARNING 警示): an open item whose clock runs (not paused) is past its deadline on the
  scan day by at least one working day — the working days in (deadline, scan day], counted on the calendar
  (`core.WorkDay`). A deadline on a Friday is not overdue on the weekend after it. The time limits are local
  practice (urgency classes are configuration rows citing their own document), not a national regulation, so
  the rule is a 警示 on the responsible organization rather than a 违规; the citation names the local document
  with 条款号待核.

Set-based: the open statuses and `deadline < W` (W = the last working day up to the scan day, computed once)
select the rows through the index (status, deadline); the count is one correlated range count over the
calendar's primary key for the rows found. A scan day the calendar does not cover finds nothing (never a guess).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

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


def overdue_days_expr(as_of: dt.date):
    """Per row: the working days in (deadline, as_of]; NULL when the calendar does not hold the deadline."""
    from zugong.core.models import WorkDay

    sub = (WorkDay.objects.filter(day__gt=OuterRef("deadline"), day__lte=as_of, is_workday=True).order_by()
           .values("is_workday").annotate(n=Count("day")).values("n"))
    counted = Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))
    return Case(When(Exists(WorkDay.objects.filter(day=OuterRef("deadline"))), then=counted),
                default=Value(None), output_field=IntegerField())


def overdue(qs, as_of: dt.date):
    """The running items of `qs` past their deadline by at least one working day on `as_of`."""
    last = last_workday(as_of)
    qs = qs.filter(status__in=RUNNING, deadline__lt=last) if last else qs.filter(pk__in=[])
    return qs.annotate(overdue_days=overdue_days_expr(as_of), urgency_name=F("urgency__name"))


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
