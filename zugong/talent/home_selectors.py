"""The talent start page's counts: what each area holds for the user (one aggregate query per area)."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Application, Edition, Expert, ReviewRound, Talent
from .models.applications import OPEN_STATUSES, Status


def home_counts(user) -> dict[str, dict[str, int]]:
    R = ReviewRound.Status
    from .review_services import reviewer_assignments

    return {
        "programmes": Edition.objects.visible_to(user).aggregate(
            open=Count("pk", filter=Q(status=Edition.Status.OPEN)),
            draft=Count("pk", filter=Q(status=Edition.Status.DRAFT)),
            programs=Count("program", distinct=True)),
        "applications": Application.objects.visible_to(user).aggregate(
            running=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            notice=Count("pk", filter=Q(status=Status.NOTICE)),
            recognized=Count("pk", filter=Q(status__in=(Status.RECOGNIZED, Status.EXITED)))),
        "review": {
            **ReviewRound.objects.visible_to(user).aggregate(
                running=Count("pk", filter=~Q(status=R.PUBLISHED))),
            "experts": Expert.objects.visible_to(user).filter(active=True).count(),
            "mine": reviewer_assignments(user).filter(submitted_at=None, round__status=R.OPEN).count()},
        "pool": Talent.objects.visible_to(user).aggregate(
            active=Count("pk", filter=Q(status=Talent.Status.ACTIVE)),
            expired=Count("pk", filter=Q(status=Talent.Status.EXPIRED)),
            total=Count("pk")),
    }
