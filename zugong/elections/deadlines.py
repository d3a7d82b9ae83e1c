"""Deadlines of elections (registered in `core.deadlines`): organizations whose term ends by the date asked
(those past their term included), counted to the same date the overdue rule uses (`rules.election_due`: the
term's end, or the due date of an approved postponement or advance)."""

from __future__ import annotations

from django.urls import reverse

from zugong.core import deadlines
from zugong.orgs.models import Organization

from .rules import with_terms


@deadlines.provider("term", "任期届满", more="elections:terms")
def term_ends(user, until, limit=None):
    rows = (with_terms(Organization.objects.visible_to(user)).filter(election_due__lte=until)
            .order_by("election_due", "path").only("pk", "name", "path", "term_ends_on"))
    create = reverse("elections:create")
    for org in deadlines.first(rows, limit):
        yield deadlines.Deadline(key=f"elections.term:{org.pk}", due=org.election_due, kind="term",
                                 title=f"{org.name}任期届满，应换届", url=f"{create}?org={org.pk}",
                                 org_path=org.path)
