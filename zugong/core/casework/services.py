"""Recording a step: `record_step` (the one way a step is written) and `add_document`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from zugong.core import audit, rules, scope
from zugong.core.models import Finding

from .steps import StepDef, Workflow


@dataclass
class StepRecord:
    """What every step records besides its own values: the date, who did it, a note, a document, and the
    exception reason an authorized administrator may give when a rule refuses the step."""

    on: dt.date
    done_by: str = ""
    done_by_person: object | None = None  # a people.Person, where the domain's form has a picker
    note: str = ""
    document: object | None = None  # an uploaded file
    document_title: str = ""
    exception_reason: str = ""


@dataclass
class StepResult:
    case: object
    step: object
    warnings: list[str] = field(default_factory=list)


def require_visible(user, obj, label: str) -> None:
    """A record chosen in a form (a person, a unit …) must be one the user may see."""
    if obj is not None and not scope.can(user, "view", obj.org_path):
        raise ValidationError(f"{label}不存在或不在您的管辖范围内")


def _save_step(workflow: Workflow, user, case, definition: StepDef, record: StepRecord, uploaded: list,
               op: audit.Operation):
    """Create (or, for a step done once, correct) the timeline row of a step, attach its document, and say
    so in the step's audit entry."""
    step_model, document_model = workflow.model("step"), workflow.model("document")
    columns = {f.name for f in step_model._meta.fields}
    values = {"on": record.on, "done_by": record.done_by.strip(), "note": record.note.strip(), "recorded_by": user}
    if "number" in columns:
        values["number"] = definition.number
    if "done_by_person" in columns:
        values["done_by_person"] = record.done_by_person
    step = None
    if not definition.recurring:
        step = step_model.objects.unrestricted().filter(case=case, kind=definition.kind).first()
    if step is None:
        step = step_model.objects.create(case=case, kind=definition.kind, **values)
    else:
        for name, value in values.items():
            setattr(step, name, value)
        step.save()
    op.fact("流程步骤", f"{definition.number or ''} {definition.label}（{record.on:%Y-%m-%d}）".strip(), field="step")
    if step.done_by_label:
        op.fact("经办人", step.done_by_label, field="done_by")
    if step.note:
        op.fact("情况说明", step.note, field="note")
    if record.document is not None:
        title = (record.document_title.strip() or getattr(record.document, "name", "材料"))[:100]
        uploaded.append(document_model.objects.create(step=step, title=title, file=record.document,
                                                      uploaded_by=user))
        op.fact("上传材料", title, field="document")
    return step


def _not_yet_excepted(case, rule_codes: list[str], as_of: dt.date) -> list[str]:
    """The rules to enforce: those an administrator already excepted for this case stay excepted as long as
    the facts are the same (a correction of a note needs no second exception; new dates do)."""
    excepted = dict(Finding.objects.unrestricted().filter(
        model=case._meta.label_lower, object_id=case.pk, rule__in=rule_codes, resolved_at__isnull=True,
        excepted_at__isnull=False).values_list("rule", "detail"))
    if not excepted:
        return rule_codes
    same = {rule.code for rule, row in rules.check_record(list(excepted), case, as_of)
            if rule.describe(row)[:300] == excepted[rule.code]}
    return [code for code in rule_codes if code not in same]


def _local_warnings(case, touched: set[str], as_of: dt.date, selected: list[rules.Rule]) -> list[str]:
    """Configured local rules (公示 days, lead times) that this step breaks: shown, not enforced."""
    out = []
    for rule in selected:
        if not rule.local or not touched & {rule.event_field, *rule.measures}:
            continue
        for row in rule.violations(type(case).objects.unrestricted().filter(pk=case.pk), as_of):
            out.append(f"{rule.describe(row)}（{rule.edition_on(row.get(rule.event_field)).citation}）")
    return out


def record_step(workflow: Workflow, user, case, kind: str, record: StepRecord, values: dict | None = None, *,
                rule_codes: list[str] | None = None,
                after: Callable[[object, audit.Operation], None] | None = None) -> StepResult:
    """Record one step of a case as one audited operation: set `values` on the case, write the step row and its
    document, run `after(case, op)` (the side effect: it may change the case and other records, and say what it
    did with `op.fact(...)`), then let the step's rules (`rule_codes`, by default the step's declared `rules`)
    judge the case. The case's field diff, the step's facts and a rule exception are one entry on the case."""
    definition = workflow.step(kind)
    values = values or {}
    workflow.require(user, case.org_path)
    refused = workflow.blocked(case, definition)
    if refused:
        raise ValidationError(refused)
    require_visible(user, record.done_by_person, "经办人")
    codes = list(definition.rules if rule_codes is None else rule_codes)
    as_of = timezone.localdate()
    selected = workflow.case_rules()
    before = {name: getattr(case, name) for name in (*values, "stage", "status")}
    uploaded: list = []
    try:
        with audit.operation(case, "step", note=f"流程步骤：{definition.label}") as op:
            for name, value in values.items():
                setattr(case, name, value)
            workflow.check_dates(case)
            case.save()
            step = _save_step(workflow, user, case, definition, record, uploaded, op)
            if after is not None:
                after(case, op)
                case.save()
            found = rules.enforce(_not_yet_excepted(case, codes, as_of), case, user=user, as_of=as_of,
                                  exception_reason=record.exception_reason)
            # The case's findings follow the step at once (opened, resolved): the operation's end re-judges the
            # rows it changed by the rules that read them (`rules.rejudge`), as after any other service.
    except Exception:
        for name, value in before.items():
            setattr(case, name, value)
        for document in uploaded:  # the rows are rolled back; their files go too
            document.file.delete(save=False)
        raise
    case._audit_mark_clean()
    warnings = [f"{r.describe(row)}（{r.edition_on(row.get(r.event_field)).citation}）" for r, row in found]
    return StepResult(case, step, warnings + _local_warnings(case, set(values), as_of, selected))


def add_document(workflow: Workflow, user, step, upload, title: str = ""):
    """Attach one more document to a recorded step (audited on the case's trail)."""
    case = step.case
    workflow.require(user, case.org_path)
    with audit.operation(case, "step") as op:
        title = (title.strip() or getattr(upload, "name", "材料"))[:100]
        document = workflow.model("document").objects.create(step=step, title=title, file=upload,
                                                             uploaded_by=user)
        op.fact("上传材料", f"{step.get_kind_display()}：{title}", field="document")
    return document
