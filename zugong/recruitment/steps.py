"""The five stages and 25 steps of recruitment (发展党员工作流程, regulations.md §1.1), and the order of dates.

A step is recorded as a `Step` row (date, who, note, documents). Steps that the rules judge also set a dated
column on the `Case` (`field`), so the rules can compare dates set-based. Steps 6 and 21 (the periodic
assessments) recur; the rest happen once per case. Two outcomes that are not numbered steps in the chart
are recorded the same way: extending the probation (decided, like conversion, by a branch meeting, so it is
filed under step 23) and ending the case (终止).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STAGES = {
    1: "一、申请入党",
    2: "二、入党积极分子的确定和培养教育",
    3: "三、发展对象的确定和考察",
    4: "四、预备党员的接收",
    5: "五、预备党员的教育考察和转正",
}


@dataclass(frozen=True)
class StepDef:
    kind: str  # the code name of the step, stored in Step.kind
    number: int | None  # its number on the official chart (1–25)
    stage: int
    label: str
    field: str | None = None  # the Case column holding the step's date, if the rules judge it
    after: str | None = None  # the Case date that must be recorded before this step can be
    recurring: bool = False


STEPS: list[StepDef] = [
    StepDef("application", 1, 1, "递交入党申请书", "applied_on"),
    StepDef("talk", 2, 1, "党组织派人谈话", "talked_on", "applied_on"),
    StepDef("activist", 3, 2, "推荐和确定入党积极分子", "activist_on", "applied_on"),
    StepDef("activist_filing", 4, 2, "上级党委备案", None, "activist_on"),
    StepDef("sponsors", 5, 2, "指定培养联系人", None, "activist_on"),
    StepDef("assessment", 6, 2, "培养教育考察", None, "activist_on", recurring=True),
    StepDef("candidate", 7, 3, "确定发展对象", "candidate_on", "activist_on"),
    StepDef("candidate_filing", 8, 3, "报上级党委备案", None, "candidate_on"),
    StepDef("introducers", 9, 3, "确定入党介绍人", None, "candidate_on"),
    StepDef("review", 10, 3, "进行政治审查", "review_concluded_on", "candidate_on"),
    StepDef("training", 11, 3, "开展集中培训", "training_start", "candidate_on"),
    StepDef("committee_review", 12, 4, "支部委员会审查", "committee_review_on", "candidate_on"),
    StepDef("prereview", 13, 4, "上级党委预审", "prereview_on", "committee_review_on"),
    StepDef("application_form", 14, 4, "填写入党志愿书", None, "prereview_on"),
    StepDef("branch_meeting", 15, 4, "支部大会讨论", "branch_meeting_on", "candidate_on"),
    StepDef("approval_talk", 16, 4, "上级党委派人谈话", None, "branch_meeting_on"),
    StepDef("approval", 17, 4, "上级党委审批", "approved_on", "branch_meeting_on"),
    StepDef("approval_filing", 18, 4, "再上一级党委组织部门备案", None, "approved_on"),
    StepDef("placement", 19, 5, "编入党支部和党小组", None, "approved_on"),
    StepDef("oath", 20, 5, "入党宣誓", "oath_on", "approved_on"),
    StepDef("probation_assessment", 21, 5, "继续教育考察", None, "approved_on", recurring=True),
    StepDef("conversion_application", 22, 5, "提出转正申请", "conversion_applied_on", "approved_on"),
    StepDef("conversion_meeting", 23, 5, "支部大会讨论（转正）", "conversion_meeting_on", "approved_on"),
    StepDef("conversion_approval", 24, 5, "上级党委审批（转正）", "conversion_approved_on", "conversion_meeting_on"),
    StepDef("archiving", 25, 5, "材料归档", None, "conversion_approved_on"),
    StepDef("extension", 23, 5, "支部大会决定延长预备期", "probation_extended_on", "approved_on"),
    StepDef("termination", None, 0, "终止", "terminated_on", "applied_on"),
]
# Steps that may still be recorded once the case is closed (converted or terminated).
AFTER_CLOSE = {"archiving"}

BY_KIND: dict[str, StepDef] = {s.kind: s for s in STEPS}
NUMBERED: list[StepDef] = [s for s in STEPS if s.number and s.kind != "extension"]
RECURRING = [s.kind for s in STEPS if s.recurring]
# Steps recorded only as a dated row (filings, interviews, placement, archiving, assessments).
PLAIN = ["activist_filing", "assessment", "candidate_filing", "application_form", "approval_talk",
         "approval_filing", "placement", "probation_assessment", "archiving"]


# The order of the recorded dates: a date may not precede the one before it in this chain. Political review
# and training are left out: their place relative to admission is a rule (a past violation to show), and
# training's own start and end are checked as a pair.
DATE_ORDER: list[tuple[str, str]] = [
    ("applied_on", "递交入党申请书日期"),
    ("talked_on", "谈话日期"),
    ("activist_on", "确定入党积极分子日期"),
    ("candidate_on", "确定发展对象日期"),
    ("committee_review_on", "支部委员会审查日期"),
    ("prereview_on", "上级党委预审日期"),
    ("branch_meeting_on", "支部大会讨论日期"),
    ("approved_on", "上级党委审批日期"),
    ("oath_on", "入党宣誓日期"),
    ("conversion_applied_on", "转正申请日期"),
    ("conversion_meeting_on", "转正支部大会日期"),
    ("conversion_approved_on", "转正审批日期"),
]
LABELS = dict(DATE_ORDER) | {"training_start": "集中培训开始日期", "training_end": "集中培训结束日期",
                              "review_concluded_on": "政治审查结论日期"}

# A recorded date of the chain needs the one its step follows: an activist was an applicant, a candidate an
# activist, …
REQUIRES: dict[str, str] = {d.field: d.after for d in STEPS if d.field in dict(DATE_ORDER) and d.after}


def date_problems(values: dict, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(field, Chinese reason) for dates out of order, missing their predecessor, or in the future.

    Shared by the import (one ledger row) and the services (a case after a step), so both say the same."""
    today = today or dt.date.today()
    problems: list[tuple[str, str]] = []
    for field, label in [*DATE_ORDER, ("training_start", LABELS["training_start"]),
                         ("training_end", LABELS["training_end"]),
                         ("review_concluded_on", LABELS["review_concluded_on"])]:
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
    for field, needed in REQUIRES.items():
        if values.get(field) and not values.get(needed):
            problems.append((field, f"填写了{LABELS[field]}，但缺少{LABELS[needed]}"))
    start, end = values.get("training_start"), values.get("training_end")
    if start and end and end < start:
        problems.append(("training_end", f"集中培训结束日期（{end:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}）"))
    if bool(start) != bool(end):
        missing = "training_end" if start else "training_start"
        problems.append((missing, f"集中培训开始日期和结束日期应同时填写，缺少{LABELS[missing]}"))
    return problems
