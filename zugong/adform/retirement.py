"""到龄年月 under the 2025 retirement-age reform (渐进式延迟法定退休年龄, in force from 2025-01-01).

Our reading of the rule (lrmx.md; 全国人大常委会关于实施渐进式延迟法定退休年龄的决定, 2024-09-13, and its
attached tables — the tables' figures are the check below):

- The statutory ages before the reform ("改革前任职年龄界限") are 60 for men and 55 for women cadres (女干部);
  50 for women workers (女职工) — cadres use 55, but the function takes any of the three.
- A person whose pre-reform retirement month (birth month + base age) falls before 2025-01 is not touched.
- From 2025-01 the age rises by one month for every four months of pre-reform retirement month (for the
  base 50: every two months), counted from 2025-01, which already carries the first month: pre-reform
  retirement month 2025-01..2025-04 → +1 month, 2025-05..2025-08 → +2, and so on.
- The rise is capped at 36 months (to 63 and 58); for the base 50 at 60 months (to 55).
- 到龄年月 = birth month + base age + rise. The editor writes it as YYYYMM.

Worked examples (each is a test in tests/adform/test_retirement.py):
- man born 1964-12 → 60 years, 到龄 2024-12 (before the reform);
- man born 1965-01 → 60 years 1 month, 到龄 2025-02;
- man born 1965-05 → 60 years 2 months, 到龄 2025-07;
- man born 1976-08 → 62 years 11 months, 到龄 2039-07; born 1976-09 or later → 63 years (cap);
- woman cadre born 1970-01 → 55 years 1 month, 到龄 2025-02; born 1981-09 or later → 58 years;
- woman worker born 1975-01 → 50 years 1 month; born 1975-03 → 50 years 2 months; from 1984-11 on → 55.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

REFORM_START = (2025, 1)
# base age → (months of pre-reform retirement per month of rise, cap in months)
STEPS = {60: (4, 36), 55: (4, 36), 50: (2, 60)}


@dataclass(frozen=True)
class RetirementAge:
    base_age: int  # 改革前 statutory age in years
    extra_months: int  # the reform's rise
    month: dt.date  # 到龄年月 (first of the month)

    @property
    def years(self) -> int:
        return self.base_age + self.extra_months // 12

    @property
    def months(self) -> int:
        return self.extra_months % 12

    @property
    def label(self) -> str:
        return f"{self.years}岁{self.months}个月" if self.months else f"{self.years}岁"

    @property
    def yyyymm(self) -> str:
        return f"{self.month:%Y%m}"

    @property
    def pre_reform_text(self) -> str:
        return pre_reform_text(self.base_age)


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _month(index: int) -> dt.date:
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, 1)


def retirement_age(birth: dt.date, base_age: int) -> RetirementAge:
    """The reformed retirement age and month (到龄年月) for a birth month and a pre-reform age (60/55/50)."""
    if base_age not in STEPS:
        raise ValueError(f"改革前法定退休年龄只有 60、55、50 岁，不是 {base_age} 岁")
    per, cap = STEPS[base_age]
    original = _index(birth.year, birth.month) + base_age * 12
    since = original - _index(*REFORM_START)
    extra = 0 if since < 0 else min(cap, since // per + 1)
    return RetirementAge(base_age, extra, _month(original + extra))


def base_age_for(sex: str, pre_reform_text: str = "") -> int | None:
    """The pre-reform age: from the file's 改革前任职年龄界限 text when it names one, else 60 men / 55 women."""
    m = re.search(r"(60|55|50)\s*岁", pre_reform_text or "")
    if m:
        return int(m.group(1))
    if sex in ("男", "1"):
        return 60
    if sex in ("女", "2"):
        return 55
    return None


def pre_reform_text(base_age: int) -> str:
    return f"改革前任职年龄界限为{base_age}岁"
