"""Demo data of routine (平时) and annual (年度) assessment of individuals: pools, quotas, proposals, confirmation, every grade explained."""

from __future__ import annotations


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    return {}
