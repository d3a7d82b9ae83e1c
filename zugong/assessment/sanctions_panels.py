"""The 处分与立案审查 section of the cadre page (`zugong.cadres.panels`): the person's sanctions, investigations
and the bars they put on each year's annual grade. Registered when the rules module loads (the app's `ready`)."""

from __future__ import annotations

from zugong.cadres import panels


def _context(request, cadre) -> dict:
    from .views.sanctions import person_context

    if getattr(cadre, "person_id", None) is None:  # a cadre page being built (no person yet)
        return {}
    return person_context(getattr(request, "user", None), cadre.person)


panels.register("处分与立案审查", "assessment/sanctions/_person.html", _context, 70, key="sanctions")
