"""Demo data of classified assessment of regions and units (分类考核): schemes, categories, indicators, values, scoring methods, ranks and grades."""

from __future__ import annotations


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    return {}
