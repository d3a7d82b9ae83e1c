"""What the pages and other apps read of 在职党员到社区报到 (set-based: one statement a list).

- `service_hours(person_ids, start, end)`: each person's service hours in [start, end) — for other apps
  (党员评议, 考核 indicators, the league tables): one grouped query.
- `community_members(qs, start, end)`: a community's registrations with their hours in the period.
- `branch_roster(memberships, start, end)`: each member of a branch registered or not, where, hours.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import CommunityRegistration, ServiceHours

LIVE = ("pending", "confirmed")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=1))


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def service_hours(person_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """{person id: hours served in [start, end)} of the people given (those with none are left out). A system
    read for other apps: the caller has already chosen the people it may see."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = (ServiceHours.objects.unrestricted()
            .filter(registration__membership__person_id__in=ids, served_on__gte=start, served_on__lt=end)
            .order_by().values("registration__membership__person_id").annotate(total=Sum("hours")))
    return {r["registration__membership__person_id"]: r["total"] for r in rows}


def registration_totals(registration_ids) -> dict[int, Decimal]:
    """{registration id: all its hours} (one grouped query; the caller chose registrations it may see)."""
    ids = list(registration_ids)
    if not ids:
        return {}
    rows = (ServiceHours.objects.unrestricted().filter(registration_id__in=ids).order_by()
            .values("registration_id").annotate(total=Sum("hours")))
    return {r["registration_id"]: r["total"] for r in rows}


def _hours_sum(start: dt.date, end: dt.date, outer: str):
    """A correlated sum of the hours in [start, end) of the registration(s) matched by `outer`."""
    total = (ServiceHours.objects.unrestricted()
             .filter(served_on__gte=start, served_on__lt=end, **{outer: OuterRef("pk")}).order_by().values(outer).annotate(total=Sum("hours")).values("total"))
    return Coalesce(Subquery(total, output_field=DecimalField(max_digits=9, decimal_places=1)), ZERO)


def community_members(qs, start: dt.date, end: dt.date):
    """Registrations (a scoped queryset) with `period_hours` (hours in [start, end)) and `activity_count`."""
    activities = (ServiceHours.objects.unrestricted().filter(served_on__gte=start, served_on__lt=end,
                                                             activity__isnull=False, registration=OuterRef("pk"))
                  .order_by().values("registration").annotate(n=Count("pk")).values("n"))
    return (qs.select_related("membership__person", "branch", "community")
            .annotate(period_hours=_hours_sum(start, end, "registration"),
                      activity_count=Coalesce(Subquery(activities), Value(0))))


def branch_roster(memberships, start: dt.date, end: dt.date):
    """Members (a scoped Membership queryset) with their live registration (`reg_id`, `reg_status`,
    `reg_community`, `reg_on`, `reg_residence`) and `period_hours` (all their registrations' hours in the
    period): one statement."""
    live = CommunityRegistration.objects.unrestricted().filter(membership=OuterRef("pk"), status__in=LIVE)
    return (memberships.select_related("person", "organization")
            .annotate(reg_id=Subquery(live.values("pk")[:1]),
                      reg_status=Subquery(live.values("status")[:1]),
                      reg_community=Subquery(live.values("community__name")[:1]),
                      reg_on=Subquery(live.values("registered_on")[:1]),
                      reg_residence=Subquery(live.values("residence")[:1]),
                      period_hours=_hours_sum(start, end, "registration__membership")))


def branch_counts(memberships, start: dt.date, end: dt.date) -> dict:
    """Totals of a branch roster: members, registered (live), confirmed, hours in the period."""
    rows = branch_roster(memberships, start, end).order_by()
    agg = rows.aggregate(members=Count("pk"), registered=Count("reg_id"),
                         confirmed=Count("pk", filter=Q(reg_status="confirmed")), hours=Sum("period_hours"))
    agg["hours"] = agg["hours"] or Decimal("0")
    agg["unregistered"] = agg["members"] - agg["registered"]
    return agg


def activities(qs):
    """Activities (a scoped queryset) with the number of members entered and their hours."""
    return qs.annotate(attended=Count("service_hours"), attended_hours=Coalesce(Sum("service_hours__hours"), ZERO))
