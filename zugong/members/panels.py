"""The committee line (委员会 / 支部委员会) of the organization page's 基本信息: members holding a committee post,
with the day each took office; `?committee_on=2025-06-30` shows the committee as it was on that day (the post
history, members.PostSpan), with each post's 任职起止."""

from __future__ import annotations

import datetime as dt

from zugong.core import history
from zugong.orgs import panels

from .models import Membership, PostSpan

POSTS = list(Membership.CommitteePost.values)


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
