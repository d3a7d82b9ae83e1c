"""The 任免审批表 as plain data: `AdFormData`, independent of the database models.

Readers (lrmx.py, lrm.py) produce it, the writer and the printers consume it, and mapping.py moves it to and
from Cadre + sub-records + Person. Dates stay text here, normalized to `YYYYMM` (or `YYYYMMDD` when the file
gave a day), as the files carry them; mapping.py turns them into dates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field


class FormError(ValueError):
    """A file that cannot be read as a 任免审批表; the message (Chinese) says why."""


@dataclass
class FamilyItem:
    relation: str = ""  # 称谓
    name: str = ""  # 姓名
    birth: str = ""  # 出生日期, kept as written (YYYYMM normally)
    political_status: str = ""  # 政治面貌
    work: str = ""  # 工作单位及职务


@dataclass
class AdFormData:
    name: str = ""
    sex: str = ""  # 男 / 女
    birth: str = ""  # YYYYMM
    ethnicity: str = ""  # 汉族 …
    native_place: str = ""  # 籍贯
    birthplace: str = ""  # 出生地
    party_joined: str = ""  # 入党时间: YYYYMM, or a 民主党派 name, or "YYYYMM；党派名"
    work_started: str = ""  # 参加工作时间 YYYYMM
    health: str = ""
    professional_title: str = ""  # 专业技术职务
    specialty: str = ""  # 熟悉专业有何专长
    fulltime_education: str = ""  # 全日制教育 学历
    fulltime_degree: str = ""  # 学位
    fulltime_education_school: str = ""  # 毕业院校系及专业 (学历)
    fulltime_degree_school: str = ""  # (学位)
    onjob_education: str = ""  # 在职教育 学历
    onjob_degree: str = ""
    onjob_education_school: str = ""
    onjob_degree_school: str = ""
    current_post: str = ""  # 现任职务
    proposed_post: str = ""  # 拟任职务
    proposed_removal: str = ""  # 拟免职务
    resume: str = ""  # 简历, lines joined with "\n"
    rewards: str = ""  # 奖惩情况 (verbatim)
    assessment: str = ""  # 年度考核结果 (verbatim)
    reasons: str = ""  # 任免理由
    family: list[FamilyItem] = field(default_factory=list)
    submitting_unit: str = ""  # 呈报单位
    age_as_of: str = ""  # 计算年龄时间 YYYYMM[DD]
    filled_on: str = ""  # 填表时间 YYYYMM[DD]
    filled_by: str = ""  # 填表人
    id_number: str = ""  # 公民身份号码
    photo: bytes | None = None  # 照片 (decoded)
    version: str = ""  # editor version
    retirement_month: str = ""  # 到龄年月 YYYYMM
    pre_reform_age_limit: str = ""  # 改革前任职年龄界限, text
    unknown: dict[str, str] = field(default_factory=dict)  # elements this reader does not know (reported)
    source_format: str = "lrmx"  # lrmx / lrm
    notes: list[str] = field(default_factory=list)  # what the reader tolerated (shown in the preview)

    # ---------------------------------------------------------------- derived values

    @property
    def birth_month(self) -> dt.date | None:
        return month_date(self.birth)

    def education_line(self, onjob: bool = False) -> str:
        """学历 and 学位 printed together, as the form does (大学本科 经济学学士)."""
        parts = (self.onjob_education, self.onjob_degree) if onjob else (self.fulltime_education, self.fulltime_degree)
        return "\n".join(p for p in parts if p)

    def school_line(self, onjob: bool = False) -> str:
        parts = ((self.onjob_education_school, self.onjob_degree_school) if onjob
                 else (self.fulltime_education_school, self.fulltime_degree_school))
        if parts[0] and parts[0] == parts[1]:
            return parts[0]
        return "\n".join(p for p in parts if p)


# ---------------------------------------------------------------- text and dates

_DATE = re.compile(r"^(\d{4})\s*(?:[.\-/年]\s*)?(\d{1,2})(?:\s*(?:[.\-/月]\s*)?(\d{1,2})\s*日?)?\s*月?$")


def clean(text: str | None) -> str:
    """Trim a field; keep inner line breaks (as \n) and spaces."""
    if text is None:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def normalize_date(text: str | None, field_name: str = "日期") -> str:
    """`YYYYMM`, `YYYYMMDD`, `YYYY.MM`, `YYYY-MM-DD`, `YYYY年M月` → `YYYYMM` or `YYYYMMDD`; "" stays "".

    Raises FormError (Chinese) for text that is not a date.
    """
    text = unicodedata.normalize("NFKC", clean(text))
    if not text:
        return ""
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) in (6, 8):
        year, month, day = int(compact[:4]), int(compact[4:6]), int(compact[6:8]) if len(compact) == 8 else None
    else:
        m = _DATE.match(compact)
        if not m:
            raise FormError(f"{field_name}“{text}”不是日期（应为 YYYYMM、YYYYMMDD 或 YYYY.MM）")
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None
    if not 1 <= month <= 12 or not 1800 <= year <= 2200:
        raise FormError(f"{field_name}“{text}”不是日期（月份或年份不对）")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise FormError(f"{field_name}“{text}”不是日期（日不对）") from None
        return f"{year:04d}{month:02d}{day:02d}"
    return f"{year:04d}{month:02d}"


def month_date(text: str) -> dt.date | None:
    """`YYYYMM[DD]` → the date (first of the month when no day was given)."""
    if not text:
        return None
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]) if len(text) == 8 else 1)


def date_text(day: dt.date | None, with_day: bool = False) -> str:
    if day is None:
        return ""
    return f"{day:%Y%m%d}" if with_day else f"{day:%Y%m}"


def dotted(text: str) -> str:
    """`YYYYMM[DD]` → `YYYY.MM` (as printed on the form)."""
    return f"{text[:4]}.{text[4:6]}" if text else ""


def age_at(birth: str, as_of: str) -> int | None:
    """Age in whole years at 计算年龄时间, counted in months as the editor does (birth month reached = a year)."""
    b, a = month_date(birth), month_date(as_of)
    if b is None or a is None:
        return None
    return (a.year * 12 + a.month - b.year * 12 - b.month) // 12
