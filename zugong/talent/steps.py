"""The application chain of a talent programme as casework steps: 申报 → 单位推荐 → 资格审查 → 专家评审 → 审定 →
公示 (异议 and their answers) → 认定 → the support period (津贴 by instalments, 年度/期满考核, 续支) → 退出.

Every step is written by `zugong.core.casework.services.record_step` (one audited operation). The services give
each step its values and side effects: `applications_services.py` (申报 to 认定), `review_services.py` (专家评审,
recorded for each application when a review round is published), `pool_services.py` (the support period and
退出). The step page calls the service registered for the step's kind in `actions.ACTIONS`."""

from __future__ import annotations

from zugong.core.casework.steps import StepDef, Workflow

STAGES = {0: "终止", 1: "申报", 2: "单位推荐", 3: "资格审查", 4: "专家评审", 5: "审定", 6: "公示", 7: "认定",
          8: "支持期", 9: "退出"}

STEPS: list[StepDef] = [
    StepDef("apply", 1, "申报", "applied_on", recordable=False, form="OpenApplicationForm"),
    StepDef("recommend", 2, "单位推荐", "recommended_on", "applied_on", rules=("talent.unit_quota",),
            form="RecommendForm"),
    StepDef("qualify", 3, "资格审查", "qualified_on", "recommended_on", form="QualifyForm"),
    # recorded for every application of a round when the round's results are published (review_services)
    StepDef("review", 4, "专家评审", "reviewed_on", "qualified_on", recordable=False),
    StepDef("approve", 5, "审定", "approved_on", "reviewed_on", form="ApproveForm"),
    StepDef("public_notice", 6, "公示", "notice_start", "approved_on", sets=("notice_end",),
            rules=("talent.notice_working_days",), form="PublicNoticeForm"),
    StepDef("objection", 6, "公示异议", None, "notice_start", recurring=True, form="ObjectionForm"),
    StepDef("recognize", 7, "认定", "recognized_on", "notice_end",
            rules=("talent.recognized_after_notice",), form="RecognitionForm"),
    StepDef("allowance", 8, "津贴发放", None, "recognized_on", recurring=True, form="AllowanceForm"),
    StepDef("periodic_review", 8, "年度/期满考核", None, "recognized_on", recurring=True, form="PeriodicReviewForm"),
    StepDef("renew", 8, "续支", None, "recognized_on", recurring=True, form="RenewForm"),
    StepDef("exit", 9, "退出", "exited_on", "recognized_on", form="ExitForm"),
    StepDef("termination", 0, "终止", "terminated_on", "applied_on", form="TerminationForm"),
]

DATE_ORDER = [("applied_on", "申报日期"), ("recommended_on", "推荐日期"), ("qualified_on", "资格审查日期"),
              ("reviewed_on", "评审日期"), ("approved_on", "审定日期"), ("notice_start", "公示开始日期"),
              ("recognized_on", "认定日期"), ("exited_on", "退出日期")]
LABELS = dict(DATE_ORDER) | {"notice_end": "公示结束日期", "terminated_on": "终止日期"}

# The steps of the support period: only a recognised talent takes them.
SUPPORT_STEPS = ("allowance", "periodic_review", "renew", "exit")
# The steps a case takes before it is recognised (refused once it is recognised, exited or terminated).
CHAIN_STEPS = ("recommend", "qualify", "review", "approve", "public_notice", "objection", "recognize")


class TalentWorkflow(Workflow):
    noun = "人才项目申报"
    case_model, step_model, document_model = "talent.Application", "talent.ApplicationStep", \
        "talent.ApplicationDocument"
    forms_module = "zugong.talent.forms.steps"
    stages = STAGES
    steps = STEPS
    date_order = DATE_ORDER
    date_labels = LABELS
    may_be_future = ("notice_end",)

    def closed(self, case, definition: StepDef) -> str:
        status = case.status
        if status in ("terminated", "exited", "rejected"):
            return f"该{self.noun}已{case.get_status_display()}"
        if status == "recognized":
            return "" if definition.kind in SUPPORT_STEPS else "该申报已认定，进入支持期"
        if definition.kind in SUPPORT_STEPS:
            return "该申报尚未认定"
        return ""


WORKFLOW = TalentWorkflow()
