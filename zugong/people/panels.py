"""The 人员 tab of the organization page: the people registered directly under it (orgs cannot import
people)."""

from __future__ import annotations

from django.core.paginator import Paginator

from zugong.orgs import panels

from .models import Person


def org_people_context(request, org) -> dict:
    people = Person.objects.visible_to(request.user).filter(organization=org).order_by("stroke_key")
    return {"people": Paginator(people, 50).get_page(request.GET.get("page"))}


panels.register("人员", "people/_org_people.html", org_people_context, order=30, key="people",
                count=lambda org: org.direct_people)
