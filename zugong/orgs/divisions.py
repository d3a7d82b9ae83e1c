"""Shanxi administrative divisions (province → city → county → township → village/community).

The data is data/shanxi_divisions.csv, extracted from the National Bureau of Statistics 2023
统计用区划代码 by scripts/extract_shanxi_divisions.py; see data/README.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

__all__ = ["Division", "children_of", "get_division", "load_divisions", "village_kind"]

Level = Literal["province", "city", "county", "township", "village"]
Kind = Literal["village", "community", "other"]

_COMMUNITY = re.compile(r"居委会|居民委员会|社区委员会|社区$")
_VILLAGE = re.compile(r"村.{0,2}委|村$")  # 村委会, 村民委员会 and the source's typos (村民员委会, 村委)
# Longest first. The source spells committees in several ways, typos included.
_VILLAGE_SUFFIXES = ("村民委员会", "村民员委会", "村民委员", "村委员会", "村民委会", "村委会", "村委")
_COMMUNITY_SUFFIXES = ("社区居民委员会", "社区居委会", "社区委员会", "居民委员会", "居委会")


@dataclass(frozen=True, slots=True)
class Division:
    """One row of the division table; parent_code is None for the province."""

    code: str
    name: str
    level: Level
    parent_code: str | None

    @property
    def kind(self) -> Kind | None:
        """For village-level rows: "village" (村委会), "community" (居委会/社区) or "other"; else None."""
        return village_kind(self.name, self.code) if self.level == "village" else None

    @property
    def short_name(self) -> str:
        """Everyday name: 郜村村委会 → 郜村, 八一社区居委会 → 八一社区; other levels unchanged."""
        if self.level != "village":
            return self.name
        for suffix in _VILLAGE_SUFFIXES:
            if self.name.endswith(suffix):
                base = self.name[: -len(suffix)]
                return base if base.endswith("村") else base + "村"
        for suffix in _COMMUNITY_SUFFIXES:
            if self.name.endswith(suffix):
                base = self.name[: -len(suffix)]
                return base if base.endswith("社区") else base + "社区"
        return self.name


def village_kind(name: str, code: str = "") -> Kind:
    """Classify a village-level unit by name, falling back to the NBS code band when the name says nothing."""
    if _COMMUNITY.search(name):
        return "community"
    if _VILLAGE.search(name):
        return "village"
    # NBS numbers residents' committees 001-199 and villagers' committees 200-399 within a township.
    band = int(code[9:]) if len(code) == 12 and code.isdigit() else -1
    return "community" if 1 <= band <= 199 else "village" if 200 <= band <= 399 else "other"


@lru_cache(maxsize=1)
def load_divisions() -> tuple[Division, ...]:
    """All Shanxi divisions, sorted by code so every parent precedes its children (read once)."""
    text = files("zugong.orgs").joinpath("data", "shanxi_divisions.csv").read_text(encoding="utf-8")
    return tuple(
        Division(row["code"], row["name"], row["level"], row["parent_code"] or None)  # type: ignore[arg-type]
        for row in csv.DictReader(io.StringIO(text))
    )


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Division], dict[str | None, tuple[Division, ...]]]:
    """Lookup tables: code → division, parent code → children."""
    by_code = {d.code: d for d in load_divisions()}
    children: dict[str | None, list[Division]] = {}
    for d in load_divisions():
        children.setdefault(d.parent_code, []).append(d)
    return by_code, {parent: tuple(kids) for parent, kids in children.items()}


def get_division(code: str) -> Division | None:
    """The division with this code, or None."""
    return _index()[0].get(code)


def children_of(code: str | None) -> tuple[Division, ...]:
    """Direct children of a division in code order; ``children_of(None)`` gives the province."""
    return _index()[1].get(code, ())
