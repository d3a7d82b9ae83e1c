"""The procedure of selection and appointment (选拔任用) as steps, in the chapter order of the 条例
(regulations.md §6): 分析研判和动议 → 民主推荐 → 考察 → 讨论决定 → 任前公示 → 任职, then the probation
(试用期) where it applies and its end.

The steps are `zugong.core.casework` step definitions (`WORKFLOW`), recorded through its `record_step`.
Each step is recorded as a `CaseStep` row (date, who, note, documents). Its date also goes into a column of
the `SelectionCase` (`field`), so the rules compare dates set-based; a step needs the one before it (`after`).
"""

from __future__ import annotations

from zugong.core.casework.steps import StepDef, Workflow

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


# The rules that judge a step when it is recorded (defined in rules.py): the decision is where the
# eligibility rules refuse.
ELIGIBILITY_RULES = ("appointments.work_years", "appointments.grassroots_years", "appointments.deputy_years",
                     "appointments.lower_chief_years", "appointments.education", "appointments.two_posts_below",
                     "appointments.party_age", "appointments.same_level_fifteen_years",
                     "appointments.not_in_probation", "appointments.year_since_promotion",
                     "appointments.exceptional_two_levels", "appointments.exceptional_consecutive",
                     "appointments.training")
DECISION_RULES = (*ELIGIBILITY_RULES, "appointments.decision_quorum", "appointments.decision_majority")
PUBLIC_NOTICE_RULES = ("appointments.notice_working_days",)
APPOINTMENT_RULES = ("appointments.notice_before_appointment",)

STEPS: list[StepDef] = [
    StepDef("proposal", 1, "分析研判和动议", "proposed_on"),  # opened by OpenCaseForm, corrected by StepForm
    StepDef("recommendation", 2, "民主推荐", "recommended_on", "proposed_on", form="RecommendationForm"),
    StepDef("inspection", 3, "考察", "inspection_start", "recommended_on", sets=("inspection_end",),
            form="InspectionForm"),
    StepDef("decision", 4, "讨论决定", "decided_on", "inspection_end", rules=DECISION_RULES, form="DecisionForm"),
    StepDef("public_notice", 5, "任前公示", "public_notice_start", "decided_on", rules=PUBLIC_NOTICE_RULES,
            form="PublicNoticeForm"),
    StepDef("appointment", 6, "任职", "appointed_on", "decided_on", rules=APPOINTMENT_RULES, form="AppointmentForm"),
    StepDef("probation", 7, "试用期满考核", "probation_concluded_on", "appointed_on", form="ProbationForm"),
    StepDef("termination", 0, "终止", "terminated_on", "proposed_on", form="TerminationForm"),
]
BY_KIND: dict[str, StepDef] = {s.kind: s for s in STEPS}

# The recorded dates in the order of the procedure: a date may not precede the one before it.
DATE_ORDER: list[tuple[str, str]] = [
    ("proposed_on", "动议日期"),
    ("recommended_on", "民主推荐日期"),
    ("inspection_start", "考察开始日期"),
    ("inspection_end", "考察结束日期"),
    ("decided_on", "讨论决定日期"),
    ("public_notice_start", "任前公示开始日期"),
    ("appointed_on", "任职日期"),
    ("probation_concluded_on", "试用期满考核日期"),
]
LABELS = dict(DATE_ORDER) | {"public_notice_end": "任前公示结束日期", "terminated_on": "终止日期"}


class SelectionWorkflow(Workflow):
    noun = "选拔任用纪实"
    case_model, step_model, document_model = ("appointments.SelectionCase", "appointments.CaseStep",
                                              "appointments.CaseDocument")
    forms_module = "zugong.appointments.forms"
    stages = STAGES
    steps = STEPS
    date_order = DATE_ORDER
    date_labels = LABELS
    may_be_future = ("public_notice_end",)

    def closed(self, case, definition: StepDef) -> str:
        """The end of the probation is recorded during the probation, every other step while the case is
        active."""
        status = case.status
        if definition.kind == "probation":
            return "" if status == case.Status.PROBATION else "该任职不实行试用期，或试用期已办结"
        if status != case.Status.ACTIVE:
            return f"该选拔任用纪实已{case.get_status_display()}，不能再办理“{definition.label}”"
        return ""


WORKFLOW = SelectionWorkflow()
