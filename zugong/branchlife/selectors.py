"""What other apps read of branch life (the 工作台 uses it): public, read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from zugong.orgs.models import Organization

from . import periods
from .models import Meeting
from .requirements import all_requirements


@dataclass(frozen=True)
class MeetingDue:
    organization: Organization
    kind: str  # Meeting.Kind value, or "secretary_lecture"
    noun: str  # 主题党日, 支部委员会会议 …
    period: str  # 2026年12月, 2026年第4季度 …
    ends: dt.date  # the period's last day

    @property
    def record_kind(self) -> str:
        return Meeting.Kind.LECTURE if self.kind in ("secretary_lecture", "committee_lecture") else self.kind


def meetings_due(orgs, as_of: dt.date) -> list[MeetingDue]:
    """For a few organizations (a branch secretary's, already scoped by the caller): each requirement that
    applies to them whose current period holds no matching meeting yet (the yearly ones from the month the
    rules remind them). Per organization: one query whether each requirement applies, one for the counts."""
    out = []
    for org in orgs:
        wanted = []
        for req in all_requirements():
            if req.kind == Meeting.Kind.GROUP or as_of.month < req.remind_from_month:
                continue
            if req.path and not org.path.startswith(req.path):
                continue
            # whether it applies: the requirement's own subjects (a committee, members), as its rule asks
            if not req.subjects(Organization.objects.unrestricted().filter(pk=org.pk)).exists():
                continue
            wanted.append((req, *periods.current(as_of, req.period)))
        if not wanted:
            continue
        counts = Meeting.objects.unrestricted().filter(organization=org).aggregate(**{
            f"n{i}": Count("pk", filter=req.meeting_q() & Q(held_on__gte=start, held_on__lt=end))
            for i, (req, start, end) in enumerate(wanted)})
        for i, (req, start, end) in enumerate(wanted):
            if not counts[f"n{i}"]:
                out.append(MeetingDue(org, req.kind, req.noun, periods.label(start, req.period),
                                      end - dt.timedelta(days=1)))
    return out
