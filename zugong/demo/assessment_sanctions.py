"""Demo data of sanctions (处分、问责、组织处理) and investigations per person, and the bars they put on an annual grade."""

from __future__ import annotations


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    return {}
