"""Demo data of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes."""

from __future__ import annotations


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    return {}
