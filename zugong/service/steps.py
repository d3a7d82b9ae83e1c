"""The procedure of one item (事项) as casework steps: 受理 → 交办 / 党员认领 → 签收 → 办理 (进展报告, 催办,
暂停计时 and 恢复计时, 申请延期 and 延期审批) → 办结 → 满意度回访 (复办 when the people are not satisfied) → 销号.

Every step is written by `zugong.core.casework.services.record_step` (one audited operation); the services in
`tasks_services.py` and `satisfaction_services.py` give each step its values and side effects (the clock, the
pauses and extensions, the survey)."""

from __future__ import annotations

from zugong.core.casework.steps import StepDef, Workflow

STAGES = {0: "终止", 1: "受理", 2: "认领交办", 3: "办理", 4: "办结", 5: "群众评价", 6: "销号"}

STEPS: list[StepDef] = [
    StepDef("receive", 1, "受理", "received_on", recordable=False, form="OpenTaskForm"),
    StepDef("assign", 2, "交办", "assigned_on", "received_on", recurring=True, form="AssignForm"),
    StepDef("claim", 2, "党员认领", "claimed_on", "received_on", recurring=True, form="ClaimForm"),
    StepDef("sign", 2, "签收", "signed_on", "received_on", form="SignForm"),
    StepDef("report", 3, "进展报告", "last_report_on", "received_on", recurring=True, form="ReportForm"),
    StepDef("urge", 3, "催办", "last_urged_on", "received_on", recurring=True, form="UrgeForm"),
    StepDef("pause", 3, "暂停计时", "paused_since", "received_on", recurring=True, form="PauseForm"),
    StepDef("resume", 3, "恢复计时", None, "paused_since", recurring=True, form="ResumeForm"),
    StepDef("extension_request", 3, "申请延期", None, "received_on", recurring=True, form="ExtensionRequestForm"),
    StepDef("extension_decision", 3, "延期审批", None, "received_on", recurring=True, form="ExtensionDecisionForm"),
    StepDef("complete", 4, "办结", "completed_on", "received_on", recurring=True, form="CompleteForm"),
    # recorded by the satisfaction pages (the survey panel on the item page), not by the step page
    StepDef("callback", 5, "满意度回访", None, "completed_on", recurring=True, recordable=False),
    StepDef("reopen", 5, "复办", "reopened_on", "received_on", recurring=True, recordable=False),
    StepDef("close", 6, "销号", "closed_on", "completed_on", recordable=False),
    StepDef("termination", 0, "终止", "terminated_on", "received_on", form="TerminationForm"),
]

DATE_ORDER = [("received_on", "受理日期"), ("completed_on", "办结日期"), ("closed_on", "销号日期")]
LABELS = dict(DATE_ORDER) | {"assigned_on": "交办日期", "claimed_on": "认领日期", "signed_on": "签收日期",
                             "last_report_on": "进展日期", "last_urged_on": "催办日期", "paused_since": "暂停日期",
                             "reopened_on": "复办日期", "terminated_on": "终止日期"}

# Steps a completed item (待评价) still takes; every other step needs a running item.
AFTER_COMPLETION = ("callback", "reopen", "close", "termination")
# Steps that are part of running an item: refused once it is completed, closed or terminated.


class ServiceWorkflow(Workflow):
    noun = "办实事事项"
    case_model, step_model, document_model = "service.ServiceTask", "service.TaskStep", "service.TaskDocument"
    forms_module = "zugong.service.forms.tasks"
    stages = STAGES
    steps = STEPS
    date_order = DATE_ORDER
    date_labels = LABELS

    def closed(self, case, definition: StepDef) -> str:
        status = case.status
        if status in ("closed", "terminated"):
            return f"该{self.noun}已{case.get_status_display()}"
        if status == "done":
            return "" if definition.kind in AFTER_COMPLETION else "该事项已办结，待群众评价；如需继续办理请先复办"
        if definition.kind in ("callback", "close"):
            return "该事项尚未办结"
        if definition.kind == "reopen":
            return "该事项正在办理，无需复办"
        if definition.kind == "pause" and status == "paused":
            return "该事项已暂停计时"
        if definition.kind == "resume" and status != "paused":
            return "该事项未暂停计时"
        if status == "paused" and definition.kind in ("complete", "extension_request", "urge"):
            return "该事项暂停计时中，请先恢复计时"
        if definition.kind == "extension_decision" and case.pk is not None \
                and not case.extensions.unrestricted().filter(decision="pending").exists():
            return "该事项没有待审批的延期申请"
        return ""


WORKFLOW = ServiceWorkflow()
