"""What other parts read of the items: the counts of a user's items (the start page's card)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from .models import ServiceTask
from .models.tasks import OPEN_STATUSES, Status
from .rules.tasks import RUNNING


def home_counts(user) -> dict[str, int]:
    """Running (open), overdue and completed items the user sees: one aggregate query."""
    today = timezone.localdate()
    return ServiceTask.objects.visible_to(user).aggregate(
        running=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=RUNNING, deadline__lt=today)),
        done=Count("pk", filter=Q(status__in=(Status.DONE, Status.CLOSED))))
