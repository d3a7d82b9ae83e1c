"""The time limits of recruitment, defined once for the rules (SQL), the deadline list (SQL) and a case page
(Python): "talk within one month of the application", "approve within three months of the branch meeting
(six with a recorded special reason)", "probation of one year (plus the extension)", "approve the conversion
within three months of the meeting". A case has at most one running deadline at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import DateField, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, Least

from django.urls import reverse

from zugong.core import deadlines as registry
from zugong.core.dates import add_months
from zugong.core.sql import AddMonths

from .models import Case

FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Deadline:
    code: str
    label: str  # what is due, as the deadline list says it
    start: str  # the Case date that opens the period
    done: str  # the Case date that closes it
    months_sql: Callable[[], object]  # the period in months, as an SQL expression
    months_py: Callable[[object], int]  # the same for one case
    after: tuple[str, ...] = ()  # dates that must be recorded for the period to run
    closed_by: tuple[str, ...] = ()  # later steps that make the deadline moot (the rule still judges it)
    rule: str = ""  # the rule that judges it

    def due_sql(self):
        return AddMonths(F(self.start), self.months_sql())

    def open_q(self) -> Q:
        q = Q(status=Case.Status.ACTIVE, **{f"{self.start}__isnull": False, f"{self.done}__isnull": True})
        for name in self.after:
            q &= Q(**{f"{name}__isnull": False})
        for name in self.closed_by:
            q &= Q(**{f"{name}__isnull": True})
        return q

    def is_open(self, case) -> bool:
        return (case.status == Case.Status.ACTIVE and getattr(case, self.start) is not None
                and getattr(case, self.done) is None and all(getattr(case, name) is not None for name in self.after)
                and all(getattr(case, name) is None for name in self.closed_by))

    def due(self, case) -> dt.date | None:
        start = getattr(case, self.start)
        return add_months(start, self.months_py(case)) if start else None


def _approval_months_sql():
    return SqlCase(When(~Q(approval_special_reason=""), then=Value(6)), default=Value(3), output_field=IntegerField())


def _probation_months_sql():
    return Value(12) + Coalesce(F("probation_extended_months"), Value(0), output_field=IntegerField())


TALK = Deadline("talk", "党组织派人谈话", "applied_on", "talked_on", lambda: 1, lambda c: 1,
                closed_by=("activist_on",), rule="recruitment.talk_within_month")
APPROVAL = Deadline("approval", "上级党委审批接收预备党员", "branch_meeting_on", "approved_on", _approval_months_sql,
                    lambda c: 6 if c.approval_special_reason else 3, rule="recruitment.approval_within_3_months")
CONVERSION = Deadline("conversion", "预备期满，支部大会讨论转正", "branch_meeting_on", "conversion_meeting_on",
                      _probation_months_sql, lambda c: 12 + (c.probation_extended_months or 0),
                      after=("approved_on",), rule="recruitment.conversion_on_time")
CONVERSION_APPROVAL = Deadline("conversion_approval", "上级党委审批转正", "conversion_meeting_on",
                               "conversion_approved_on", lambda: 3, lambda c: 3,
                               rule="recruitment.conversion_approval_within_3_months")

DEADLINES = [TALK, APPROVAL, CONVERSION, CONVERSION_APPROVAL]
BY_CODE = {d.code: d for d in DEADLINES}


def probation_end(case) -> dt.date | None:
    """The day the probation ends (one year after the branch meeting, plus any extension): 转正时间."""
    return CONVERSION.due(case) if case.branch_meeting_on else None


def annotate_due(qs):
    """Each open deadline of every case as `due_<code>` (NULL when not running) and the earliest as `next_due`."""
    annotations = {
        f"due_{d.code}": SqlCase(When(d.open_q(), then=d.due_sql()), default=None, output_field=DateField())
        for d in DEADLINES
    }
    earliest = Least(*[Coalesce(F(name), Value(FAR_FUTURE), output_field=DateField()) for name in annotations])
    return qs.annotate(**annotations).annotate(next_due=earliest)


def due_between(qs, first: dt.date | None, last: dt.date):
    """Cases whose earliest open deadline falls in [first, last] (first=None: overdue ones included)."""
    qs = annotate_due(qs).filter(next_due__lte=last)
    return qs.filter(next_due__gte=first) if first else qs


def label_of(row) -> tuple[str, dt.date | None]:
    """Which deadline `next_due` is, for a row annotated by `annotate_due`."""
    for d in DEADLINES:
        if getattr(row, f"due_{d.code}", None) == row.next_due:
            return d.label, row.next_due
    return "", None


def open_deadlines(case, as_of: dt.date) -> list[dict]:
    """The running deadlines of one case, earliest first, with the days left (negative when overdue)."""
    out = []
    for d in DEADLINES:
        if d.is_open(case):
            due = d.due(case)
            out.append({"code": d.code, "label": d.label, "due": due, "days_left": (due - as_of).days,
                        "rule": d.rule})
    return sorted(out, key=lambda x: x["due"])


# ---------------------------------------------------------------- the dated to-dos (`core.deadlines`)
# The running periods above, and the 公示 before the branch meeting, as deadlines of the cases the user may
# see. Each provider is one query per period (LIMITed when the 工作台 asks for the first few), earliest first.


def _cases(user, period: Deadline, until):
    return (Case.objects.visible_to(user).filter(period.open_q()).annotate(due_on=period.due_sql())
            .filter(due_on__lte=until).select_related("person").order_by("due_on", "pk"))


def _period_deadlines(user, until, limit, kind: str, periods: tuple[Deadline, ...]):
    def stream(period):
        for case in registry.first(_cases(user, period, until), limit):
            yield registry.Deadline(
                key=f"recruitment.{period.code}:{case.pk}", due=case.due_on, kind=kind,
                title=f"{case.person.name}：{period.label}", org_path=case.org_path, person_id=case.person_id,
                url=reverse("recruitment:step", args=[case.pk]) + f"?step={STEP_OF[period.code]}")

    return registry.merged(limit, *(stream(p) for p in periods))


# The step that closes each period (where the deadline is done).
STEP_OF = {"talk": "talk", "approval": "approval", "conversion": "conversion_meeting",
           "conversion_approval": "conversion_approval"}


@registry.provider("talk", "谈话", more="recruitment:deadlines")
def talks_due(user, until, limit=None):
    """入党申请人: the talk within one month of the application."""
    return _period_deadlines(user, until, limit, "talk", (TALK,))


@registry.provider("conversion", "预备党员转正", more="recruitment:deadlines")
def conversions_due(user, until, limit=None):
    """预备期满 (the branch meeting on the conversion) and the higher committee's approval of it."""
    return _period_deadlines(user, until, limit, "conversion", (CONVERSION, CONVERSION_APPROVAL))


@registry.provider("step", "流程办理时限", more="recruitment:deadlines")
def approvals_due(user, until, limit=None):
    """上级党委审批接收预备党员 within three months of the branch meeting (six with a special reason)."""
    return _period_deadlines(user, until, limit, "step", (APPROVAL,))


# The two notices of a case (recorded with the steps 确定发展对象 and 上级党委预审), as (start, end) columns.
NOTICES = (("candidate_public_notice_start", "candidate_public_notice_end"),
           ("admission_public_notice_start", "admission_public_notice_end"))


def notices_running(qs, as_of):
    """Active cases with a notice running on `as_of` (started, not yet ended): the 工作台's items under 公示."""
    q = Q()
    for start, end in NOTICES:
        q |= Q(**{f"{start}__lte": as_of, f"{end}__gte": as_of})
    return qs.filter(q, status=Case.Status.ACTIVE)


@registry.provider("public_notice", "公示期满", more="recruitment:list")
def notices_ending(user, until, limit=None):
    """拟接收预备党员公示: when it ends, the branch meeting may discuss the admission (支部大会讨论)."""
    rows = (Case.objects.visible_to(user)
            .filter(status=Case.Status.ACTIVE, admission_public_notice_end__isnull=False,
                    branch_meeting_on__isnull=True, admission_public_notice_end__lte=until)
            .select_related("person").order_by("admission_public_notice_end", "pk"))
    for case in registry.first(rows, limit):
        yield registry.Deadline(
            key=f"recruitment.admission_notice:{case.pk}", due=case.admission_public_notice_end,
            kind="public_notice", title=f"{case.person.name}：拟接收预备党员公示期满，提交支部大会讨论",
            org_path=case.org_path, person_id=case.person_id,
            url=reverse("recruitment:step", args=[case.pk]) + "?step=branch_meeting")
