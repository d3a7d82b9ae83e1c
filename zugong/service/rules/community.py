"""Service rules: 在职党员到社区报到, as local rule templates (numbers and citation in `core.LocalRule` rows
installed by `defaults/community.py`; the practice varies by province and city: practice.md §5).

- `service.community_idle`: a confirmed registration with no service hours in the last N months (default 12),
  counted from the confirmation; the finding sits with the member's branch, which follows it up.
- `service.community_unconfirmed`: a registration waiting for the community's confirmation for more than N days
  (default 30); the finding sits with the community.
Both are one set-based query over the registrations of a subtree (an anti-join on the hours)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, Max, OuterRef, Subquery

from zugong.core import rules
from zugong.core.config import INT, Param
from zugong.core.dates import add_months

from ..models import ServiceHours

IDLE = "service.community_idle"
UNCONFIRMED = "service.community_unconfirmed"
MODEL = "service.CommunityRegistration"
GROUP = "在职党员到社区报到"
CITATION = f"本地在职党员到社区报到管理办法{rules.UNVERIFIED_ARTICLE}"


def _where(row) -> str:
    return f"适用于{row.organization.name}及其下级组织。" if row.organization_id else ""


def _path(row) -> str:
    return row.organization.path if row.organization_id else ""


@rules.local_template(IDLE, title="报到后长期未参加社区服务", params=(
    Param("months", "连续", INT, "个月未参加社区服务", 12),
), citation=CITATION)
def idle_rule(row) -> rules.Rule:
    """在职党员到社区报到后，连续 N 个月没有参加社区活动或登记服务时长。"""
    months = int((row.params or {}).get("months") or 12)
    path = _path(row)

    def check(qs, as_of):
        cutoff = add_months(as_of, -months)
        recent = ServiceHours.objects.unrestricted().filter(registration=OuterRef("pk"), served_on__gt=cutoff,
                                                           served_on__lte=as_of)
        last = (ServiceHours.objects.unrestricted().filter(registration=OuterRef("pk"), served_on__lte=as_of)
                .order_by().values("registration").annotate(m=Max("served_on")).values("m"))
        if path:
            qs = qs.filter(branch__path__subtree=path)
        return (qs.filter(status="confirmed", confirmed_on__lte=cutoff).filter(~Exists(recent))
                .annotate(last_served=Subquery(last), community_name=F("community__name")))

    def describe(r) -> str:
        last = f"最近一次服务为 {r['last_served']:%Y-%m-%d}" if r.get("last_served") else "报到后没有服务记录"
        return (f"{r['confirmed_on']:%Y-%m-%d} 在“{r['community_name']}”确认报到，{last}，"
                f"已连续 {months} 个月未参加社区服务")

    return rules.Rule(
        code=row.code, title=row.title, severity=row.severity, model=MODEL, editions=(rules.local_edition(row),),
        check=check, describe=describe, measures=("confirmed_on", "last_served", "community_name"),
        person_field="membership__person_id", org_field="branch_id", path_field="branch__path",
        text=f"{row.title}。{_where(row)}", group=GROUP,
        reads=(rules.Reads("service.ServiceHours", "registration_id"),), facts=("practice §5",))


@rules.local_template(UNCONFIRMED, title="报到后社区长期未确认", params=(
    Param("days", "超过", INT, "天未确认", 30),
), citation=CITATION)
def unconfirmed_rule(row) -> rules.Rule:
    """在职党员到社区报到后，社区党组织超过 N 天没有确认或退回。"""
    days = int((row.params or {}).get("days") or 30)
    path = _path(row)

    def check(qs, as_of):
        if path:
            qs = qs.filter(org_path__subtree=path)
        return qs.filter(status="pending", registered_on__lt=as_of - dt.timedelta(days=days))

    def describe(r) -> str:
        return f"{r['registered_on']:%Y-%m-%d} 报到，超过 {days} 天社区党组织尚未确认或退回"

    return rules.Rule(
        code=row.code, title=row.title, severity=row.severity, model=MODEL, editions=(rules.local_edition(row),),
        check=check, describe=describe, measures=("registered_on",), person_field="membership__person_id",
        org_field="community_id", text=f"{row.title}。{_where(row)}", group=GROUP, facts=("practice §5",))
