"""Set-based building blocks shared by the pages, the structure analysis and the rules.

Every function takes and returns querysets (no loops over rows): who holds a team post on a day, how many
holders a post has, since when it is vacant, since when a holder holds the same post and in how many terms.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (Case, Count, DateField, Exists, F, IntegerField, Max, Min, OuterRef, Q, QuerySet,
                              Subquery, Sum, Value, When)
from django.db.models.functions import Coalesce

from .models import TeamMember, TeamPost

TERM_YEARS = 5  # 《党政领导干部职务任期暂行规定》第三条：党政领导职务每个任期为5年


def holding_q(as_of: dt.date, prefix: str = "") -> Q:
    """The seat's cadre post is current on `as_of`: started, and not ended (or ended later)."""
    return Q(**{f"{prefix}post__start_on__lte": as_of}) & (
        Q(**{f"{prefix}post__end_on__isnull": True}) | Q(**{f"{prefix}post__end_on__gt": as_of}))


def seats(as_of: dt.date) -> QuerySet:
    """Every seat held on `as_of` (unscoped: callers narrow it by path or team)."""
    return TeamMember.objects.unrestricted().filter(holding_q(as_of))


def one_seat_per_cadre(qs: QuerySet) -> QuerySet:
    """Keep one seat per cadre (the lowest id) among the seats of `qs`: a 县长 is also 县委副书记, and a
    structure counts people, not seats."""
    earlier = qs.filter(cadre=OuterRef("cadre"), pk__lt=OuterRef("pk"))
    return qs.filter(~Exists(earlier))


def _int(subquery_qs, field="n"):
    return Coalesce(Subquery(subquery_qs.values(field)[:1], output_field=IntegerField()), 0)


def holders_expr(as_of: dt.date, outer: str = "pk"):
    """The number of current holders of the team post `OuterRef(outer)`."""
    counted = (TeamMember.objects.unrestricted().filter(holding_q(as_of), team_post=OuterRef(outer))
               .order_by().values("team_post").annotate(n=Count("pk")))
    return _int(counted)


def last_end_expr(as_of: dt.date):
    """The latest day a holder of the team post left it (on or before `as_of`)."""
    ended = (TeamMember.objects.unrestricted().filter(team_post=OuterRef("pk"), post__end_on__lte=as_of)
             .order_by().values("team_post").annotate(d=Max("post__end_on")).values("d")[:1])
    return Subquery(ended, output_field=DateField())


def with_vacancy(posts: QuerySet, as_of: dt.date) -> QuerySet:
    """Team posts annotated with `holders`, `vacancies` (quota − holders, at least 0) and `vacant_from`
    (since when the post has been short of its quota; null when it is not)."""
    posts = posts.annotate(holders=holders_expr(as_of), last_end=last_end_expr(as_of))
    since = Case(
        When(last_end__isnull=True, then=F("vacant_since")),
        When(vacant_since__isnull=True, then=F("last_end")),
        When(last_end__gt=F("vacant_since"), then=F("last_end")),
        default=F("vacant_since"), output_field=DateField(),
    )
    return posts.annotate(
        vacancies=Case(When(quota__gt=F("holders"), then=F("quota") - F("holders")), default=Value(0),
                       output_field=IntegerField()),
        vacant_from=Case(When(quota__gt=F("holders"), then=since), default=None, output_field=DateField()),
    )


def team_counts(teams: QuerySet, as_of: dt.date) -> QuerySet:
    """Teams annotated with `quota_total`, `holders_total` and `vacancies_total` (three subqueries)."""
    quota = (TeamPost.objects.unrestricted().filter(team=OuterRef("pk")).order_by().values("team")
             .annotate(n=Sum("quota")))
    held = (TeamMember.objects.unrestricted().filter(holding_q(as_of), team=OuterRef("pk")).order_by()
            .values("team").annotate(n=Count("pk")))
    vacant = (with_vacancy(TeamPost.objects.unrestricted().filter(team=OuterRef("pk")), as_of).order_by()
              .values("team").annotate(n=Sum("vacancies")))
    return teams.annotate(quota_total=_int(quota), holders_total=_int(held), vacancies_total=_int(vacant))


def with_tenure(members: QuerySet) -> QuerySet:
    """Seats annotated with `tenure_start` (the earliest start of the same cadre in the same team post: a
    re-appointment continues the tenure) and `appointments` (how many times they were appointed to it)."""
    same = (TeamMember.objects.unrestricted().filter(team_post=OuterRef("team_post"), cadre=OuterRef("cadre"))
            .order_by().values("team_post"))
    first = same.annotate(d=Min("post__start_on")).values("d")[:1]
    times = same.annotate(n=Count("pk"))
    return members.annotate(tenure_start=Subquery(first, output_field=DateField()), appointments=_int(times))
