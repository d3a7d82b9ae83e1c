"""The member page's registry and the organization page's parts from the members app.

The member page (党员信息页) takes tabs other apps add (`member_page`, through `zugong.core.panels`):

    from zugong.members import panels
    panels.register("到社区报到", "service/community/_member_panel.html", context, order=50, key="community")

a tab's template renders inside the page's card, the record is `member` (a `Membership`), and the context
function scopes its own queries (`.visible_to(request.user)`).

The organization page's parts from the members app:
- the committee line (委员会 / 支部委员会) of 基本信息: members holding a committee post, with the day each took office;
  `?committee_on=2025-06-30` shows the committee as it was on that day (the post history, members.PostSpan), with
  each post's 任职起止;
- the 党员 tab: the members of the organization's subtree in good standing, or with `?members_on=2025-12-31` the
  roster of that day (status and branch of that day, from the dated history: `selectors.roster_on`)."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator

from zugong.core import history
from zugong.core.panels import PanelRegistry
from zugong.orgs import panels

from . import selectors
from .models import Membership, PostSpan
from .history import in_subtree

POSTS = list(Membership.CommitteePost.values)

member_page = PanelRegistry("member")
register = member_page.register
unregister = member_page.unregister
registered = member_page.registered


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def org_committee_context(request, org) -> dict:
    day = _day(request.GET.get("committee_on"))
    spans = PostSpan.objects.visible_to(request.user).filter(organization=org).select_related(
        "membership__person", "election")
    if day is not None:
        past = sorted(spans.filter(history.held_on(day)),
                      key=lambda s: (POSTS.index(s.post), s.membership.person.stroke_key))
        return {"committee_day": day, "committee_spans": past}
    since = {s.membership_id: s for s in spans.filter(ended_on__isnull=True)}
    committee = sorted(
        Membership.objects.visible_to(request.user).active().filter(organization=org)
        .exclude(committee_post="").select_related("person"),
        key=lambda m: (POSTS.index(m.committee_post), m.person.stroke_key),
    )
    for m in committee:
        m.post_span = since.get(m.pk)
    # a 党委's committee members belong to branches below it: they are known from the post history only
    others = [s for s in since.values() if s.membership.organization_id != org.pk]
    others.sort(key=lambda s: (POSTS.index(s.post), s.membership.person.stroke_key))
    return {"committee": committee, "committee_others": others}


panels.register("委员会", "members/_org_committee.html", org_committee_context, order=10, key="committee",
                tab=False)


def org_members_context(request, org) -> dict:
    day = _day(request.GET.get("members_on"))
    if day is not None:
        rows = (selectors.roster_on(request.user, day).filter(in_subtree("branch_path_then", org.path),
                                                           status_then__in=Membership.ACTIVE_STATUSES)
                .select_related("person").order_by("branch_path_then", "person__stroke_key", "pk"))
    else:
        rows = (Membership.objects.visible_to(request.user).active().filter(org_path__subtree=org.path)
                .select_related("person", "organization").order_by("org_path", "person__stroke_key", "pk"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    labels = dict(Membership.Status.choices)
    for m in page:
        m.status_then_label = labels.get(getattr(m, "status_then", None), "")
    return {"members_day": day, "members_page": page,
            "members_query": f"members_on={day:%Y-%m-%d}" if day else ""}


panels.register("党员", "members/_org_members.html", org_members_context, order=20, key="members")
