"""The forms of the items' steps (named by `steps.STEPS`)."""

from zugong.core.casework.forms import StepForm as BaseStepForm


class StepForm(BaseStepForm):
    document_examples = "现场照片、办结材料、群众签字确认单"


OpenTaskForm = AssignForm = ClaimForm = SignForm = ReportForm = UrgeForm = PauseForm = ResumeForm = StepForm
ExtensionRequestForm = ExtensionDecisionForm = CompleteForm = CallbackForm = ReopenForm = CloseForm = StepForm
TerminationForm = StepForm
