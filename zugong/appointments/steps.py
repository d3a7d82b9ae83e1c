"""The procedure of selection and appointment (选拔任用) as steps, in the chapter order of the 条例
(regulations.md §6): 分析研判和动议 → 民主推荐 → 考察 → 讨论决定 → 任前公示 → 任职, then the probation
(试用期) where it applies and its end.

Each step is recorded as a `CaseStep` row (date, who, note, documents). Its date also goes into a column of
the `SelectionCase` (`field`), so the rules compare dates set-based; a step needs the one before it (`after`).
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES = {
    1: "动议",
    2: "民主推荐",
    3: "考察",
    4: "讨论决定",
    5: "任前公示",
    6: "任职",
    7: "试用期",
    8: "办结",
}


@dataclass(frozen=True)
class StepDef:
    kind: str
    stage: int
    label: str
    field: str
    after: str | None = None


STEPS: list[StepDef] = [
    StepDef("proposal", 1, "分析研判和动议", "proposed_on"),
    StepDef("recommendation", 2, "民主推荐", "recommended_on", "proposed_on"),
    StepDef("inspection", 3, "考察", "inspection_start", "recommended_on"),
    StepDef("decision", 4, "讨论决定", "decided_on", "inspection_end"),
    StepDef("notice", 5, "任前公示", "notice_start", "decided_on"),
    StepDef("appointment", 6, "任职", "appointed_on", "decided_on"),
    StepDef("probation", 7, "试用期满考核", "probation_concluded_on", "appointed_on"),
    StepDef("termination", 0, "终止", "terminated_on", "proposed_on"),
]
BY_KIND: dict[str, StepDef] = {s.kind: s for s in STEPS}

# The recorded dates in the order of the procedure: a date may not precede the one before it.
DATE_ORDER: list[tuple[str, str]] = [
    ("proposed_on", "动议日期"),
    ("recommended_on", "民主推荐日期"),
    ("inspection_start", "考察开始日期"),
    ("inspection_end", "考察结束日期"),
    ("decided_on", "讨论决定日期"),
    ("notice_start", "任前公示开始日期"),
    ("appointed_on", "任职日期"),
    ("probation_concluded_on", "试用期满考核日期"),
]
LABELS = dict(DATE_ORDER) | {"notice_end": "任前公示结束日期", "terminated_on": "终止日期"}


def date_problems(values: dict, today) -> list[tuple[str, str]]:
    """(field, Chinese reason) for dates out of order or in the future (the notice may end after today)."""
    problems: list[tuple[str, str]] = []
    for field, label in [*DATE_ORDER, ("terminated_on", LABELS["terminated_on"])]:
        day = values.get(field)
        if day and day > today:
            problems.append((field, f"{label} {day:%Y-%m-%d} 晚于今天"))
    last_field, last_day = None, None
    for field, label in DATE_ORDER:
        day = values.get(field)
        if not day:
            continue
        if last_day and day < last_day:
            problems.append((field, f"{label}（{day:%Y-%m-%d}）早于{LABELS[last_field]}（{last_day:%Y-%m-%d}）"))
            continue
        last_field, last_day = field, day
    return problems
