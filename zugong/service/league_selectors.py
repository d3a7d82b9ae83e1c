"""What the public display page (公示屏) reads: the board of a token and the items of its subtree, without
personal data (no requester, phone or person of any kind; a requester's name typed into an item's title is
shown as 张某). The board's unguessable token authorizes its organization's subtree, so these reads are
system reads (`unrestricted`), narrowed to that subtree."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from .models import PublicBoard, ServiceTask

ITEMS_SHOWN = 50


def board_of(token: str) -> PublicBoard:
    """The active board of a token, or 404 (withdrawn, unknown)."""
    board = (PublicBoard.objects.unrestricted().select_related("organization")
             .filter(token=token, active=True).first())
    if board is None:
        raise Http404("公示屏不存在或已撤回")
    return board


@dataclass(frozen=True)
class PublicItem:
    title: str
    organization: str
    urgency: str
    received_on: object
    deadline: object
    status: str
    status_code: str
    satisfaction: str


def _masked_title(title: str, requester: str) -> str:
    requester = (requester or "").strip()
    if requester and requester in title:
        return title.replace(requester, requester[0] + "某" * max(len(requester) - 1, 1))
    return title


def items(board: PublicBoard, limit: int = ITEMS_SHOWN) -> list[PublicItem]:
    """The latest items of the board's subtree (terminated ones left out), newest first: what the page shows
    of each (title, responsible organization, urgency, dates, status, satisfaction)."""
    rows = (ServiceTask.objects.unrestricted().subtree(board.org_path).exclude(status="terminated")
            .select_related("organization", "urgency")
            .only("title", "requester_name", "organization__name", "urgency__name", "received_on", "deadline",
                  "status", "satisfaction")
            .order_by("-received_on", "-id")[:limit])
    return [PublicItem(_masked_title(t.title, t.requester_name), t.organization.name, t.urgency.name,
                       t.received_on, t.deadline, t.get_status_display(), t.status, t.get_satisfaction_display())
            for t in rows]
