"""The 干部选派 section of the cadre page (`zugong.cadres.panels`)."""

from __future__ import annotations

from zugong.cadres import panels


def _context(request, cadre) -> dict:
    from .models import Dispatch, Rotation

    user, person_id = getattr(request, "user", None), getattr(cadre, "person_id", None)
    if person_id is None:
        return {"dispatches": [], "rotations": []}
    dispatches = (Dispatch.objects.visible_to(user).filter(person_id=person_id)
                  .select_related("program", "host_org", "host_unit").order_by("-start_on", "-pk"))
    rotations = (Rotation.objects.visible_to(user).filter(person_id=person_id)
                 .order_by("-on", "-pk"))
    return {"dispatches": list(dispatches), "rotations": list(rotations)}


panels.register("选派与交流", "dispatch/_cadre_panel.html", _context, 60)
