"""The bars a person's records put on an annual grade (practice.md §3.2, the sanctions → grade table), judged
set-based for a year: the interface the annual assessment (individual area) reads; the sanctions area fills it.

`bars_for(year, person_ids)` → {person_id: [Bar, …]} for the people with at least one bar in that year, heaviest
first. A Bar's `effect` is one of EFFECTS (lightest to heaviest):
- NOT_EXCELLENT: may not be 优秀 (诫勉, 调整职务, 警告…)
- COMMENTS_ONLY: comments only, no grade (党内严重警告, 政务记过…; also probationers — decided by the annual area)
- NO_GRADE: no grade (记大过/降级/撤职, later-year effects, 责令辞职/免职/降职)
- PENDING: under investigation: takes part, the grade waits until the case closes
- FORCED_FAIL: the grade is 不称职 (不合格 for 事业单位): 撤销党内职务, 留党察看, 开除党籍
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

NOT_EXCELLENT = "not_excellent"
COMMENTS_ONLY = "comments_only"
NO_GRADE = "no_grade"
PENDING = "pending"
FORCED_FAIL = "forced_fail"
EFFECTS = (NOT_EXCELLENT, COMMENTS_ONLY, NO_GRADE, PENDING, FORCED_FAIL)
EFFECT_LABELS = {NOT_EXCELLENT: "不得评为优秀", COMMENTS_ONLY: "只写评语、不定等次", NO_GRADE: "不参加年度考核定等次",
                 PENDING: "参加考核、暂不定等次", FORCED_FAIL: "定为不称职（不合格）"}


@dataclass(frozen=True)
class Bar:
    person_id: int
    effect: str          # one of EFFECTS
    reason: str          # Chinese, e.g. “2026年3月5日受党内警告处分（当年不得评为优秀）”
    citation: str        # regulation + article, or rules.UNVERIFIED_ARTICLE
    evidence: str        # the record's label ("assessment.sanction")
    evidence_pk: int     # and primary key: the result page links to it


def bars_for(year: int, person_ids: Iterable[int] | None = None) -> dict[int, list[Bar]]:
    """The bars on `year`'s annual grade of the given people (all people when None), heaviest first."""
    return {}
