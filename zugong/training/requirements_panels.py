"""The training requirements on the cadre page (a tab: the standing of the year) and on the organization page
(a tab: the open findings of the requirements in its subtree, by requirement, and a link to the list)."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from zugong.cadres import panels as cadre_panels
from zugong.orgs import panels as org_panels


def cadre_context(request, cadre) -> dict:
    from . import requirements_selectors as selectors

    today = timezone.localdate()
    person = cadre.person if cadre.person_id else None
    return {"training_year": today.year,
            "training_standing": selectors.standing(person, today) if person is not None else []}


def org_context(request, org) -> dict:
    from zugong.core.models import Finding

    from . import requirements_eval as ev
    from .requirements_selectors import MEMBER_CODE, MEMBER_TITLE

    titles = {r.code: r.title for r in ev.requirements()} | {MEMBER_CODE: MEMBER_TITLE}
    counts = (Finding.objects.visible_to(request.user).open().subtree(org.path).filter(rule__in=list(titles))
              .order_by().values("rule").annotate(n=Count("pk")).order_by("rule"))
    return {"training_rows": [{"code": c["rule"], "title": titles[c["rule"]], "count": c["n"]} for c in counts]}


cadre_panels.register("培训学时", "training/requirements/_cadre_panel.html", cadre_context, order=65, key="training_hours")
org_panels.register("培训要求", "training/requirements/_org_panel.html", org_context, order=60, key="training")
