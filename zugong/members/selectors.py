"""What other apps read of members (the 工作台 uses it): public, read-only."""

from __future__ import annotations

from django.db.models import Q

from zugong.core import scope

from . import history
from .models import Membership, TransferRequest


def roster_on(user, day):
    """The members the user's subtrees held on `day` (a past roster, 截至某日): those whose branch that day lay
    in the user's scope and who held a status that day, annotated `status_then`, `branch_path_then`,
    `branch_name_then` (`members.history.then`). Members who have left a branch of the scope since (a transfer
    within the province the user sees) are part of its past roster though their record is now elsewhere: the
    rows are read unrestricted and narrowed to the user's subtrees by the branch each member was in that
    day."""
    paths = scope.scope_paths(user)
    if not paths:
        return Membership.objects.none()
    left = history.left_after(day, TransferRequest.objects.visible_to(user))
    then = Q()
    for p in paths:
        then |= history.in_subtree("branch_path_then", p)
    return (Membership.objects.unrestricted()
            .filter(scope.subtree_q("org_path", paths) | Q(pk__in=left))
            .annotate(**history.then(day))
            .filter(then, status_then__isnull=False))


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
