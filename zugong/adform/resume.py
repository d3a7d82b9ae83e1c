"""简历 text ↔ dated entries.

The form's résumé is free text, one period per line: `1987.07--1995.03  太原市小店区委办公室干部`; the current
period has no end (`1995.03--         太原市小店区委副书记`); study during a period is appended as
`（其间：1998.09--2001.07在中央党校函授学院经济管理专业学习）`. A long period may wrap onto lines without a
date, which continue the previous entry. Dates may be written `YYYY.MM`, `YYYY.M`, `YYYY.MM.DD`; dashes vary
(`--`, `—`, `－－`, `-`, `~`).

`format_resume(parse_resume(text))` is the canonical text; mapping keeps the imported text verbatim and
exports it unchanged as long as the entries still format to the same canonical text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .formdata import FormError

_LINE = re.compile(
    r"^\s*(\d{4})\s*[.．。](\d{1,2})(?:[.．]\d{1,2})?\s*"  # start
    r"(?:[-—－~～―]+|至)\s*"  # dash
    r"(?:(\d{4})\s*[.．。](\d{1,2})(?:[.．]\d{1,2})?|至今|今)?"  # end (blank = to date)
    r"\s*(.*)$"
)
_DURING = re.compile(r"[（(]\s*其间\s*[：:](.*)[）)]\s*$", re.S)
END_PAD = " " * 7  # the width of "YYYY.MM" where the current period has no end


@dataclass
class Entry:
    start: dt.date
    end: dt.date | None  # None: to date
    text: str  # 单位及职务
    during: str = ""  # 其间 text, without the （其间：…） wrapper


def _month(year: str, month: str, line: str) -> dt.date:
    y, m = int(year), int(month)
    if not 1 <= m <= 12:
        raise FormError(f"简历“{line.strip()}”中的月份不对")
    return dt.date(y, m, 1)


def parse_resume(text: str) -> list[Entry]:
    """Entries of a résumé text; raises FormError when a line before the first dated one has text."""
    entries: list[Entry] = []
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        m = _LINE.match(line)
        if m:
            start = _month(m.group(1), m.group(2), line)
            end = _month(m.group(3), m.group(4), line) if m.group(3) else None
            entries.append(Entry(start, end, m.group(5).strip()))
        elif entries:
            entries[-1].text += line  # a wrapped line continues the previous period
        else:
            raise FormError(f"简历第一行“{line[:30]}”没有起止时间（应为 YYYY.MM--YYYY.MM  单位及职务）")
    for e in entries:
        d = _DURING.search(e.text)
        if d:
            e.during = d.group(1).strip()
            e.text = e.text[: d.start()].rstrip()
    return entries


def _dot(day: dt.date | None) -> str:
    return f"{day.year:04d}.{day.month:02d}" if day else END_PAD


def format_entry(e: Entry) -> str:
    during = f"（其间：{e.during}）" if e.during else ""
    return f"{_dot(e.start)}--{_dot(e.end)}  {e.text}{during}"


def format_resume(entries: list[Entry]) -> str:
    return "\n".join(format_entry(e) for e in entries)


def canonical(text: str) -> str:
    """The canonical form of a résumé text (for comparing two texts that say the same)."""
    try:
        return format_resume(parse_resume(text))
    except FormError:
        return (text or "").strip()
