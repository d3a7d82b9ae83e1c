"""The items' deadlines for the 工作台 and the reminders (催办): a `core.deadlines` provider over the running
items (open and not paused) due by the day asked, overdue ones included, earliest first — the same stored
`deadline` the overdue rule (`service.task_overdue`) judges."""

from __future__ import annotations

from django.urls import reverse

from zugong.core import deadlines

from .models import ServiceTask
from .rules.tasks import RUNNING


@deadlines.provider("service", "办实事时限", more="service:list")
def tasks_due(user, until, limit=None):
    rows = (ServiceTask.objects.visible_to(user).filter(status__in=RUNNING, deadline__lte=until)
            .order_by("deadline", "pk").only("pk", "title", "deadline", "org_path", "number"))
    for task in deadlines.first(rows, limit):
        yield deadlines.Deadline(key=f"service.task:{task.pk}", due=task.deadline, kind="service",
                                 title=f"办实事：{task.title}", org_path=task.org_path,
                                 url=reverse("service:detail", args=[task.pk]))
