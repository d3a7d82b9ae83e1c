"""Chinese citizen ID numbers (公民身份号码, GB 11643-1999): parsing, validation and generation.

Layout of the 18-character number: 6-digit address code, 8-digit birth date (YYYYMMDD),
3-digit sequence (odd for men, even for women) and a check character computed with
ISO 7064 MOD 11-2. The legacy 15-digit form (6-digit area, YYMMDD in the 1900s, 3-digit
sequence, no check character) is accepted and converted to 18 digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "IdInfo",
    "IdNumberError",
    "check_consistency",
    "compute_check_char",
    "make_id_number",
    "parse_id_number",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_FORMAT = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
# First two digits of the address code: provinces, regions, municipalities, Taiwan, HK, Macao.
_PROVINCES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)]
    + [71, 81, 82]
)
_EARLIEST_BIRTH = date(1900, 1, 1)
_SEX_LABELS = {"男": "男", "女": "女", "1": "男", "2": "女"}


class IdNumberError(ValueError):
    """An ID number that fails validation; the message is user-facing Chinese."""


@dataclass(frozen=True, slots=True)
class IdInfo:
    """What a valid ID number says about its holder."""

    number: str  # canonical 18-character form, check character upper-case
    birth_date: date
    sex: str  # "男" or "女"
    area_code: str  # 6-digit address code (where the number was first issued)
    converted_from_15: bool


def compute_check_char(body: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of an ID number."""
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        raise ValueError(f"expected 17 ASCII digits, got {body!r}")
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdInfo:
    """Validate an 18- or 15-digit ID number and return its parts; raise IdNumberError otherwise."""
    # NFKC folds full-width digits and "Ｘ" from pasted text; whitespace anywhere is ignored.
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split()).upper()
    if not _FORMAT.fullmatch(text):
        raise IdNumberError("公民身份号码应为18位（或旧版15位）数字，末位可为X")
    converted = len(text) == 15
    if converted:
        text = text[:6] + "19" + text[6:]  # legacy numbers were only issued to people born in the 1900s
    if int(text[:2]) not in _PROVINCES:
        raise IdNumberError(f"公民身份号码前两位 {text[:2]} 不是有效的省级行政区划代码")
    birth = _birth_date(text[6:14], today or date.today())
    if converted:
        text += compute_check_char(text)
    else:
        expected = compute_check_char(text[:17])
        if text[17] != expected:
            raise IdNumberError(f"公民身份号码校验码错误：末位应为 {expected}，实为 {text[17]}")
    return IdInfo(
        number=text,
        birth_date=birth,
        sex="男" if int(text[16]) % 2 else "女",
        area_code=text[:6],
        converted_from_15=converted,
    )


def _birth_date(digits: str, today: date) -> date:
    """Turn YYYYMMDD from an ID number into a date within [1900-01-01, today]."""
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdNumberError(f"公民身份号码中的出生日期 {digits} 不是有效日期") from None
    if birth < _EARLIEST_BIRTH:
        raise IdNumberError(f"公民身份号码中的出生日期 {digits} 早于1900年")
    if birth > today:
        raise IdNumberError(f"公民身份号码中的出生日期 {digits} 晚于今天")
    return birth


def check_consistency(info: IdInfo, birth_date: date | None = None, sex: str | None = None) -> list[str]:
    """Return Chinese messages for a birth date or sex (男/女 or 1/2) that disagrees with the number."""
    problems: list[str] = []
    if birth_date is not None and birth_date != info.birth_date:
        problems.append(
            f"出生日期 {birth_date:%Y-%m-%d} 与公民身份号码中的 {info.birth_date:%Y-%m-%d} 不一致"
        )
    if sex is not None and sex.strip():
        label = _SEX_LABELS.get(sex.strip())
        if label is None:
            problems.append(f"性别“{sex.strip()}”无法识别，应为“男”或“女”")
        elif label != info.sex:
            problems.append(f"性别“{label}”与公民身份号码（{info.sex}）不一致")
    return problems


def make_id_number(area_code: str, birth: date, seq: int) -> str:
    """Build a valid 18-character ID number (check character included) from its parts."""
    if len(area_code) != 6 or not area_code.isascii() or not area_code.isdigit():
        raise ValueError(f"area_code must be 6 digits, got {area_code!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be in 0..999, got {seq}")
    body = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    return body + compute_check_char(body)


def from_cell(value) -> str:
    """The normalised 18-character number in an Excel cell (a number, text with spaces, a lower-case x), or a
    ValueError with the Chinese reason: what an importer's column parser raises for the row and column."""
    from zugong.core import excel

    try:
        return parse_id_number(excel.cell_text(value)).number
    except IdNumberError as exc:
        raise ValueError(str(exc)) from None


def optional_from_cell(value) -> str:
    """`from_cell` for a column that may be empty ("" then)."""
    from zugong.core import excel

    return from_cell(value) if excel.cell_text(value) else ""
