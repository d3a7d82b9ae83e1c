"""The talent pool's operations: a talent created by 认定 (`create_talent`, inside the recognition step's
operation), the support-period steps of the application chain (津贴发放, 年度/期满考核, 续支, 退出; registered in
`actions.ACTIONS`), imported talents, tags and the priority counties (乡村振兴重点帮扶县).

A support-period step of a talent recognised through zugong is a casework step on its application
(`casework.record_step`: one audited operation with the step row on the timeline); a talent imported from before
zugong has no application, so its steps are one `audit.operation` on the talent. The allowance schedule is the
tier's `AllowanceInstalment` rows: an instalment falls due `due_months` after 认定; one that `requires_review`
needs the annual review of the year before it falls due, graded 合格 or better (an 不合格 or 基本合格 one
withholds it)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope
from zugong.core.casework.services import StepRecord, record_step
from zugong.core.dates import add_months, add_years

from . import actions
from .models import AllowanceInstalment, AllowancePayment, PeriodicReview, PriorityCounty, Talent
from .steps import WORKFLOW

# The grades that let the next instalment be paid and the period be renewed (合格 or better).
PASSING = (PeriodicReview.Grade.EXCELLENT, PeriodicReview.Grade.QUALIFIED)
GRADE_LABELS = dict(PeriodicReview.Grade.choices)
TAG_SPLIT = re.compile(r"[、,，;；\s]+")


def create_talent(op, application, on):
    """The talent recognised by `application` on `on` (its support period from the edition), saved in the
    caller's operation `op` (the 认定 step)."""
    edition = application.edition
    talent = Talent(organization=application.organization, person=application.person, application=application,
                    program_id=edition.program_id, edition=edition, tier=application.tier,
                    tier_name=application.tier.name, field=application.field, unit=application.unit,
                    unit_name=application.unit_name, since=on, until=add_years(on, edition.support_years))
    talent.save()
    op.fact("认定", f"入选{edition.program.name}（{application.tier.name}），支持期至{talent.until:%Y-%m-%d}",
            field="talent")
    return talent


# ---- the schedule


@dataclass
class Instalment:
    """An instalment of a talent's schedule as it stands: paid, due, not yet due, waiting for the review,
    withheld (with the reason), or stopped by the exit."""

    number: int
    amount: Decimal
    due_on: dt.date
    condition: str
    requires_review: bool
    review_year: int | None
    payment: AllowancePayment | None = None
    state: str = ""  # paid | due | upcoming | waiting | withheld | stopped
    reason: str = ""

    STATE_LABELS = {"paid": "已发放", "due": "应发未发", "upcoming": "未到期", "waiting": "待考核",
                    "withheld": "暂停发放", "stopped": "停止发放"}

    @property
    def state_label(self) -> str:
        return self.STATE_LABELS.get(self.state, "")


def _review_year(talent, due_on: dt.date) -> int:
    return due_on.year - 1


def review_problem(talent, instalment: AllowanceInstalment, reviews: dict) -> tuple[str, str]:
    """('waiting' | 'withheld', reason) when the instalment's review condition is not met, else ('', '').
    `reviews`: {(kind, year): PeriodicReview} of the talent."""
    if not instalment.requires_review:
        return "", ""
    year = _review_year(talent, add_months(talent.since, instalment.due_months))
    review = reviews.get((PeriodicReview.Kind.ANNUAL, year))
    if review is None:
        return "waiting", f"第{instalment.number}期津贴须{year}年度考核合格以上，尚无{year}年度考核结果"
    if review.grade not in PASSING:
        return "withheld", (f"{year}年度考核为{review.get_grade_display()}，第{instalment.number}期津贴暂停发放"
                            "（须合格以上）")
    return "", ""


def schedule(talent, instalments=None, payments=None, reviews=None, today: dt.date | None = None) -> list[Instalment]:
    """The talent's instalments against the tier's schedule (three queries, or none when the rows are given)."""
    today = today or timezone.localdate()
    if instalments is None:
        instalments = list(AllowanceInstalment.objects.unrestricted().filter(tier_id=talent.tier_id)
                           .order_by("number")) if talent.tier_id else []
    if payments is None:
        payments = list(AllowancePayment.objects.unrestricted().filter(talent=talent))
    if reviews is None:
        reviews = list(PeriodicReview.objects.unrestricted().filter(talent=talent))
    paid = {p.number: p for p in payments}
    by_key = {(r.kind, r.year): r for r in reviews}
    out = []
    for row in instalments:
        due_on = add_months(talent.since, row.due_months)
        item = Instalment(row.number, row.amount, due_on, row.condition, row.requires_review,
                          _review_year(talent, due_on) if row.requires_review else None, paid.get(row.number))
        if item.payment is not None:
            item.state = "paid"
        elif talent.status == Talent.Status.EXITED:
            item.state, item.reason = "stopped", f"已于{talent.exited_on:%Y-%m-%d}退出，停止发放" if talent.exited_on \
                else "已退出，停止发放"
        else:
            state, reason = review_problem(talent, row, by_key)
            if state and due_on <= today:
                item.state, item.reason = state, reason
            elif due_on > today:
                item.state, item.reason = "upcoming", reason
            else:
                item.state = "due"
        out.append(item)
    # payments outside the schedule (imported, or a schedule changed since) are shown too
    for number, payment in sorted(paid.items()):
        if not any(i.number == number for i in out):
            out.append(Instalment(number, payment.amount, payment.paid_on, "", False, None, payment, "paid"))
    return out


# ---- recording a support-period step


def _talent_of(case) -> Talent:
    if isinstance(case, Talent):
        return case
    talent = Talent.objects.unrestricted().filter(application=case).first()
    if talent is None:
        raise ValidationError("该申报尚未认定，人才库中没有对应人才")
    return talent


def _record(user, talent: Talent, kind: str, record: StepRecord, values: dict, after):
    """Write a support-period step: on the application's timeline (`record_step`) when the talent came
    through zugong's chain, else as one audited operation on the imported talent."""
    if talent.application_id:
        return record_step(WORKFLOW, user, talent.application, kind, record, values, after=after)
    if not scope.can(user, "change", talent.org_path):
        raise PermissionDenied("您无权修改该人才的信息")
    definition = WORKFLOW.step(kind)
    with audit.operation(talent, "update", note=f"{definition.label}（{record.on:%Y-%m-%d}）") as op:
        if record.note.strip():
            op.fact("情况说明", record.note.strip(), field="note")
        after(None, op)
    return None


def _require_not_future(on: dt.date, label: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": f"{label} {on:%Y-%m-%d} 晚于今天"})


def _require_active(talent: Talent, what: str) -> None:
    if talent.status == Talent.Status.EXITED:
        raise ValidationError(f"{talent.person.name}已于{talent.exited_on:%Y-%m-%d}退出人才库，不再{what}"
                              if talent.exited_on else f"{talent.person.name}已退出人才库，不再{what}")


def pay(user, talent: Talent, record: StepRecord, *, number: int, amount=None, document_no: str = ""):
    """Record instalment `number` paid on `record.on` (amount by default the schedule's)."""
    _require_active(talent, "发放津贴")
    _require_not_future(record.on, "发放日期")
    instalment = AllowanceInstalment.objects.unrestricted().filter(tier_id=talent.tier_id, number=number).first() \
        if talent.tier_id else None
    if instalment is None and talent.tier_id:
        raise ValidationError({"number": f"{talent.tier_name}的津贴发放计划中没有第{number}期"})
    if AllowancePayment.objects.unrestricted().filter(talent=talent, number=number).exists():
        raise ValidationError({"number": f"第{number}期津贴已发放，不能重复发放"})
    if instalment is not None:
        reviews = {(r.kind, r.year): r for r in PeriodicReview.objects.unrestricted().filter(talent=talent)}
        state, reason = review_problem(talent, instalment, reviews)
        if state:
            raise ValidationError({"number": reason})
    if amount is None:
        if instalment is None:
            raise ValidationError({"amount": "请填写发放金额"})
        amount = instalment.amount
    if amount <= 0:
        raise ValidationError({"amount": "发放金额应大于零"})
    if record.on < talent.since:
        raise ValidationError({"on": f"发放日期早于认定日期（{talent.since:%Y-%m-%d}）"})

    def write(case, op):
        payment = AllowancePayment.objects.create(talent=talent, number=number, amount=amount, paid_on=record.on,
                                                  document_no=document_no.strip(), note=record.note.strip()[:200])
        op.fact("津贴发放", f"第{number}期 {amount}元（{record.on:%Y-%m-%d}）" +
                (f"，{payment.document_no}" if payment.document_no else ""), field="allowance")

    return _record(user, talent, "allowance", record, {}, write)


def review(user, talent: Talent, record: StepRecord, *, kind: str, year: int, grade: str):
    """Record the talent's annual or end-of-term review of `year` with its grade. An annual review below 合格
    withholds the instalment that needs it; an end-of-term review is held once the period has ended and marks
    the talent 支持期满 (renewal may follow)."""
    _require_active(talent, "考核")
    _require_not_future(record.on, "考核日期")
    if kind not in PeriodicReview.Kind.values:
        raise ValidationError({"kind": "考核类别不正确"})
    if grade not in PeriodicReview.Grade.values:
        raise ValidationError({"grade": "考核结果不正确"})
    if kind == PeriodicReview.Kind.ANNUAL and not (talent.since.year <= year <= talent.until.year):
        raise ValidationError({"year": f"年度考核的年度应在支持期内（{talent.since.year}—{talent.until.year}年）"})
    if kind == PeriodicReview.Kind.ANNUAL and record.on.year <= year - 1:
        raise ValidationError({"on": f"{year}年度考核的考核日期不应早于{year}年"})
    if kind == PeriodicReview.Kind.TERM_END and record.on < talent.until:
        raise ValidationError({"on": f"期满考核应在支持期满（{talent.until:%Y-%m-%d}）后进行"})
    if PeriodicReview.objects.unrestricted().filter(talent=talent, kind=kind, year=year).exists():
        raise ValidationError({"year": f"{year}年{dict(PeriodicReview.Kind.choices)[kind]}已登记"})

    def write(case, op):
        row = PeriodicReview.objects.create(talent=talent, kind=kind, year=year, on=record.on, grade=grade,
                                            note=record.note.strip()[:300])
        op.fact(row.get_kind_display(), f"{year}年度 {row.get_grade_display()}", field="review")
        if kind == PeriodicReview.Kind.ANNUAL and grade not in PASSING:
            op.fact("津贴", "下一期津贴暂停发放（考核未达合格）", field="allowance")
        if kind == PeriodicReview.Kind.TERM_END and talent.status == Talent.Status.ACTIVE:
            talent.status = Talent.Status.EXPIRED
            talent.save()

    return _record(user, talent, "periodic_review", record, {}, write)


def renew(user, talent: Talent, record: StepRecord, *, until: dt.date):
    """续支: a new end of the support period, after an end-of-term review of 合格 or better."""
    _require_active(talent, "续支")
    _require_not_future(record.on, "续支日期")
    term_end = PeriodicReview.objects.unrestricted().filter(talent=talent, kind=PeriodicReview.Kind.TERM_END) \
        .order_by("-year", "-on").first()
    if term_end is None:
        raise ValidationError("续支须先登记期满考核，且结果为合格以上")
    if term_end.grade not in PASSING:
        raise ValidationError(f"{term_end.year}年期满考核为{term_end.get_grade_display()}，不能续支（须合格以上）")
    if until <= talent.until:
        raise ValidationError({"until": f"新的支持期满日期应晚于原期满日期（{talent.until:%Y-%m-%d}）"})

    def write(case, op):
        old = talent.until
        talent.until, talent.status = until, Talent.Status.ACTIVE
        talent.save()
        op.fact("续支", f"支持期至{until:%Y-%m-%d}", old=f"{old:%Y-%m-%d}", field="until")

    return _record(user, talent, "renew", record, {}, write)


def exit_talent(user, talent: Talent, record: StepRecord, *, reason: str):
    """退出: the talent leaves the pool with a reason; no further instalment is paid."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退出原因"})
    _require_active(talent, "办理退出")
    _require_not_future(record.on, "退出日期")
    if record.on < talent.since:
        raise ValidationError({"on": f"退出日期早于认定日期（{talent.since:%Y-%m-%d}）"})

    def write(case, op):
        talent.status, talent.exited_on, talent.exit_reason = Talent.Status.EXITED, record.on, reason[:300]
        talent.save()
        op.fact("退出", reason, field="exit")
        if case is not None:
            case.status, case.exit_reason = "exited", reason[:300]

    values = {"exited_on": record.on} if talent.application_id else {}
    return _record(user, talent, "exit", record, values, write)


# ---- the actions of the step page: (user, case, record, data)


@actions.action("allowance")
def pay_allowance(user, case, record, data):
    return pay(user, _talent_of(case), record, number=data["number"], amount=data.get("amount"),
               document_no=data.get("document_no", ""))


@actions.action("periodic_review")
def periodic_review(user, case, record, data):
    return review(user, _talent_of(case), record, kind=data["kind"], year=data["year"], grade=data["grade"])


@actions.action("renew")
def renew_step(user, case, record, data):
    return renew(user, _talent_of(case), record, until=data["until"])


@actions.action("exit")
def exit_step(user, case, record, data):
    return exit_talent(user, _talent_of(case), record, reason=data["reason"])


# ---- tags


def split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t for t in TAG_SPLIT.split(text or "") if t))


@transaction.atomic
def set_tags(user, talent: Talent, text: str) -> Talent:
    """Replace the talent's tags (顿号-separated), audited."""
    if not scope.can(user, "change", talent.org_path):
        raise PermissionDenied("您无权修改该人才的信息")
    tags = split_tags(text)
    if any(len(t) > 20 for t in tags):
        raise ValidationError({"tags": "每个标签不超过 20 个字"})
    joined = "、".join(tags)
    if len(joined) > 200:
        raise ValidationError({"tags": "标签合计不超过 200 个字"})
    with audit.operation(talent, "update", note="修改标签"):
        talent.tags = joined
        talent.save()
    return talent


# ---- priority counties (乡村振兴重点帮扶县)


def _require_dept_admin(user, organization) -> None:
    from zugong.core.config.services import require_config_admin

    require_config_admin(user, organization.path, "只有该县或其上级的组织部门管理员可以维护乡村振兴重点帮扶县名单")


@transaction.atomic
def add_priority_county(user, organization, *, since=None, document: str = "", name: str = "") -> PriorityCounty:
    """Mark a county (its party committee's organization) as 乡村振兴重点帮扶县 from `since`."""
    _require_dept_admin(user, organization)
    if PriorityCounty.objects.unrestricted().filter(organization=organization, until__isnull=True).exists():
        raise ValidationError({"organization": f"{organization.name}已在重点帮扶县名单中"})
    row = PriorityCounty(organization=organization, name=(name or organization.name)[:50], since=since,
                         document=document.strip())
    row.save()  # one audited create
    return row


@transaction.atomic
def end_priority_county(user, row: PriorityCounty, until: dt.date) -> PriorityCounty:
    _require_dept_admin(user, row.organization)
    if row.until is not None:
        raise ValidationError("该县已退出重点帮扶县名单")
    if row.since and until < row.since:
        raise ValidationError({"until": f"退出日期早于认定日期（{row.since:%Y-%m-%d}）"})
    row.until = until
    row.save()  # one audited update
    return row


# ---- imported talents (recognised before zugong)


def import_talent(op, *, person, program, organization, tier, tier_name: str, field: str, since: dt.date,
                  until: dt.date, edition=None, unit_name: str = "") -> Talent:
    """A talent recognised before zugong (no application), saved in the caller's operation `op` (an import)."""
    if until <= since:
        raise ValidationError({"until": "支持期满日期应晚于认定日期"})
    talent = Talent(organization=organization, person=person, program=program, edition=edition, tier=tier,
                    tier_name=tier_name, field=field, unit_name=unit_name, since=since, until=until,
                    status=Talent.Status.ACTIVE if until >= timezone.localdate() else Talent.Status.EXPIRED)
    talent.save()
    op.fact("导入人才", f"{person.name}：{program.name}（{tier_name}），{since:%Y-%m-%d} 至 {until:%Y-%m-%d}",
            field="talent", on=talent)
    return talent
