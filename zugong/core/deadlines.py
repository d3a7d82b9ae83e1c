"""Deadlines: the dated things a user must do, gathered from every domain by one registry.

A domain app registers a provider from its AppConfig.ready() (core never imports the domains):

    from zugong.core import deadlines

    @deadlines.provider("term", "任期届满")
    def term_ends(user, until):
        for e in Election.objects.visible_to(user).filter(...term_end__lte=until):
            yield deadlines.Deadline(key=f"elections.term:{e.pk}", due=e.term_end, kind="term",
                                     title=f"{e.organization.name}任期届满", url=..., org_path=e.org_path)

A provider yields the open deadlines of what the user may see that fall due on or before `until`, overdue ones
included (their `due` lies before today; `Deadline.overdue` tells). It reads with `.visible_to(user)` and one
query or a few: it runs for the 工作台 on every visit and for every user in the nightly reminders. `key` is
stable for one deadline of one record, so a reminder is sent once per deadline (and again only when `due`
changes). The 工作台 lists `upcoming(user, today + 30 days)`; the reminders job notifies from the same list.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable, Iterable

from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deadline:
    key: str  # stable id of this deadline of this record, e.g. "elections.term:123"
    due: dt.date
    kind: str  # a registered kind, e.g. "term", "public_notice", "talk", "conversion", "report"
    title: str  # Chinese, names the record: "城关镇党委任期届满"
    url: str  # where the user does it
    org_path: str
    person_id: int | None = None  # the person concerned, if any

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.due - timezone.localdate()).days

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, (self.kind, None))[0]


Provider = Callable[[object, dt.date], Iterable[Deadline]]
KINDS: dict[str, tuple[str, Provider]] = {}


def provider(kind: str, label: str):
    """Register the provider of one kind of deadline (label: its Chinese name, shown and chosen in settings)."""

    def register(fn: Provider) -> Provider:
        if kind in KINDS:
            raise ValueError(f"deadline kind {kind} registered twice")
        KINDS[kind] = (label, fn)
        return fn

    return register


def kinds() -> dict[str, str]:
    """Every registered kind and its Chinese label."""
    return {k: label for k, (label, _fn) in KINDS.items()}


def upcoming(user, until: dt.date | None = None, kinds: Iterable[str] | None = None) -> list[Deadline]:
    """The user's open deadlines due on or before `until` (default: 30 days from today), overdue first."""
    until = until or timezone.localdate() + dt.timedelta(days=30)
    wanted = set(kinds) if kinds is not None else None
    out: list[Deadline] = []
    for kind, (_label, fn) in KINDS.items():
        if wanted is not None and kind not in wanted:
            continue
        out.extend(fn(user, until))
    out.sort(key=lambda d: (d.due, d.kind, d.title))
    return out
