"""How ranks compare, for the rules: a rank's seniority as a number, in Python and as SQL over a rank column.

Seniority orders the ranks of `zugong.cadres.ranks` by level (省部级 highest) and, within a level, chief above
deputy: (6 − level) × 2 + (1 for a chief). Parallel 职级 (grades) count at the level the catalogue gives them,
as a deputy unless the catalogue marks them chief. A promotion (提拔) is a move to a higher seniority.
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Value, When

from zugong.cadres import ranks


def seniority(code: str | None) -> int:
    if not code:
        return 0
    r = ranks.rank(code)
    if r is None:
        return 0
    return (6 - r.level) * 2 + (1 if r.chief else 0)


def seniority_sql(field: str):
    """The seniority of a rank column, as an SQL CASE over the rank codes."""
    return Case(*[When(**{field: r.code}, then=Value(seniority(r.code))) for r in ranks.RANKS],
                default=Value(0), output_field=IntegerField())


def level_sql(field: str):
    """The level (1 省部级 … 5 科员级) of a rank column, as an SQL CASE over the rank codes."""
    return Case(*[When(**{field: r.code}, then=Value(r.level)) for r in ranks.RANKS], default=Value(0),
                output_field=IntegerField())


def ladder_sql(level_field: str, chief_field: str):
    """The step of a rank on the ladder of leadership posts, from a case's level and chief columns: 科员级 0,
    乡科级副职 1, 乡科级正职 2, 县处级副职 3 … (a promotion of 2 steps skips one level: 越级; 3 or more: 越两级)."""
    step = (4 - F(level_field)) * 2 + 1 + Case(When(**{chief_field: True}, then=Value(1)), default=Value(0))
    return Case(When(**{level_field: 5}, then=Value(0)), default=step, output_field=IntegerField())


def post_ranks() -> list:
    """The ranks of leadership posts (领导职务层次): what a selection case appoints to."""
    return [r for r in ranks.RANKS if r.kind == "post"]


def post_rank_choices() -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in post_ranks()]


def name_of(code: str | None) -> str:
    return ranks.name_of(code or "") or (code or "")
