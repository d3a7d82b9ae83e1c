"""What the pool's pages read: the priority counties in force on a day, whether a talent serves in one (its
unit's organization or a dispatch's host lies in the county's subtree), the dispatch records of people, and the
statistics (one grouped statement each)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear, Substr

from .models import AllowancePayment, PriorityCounty, Talent

# The path of a city-level organization: the province's 4 characters and the city's 4 (orgs' tree paths are
# 4 characters a level, the province at the root).
CITY_PATH_LENGTH = 8


def counties_in_force(day: dt.date) -> list[PriorityCounty]:
    """The priority counties in force on `day` (configuration: a few hundred rows at most; everyone may know
    which counties are on the national list, so the list is read whole)."""
    return list(PriorityCounty.objects.unrestricted().filter(Q(since__isnull=True) | Q(since__lte=day))
                .filter(Q(until__isnull=True) | Q(until__gte=day)).select_related("organization")
                .order_by("organization__path"))


def county_of(path: str, counties) -> PriorityCounty | None:
    """The county whose subtree holds the organization path `path`."""
    for county in counties:
        if path and path.startswith(county.organization.path):
            return county
    return None


def _dispatch_model():
    from zugong.dispatch.models import Dispatch

    return Dispatch


def dispatches_of(user, person_ids) -> list:
    """The dispatch records (选派) of the people that the user may see, newest first."""
    Dispatch = _dispatch_model()
    return list(Dispatch.objects.visible_to(user).filter(person_id__in=list(person_ids))
                .select_related("program", "host_org", "host_unit", "organization")
                .order_by("person_id", "-start_on"))


def in_priority_county_q(day: dt.date) -> Q:
    """Talents whose unit's organization lies in a priority county in force on `day`, or whose person is on a
    dispatch (active on `day`) hosted in one: a filter of the talents' own rows (the dispatch subquery only
    narrows rows the caller has scoped)."""
    counties = counties_in_force(day)
    if not counties:
        return Q(pk__in=[])
    own = Q()
    host = Q()
    for county in counties:
        own |= Q(org_path__startswith=county.organization.path)
        host |= Q(host_org__path__startswith=county.organization.path) | \
            Q(host_unit__org_path__startswith=county.organization.path)
    Dispatch = _dispatch_model()
    hosted = Dispatch.objects.unrestricted().filter(host, start_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)).values("person_id")
    return own | Q(person_id__in=hosted)


def stats(qs) -> dict:
    """The pool's figures by tier, field, city and year recognised (one grouped statement each over the scoped
    queryset `qs`), and the allowance paid."""
    base = qs.order_by()
    by_tier = list(base.values("tier_name").annotate(n=Count("id")).order_by("-n", "tier_name"))
    by_field = list(base.values("field").annotate(n=Count("id")).order_by("-n", "field"))
    by_year = list(base.annotate(y=ExtractYear("since")).values("y").annotate(n=Count("id")).order_by("y"))
    by_status = list(base.values("status").annotate(n=Count("id")).order_by("status"))
    cities = list(base.annotate(city=Substr("org_path", 1, CITY_PATH_LENGTH)).values("city")
                  .annotate(n=Count("id")).order_by("city"))
    from zugong.orgs.models import Organization

    names = dict(Organization.objects.unrestricted().filter(path__in=[c["city"] for c in cities])
                 .values_list("path", "name"))
    by_city = [{"city": names.get(c["city"], "（省直）" if len(c["city"]) < CITY_PATH_LENGTH else c["city"]),
                "n": c["n"]} for c in cities]
    paid = AllowancePayment.objects.unrestricted().filter(talent__in=base.values("pk")).aggregate(
        total=Sum("amount"), n=Count("id"))
    status_labels = dict(Talent.Status.choices)
    return {"total": sum(r["n"] for r in by_tier), "by_tier": by_tier, "by_field": by_field,
            "by_year": [{"year": r["y"], "n": r["n"]} for r in by_year], "by_city": by_city,
            "by_status": [{"status": status_labels.get(r["status"], r["status"]), "n": r["n"]} for r in by_status],
            "paid_total": paid["total"] or 0, "paid_count": paid["n"]}
