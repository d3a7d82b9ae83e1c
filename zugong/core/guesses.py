"""Wrong entries on the pages that need no login (a one-time code typed on a phone: 民主测评 votes, training
sign-in, 办实事 satisfaction callbacks), counted per client to refuse guessing.

One way: `Guesses(purpose, limit, minutes)`. `throttled(address)` says whether the client has reached `limit`
wrong entries within the last `minutes`; `count(address)` records one (written before any transaction of the
caller, so a refusal keeps it; entries older than a day are dropped). The address is stored only as a keyed
hash (`pii.digest`, its own purpose per page), never in the clear; each purpose counts apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from . import pii


@dataclass(frozen=True)
class Guesses:
    purpose: str  # the page's own key: "ballot-client", "signin-client", "service-callback-client"
    limit: int = 10
    minutes: int = 15

    def client(self, address: str | None) -> str:
        return pii.digest(address or "-", self.purpose)

    def throttled(self, address: str | None, now: dt.datetime | None = None, *, limit: int | None = None,
                  minutes: int | None = None) -> bool:
        """Whether the client reached the limit (`limit`/`minutes` override the defaults: configured values)."""
        from .models import WrongGuess

        now = now or timezone.now()
        since = now - dt.timedelta(minutes=minutes or self.minutes)
        seen = WrongGuess.objects.filter(purpose=self.purpose, client=self.client(address), at__gte=since).count()
        return seen >= (limit or self.limit)

    def count(self, address: str | None, now: dt.datetime | None = None) -> None:
        from .models import WrongGuess

        now = now or timezone.now()
        WrongGuess.objects.create(purpose=self.purpose, client=self.client(address), at=now)
        WrongGuess.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()

    def message(self, minutes: int | None = None) -> str:
        return f"错误次数过多，请 {minutes or self.minutes} 分钟后再试"
