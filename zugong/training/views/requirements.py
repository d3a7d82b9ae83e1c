"""Training pages: requirements — a person's training record (standing by requirement and ledger lines) and
the list of people short of a requirement in a subtree (exportable)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from zugong.core import scope
from zugong.core.lists import list_page
from zugong.orgs.models import Organization
from zugong.people.models import Person

from .. import ledger_selectors, ledger_services
from .. import requirements_selectors as selectors
from ..forms.requirements import ShortfallFilterSet
from ..models import Credit
from ..tables.requirements import ShortfallTable


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        raise Http404("年度有误") from None
    if not 2000 <= year <= today.year + 1:
        raise Http404("年度有误")
    return year


@login_required
def person(request, pk):
    """A person's training: standing by requirement for the year, and the ledger lines of the year."""
    someone = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    year = _year(request)
    today = timezone.localdate()
    standing = selectors.standing(someone, today, year=year)
    total, by_type = selectors.by_type(someone, year)
    kinds = dict(Credit._meta.get_field("kind").choices)
    return render(request, "training/requirements/person.html", {
        "someone": someone, "person": someone, "year": year, "years": list(range(today.year, today.year - 6, -1)),
        "standing": standing, "total": total, "by_type": [(kinds[k], v) for k, v in by_type.items() if v],
        "ledger_lines": ledger_selectors.lines(request.user, someone, year),
        "ledger_totals": ledger_selectors.totals(someone, year),
        "can_change": ledger_services.can_change(request.user, someone),
    })


def _roots(request, org_code: str) -> list[str] | None:
    """The subtrees to list: the organization asked for (if the user sees it), else the user's own."""
    if org_code:
        found = Organization.objects.visible_to(request.user).filter(code=org_code).values_list("path", flat=True)
        return list(found[:1])
    return scope.scope_paths(request.user)


@login_required
def shortfalls(request):
    """培训学时不足: the people of the user's subtree (or an organization's) short of each requirement."""
    filterset = ShortfallFilterSet(request.GET or None, queryset=Person.objects.none(), request=request)
    values = filterset.values() if filterset.is_bound else ShortfallFilterSet(
        {}, queryset=Person.objects.none(), request=request).values()

    def rows(_qs):
        found = []
        for root in _roots(request, values["org"]) or []:
            found += selectors.shortfalls(root, year=values["year"],
                                          codes=[values["requirement"]] if values["requirement"] else None)
        names = dict(Person.objects.visible_to(request.user).filter(pk__in={r.person_id for r in found})
                     .values_list("pk", "name"))
        orgs = dict(Organization.objects.visible_to(request.user).filter(pk__in={r.organization_id for r in found})
                    .values_list("pk", "name"))
        return [{"person_id": r.person_id, "name": names[r.person_id], "organization": orgs.get(r.organization_id, ""),
                 "title": r.title, "period": r.period, "credited": r.credited, "required": r.required,
                 "shortfall": r.shortfall, "detail": r.detail, "citation": r.citation}
                for r in found if r.person_id in names]

    return list_page(request, queryset=Person.objects.none(), filterset_class=ShortfallFilterSet,
                     table_class=ShortfallTable, template="training/requirements/shortfalls.html",
                     title="培训学时不足", export_name="培训学时不足名单", rows=rows,
                     extra={"year": values["year"]})


urlpatterns: list = [
    path("people/<int:pk>/", person, name="person"),
    path("shortfalls/", shortfalls, name="shortfalls"),
]
