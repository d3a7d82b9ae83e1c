"""The committee line (委员会 / 支部委员会) of the organization page's 基本信息: members holding a committee post."""

from __future__ import annotations

from zugong.orgs import panels

from .models import Membership


def org_committee_context(request, org) -> dict:
    posts = list(Membership.CommitteePost.values)
    committee = sorted(
        Membership.objects.visible_to(request.user).active().filter(organization=org)
        .exclude(committee_post="").select_related("person"),
        key=lambda m: (posts.index(m.committee_post), m.person.stroke_key),
    )
    return {"committee": committee}


panels.register("委员会", "members/_org_committee.html", org_committee_context, order=10, key="committee",
                tab=False)
