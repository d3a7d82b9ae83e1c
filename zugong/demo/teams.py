"""Leadership teams of the demonstration data (`zugong seed`), built from the cadre seed's current posts.

Teams, posts and holders come from the cadres (build.build_from_posts). To give the pages and rules
something to show, deterministically: about one deputy post in four of the party-committee and government
teams gets one more place than it has holders (a vacancy of 2 to 12 months), and about one chief in five
of those teams gets an earlier term in the same post (the re-appointment history of a 连任: five or six
years before the current appointment), so some tenures reach ten years. The default composition standards
are installed for the province.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import CadrePost
from zugong.core.dates import add_months, add_years
from zugong.teams import build, defaults
from zugong.teams.models import LeadershipTeam, TeamMember, TeamPost


TENURE_KINDS = (LeadershipTeam.Kind.PARTY_COMMITTEE, LeadershipTeam.Kind.GOVERNMENT)


@transaction.atomic
def seed_teams(root, *, as_of: dt.date, log=print) -> dict:
    counts = build.build_from_posts("", today=as_of, log=log)
    if not counts["teams"]:
        defaults.install(root)
        return {"teams": 0}
    posts = list(TeamPost.objects.unrestricted().filter(team__kind__in=TENURE_KINDS, title__startswith="副")
                 .order_by("pk"))
    opened = []
    for i, post in enumerate(posts):
        if i % 4 == 1:
            post.quota += 1
            post.vacant_since = add_months(as_of, -(2 + i % 11))
            opened.append(post)
    TeamPost.objects.bulk_update(opened, ["quota", "vacant_since"], batch_size=2000)
    chiefs = list(TeamMember.objects.unrestricted().filter(team__kind__in=TENURE_KINDS, team_post__order=1,
                                                           post__end_on__isnull=True)
                  .select_related("post").order_by("pk"))
    earlier_posts, earlier_seats = [], []
    now = timezone.now()
    for i, seat in enumerate(chiefs):
        if i % 5 != 2:
            continue
        current = seat.post
        years = 6 if i % 2 else 5
        earlier_posts.append(CadrePost(
            cadre_id=current.cadre_id, org_path=current.org_path, order=0, unit_id=current.unit_id,
            title=current.title, rank=current.rank, start_on=add_years(current.start_on, -years),
            end_on=current.start_on, appointment_method=current.appointment_method, is_main=current.is_main,
            document_no="", created_at=now, updated_at=now))
        earlier_seats.append(seat)
    CadrePost.objects.bulk_create(earlier_posts, batch_size=2000)
    TeamMember.objects.bulk_create(
        [TeamMember(team_post_id=s.team_post_id, team_id=s.team_id, org_path=s.org_path, post_id=p.pk,
                    cadre_id=s.cadre_id) for s, p in zip(earlier_seats, earlier_posts)], batch_size=2000)
    defaults.install(root)
    log(f"teams demo: {len(opened)} vacancies opened, {len(earlier_posts)} earlier terms added")
    return {"teams": counts["teams"], "team_posts": counts["posts"], "team_members": counts["members"]}
