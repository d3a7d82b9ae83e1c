"""The API filters every casework domain's case list has: `organization` (a code: that organization's
subtree), `stage` and `status`. A domain subclasses what `case_filterset` returns to add its own.

Core does not know organizations: the domain passes the organization filter it uses everywhere
(`zugong.orgs.fields.SubtreeFilter`), so the layers stay core → kernel → domains."""

from __future__ import annotations

import django_filters

from .steps import Workflow


def case_filterset(workflow: Workflow, *, organization: type[django_filters.Filter],
                   stage_label: str = "阶段") -> type[django_filters.FilterSet]:
    """A FilterSet over the workflow's cases (call it from api.py, once the models are loaded)."""
    case_model = workflow.model("case")

    class CaseApiFilterSet(django_filters.FilterSet):
        stage = django_filters.TypedChoiceFilter(label=stage_label, choices=list(workflow.stages.items()),
                                                 coerce=int)
        status = django_filters.ChoiceFilter(label="状态", choices=case_model.Status.choices)

        class Meta:
            model = case_model
            fields = []

    label = f"组织代码：该组织及其全部下级组织的{workflow.noun}"
    return type("CaseApiFilterSet", (CaseApiFilterSet,), {"organization": organization(label=label)})
