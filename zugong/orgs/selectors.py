"""What other apps read of the organization tree."""

from __future__ import annotations

from .models import Organization


def example_organization(user) -> Organization | None:
    """An organization an import template's example row may name for this user: the first active branch they
    manage (people and members belong to branches), else the first organization they manage."""
    managed = Organization.objects.visible_to(user, "manage").filter(status=Organization.Status.ACTIVE)
    return (managed.filter(kind=Organization.Kind.BRANCH).order_by("path").first()
            or managed.order_by("path").first())
