"""The classes area's operations: plans, classes, sessions, enrolment, leave and 退学, 结业 (crediting the ledger),
certificates and their verification.

Every change is one `audit.operation`; the user's right is checked against the class's path (`scope.can`).
Leave is judged with exact fractions (`fractions.Fraction`): a trainee of a 脱产 class whose leave exceeds
`LeavePolicy.limit_numerator/limit_denominator` (1/7) of the class's total 学时 is withdrawn (退学); exactly the
limit is allowed. The totals of an enrolment are the imported class-level totals (`Enrolment.hours_total`,
`leave_total`) when present, else the sums of its session attendance (`with_totals`, one query).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zugong.core import audit, config, scope

from . import ledger
from .models import (Attendance, Certificate, ClassType, CreditKind, Enrolment, LeavePolicy, Plan, Session,
                     TrainingClass)

SOURCE = "training.attendance"
REGULATION = "《干部教育培训工作条例》（2023年修订）"
DEFAULT_LIMIT = Fraction(1, 7)
DEFAULT_WARN_PERCENT = 80
PREVIEW_ROWS = 500
ZERO = Decimal(0)
HOURS = DecimalField(max_digits=8, decimal_places=1)


def num(value) -> str:
    """A number as people write it: 56, 7.5, 8.57 (a fraction to two places)."""
    if isinstance(value, Fraction):
        value = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))
    return f"{Decimal(value).normalize():f}"


def frac(value) -> Fraction:
    return Fraction(Decimal(value or 0))


# ---------------------------------------------------------------- permissions and configuration


def can_change(user, obj) -> bool:
    return scope.can(user, "change", obj.org_path)


def _require_change(user, obj, what="该班次") -> None:
    if not can_change(user, obj):
        raise PermissionDenied(f"您对{what}只有查看权限，不能修改")


def _require_open(cls: TrainingClass) -> None:
    if cls.status == TrainingClass.Status.CLOSED:
        raise ValidationError(f"“{cls.name}”已结业，请先撤销结业再修改")


def class_types(path: str = "") -> list[ClassType]:
    """The active class types that apply at `path` (national ones and those issued above it); a code issued
    nearer wins."""
    rows = ClassType.objects.unrestricted().filter(active=True).applying_to(path).order_by("org_path", "order")
    return sorted({r.code: r for r in rows}.values(), key=lambda r: (r.order, r.code))


def class_type(code: str) -> ClassType | None:
    return ClassType.objects.unrestricted().filter(code=code).first()


def type_label(code: str) -> str:
    row = class_type(code)
    return row.name if row else code


@dataclass(frozen=True)
class Limit:
    share: Fraction
    warn_percent: int
    citation: str

    @property
    def text(self) -> str:
        return f"{self.share.numerator}/{self.share.denominator}"


def leave_limit(path: str) -> Limit:
    """The leave limit of a class at `path`: the nearest issuer's active `LeavePolicy`."""
    row = (LeavePolicy.objects.unrestricted().filter(active=True).applying_to(path).order_by("-org_path", "pk")
           .first())
    if row is None:
        return Limit(DEFAULT_LIMIT, DEFAULT_WARN_PERCENT, f"{REGULATION}{config.UNVERIFIED_ARTICLE}")
    return Limit(Fraction(row.limit_numerator, row.limit_denominator), row.warn_percent,
                 row.citation or REGULATION)


# ---------------------------------------------------------------- totals of enrolments


def with_totals(enrolments):
    """Annotate enrolments with `attended` (学时), `leave` (学时) and `days` (distinct session days attended): the
    imported totals when set, else the sums over their attendance."""
    rows = Attendance.objects.unrestricted().filter(enrolment_id=OuterRef("pk")).order_by().values("enrolment_id")
    hours = Subquery(rows.annotate(s=Sum("hours")).values("s"), output_field=HOURS)
    leave = Subquery(rows.annotate(s=Sum("leave_hours")).values("s"), output_field=HOURS)
    days = Subquery(rows.filter(hours__gt=0).annotate(c=Count("session__on", distinct=True)).values("c"))
    return enrolments.annotate(
        attended=Coalesce("hours_total", hours, Value(ZERO), output_field=HOURS),
        leave=Coalesce("leave_total", leave, Value(ZERO), output_field=HOURS),
        days=Coalesce(days, Value(0)))


@dataclass
class Standing:
    """A trainee's leave against the limit of the class."""

    leave: Fraction
    total: Fraction
    limit: Limit
    off_job: bool

    @property
    def allowed(self) -> Fraction:
        return self.total * self.limit.share

    @property
    def over(self) -> bool:
        return self.off_job and self.leave > self.allowed

    @property
    def near(self) -> bool:
        return (self.off_job and not self.over and self.leave > 0
                and self.leave * 100 >= self.allowed * self.limit.warn_percent)

    @property
    def text(self) -> str:
        return (f"请假 {num(self.leave)} 学时，上限为总学时 {num(self.total)} 的 {self.limit.text}"
                f"（{num(self.allowed)} 学时）")


def standing(enrolment: Enrolment, leave=None) -> Standing:
    cls = enrolment.training_class
    if leave is None:
        leave = with_totals(Enrolment.objects.unrestricted().filter(pk=enrolment.pk)).values_list(
            "leave", flat=True).first()
    return Standing(frac(leave), frac(cls.total_hours), leave_limit(cls.org_path), cls.off_job)


# ---------------------------------------------------------------- plans and classes


@transaction.atomic
def save_plan(user, plan: Plan) -> Plan:
    if not scope.can(user, "change", plan.organization.path):
        raise PermissionDenied("您不能为该组织制定培训计划")
    created = plan.pk is None
    with audit.operation(plan, "create" if created else "update"):
        plan.save()
    return plan


def _check_class(cls: TrainingClass) -> None:
    errors = {}
    if cls.ends_on and cls.starts_on and cls.ends_on < cls.starts_on:
        errors["ends_on"] = "结束日期早于开始日期"
    if cls.total_hours is not None and cls.total_hours <= 0:
        errors["total_hours"] = "总学时应大于 0"
    known = {t.code for t in class_types(cls.organization.path)}
    if cls.kind not in known:
        errors["kind"] = f"培训类型“{cls.kind}”不存在或未启用"
    if cls.plan_id and cls.plan.organization_id != cls.organization_id and not cls.organization.path.startswith(
            cls.plan.organization.path):
        errors["plan"] = "所属计划的主办单位不是该班次的主办单位或其上级"
    clash = TrainingClass.objects.unrestricted().filter(code=cls.code).exclude(pk=cls.pk)
    if clash.exists():
        errors["code"] = f"班次代码 {cls.code} 已被使用"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_class(user, cls: TrainingClass) -> TrainingClass:
    if not scope.can(user, "change", cls.organization.path):
        raise PermissionDenied("您不能为该组织举办培训班")
    if cls.pk:
        old = TrainingClass.objects.unrestricted().get(pk=cls.pk)
        if old.status == TrainingClass.Status.CLOSED and cls.status == TrainingClass.Status.CLOSED:
            fixed = ("total_hours", "off_job", "kind", "starts_on", "ends_on")
            if any(getattr(old, f) != getattr(cls, f) for f in fixed):
                raise ValidationError("班次已结业，不能修改类型、是否脱产、日期和总学时；请先撤销结业")
    _check_class(cls)
    created = cls.pk is None
    with audit.operation(cls, "create" if created else "update"):
        cls.save()
    return cls


@transaction.atomic
def set_status(user, cls: TrainingClass, status: str) -> TrainingClass:
    """Move a class between 筹备, 报名 and 进行中 (结业 and its undoing are `close_class` / `reopen_class`)."""
    _require_change(user, cls)
    _require_open(cls)
    if status == TrainingClass.Status.CLOSED:
        raise ValidationError("结业请使用“结业”操作")
    with audit.operation(cls, "update"):
        cls.status = status
        cls.save(update_fields=["status"])
    return cls


# ---------------------------------------------------------------- sessions


def _check_session(session: Session) -> None:
    cls = session.training_class
    errors = {}
    if session.on and not (cls.starts_on <= session.on <= cls.ends_on):
        errors["on"] = f"课次日期应在班次的起止日期之内（{cls.starts_on:%Y-%m-%d} 至 {cls.ends_on:%Y-%m-%d}）"
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = "结束时间应晚于开始时间"
    if session.hours is not None and session.hours <= 0:
        errors["hours"] = "学时应大于 0"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_session(user, session: Session) -> Session:
    cls = session.training_class
    _require_change(user, cls)
    _require_open(cls)
    _check_session(session)
    with audit.operation(session, "create" if session.pk is None else "update"):
        session.save()
    return session


@transaction.atomic
def delete_session(user, session: Session) -> None:
    cls = session.training_class
    _require_change(user, cls)
    _require_open(cls)
    if Attendance.objects.unrestricted().filter(session=session).filter(Q(hours__gt=0) | Q(leave_hours__gt=0)).exists():
        raise ValidationError("该课次已有签到或请假记录，不能删除")
    with audit.operation(cls, "update", note=f"删除课次：{session}"):
        session.delete()


def sessions_total(cls: TrainingClass) -> Decimal:
    return Session.objects.unrestricted().filter(training_class=cls).aggregate(s=Sum("hours"))["s"] or ZERO


# ---------------------------------------------------------------- enrolment


@dataclass
class Criteria:
    """Who to enrol: cadres (rank levels, subtree, category) or members (subtree, statuses); optionally only
    those not trained by a class of the same type in the last `untrained_years` years."""

    source: str  # "cadres" | "members"
    organization: object  # orgs.Organization (the subtree)
    rank_levels: list[int] = field(default_factory=list)
    category: str = ""  # cadres: "post" (领导职务) | "grade" (职级)
    statuses: list[str] = field(default_factory=list)  # members
    untrained_years: int | None = None


def candidates(user, cls: TrainingClass, criteria: Criteria, today: dt.date | None = None):
    """People (a queryset of `people.Person` ids, values of `person_id`) matching the criteria in the user's scope,
    not yet on the class."""
    from zugong.cadres import ranks
    from zugong.cadres.models import Cadre
    from zugong.members.models import Membership

    path = criteria.organization.path
    if criteria.source == "cadres":
        qs = Cadre.objects.visible_to(user).subtree(path).filter(status=Cadre.Status.ACTIVE)
        if criteria.rank_levels:
            qs = qs.filter(rank_level__in=criteria.rank_levels)
        if criteria.category == "post":
            qs = qs.filter(rank__in=ranks.POST_RANKS)
        elif criteria.category == "grade":
            qs = qs.filter(rank__in=ranks.GRADE_RANKS)
    elif criteria.source == "members":
        qs = Membership.objects.visible_to(user).subtree(path).present()
        qs = qs.filter(status__in=criteria.statuses or list(Membership.ACTIVE_STATUSES))
    else:
        raise ValidationError({"source": "请选择干部或党员"})
    qs = qs.exclude(person_id__in=Enrolment.objects.unrestricted().filter(training_class=cls).values("person_id"))
    if criteria.untrained_years:
        today = today or timezone.localdate()
        since = today.replace(year=today.year - criteria.untrained_years) if not (
            today.month == 2 and today.day == 29) else dt.date(today.year - criteria.untrained_years, 2, 28)
        trained = Enrolment.objects.unrestricted().filter(
            status=Enrolment.Status.COMPLETED, training_class__kind=cls.kind, training_class__ends_on__gt=since)
        qs = qs.exclude(person_id__in=trained.values("person_id"))
    return qs


def preview(user, cls: TrainingClass, criteria: Criteria) -> dict:
    qs = candidates(user, cls, criteria).select_related("person", "organization").order_by("org_path", "pk")
    rows = list(qs[:PREVIEW_ROWS])
    return {"count": qs.count(), "rows": rows, "room": room(cls)}


def room(cls: TrainingClass) -> int | None:
    """Places left (None: no capacity set)."""
    if not cls.capacity:
        return None
    taken = Enrolment.objects.unrestricted().filter(training_class=cls).exclude(
        status=Enrolment.Status.WITHDRAWN).count()
    return cls.capacity - taken


def _check_capacity(cls: TrainingClass, adding: int) -> None:
    left = room(cls)
    if left is not None and adding > left:
        taken = cls.capacity - left
        raise ValidationError(f"计划人数 {cls.capacity} 人，已有学员 {taken} 人，本次 {adding} 人，超出 "
                              f"{adding - left} 人。请缩小报名范围或调整计划人数")


@transaction.atomic
def enrol(user, cls: TrainingClass, criteria: Criteria) -> list[Enrolment]:
    """Enrol everyone the criteria select (the confirmed list), within the class's capacity."""
    _require_change(user, cls)
    _require_open(cls)
    people = list(candidates(user, cls, criteria).values_list("person_id", flat=True).distinct())
    if not people:
        raise ValidationError("没有符合条件的人员")
    return enrol_people(user, cls, people, note="按条件报名")


@transaction.atomic
def enrol_people(user, cls: TrainingClass, person_ids, note: str = "报名") -> list[Enrolment]:
    _require_change(user, cls)
    _require_open(cls)
    TrainingClass.objects.unrestricted().select_for_update().filter(pk=cls.pk).first()  # one enrolment at a time
    known = set(Enrolment.objects.unrestricted().filter(training_class=cls).values_list("person_id", flat=True))
    new = [p for p in dict.fromkeys(person_ids) if p not in known]
    _check_capacity(cls, len(new))
    with audit.operation(cls, "update", note=note) as op:
        rows = Enrolment.objects.bulk_create([Enrolment(training_class=cls, person_id=p, org_path=cls.org_path,
                                                        confirmed=True) for p in new])
        op.created(rows)
        op.fact("报名人数", len(rows))
    return rows


@transaction.atomic
def remove_enrolment(user, enrolment: Enrolment) -> None:
    cls = enrolment.training_class
    _require_change(user, cls)
    _require_open(cls)
    if Attendance.objects.unrestricted().filter(enrolment=enrolment, hours__gt=0).exists():
        raise ValidationError(f"{enrolment.person.name}已有出勤记录，不能移出；中途离开的请登记退学")
    with audit.operation(cls, "update", note=f"移出学员：{enrolment.person.name}"):
        enrolment.delete()


# ---------------------------------------------------------------- leave and 退学


@transaction.atomic
def record_leave(user, session: Session, enrolment: Enrolment, hours, reason: str,
                 on: dt.date | None = None) -> tuple[Attendance, Standing]:
    """Record leave for one session (`hours` of it, with a reason). When the trainee's leave in a 脱产 class then
    exceeds the limit, the trainee is withdrawn in the same operation."""
    cls = session.training_class
    _require_change(user, cls)
    _require_open(cls)
    if enrolment.training_class_id != cls.pk:
        raise ValidationError("该学员不在本班次")
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError(f"{enrolment.person.name}已退学")
    hours = Decimal(hours)
    if hours <= 0 or hours > session.hours:
        raise ValidationError({"hours": f"请假学时应大于 0 且不超过该课次的 {num(session.hours)} 学时"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写请假事由"})
    with audit.operation(enrolment, "update", note=f"请假：{session}，{num(hours)} 学时，{reason.strip()}") as op:
        att = Attendance.objects.unrestricted().filter(session=session, enrolment=enrolment).first() or Attendance(
            session=session, enrolment=enrolment, org_path=cls.org_path)
        att.leave_hours = hours
        att.leave_reason = reason.strip()[:200]
        att.hours = max(ZERO, min(att.hours or ZERO, session.hours - hours))
        att.status = Attendance.Status.PRESENT if att.hours > 0 else Attendance.Status.LEAVE
        att.save()
        result = enforce_leave_limit(op, enrolment, on or session.on)
    return att, result


@transaction.atomic
def cancel_leave(user, attendance: Attendance) -> None:
    cls = attendance.session.training_class
    _require_change(user, cls)
    _require_open(cls)
    with audit.operation(attendance.enrolment, "update", note=f"撤销请假：{attendance.session}"):
        attendance.leave_hours = ZERO
        attendance.leave_reason = ""
        if attendance.status == Attendance.Status.LEAVE:
            attendance.status = Attendance.Status.ABSENT
        attendance.save()


def enforce_leave_limit(op, enrolment: Enrolment, on: dt.date) -> Standing:
    """Withdraw the trainee (in the caller's operation) when their leave exceeds the class's limit."""
    result = standing(enrolment)
    if result.over and enrolment.status == Enrolment.Status.ENROLLED:
        _withdraw(op, enrolment, on, f"{result.text}，超过规定，依据{result.limit.citation}予以退学")
    return result


def _withdraw(op, enrolment: Enrolment, on: dt.date, reason: str) -> None:
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_on = on
    enrolment.withdraw_reason = reason[:200]
    enrolment.save(update_fields=["status", "withdrawn_on", "withdraw_reason"])
    op.fact("退学", f"{on:%Y-%m-%d}：{reason}"[:200])


@transaction.atomic
def withdraw(user, enrolment: Enrolment, on: dt.date, reason: str) -> Enrolment:
    cls = enrolment.training_class
    _require_change(user, cls)
    _require_open(cls)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError(f"{enrolment.person.name}已退学")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写退学原因"})
    with audit.operation(enrolment, "update", note="退学") as op:
        _withdraw(op, enrolment, on, reason.strip())
    return enrolment


@transaction.atomic
def reinstate(user, enrolment: Enrolment) -> Enrolment:
    """Undo a 退学 (a leave corrected): refused while the leave is still over the limit."""
    cls = enrolment.training_class
    _require_change(user, cls)
    _require_open(cls)
    result = standing(enrolment)
    if result.over:
        raise ValidationError(f"{result.text}，仍超过规定，不能恢复学籍")
    with audit.operation(enrolment, "update", note="恢复学籍"):
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.withdrawn_on = None
        enrolment.withdraw_reason = ""
        enrolment.save(update_fields=["status", "withdrawn_on", "withdraw_reason"])
    return enrolment


# ---------------------------------------------------------------- 结业 and its undoing


def _number(org, year: int, seq: int) -> str:
    return f"{org.code}-{year}-{seq:04d}"


@transaction.atomic
def close_class(user, cls: TrainingClass, today: dt.date | None = None) -> dict:
    """结业: credit each trainee not withdrawn with their attended hours (kind from the class type; 脱产 days for a
    脱产 class), mark those with hours 结业 and issue their certificates. Returns counts."""
    from zugong.orgs.models import Organization

    _require_change(user, cls)
    today = today or timezone.localdate()
    if cls.status == TrainingClass.Status.CLOSED:
        raise ValidationError(f"“{cls.name}”已结业")
    if cls.ends_on > today:
        raise ValidationError(f"班次结束日期为 {cls.ends_on:%Y-%m-%d}，尚未结束，不能结业")
    ctype = class_type(cls.kind)
    kind = ctype.credited if ctype else (CreditKind.OFF_JOB if cls.off_job else CreditKind.CLASS)
    rows = list(with_totals(Enrolment.objects.unrestricted().filter(training_class=cls)
                            .exclude(status=Enrolment.Status.WITHDRAWN)).select_related("person"))
    done = [e for e in rows if e.attended > 0]
    Organization.objects.unrestricted().select_for_update().filter(pk=cls.organization_id).first()
    with audit.operation(cls, "update", note="结业") as op:
        lines = [ledger.Line(person_id=e.person_id, on=cls.ends_on, kind=kind, quantity=Decimal(e.attended),
                             unit="hour", label=cls.name, source_id=e.pk,
                             days=Decimal(e.days) if cls.off_job and e.hours_total is None else None)
                 for e in done]
        ledger.post(op, SOURCE, lines, user=user)
        year = today.year
        seq = (Certificate.objects.unrestricted().filter(organization_id=cls.organization_id, year=year)
               .order_by("-seq").values_list("seq", flat=True).first() or 0)
        issued = 0
        for e in done:
            e.status = Enrolment.Status.COMPLETED
            e.save(update_fields=["status"])
            cert = Certificate.objects.unrestricted().filter(enrolment=e).first()
            if cert is None:
                seq += 1
                cert = Certificate(enrolment=e, organization_id=cls.organization_id, org_path=cls.org_path, year=year,
                                   seq=seq, number=_number(cls.organization, year, seq),
                                   token=secrets.token_urlsafe(24))
            cert.hours = e.attended
            cert.issued_on = today
            cert.revoked_on = None
            cert.save()
            issued += 1
        op.fact("结业人数", len(done))
        op.fact("颁发证书", issued)
        cls.status = TrainingClass.Status.CLOSED
        cls.save(update_fields=["status"])
    return {"completed": len(done), "credited": len(done), "certificates": issued}


@transaction.atomic
def reopen_class(user, cls: TrainingClass, reason: str, today: dt.date | None = None) -> int:
    """Undo 结业: withdraw the class's ledger lines, trainees back to 在学, certificates revoked."""
    _require_change(user, cls)
    if cls.status != TrainingClass.Status.CLOSED:
        raise ValidationError(f"“{cls.name}”尚未结业")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写撤销结业的原因"})
    today = today or timezone.localdate()
    ids = list(Enrolment.objects.unrestricted().filter(training_class=cls).values_list("pk", flat=True))
    with audit.operation(cls, "update", note=f"撤销结业：{reason.strip()}") as op:
        removed = ledger.withdraw(op, SOURCE, ids)
        for cert in Certificate.objects.unrestricted().filter(enrolment_id__in=ids, revoked_on__isnull=True):
            cert.revoked_on = today
            cert.save(update_fields=["revoked_on"])
        for e in Enrolment.objects.unrestricted().filter(pk__in=ids, status=Enrolment.Status.COMPLETED):
            e.status = Enrolment.Status.ENROLLED
            e.save(update_fields=["status"])
        cls.status = TrainingClass.Status.RUNNING
        cls.save(update_fields=["status"])
    return removed


# ---------------------------------------------------------------- certificates


def mask_name(name: str) -> str:
    """张*明, 李*, 欧**华: the first and the last character of a name of three or more, the first of two."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def verify(token: str) -> Certificate | None:
    """The certificate of a verification token (the public page: no user, so no scope)."""
    if not token or len(token) > 64:
        return None
    return (Certificate.objects.unrestricted().select_related("enrolment__person", "enrolment__training_class",
                                                               "organization")
            .filter(token=token).first())


def certificate_pdf(cert: Certificate, url: str) -> bytes:
    import segno
    from django.template.loader import render_to_string
    from weasyprint import HTML

    qr = segno.make(url, error="m").svg_inline(scale=3, border=1)
    cls = cert.enrolment.training_class
    html = render_to_string("training/classes/certificate_pdf.html", {
        "cert": cert, "cls": cls, "person": cert.enrolment.person, "qr": qr, "url": url,
        "type_label": type_label(cls.kind), "organization": cert.organization})
    return HTML(string=html).write_pdf()
