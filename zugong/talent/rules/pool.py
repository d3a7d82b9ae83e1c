"""Talent rules: the pool's support period, as local rule templates (numbers and citation in `core.LocalRule`
rows installed by `defaults/pool.py`; the allowance's timing and the review's deadline are each programme's own
management rules, so the finding names the programme's document and the article is 条款号待核).

- `talent.allowance_overdue`: a talent in the pool (not exited) with an instalment of the tier's schedule that
  fell due (认定 + the instalment's months) more than N days ago (default 30), payable (no review needed, or the
  annual review of the year before it graded 合格 or better) and not paid.
- `talent.review_missing`: a talent in the support period through last year (recognised before it ended, the
  period not ended before it) with no annual review of last year once the deadline month of this year has
  passed (default: the end of March, Q1).

Both are one set-based query over the talents of a subtree (correlated `Exists` on the schedule, payments and
reviews), scan rules (no step refuses on them)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear

from zugong.core import rules
from zugong.core.config import INT, Param
from zugong.core.sql import AddMonths

from ..models import AllowanceInstalment, AllowancePayment, PeriodicReview

OVERDUE = "talent.allowance_overdue"
REVIEW_MISSING = "talent.review_missing"
MODEL = "talent.Talent"
GROUP = "人才工程"
CITATION = f"人才支持计划管理办法（以各人才项目设立依据为准）{rules.UNVERIFIED_ARTICLE}"
PASSING = (PeriodicReview.Grade.EXCELLENT, PeriodicReview.Grade.QUALIFIED)
READS = (rules.Reads("talent.AllowancePayment", "talent_id"), rules.Reads("talent.PeriodicReview", "talent_id"))


def _where(row) -> str:
    return f"适用于{row.organization.name}及其下级组织。" if row.organization_id else ""


def _path(row) -> str:
    return row.organization.path if row.organization_id else ""


def _as_date(value):
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _basis(r) -> str:
    return f"（依据：{r['program__document']}）" if r.get("program__document") else ""


def overdue_instalments(cutoff: dt.date):
    """The instalments of the outer talent's tier due on or before `cutoff`, payable and not paid, first first."""
    paid = AllowancePayment.objects.unrestricted().filter(talent=OuterRef(OuterRef("pk")), number=OuterRef("number"))
    passed = PeriodicReview.objects.unrestricted().filter(
        talent=OuterRef(OuterRef("pk")), kind=PeriodicReview.Kind.ANNUAL, grade__in=PASSING,
        year=OuterRef("review_year"))
    return (AllowanceInstalment.objects.unrestricted().filter(tier_id=OuterRef("tier_id"))
            .annotate(due=AddMonths(OuterRef("since"), F("due_months")))
            .annotate(review_year=ExtractYear("due") - 1)
            .filter(due__lte=cutoff).filter(~Exists(paid)).filter(Q(requires_review=False) | Exists(passed))
            .order_by("number"))


@rules.local_template(OVERDUE, title="人才津贴到期未发放", params=(
    Param("days", "应发日期后超过", INT, "天未发放", 30),
), citation=CITATION)
def overdue_rule(row) -> rules.Rule:
    """人才津贴的一期按发放计划到期（认定后第 N 个月），符合发放条件，超过规定天数仍未发放。"""
    days = int((row.params or {}).get("days") or 30)
    path = _path(row)

    def check(qs, as_of):
        if path:
            qs = qs.filter(org_path__startswith=path)
        due = overdue_instalments(as_of - dt.timedelta(days=days))
        return (qs.exclude(status="exited").filter(tier__isnull=False).filter(Exists(due))
                .annotate(first_number=Subquery(due.values("number")[:1]),
                          first_due=Subquery(due.values("due")[:1]), person_name=F("person__name")))

    def describe(r) -> str:
        return (f"{r['person_name']}（{r['tier_name']}）第{r['first_number']}期津贴应于"
                f"{_as_date(r['first_due']):%Y-%m-%d}发放，超过 {days} 天尚未发放{_basis(r)}")

    return rules.Rule(
        code=row.code, title=row.title, severity=row.severity, model=MODEL, editions=(rules.local_edition(row),),
        check=check, describe=describe,
        measures=("first_number", "first_due", "person_name", "tier_name", "program__document"),
        text=f"{row.title}。{_where(row)}", group=GROUP, reads=READS, facts=("practice §4",))


@rules.local_template(REVIEW_MISSING, title="人才年度考核未按时进行", params=(
    Param("month", "每年", INT, "月底前完成上一年度考核", 3),
), citation=CITATION)
def review_missing_rule(row) -> rules.Rule:
    """支持期内的人才，次年规定月份（默认一季度）结束后仍无上一年度的年度考核结果。"""
    month = min(max(int((row.params or {}).get("month") or 3), 1), 12)
    path = _path(row)

    def last_year(as_of: dt.date) -> int | None:
        """The year whose review is due by `as_of` (None before the deadline of this year has passed)."""
        deadline = dt.date(as_of.year, month, 1)
        return as_of.year - 1 if as_of >= _month_after(deadline) else None

    def check(qs, as_of):
        year = last_year(as_of)
        qs = qs.annotate(person_name=F("person__name"))
        if year is None:
            return qs.none()
        if path:
            qs = qs.filter(org_path__startswith=path)
        reviewed = PeriodicReview.objects.unrestricted().filter(talent=OuterRef("pk"), kind=PeriodicReview.Kind.ANNUAL,
                                                                year=year)
        return (qs.exclude(status="exited").filter(since__lte=dt.date(year, 12, 31), until__gt=dt.date(year, 12, 31))
                .filter(~Exists(reviewed)))

    def describe(r) -> str:
        return (f"{r['person_name']}（{r['tier_name']}）支持期内，{month}月底前应完成上一年度考核，"
                f"尚无年度考核结果{_basis(r)}")

    return rules.Rule(
        code=row.code, title=row.title, severity=row.severity, model=MODEL, editions=(rules.local_edition(row),),
        check=check, describe=describe, measures=("person_name", "tier_name", "program__document", "since"),
        text=f"{row.title}。{_where(row)}", group=GROUP, reads=(READS[1],), facts=("practice §4",))


def _month_after(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s month."""
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
