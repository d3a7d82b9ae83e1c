"""League tables (办实事统计排名) per organization and period, computed set-based (filled in by the league area).

Interface: `table(root, start, end)` → one `LeagueRow` per child organization of `root` (its whole subtree
summed) and the total: items taken, completed, completed on time, satisfaction rate, callback rate, reopened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class LeagueRow:
    organization_id: int | None
    name: str
    path: str
    taken: int = 0
    completed: int = 0
    on_time: int = 0
    satisfied: int = 0
    answered: int = 0
    called_back: int = 0
    reopened: int = 0


def table(root, start: dt.date, end: dt.date) -> list[LeagueRow]:
    raise NotImplementedError
