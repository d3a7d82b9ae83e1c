"""What other apps read of members (the 工作台 uses it): public, read-only."""

from __future__ import annotations

from django.db.models import Q

from zugong.core import scope

from .models import TransferRequest


def awaiting(qs, user):
    """Requests waiting for a confirmation the user may give: sending (issuing side) or receiving."""
    paths = scope.scope_paths(user, "change")
    if not paths:
        return qs.none()
    issuing = scope.subtree_q("from_org__path", paths)
    receiving = scope.subtree_q("to_org__path", paths)
    return qs.filter(
        (Q(status=TransferRequest.Status.REQUESTED) & issuing)
        | (Q(status=TransferRequest.Status.SENT) & ~Q(kind=TransferRequest.Kind.OUT) & receiving)
        | (Q(status=TransferRequest.Status.SENT, kind=TransferRequest.Kind.OUT) & issuing)
    )
