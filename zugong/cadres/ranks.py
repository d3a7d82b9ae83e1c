"""Ranks of cadres: leadership-post levels (领导职务层次) and civil-service grades (公务员职级).

Levels: 1 省部级, 2 厅局级, 3 县处级, 4 乡科级, 5 科员级 (the grades below 乡科级: 一级科员, 二级科员).
A grade is placed at the level whose leadership posts it corresponds to for pay and treatment
(《公务员职务与职级并行规定》 2019: 一级、二级巡视员 ↔ 厅局级; 一级至四级调研员 ↔ 县处级;
一级至四级主任科员 ↔ 乡科级). `RANKS` is ordered from the highest rank to the lowest.
"""

from __future__ import annotations

from collections import namedtuple

Rank = namedtuple("Rank", "code name level chief kind")

LEVELS = {1: "省部级", 2: "厅局级", 3: "县处级", 4: "乡科级", 5: "科员级"}

KINDS = {"post": "领导职务", "grade": "职级"}

RANKS: list[Rank] = [
    Rank("province_chief", "省部级正职", 1, True, "post"),
    Rank("province_deputy", "省部级副职", 1, False, "post"),
    Rank("bureau_chief", "厅局级正职", 2, True, "post"),
    Rank("bureau_deputy", "厅局级副职", 2, False, "post"),
    Rank("inspector_1", "一级巡视员", 2, True, "grade"),
    Rank("inspector_2", "二级巡视员", 2, False, "grade"),
    Rank("county_chief", "县处级正职", 3, True, "post"),
    Rank("county_deputy", "县处级副职", 3, False, "post"),
    Rank("researcher_1", "一级调研员", 3, True, "grade"),
    Rank("researcher_2", "二级调研员", 3, True, "grade"),
    Rank("researcher_3", "三级调研员", 3, False, "grade"),
    Rank("researcher_4", "四级调研员", 3, False, "grade"),
    Rank("township_chief", "乡科级正职", 4, True, "post"),
    Rank("township_deputy", "乡科级副职", 4, False, "post"),
    Rank("clerk_chief_1", "一级主任科员", 4, True, "grade"),
    Rank("clerk_chief_2", "二级主任科员", 4, True, "grade"),
    Rank("clerk_chief_3", "三级主任科员", 4, False, "grade"),
    Rank("clerk_chief_4", "四级主任科员", 4, False, "grade"),
    Rank("clerk_1", "一级科员", 5, False, "grade"),
    Rank("clerk_2", "二级科员", 5, False, "grade"),
]

_BY_CODE = {r.code: r for r in RANKS}
# Position in RANKS (0 = highest): orders cadres of the same level by rank.
ORDER = {r.code: i for i, r in enumerate(RANKS)}

RANK_CHOICES = [(r.code, r.name) for r in RANKS]
LEVEL_CHOICES = list(LEVELS.items())
POST_RANKS = [r.code for r in RANKS if r.kind == "post"]
GRADE_RANKS = [r.code for r in RANKS if r.kind == "grade"]


def rank(code: str) -> Rank | None:
    """The Rank of a code (None for an empty or unknown code)."""
    return _BY_CODE.get(code or "")


def level_of(code: str) -> int | None:
    r = rank(code)
    return r.level if r else None


def is_chief(code: str) -> bool:
    r = rank(code)
    return bool(r and r.chief)


def name_of(code: str) -> str:
    r = rank(code)
    return r.name if r else ""


def codes_of_level(level: int) -> list[str]:
    return [r.code for r in RANKS if r.level == level]


def lookup(text: str) -> str | None:
    """The code of a rank written as text (名称 or code), e.g. from a spreadsheet; None if unknown."""
    text = (text or "").strip()
    if text in _BY_CODE:
        return text
    for r in RANKS:
        if r.name == text:
            return r.code
    aliases = {"正处级": "county_chief", "副处级": "county_deputy", "正科级": "township_chief",
               "副科级": "township_deputy", "正厅级": "bureau_chief", "副厅级": "bureau_deputy",
               "正部级": "province_chief", "副部级": "province_deputy", "科员": "clerk_1"}
    return aliases.get(text)
