"""The public display pages (公示屏) of the league area: an administrator of an organization (the `manage`
right there) creates a board for its subtree and may withdraw it; each change is one audited operation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zugong.core import audit, scope

from .models import PublicBoard


def _require_manage(user, organization) -> None:
    if not scope.can(user, "manage", organization.path):
        raise PermissionDenied("只有该组织的管理员可以设置办实事公示屏")


@transaction.atomic
def create_board(user, organization, title: str) -> PublicBoard:
    _require_manage(user, organization)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "标题：请填写公示屏标题"})
    board = PublicBoard(organization=organization, title=title[:100])
    with audit.operation(board, "create", note="设置办实事公示屏") as op:
        board.save()
        op.subject = board
    return board


@transaction.atomic
def withdraw_board(user, board: PublicBoard, reason: str = "") -> PublicBoard:
    _require_manage(user, board.organization)
    if not board.active:
        raise ValidationError("该公示屏已撤回")
    with audit.operation(board, "update", note=(reason or "").strip() or "撤回办实事公示屏") as op:
        board.active = False
        board.save()
        op.fact("撤回公示屏", "已撤回", old="展示中")
    return board
