"""Dated history: a fact with the days it held, so a rule judges a past day by the state on that day.

One way for every domain. A history table is a concrete model on `SpanBase` (abstract): the fact's columns, the
columns naming whose fact it is (its *series*: a membership's status, an organization's secretary post …) and
`started_on` / `ended_on`.

- `started_on` is the first day the fact held; `ended_on` is the first day it **no longer** held (the next state's
  first day), empty while it still holds. The fact held on day d when ``started_on <= d < ended_on``. Spans of
  a series follow each other without gaps or overlaps when written through `change`.
- Services write history with `change(...)` (close the open span, open the new one) and `end(...)`; the
  current value on the record (``Membership.status`` …) is kept in step by the same service, never typed twice.
- Rules read it in SQL: `held_on(day)` (a `Q`; `day` may be a date, an `F` or an `OuterRef`), `overlaps(start,
  end)`, `value_on(Model, series, day, field)` (a `Subquery`). The Python twin `holds(span, day)`.
- A domain's history model adds a `UniqueConstraint(fields=<series>, condition=Q(ended_on__isnull=True))`
  (one open span per series; it holds on SQLite and PostgreSQL) and its scope strategy (usually
  `Inherited(...)` from the record whose history it is) and derives from `AuditedModel`, so every change is in
  the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q, Subquery


class HistoryError(ValueError):
    """A change the history cannot take (dated before the state it would replace)."""


class SpanBase(models.Model):
    started_on = models.DateField("起始日期", db_index=True)
    ended_on = models.DateField("终止日期", null=True, blank=True, help_text="自该日起不再适用；留空表示至今")

    class Meta:
        abstract = True

    @property
    def last_day(self) -> dt.date | None:
        """The last day the fact held, as people write an end date (任职至 …)."""
        return self.ended_on - dt.timedelta(days=1) if self.ended_on else None


def _p(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def held_on(day, prefix: str = "") -> Q:
    """Spans that held on `day` (a date or an expression). `prefix` reaches a span through a relation."""
    return Q(**{_p(prefix, "started_on__lte"): day}) & (
        Q(**{_p(prefix, "ended_on__isnull"): True}) | Q(**{_p(prefix, "ended_on__gt"): day})
    )


def overlaps(start, end, prefix: str = "") -> Q:
    """Spans that held on at least one day of [start, end] (both inclusive, as a period is written)."""
    return Q(**{_p(prefix, "started_on__lte"): end}) & (
        Q(**{_p(prefix, "ended_on__isnull"): True}) | Q(**{_p(prefix, "ended_on__gt"): start})
    )


def covers(start, end, prefix: str = "") -> Q:
    """Spans that held on every day of [start, end]."""
    return Q(**{_p(prefix, "started_on__lte"): start}) & (
        Q(**{_p(prefix, "ended_on__isnull"): True}) | Q(**{_p(prefix, "ended_on__gt"): end})
    )


def holds(span, day: dt.date) -> bool:
    """The Python twin of `held_on`."""
    return span.started_on <= day and (span.ended_on is None or span.ended_on > day)


def value_on(model, series: dict[str, Any], day, field: str) -> Subquery:
    """The value of `field` on `day` for a series, as a subquery (series values may be `OuterRef`s)."""
    return Subquery(
        model.objects.unrestricted().filter(held_on(day), **series).order_by("-started_on").values(field)[:1]
    )


def open_span(model, series: dict[str, Any]):
    return model.objects.unrestricted().select_for_update().filter(ended_on__isnull=True, **series).first()


def change(model, series: dict[str, Any], on: dt.date, values: dict[str, Any], *, same=None, **extra):
    """From `on` the series holds `values`: close the open span on `on` and open a new one.

    Nothing is written when the open span already holds the same values (compared on `same`, default the keys of
    `values`). A change dated before the open span's start is refused (`HistoryError`): correct that span
    instead. A change dated on the open span's first day replaces its values (a correction of that day's state).
    Returns the span that holds from `on`. Call inside the service's `audit.operation`.
    """
    current = open_span(model, series)
    keys = same if same is not None else list(values)
    if current is not None:
        if all(getattr(current, k) == values[k] for k in keys):
            return current
        if on < current.started_on:
            raise HistoryError(f"变更日期 {on:%Y-%m-%d} 早于当前状态的起始日期 {current.started_on:%Y-%m-%d}")
        if on == current.started_on:
            for k, v in {**values, **extra}.items():
                setattr(current, k, v)
            current.save()
            return current
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    return model.objects.create(started_on=on, **series, **values, **extra)


def end(model, series: dict[str, Any], on: dt.date):
    """The series' open span stops holding from `on` (returns it, or None when nothing was open)."""
    current = open_span(model, series)
    if current is None:
        return None
    if on < current.started_on:
        raise HistoryError(f"终止日期 {on:%Y-%m-%d} 早于起始日期 {current.started_on:%Y-%m-%d}")
    current.ended_on = on
    current.save(update_fields=["ended_on"])
    return current
