"""The 到社区报到 tabs of other apps' pages.

- The organization page (orgs.panels): for a branch or general branch, 本支部党员到社区报到 — each member
  registered or not, where, this year's hours (one statement, the first 50 members; the full list on
  `service:community_branch`); for a committee, the link to the registrations of its subtree.
- The member page (members.panels): the member's registrations (live and ended), each with this year's and all
  hours, and the link to register when none is live."""

from __future__ import annotations

from django.utils import timezone

from zugong.core import scope
from zugong.core.rule_views import RECORD_URLS
from zugong.members import panels as member_panels
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


def member_context(request, member) -> dict:
    from .models import CommunityRegistration

    from . import community_selectors as selectors

    year = timezone.localdate().year
    start, end = selectors.year_bounds(year)
    regs = (CommunityRegistration.objects.visible_to(request.user).filter(membership=member)
            .order_by("-registered_on", "-pk"))
    rows = list(selectors.community_members(regs, start, end))
    totals = selectors.registration_totals([r.pk for r in rows])
    for r in rows:
        r.all_hours = totals.get(r.pk, 0)
    live = any(r.status in selectors.LIVE for r in rows)
    return {"registrations": rows, "year": year,
            "can_register": not live and member.is_present and scope.can(request.user, "change", member.org_path)}


member_panels.register("到社区报到", "service/community/_member_panel.html", member_context, order=50,
                       key="community")
