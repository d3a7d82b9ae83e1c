"""Declared steps: `StepDef` (one step of a procedure) and `Workflow` (a domain's procedure and the checks
every step passes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zugong.core import rules, scope


@dataclass(frozen=True)
class StepDef:
    """One step of a procedure, declared once."""

    kind: str  # the code name, stored in the step table's `kind`
    stage: int  # the stage it belongs to (0: outside the stages, e.g. termination)
    label: str  # its Chinese name
    field: str | None = None  # the case date column it sets, if the rules judge it
    after: str | None = None  # the case date that must be recorded before it
    number: int | None = None  # its number on the official chart, if there is one
    recurring: bool = False  # recorded as often as it happens (else once, later records correct it)
    sets: tuple[str, ...] = ()  # other case dates it sets (so a later step can name it as `after`)
    rules: tuple[str, ...] = ()  # the rule codes that judge the case when it is recorded
    form: str = "StepForm"  # the form (a class of the workflow's forms module) that asks for its values
    recordable: bool = True  # False: only its own page records it (e.g. the application that opens a case)


class Workflow:
    """A domain's procedure: its steps and stages, its tables (as "app.Model" labels, so steps.py needs no
    models) and the checks every step passes. Subclass it per domain and override the hooks."""

    noun = ""  # what a case is called: 发展党员纪实
    procedure = ""  # the chart its step numbers refer to: 发展党员工作流程
    case_model = step_model = document_model = ""
    forms_module = ""  # where the steps' forms are: "zugong.recruitment.forms"
    stages: dict[int, str] = {}
    steps: list[StepDef] = []
    date_order: list[tuple[str, str]] = []  # the recorded dates in order: (case column, label)
    date_labels: dict[str, str] = {}  # every date column checked (the ordered ones and others)
    may_be_future: tuple[str, ...] = ()  # dates that may lie ahead (the end of a public notice)

    def __init__(self):
        self.by_kind = {s.kind: s for s in self.steps}

    def step(self, kind: str) -> StepDef:
        return self.by_kind[kind]

    def kind_choices(self) -> list[tuple[str, str]]:
        return [(s.kind, s.label) for s in self.steps]

    def model(self, which: str):
        return apps.get_model(getattr(self, f"{which}_model"))

    def case_rules(self) -> list[rules.Rule]:
        """The national rules and the configured local rules that judge this domain's cases."""
        return [r for r in rules.all_rules() if r.model == self.case_model]

    # ---- hooks

    def closed(self, case, definition: StepDef) -> str:
        """Why the case takes no more of this step (a Chinese sentence), or "" while it does."""
        return ""

    def blocked(self, case, definition: StepDef) -> str:
        """Why the step cannot be recorded now: the case is closed to it, or the step it follows is missing."""
        refused = self.closed(case, definition)
        if refused or not definition.after or getattr(case, definition.after) is not None:
            return refused
        previous = next(d for d in self.steps if definition.after in (d.field, *d.sets))
        return f"请先记录“{previous.label}”，再办理“{definition.label}”"

    def can_record(self, case, definition: StepDef) -> bool:
        """Whether the step page may record (or correct) the step now: what `record_step` checks."""
        return definition.recordable and not self.blocked(case, definition)

    def date_problems(self, values: dict, today: dt.date) -> list[tuple[str, str]]:
        """(column, Chinese reason) for dates in the future or out of the declared order."""
        problems: list[tuple[str, str]] = []
        for name, label in self.date_labels.items():
            day = values.get(name)
            if day and day > today and name not in self.may_be_future:
                problems.append((name, f"{label} {day:%Y-%m-%d} 晚于今天"))
        last_name, last_day = None, None
        for name, label in self.date_order:
            day = values.get(name)
            if not day:
                continue
            if last_day and day < last_day:
                problems.append((name, f"{label}（{day:%Y-%m-%d}）早于{self.date_labels[last_name]}"
                                       f"（{last_day:%Y-%m-%d}）"))
                continue
            last_name, last_day = name, day
        return problems

    def check_dates(self, case) -> None:
        problems = self.date_problems({name: getattr(case, name) for name in self.date_labels},
                                      timezone.localdate())
        if problems:
            errors: dict[str, list[str]] = {}
            for name, message in problems:
                errors.setdefault(name, []).append(message)
            raise ValidationError(errors)

    def require(self, user, path: str, what: str = "") -> None:
        """The user may change records of the organization (PermissionDenied otherwise)."""
        if not scope.can(user, "change", path):
            raise PermissionDenied(f"您无权修改{what or '该' + self.noun}")
