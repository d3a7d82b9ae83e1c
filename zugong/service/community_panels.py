"""The organization page's 到社区报到 tab (orgs.panels): for a branch or general branch, 本支部党员到社区报到 —
each member registered or not, where, this year's hours (one statement, the first 50 members; the full list on
`service:community_branch`); for a committee, the link to the registrations of its subtree."""

from __future__ import annotations

from django.utils import timezone

from zugong.core import scope
from zugong.core.rule_views import RECORD_URLS
from zugong.orgs import panels


def org_context(request, org) -> dict:
    from zugong.members.models import Membership

    from . import community_selectors as selectors

    year = timezone.localdate().year
    ctx = {"year": year, "roster_kind": org.kind}
    if org.kind not in ("branch", "general_branch"):
        return ctx
    start, end = selectors.year_bounds(year)
    members = Membership.objects.visible_to(request.user).active().filter(org_path__subtree=org.path)
    roster = selectors.branch_roster(members, start, end).order_by("org_path", "person__stroke_key", "pk")
    return ctx | {"rows": list(roster[:50]), "counts": selectors.branch_counts(members, start, end),
                  "can_register": scope.can(request.user, "change", org.path)}


RECORD_URLS["service.communityregistration"] = "service:community_registration"  # where its findings link
panels.register("到社区报到", "service/community/_org_panel.html", org_context, order=70, key="community")
