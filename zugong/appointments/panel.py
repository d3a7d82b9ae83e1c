"""The section of the cadre record page (through zugong.cadres.panels): the cadre's frontline observation
records and selection cases, scoped to what the user may see."""

from __future__ import annotations

from zugong.core import scope


def cadre_panel_context(request, cadre) -> dict:
    from .models import Observation, SelectionCase

    return {
        "observations": Observation.objects.visible_to(request.user).filter(cadre=cadre).order_by("-observed_on"),
        "selection_cases": SelectionCase.objects.visible_to(request.user).filter(cadre=cadre)
        .order_by("-proposed_on"),
        "can_record": scope.can(request.user, "change", cadre.org_path),
    }
