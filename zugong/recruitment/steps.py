"""The five stages and 25 steps of recruitment (发展党员工作流程, regulations.md §1.1), and the order of dates.

The steps are `zugong.core.casework` step definitions (`WORKFLOW`), recorded through its `record_step`. A
step is recorded as a `Step` row (date, who, note, documents). Steps that the rules judge also set a dated
column on the `Case` (`field`), so the rules can compare dates set-based. Steps 6 and 21 (the periodic
inspections) recur; the rest happen once per case. Two outcomes that are not numbered steps in the chart
are recorded the same way: extending the probation (decided, like conversion, by a branch meeting, so it is
filed under step 23) and ending the case (终止).
"""

from __future__ import annotations

import datetime as dt

from zugong.core.casework.steps import StepDef, Workflow

STAGES = {
    1: "一、申请入党",
    2: "二、入党积极分子的确定和培养教育",
    3: "三、发展对象的确定和考察",
    4: "四、预备党员的接收",
    5: "五、预备党员的教育考察和转正",
}


STEPS: list[StepDef] = [
    StepDef("application", 1, "递交入党申请书", "applied_on", number=1, rules=("recruitment.applicant_age",),
            recordable=False, form="OpenCaseForm"),
    StepDef("talk", 1, "党组织派人谈话", "talked_on", "applied_on", number=2,
            rules=("recruitment.talk_within_month",)),
    StepDef("activist", 2, "推荐和确定入党积极分子", "activist_on", "applied_on", number=3),
    StepDef("activist_filing", 2, "上级党委备案", None, "activist_on", number=4),
    StepDef("sponsors", 2, "指定培养联系人", None, "activist_on", number=5, rules=("recruitment.sponsors",),
            form="ContactsForm"),
    StepDef("inspection", 2, "培养教育考察", None, "activist_on", number=6, recurring=True),
    StepDef("candidate", 3, "确定发展对象", "candidate_on", "activist_on", number=7,
            rules=("recruitment.activist_one_year", "recruitment.activist_assessment", "recruitment.activist_filed"),
            form="PublicNoticeForm"),
    StepDef("candidate_filing", 3, "报上级党委备案", None, "candidate_on", number=8),
    StepDef("introducers", 3, "确定入党介绍人", None, "candidate_on", number=9, rules=("recruitment.introducers",),
            form="ContactsForm"),
    StepDef("review", 3, "进行政治审查", "review_concluded_on", "candidate_on", number=10, form="ReviewForm"),
    StepDef("training", 3, "开展集中培训", "training_start", "candidate_on", number=11, form="TrainingForm"),
    StepDef("committee_review", 4, "支部委员会审查", "committee_review_on", "candidate_on", number=12,
            rules=("recruitment.candidate_filed",)),
    StepDef("prereview", 4, "上级党委预审", "prereview_on", "committee_review_on", number=13,
            form="PublicNoticeForm"),
    StepDef("application_form", 4, "填写入党志愿书", None, "prereview_on", number=14),
    StepDef("branch_meeting", 4, "支部大会讨论", "branch_meeting_on", "candidate_on", number=15, form="MeetingForm",
            rules=("recruitment.political_review", "recruitment.training", "recruitment.introducers",
                   "recruitment.prereview_before_meeting", "recruitment.candidate_filed",
                   "recruitment.admission_quorum", "recruitment.admission_majority")),
    StepDef("approval_talk", 4, "上级党委派人谈话", None, "branch_meeting_on", number=16),
    StepDef("approval", 4, "上级党委审批", "approved_on", "branch_meeting_on", number=17,
            rules=("recruitment.approval_within_3_months", "recruitment.approval_talk",
                   "recruitment.approving_committee", "recruitment.dues_from_admission"),
            form="ApprovalForm"),
    StepDef("approval_filing", 4, "再上一级党委组织部门备案", None, "approved_on", number=18),
    StepDef("placement", 5, "编入党支部和党小组", None, "approved_on", number=19),
    StepDef("oath", 5, "入党宣誓", "oath_on", "approved_on", number=20),
    StepDef("probation_inspection", 5, "继续教育考察", None, "approved_on", number=21, recurring=True),
    StepDef("conversion_application", 5, "提出转正申请", "conversion_applied_on", "approved_on", number=22),
    StepDef("conversion_meeting", 5, "支部大会讨论（转正）", "conversion_meeting_on", "approved_on", number=23,
            form="MeetingForm", rules=("recruitment.conversion_on_time", "recruitment.oath_recorded",
                                       "recruitment.conversion_quorum", "recruitment.conversion_majority")),
    StepDef("conversion_approval", 5, "上级党委审批（转正）", "conversion_approved_on", "conversion_meeting_on",
            number=24, rules=("recruitment.conversion_approval_within_3_months",)),
    StepDef("archiving", 5, "材料归档", None, "conversion_approved_on", number=25),
    StepDef("extension", 5, "支部大会决定延长预备期", "probation_extended_on", "approved_on", number=23,
            rules=("recruitment.probation_extension",), form="ExtensionForm"),
    StepDef("termination", 0, "终止", "terminated_on", "applied_on", form="TerminationForm"),
]
# Steps that may still be recorded once the case is closed (converted or terminated).
AFTER_CLOSE = {"archiving"}

BY_KIND: dict[str, StepDef] = {s.kind: s for s in STEPS}
NUMBERED: list[StepDef] = [s for s in STEPS if s.number and s.kind != "extension"]
RECURRING = [s.kind for s in STEPS if s.recurring]
# Steps recorded only as a dated row (filings, interviews, placement, archiving, inspections).
PLAIN = ["activist_filing", "inspection", "candidate_filing", "application_form", "approval_talk",
         "approval_filing", "placement", "probation_inspection", "archiving"]


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


class RecruitmentWorkflow(Workflow):
    noun = "发展党员纪实"
    procedure = "发展党员工作流程"
    case_model, step_model, document_model = "recruitment.Case", "recruitment.Step", "recruitment.StepDocument"
    forms_module = "zugong.recruitment.forms"
    stages = STAGES
    steps = STEPS
    date_order = DATE_ORDER
    date_labels = LABELS

    def closed(self, case, definition: StepDef) -> str:
        """A converted or terminated case takes no more steps but the archiving."""
        if not case.is_active and definition.kind not in AFTER_CLOSE:
            return f"该发展党员纪实已{case.get_status_display()}，不能再办理后续步骤"
        return ""

    def date_problems(self, values: dict, today: dt.date) -> list[tuple[str, str]]:
        """Besides the future and the order: a date of the chain needs the one its step follows, and the
        training's start and end go together."""
        problems = super().date_problems(values, today)
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


WORKFLOW = RecruitmentWorkflow()


def date_problems(values: dict, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(field, Chinese reason) for dates out of order, missing their predecessor, or in the future.

    Shared by the import (one ledger row) and the services (a case after a step), so both say the same."""
    return WORKFLOW.date_problems(values, today or dt.date.today())
