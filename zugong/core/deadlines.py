"""Deadlines: the dated things a user must do, gathered from every domain by one registry.

A domain app registers a provider from its AppConfig.ready() (core never imports the domains):

    from zugong.core import deadlines

    @deadlines.provider("term", "任期届满", more="elections:terms")
    def term_ends(user, until, limit=None):
        rows = with_terms(Organization.objects.visible_to(user)).filter(election_due__lte=until)
        for o in deadlines.first(rows.order_by("election_due", "pk"), limit):
            yield deadlines.Deadline(key=f"elections.term:{o.pk}", due=o.election_due, kind="term",
                                     title=f"{o.name}任期届满", url=..., org_path=o.path)

A provider yields the open deadlines of what the user may see that fall due on or before `until`, overdue ones
included (their `due` lies before today; `Deadline.overdue` tells). It reads with `.visible_to(user)` and one
query or a few: it runs for the 工作台 on every visit and for every user in the nightly reminders. `key` is
stable for one deadline of one record, so a reminder is sent once per deadline (and again only when `due`
changes). The 工作台 lists `upcoming(user, today + 30 days)`; the reminders job notifies from the same list.

Several apps may register providers of the same kind with the same label (recruitment and appointments both
have 公示 that end): `KINDS[kind]` is then (label, a function that runs them all). A provider yields its
deadlines earliest first and takes an optional keyword `limit` (at most that many): the 工作台 asks for the
first few of each provider (`upcoming(user, until, limit=10)`), the reminders job for all of them. `more`
names the page that lists them all (a URL name, or a URL with its query), shown when there are more.

The providers live in the domain apps, each in `<app>/deadlines.py`, imported by the app's `ready()`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import inspect
import itertools
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
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, (self.kind, None))[0]


Provider = Callable[..., Iterable[Deadline]]  # fn(user, until, *, limit=None)
KINDS: dict[str, tuple[str, Provider]] = {}


@dataclass(frozen=True)
class Source:
    """One registered provider: its kind, its function and the page that lists all it yields."""

    kind: str
    fn: Provider
    more: str = ""

    @property
    def name(self) -> str:
        qualname = getattr(self.fn, "__qualname__", type(self.fn).__qualname__)
        return f"{self.fn.__module__}.{qualname}"

    @property
    def takes_limit(self) -> bool:
        try:
            params = inspect.signature(self.fn).parameters
        except (TypeError, ValueError):
            return False
        return "limit" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())

    def __call__(self, user, until, limit=None) -> Iterable[Deadline]:
        if limit is None:
            return self.fn(user, until)
        if self.takes_limit:
            return self.fn(user, until, limit=limit)
        return sorted(self.fn(user, until), key=lambda d: d.due)[:limit]  # a provider without the keyword


SOURCES: list[Source] = []


def sources(kind: str | None = None) -> list[Source]:
    """The providers of the registered kinds (of one kind), in registration order."""
    return [s for s in SOURCES if s.kind in KINDS and (kind is None or s.kind == kind)]


def _all_of(kind: str) -> Provider:
    def run(user, until, limit=None):
        for source in sources(kind):
            yield from source(user, until, limit)

    run.__name__ = f"deadlines_{kind}"
    return run


def provider(kind: str, label: str, *, more: str = ""):
    """Register a provider of one kind of deadline (label: its Chinese name, shown and chosen in settings;
    more: the page listing all of them). Several apps may provide one kind, with the same label. A kind
    removed from `KINDS` (a test's own provider, unregistered after the test) takes its providers with it."""

    def register(fn: Provider) -> Provider:
        if kind in KINDS and KINDS[kind][0] != label:
            raise ValueError(f"deadline kind {kind} registered as {KINDS[kind][0]} and as {label}")
        if kind not in KINDS:
            SOURCES[:] = [s for s in SOURCES if s.kind != kind]
        source = Source(kind, fn, more)
        if any(s.name == source.name for s in sources()):
            raise ValueError(f"deadline provider {source.name} registered twice")
        SOURCES.append(source)
        KINDS[kind] = (label, _all_of(kind))
        return fn

    return register


def first(queryset, limit: int | None):
    """The queryset's rows, the first `limit` of them when a limit is given (a LIMIT in SQL)."""
    return queryset if limit is None else queryset[:limit]


def merged(limit: int | None, *streams: Iterable[Deadline]) -> Iterable[Deadline]:
    """Several streams of deadlines, each earliest first, as one earliest first (the first `limit`)."""
    out = heapq.merge(*streams, key=lambda d: d.due)
    return out if limit is None else itertools.islice(out, limit)


def kinds() -> dict[str, str]:
    """Every registered kind and its Chinese label."""
    return {k: label for k, (label, _fn) in KINDS.items()}


def upcoming(user, until: dt.date | None = None, kinds: Iterable[str] | None = None,
             limit: int | None = None) -> list[Deadline]:
    """The user's open deadlines due on or before `until` (default: 30 days from today), overdue first.
    `limit`: at most that many from each provider (their earliest)."""
    until = until or timezone.localdate() + dt.timedelta(days=30)
    wanted = set(kinds) if kinds is not None else None
    out: list[Deadline] = []
    for kind, (_label, fn) in KINDS.items():
        if wanted is not None and kind not in wanted:
            continue
        out.extend(fn(user, until, limit=limit) if limit is not None else fn(user, until))
    out.sort(key=lambda d: (d.due, d.kind, d.title))
    return out


def by_source(user, until: dt.date | None = None, limit: int = 10) -> list[tuple[Source, list[Deadline], bool]]:
    """For the 工作台: each provider's first `limit` deadlines and whether it has more (then `source.more`
    lists them all). One bounded query or a few per provider."""
    until = until or timezone.localdate() + dt.timedelta(days=30)
    out = []
    for source in sources():
        rows = list(source(user, until, limit + 1))
        out.append((source, rows[:limit], len(rows) > limit))
    return out
