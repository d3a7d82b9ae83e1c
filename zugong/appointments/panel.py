"""The section of the cadre record page (through zugong.cadres.panels): the cadre's frontline observation
records and selection cases, scoped to what the user may see."""

from __future__ import annotations

from zugong.core import scope


def cadre_panel_context(request, cadre) -> dict:
    from .models import Observation, SelectionCase

    user = getattr(request, "user", None)
    path = getattr(cadre, "org_path", None)
    if user is None or path is None:  # rendered without a user or a saved cadre: nothing to show
        return {"observations": [], "selection_cases": [], "can_record": False}
    return {
        "observations": Observation.objects.visible_to(user).filter(cadre=cadre).order_by("-observed_on"),
        "selection_cases": SelectionCase.objects.visible_to(user).filter(cadre=cadre).order_by("-proposed_on"),
        "can_record": scope.can(user, "change", path),
    }
