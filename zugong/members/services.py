"""Member operations (register, edit, transfers confirmed by both sides, dues): transactional, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.core import audit, rules, scope
from zugong.core import history as core_history
from zugong.orgs.models import Organization
from zugong.people import idnumber
from zugong.people import services as people_services
from zugong.people.models import Person

from . import dues, history
from .models import DisciplineSpan, DuesExemption, DuesPayment, Membership, TransferRequest

# Fields of a membership that are edited on its page; the branch changes only through a transfer.
EDITABLE_FIELDS = (
    "party_group",
    "status",
    "joined_on",
    "converted_on",
    "category",
    "classification",
    "occupation",
    "committee_post",
    "dues_kind",
    "dues_base",
    "dues_from",
    "inflow_organization",
    "inflow_org_name",
    "away_since",
    "lost_contact_since",
    "graduated_on",
)
# Rules a transfer can newly break, reported to the user as warnings after the move.
SENDING_SIDE_RULES = ("members.branch_too_small",)
RECEIVING_SIDE_RULES = ("members.branch_too_large", "members.branch_without_committee")


def _require(user, action: str, path: str, message: str) -> None:
    if not scope.can(user, action, path):
        raise PermissionDenied(message)


def _check_branch(org: Organization | None, field: str, label: str) -> None:
    """Membership is held in an active branch (所在党支部)."""
    if org is None:
        raise ValidationError({field: f"请选择{label}"})
    if org.kind != Organization.Kind.BRANCH:
        raise ValidationError(
            {field: f"{label}“{org.name}”是{org.get_kind_display()}，党员的组织关系只能在党支部"}
        )
    if not org.is_active:
        raise ValidationError({field: f"{label}“{org.name}”已撤销"})


def _check_party_group(membership: Membership) -> None:
    group = membership.party_group
    if group is not None and (
        group.kind != Organization.Kind.PARTY_GROUP or not group.path.startswith(membership.organization.path)
    ):
        raise ValidationError({"party_group": f"“{group.name}”不是“{membership.organization.name}”的党小组"})


def _not_in_future(day: dt.date | None, field: str, label: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})


def _validate(membership: Membership) -> None:
    _check_party_group(membership)
    for field, label in (
        ("joined_on", "入党时间"),
        ("converted_on", "转正时间"),
        ("away_since", "外出时间"),
        ("lost_contact_since", "失去联系时间"),
    ):
        _not_in_future(getattr(membership, field), field, label)
    membership.full_clean(exclude=["org_path", "person", "organization"], validate_unique=False)


def _move_person(person: Person, org: Organization) -> None:
    """A member's 所在党组织 is the branch that holds the relationship: the person record follows it."""
    if person.organization_id != org.pk:
        person.organization = org
        person.save()


# ---------------------------------------------------------------- members


@transaction.atomic
def register_member(user, person: Person, organization: Organization, **fields) -> Membership:
    """Record that a person is a party member of a branch (data entry of an existing member)."""
    _check_branch(organization, "organization", "所在党支部")
    _require(user, "change", organization.path, f"您无权在“{organization.name}”登记党员")
    _require(user, "change", person.org_path, f"您无权修改“{person.name}”的信息")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    if Membership.objects.unrestricted().filter(person=person).exists():
        raise ValidationError(f"“{person.name}”已登记为党员")
    membership = Membership(person=person, organization=organization, **fields)
    _validate(membership)
    with scope.bypass(), audit.operation(None, "create") as op:
        membership.save()
        op.subject = membership
        history.keep(membership)  # probationary from 入党时间, full from 转正时间 (a later status from today)
        _move_person(person, organization)
    return membership


@transaction.atomic
def update_member(user, membership: Membership, changed_on: dt.date | None = None, **fields) -> Membership:
    """Edit a member's record (not the branch: that is a transfer); the audit entry holds the field diff.

    The status and party-group history follow (`members.history.keep`): probationary from 入党时间, full from
    转正时间, any other status and a new party group from `changed_on` (the day it took effect; today when
    not given)."""
    _require(user, "change", membership.org_path, "您无权修改该党员的信息")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"不能在此修改：{'、'.join(sorted(unknown))}；所在党支部的变更请办理组织关系转接"
        )
    if not membership.is_present:
        raise ValidationError("该党员的组织关系已转出本省，不能修改")
    for name, value in fields.items():
        setattr(membership, name, value)
    _validate(membership)
    _not_in_future(changed_on, "changed_on", "变更日期")
    with audit.operation(membership, "update"):
        membership.save()
        history.keep(membership, changed_on)
    return membership


@transaction.atomic
def record_discipline(user, membership: Membership, *, started_on: dt.date, ended_on: dt.date | None = None,
                      decision: str = "") -> DisciplineSpan:
    """Record a 留党察看 (from the day of the decision; `ended_on`: the day rights were restored, if already)."""
    _require(user, "change", membership.org_path, "您无权登记该党员的处分")
    _not_in_future(started_on, "started_on", "处分日期")
    if ended_on and ended_on <= started_on:
        raise ValidationError({"ended_on": "恢复党员权利日期应晚于处分日期"})
    series = {"membership": membership}
    if core_history.open_span(DisciplineSpan, series) is not None:
        raise ValidationError("该党员的留党察看尚未结束，请先登记恢复党员权利")
    with audit.operation(membership, "update", note="留党察看") as op:
        span = DisciplineSpan.objects.create(started_on=started_on, kind=DisciplineSpan.Kind.PROBATION,
                                             decision=decision.strip(), **series)
        if ended_on:
            span.ended_on = ended_on
            span.save(update_fields=["ended_on"])
        op.fact("留党察看", f"{started_on:%Y-%m-%d} 起" + (f"，{ended_on:%Y-%m-%d} 恢复党员权利" if ended_on else ""))
    return span


@transaction.atomic
def restore_rights(user, membership: Membership, *, on: dt.date) -> DisciplineSpan | None:
    """The 留党察看 ends: the member's rights are restored from `on`."""
    _require(user, "change", membership.org_path, "您无权登记该党员的处分")
    _not_in_future(on, "on", "恢复党员权利日期")
    with audit.operation(membership, "update", note="恢复党员权利") as op:
        try:
            span = core_history.end(DisciplineSpan, {"membership": membership}, on)
        except core_history.HistoryError as exc:
            raise ValidationError({"on": str(exc)}) from None
        if span is None:
            raise ValidationError("该党员没有未结束的留党察看")
        op.fact("恢复党员权利", f"{on:%Y-%m-%d}")
    return span



def last_paid_month(membership: Membership) -> dt.date | None:
    """The latest month the member has paid for (the letter's 党费交至)."""
    return (
        DuesPayment.objects.unrestricted()
        .filter(membership=membership)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


# ---------------------------------------------------------------- transfers


def _lock(transfer: TransferRequest) -> TransferRequest:
    """The request re-read under a row lock, so two confirmations cannot both pass."""
    return (
        TransferRequest.objects.unrestricted()
        .select_for_update(of=("self",))
        .select_related("membership__person", "from_org", "to_org")
        .get(pk=transfer.pk)
    )


def _state(transfer: TransferRequest, *allowed: str) -> None:
    if transfer.status not in allowed:
        raise ValidationError(f"该转接当前为“{transfer.get_status_display()}”，不能办理此操作")


def _date_order(later: dt.date, earlier: dt.date | None, field: str, message: str) -> None:
    if earlier and later < earlier:
        raise ValidationError({field: message})


def _open_transfer_message(membership: Membership) -> str | None:
    existing = TransferRequest.objects.unrestricted().open().filter(membership=membership).first()
    if existing is None:
        return None
    return f"该党员已有未办结的组织关系转接（{existing.get_kind_display()}，{existing.get_status_display()}）"


@transaction.atomic
def request_transfer(
    user,
    membership: Membership,
    *,
    kind: str,
    to_org: Organization | None = None,
    to_org_name: str = "",
    reason: str = "",
    requested_on: dt.date | None = None,
) -> TransferRequest:
    """Open a transfer out of the member's branch: within the province (to a branch) or out of it."""
    _require(user, "change", membership.org_path, "您无权为该党员办理组织关系转出")
    requested_on = requested_on or timezone.localdate()
    _not_in_future(requested_on, "requested_on", "申请日期")
    if kind not in (TransferRequest.Kind.WITHIN, TransferRequest.Kind.OUT):
        raise ValidationError({"kind": "请选择省内转接或转出省外"})
    if not membership.is_active:
        raise ValidationError(f"该党员为“{membership.standing_label}”，不能办理组织关系转接")
    message = _open_transfer_message(membership)
    if message:
        raise ValidationError(message)
    if kind == TransferRequest.Kind.WITHIN:
        _check_branch(to_org, "to_org", "接收党组织")
        if to_org.pk == membership.organization_id:
            raise ValidationError({"to_org": "接收党组织就是该党员现在所在的党支部"})
        to_org_name = ""
    else:
        to_org = None
        to_org_name = to_org_name.strip()
        if not to_org_name:
            raise ValidationError({"to_org_name": "请填写省外接收党组织的名称"})
    person = membership.person
    transfer = TransferRequest(
        kind=kind,
        status=TransferRequest.Status.REQUESTED,
        membership=membership,
        from_org=membership.organization,
        to_org=to_org,
        to_org_name=to_org_name,
        org_path=membership.org_path,
        name=person.name,
        id_number=person.id_number,
        ethnicity=person.ethnicity,
        education=person.education,
        phone=person.phone,
        member_status=membership.status,
        joined_on=membership.joined_on,
        converted_on=membership.converted_on,
        category=membership.category,
        reason=reason.strip(),
        requested_on=requested_on,
        created_by=user,
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        raise ValidationError("该党员已有未办结的组织关系转接") from None
    return transfer


def _inbound_conflict(user, number: str) -> str | None:
    """Why a member cannot be received from outside the province with this ID number, if they cannot."""
    person = Person.objects.unrestricted().select_related("organization").filter(id_number=number).first()
    membership = Membership.objects.unrestricted().filter(person=person).first() if person else None
    if membership is None or membership.transferred_out_on:
        return None
    if membership.status not in Membership.ACTIVE_STATUSES:
        return f"该人员党籍状态为“{membership.get_status_display()}”，不能办理转入"
    where = (
        f"“{person.organization.name}”" if scope.can(user, "view", membership.org_path) else "本省其他党组织"
    )
    return f"该党员的组织关系在{where}，请由其所在党支部办理省内转接"


@transaction.atomic
def request_inbound(
    user,
    to_org: Organization,
    *,
    id_number: str,
    name: str,
    from_org_name: str,
    letter_no: str,
    sent_on: dt.date,
    joined_on: dt.date,
    member_status: str = Membership.Status.FULL,
    converted_on: dt.date | None = None,
    ethnicity: str = "01",
    education: str = "",
    phone: str = "",
    category: str = Membership.Category.EMPLOYED,
    dues_paid_until: dt.date | None = None,
    reason: str = "",
    requested_on: dt.date | None = None,
) -> TransferRequest:
    """Register the letter of a member coming from outside the province; the branch then receives them."""
    _check_branch(to_org, "to_org", "接收党组织")
    _require(user, "change", to_org.path, f"您无权为“{to_org.name}”办理组织关系转入")
    requested_on = requested_on or timezone.localdate()
    errors = {}
    try:
        number = idnumber.parse_id_number(id_number).number
    except idnumber.IdNumberError as exc:
        errors["id_number"] = str(exc)
        number = ""
    if number:
        conflict = _inbound_conflict(user, number)
        if conflict:
            errors["id_number"] = conflict
        elif (
            TransferRequest.objects.unrestricted()
            .open()
            .filter(kind=TransferRequest.Kind.IN, id_number=number)
            .exists()
        ):
            errors["id_number"] = "该公民身份号码已有待接收的转入申请"
    if not name.strip():
        errors["name"] = "请填写姓名"
    if not from_org_name.strip():
        errors["from_org_name"] = "请填写省外转出党组织的名称"
    if not letter_no.strip():
        errors["letter_no"] = "请填写介绍信编号"
    if member_status not in Membership.ACTIVE_STATUSES:
        errors["member_status"] = "请选择预备党员或正式党员"
    elif member_status == Membership.Status.PROBATIONARY and converted_on:
        errors["converted_on"] = "预备党员不应有转正时间"
    if converted_on and joined_on and converted_on <= joined_on:
        errors["converted_on"] = "转正时间应晚于入党时间"
    for field, day, label in (
        ("sent_on", sent_on, "介绍信开具日期"),
        ("joined_on", joined_on, "入党时间"),
        ("requested_on", requested_on, "登记日期"),
    ):
        if day and day > timezone.localdate():
            errors[field] = f"{label}不能晚于今天"
    if errors:
        raise ValidationError(errors)
    transfer = TransferRequest(
        kind=TransferRequest.Kind.IN,
        status=TransferRequest.Status.SENT,
        from_org_name=from_org_name.strip(),
        to_org=to_org,
        org_path=to_org.path,
        name=name.strip(),
        id_number=number,
        ethnicity=ethnicity,
        education=education,
        phone=phone.strip(),
        member_status=member_status,
        joined_on=joined_on,
        converted_on=converted_on,
        category=category,
        dues_paid_until=dues.first_of_month(dues_paid_until) if dues_paid_until else None,
        reason=reason.strip(),
        letter_no=letter_no.strip(),
        requested_on=requested_on,
        sent_on=sent_on,
        created_by=user,
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        raise ValidationError({"id_number": "该公民身份号码已有待接收的转入申请"}) from None
    return transfer


@transaction.atomic
def send(
    user, transfer: TransferRequest, *, letter_no: str, sent_on: dt.date | None = None
) -> TransferRequest:
    """The issuing side confirms: the introduction letter is issued (介绍信), with the dues paid so far."""
    transfer = _lock(transfer)
    _state(transfer, TransferRequest.Status.REQUESTED)
    _require(user, "change", transfer.from_org.path, "只有转出党组织可以确认转出、开具介绍信")
    sent_on = sent_on or timezone.localdate()
    if not letter_no.strip():
        raise ValidationError({"letter_no": "请填写介绍信编号"})
    _not_in_future(sent_on, "sent_on", "开具日期")
    _date_order(sent_on, transfer.requested_on, "sent_on", "开具日期不能早于申请日期")
    transfer.status = TransferRequest.Status.SENT
    transfer.letter_no = letter_no.strip()
    transfer.sent_on = sent_on
    transfer.sent_by = user
    transfer.dues_paid_until = last_paid_month(transfer.membership)
    transfer.save()
    return transfer


def _receiving_path(transfer: TransferRequest) -> str:
    """Who confirms receipt: the receiving branch, or for a transfer out of the province the issuing side,
    which records the receipt (回执) returned by the organization outside."""
    return transfer.from_org.path if transfer.kind == TransferRequest.Kind.OUT else transfer.to_org.path


def _rule_warnings(codes, org: Organization, user) -> list[str]:
    return [f"{rule.describe(row)}（{rule.citation}）" for rule, row in rules.enforce(codes, org, user=user)]


@transaction.atomic
def receive(user, transfer: TransferRequest, *, received_on: dt.date | None = None) -> list[str]:
    """The receiving side confirms: the member's relationship moves (atomically, one branch at a time).

    Within the province the membership passes to the receiving branch; out of the province it is marked
    transferred out (kept, with its history, under the issuing branch); from outside the person and the
    membership are created (or a member who once left is taken back). Returns the rule warnings the move
    raised on the organizations concerned (e.g. a branch left with fewer than 3 full members).
    """
    transfer = _lock(transfer)
    _state(transfer, TransferRequest.Status.SENT)
    _require(user, "change", _receiving_path(transfer), "只有接收党组织可以确认接收")
    received_on = received_on or timezone.localdate()
    _not_in_future(received_on, "received_on", "接收日期")
    _date_order(received_on, transfer.sent_on, "received_on", "接收日期不能早于介绍信开具日期")
    with scope.bypass():
        if transfer.kind == TransferRequest.Kind.WITHIN:
            warnings = _receive_within(user, transfer, received_on)
        elif transfer.kind == TransferRequest.Kind.OUT:
            warnings = _receive_out(user, transfer, received_on)
        else:
            warnings = _receive_in(user, transfer, received_on)
        transfer.status = TransferRequest.Status.RECEIVED
        transfer.received_on = received_on
        transfer.received_by = user
        transfer.save()
    return warnings


def _locked_membership(transfer: TransferRequest) -> Membership:
    membership = (
        Membership.objects.unrestricted()
        .select_for_update(of=("self",))
        .select_related("person", "organization")
        .get(pk=transfer.membership_id)
    )
    if not membership.is_active or membership.organization_id != transfer.from_org_id:
        raise ValidationError(
            f"该党员的组织关系已不在“{transfer.from_org.name}”（现为{membership.standing_label}），请退回此转接"
        )
    return membership


def _transfer_note(transfer: TransferRequest) -> str:
    return f"组织关系转接（{transfer.get_kind_display()}），介绍信编号 {transfer.letter_no}"


def _receive_within(user, transfer: TransferRequest, received_on: dt.date) -> list[str]:
    _check_branch(transfer.to_org, "to_org", "接收党组织")
    membership = _locked_membership(transfer)
    old = membership.organization
    membership.organization = transfer.to_org
    membership.party_group = None
    membership.committee_post = ""
    membership.away_since = None
    # The membership's diff is logged at the receiving side, the transfer entry at the issuing side.
    with audit.operation(membership, "transfer", _transfer_note(transfer), org_path=old.path,
                         fold=False) as op:
        membership.save()
        history.place_in_group(membership, received_on)  # the old branch's party group ends
        op.fact("所在党支部", transfer.to_org.name, old=old.name, field="organization")
        _move_person(membership.person, transfer.to_org)
    return _rule_warnings(SENDING_SIDE_RULES, old, user) + _rule_warnings(
        RECEIVING_SIDE_RULES, transfer.to_org, user
    )


def _receive_out(user, transfer: TransferRequest, received_on: dt.date) -> list[str]:
    membership = _locked_membership(transfer)
    with audit.operation(membership, "transfer", _transfer_note(transfer), fold=False) as op:
        membership.transferred_out_on = received_on
        membership.committee_post = ""
        membership.save()
        history.leave(membership, received_on)  # no status or party group in the province from that day
        op.fact("组织关系", f"转出省外：{transfer.to_org_name}", old=transfer.from_org.name,
                field="transferred_out_on")
    return _rule_warnings(SENDING_SIDE_RULES, transfer.from_org, user)


def _receive_in(user, transfer: TransferRequest, received_on: dt.date) -> list[str]:
    _check_branch(transfer.to_org, "to_org", "接收党组织")
    conflict = _inbound_conflict(user, transfer.id_number)
    if conflict:
        raise ValidationError(conflict)
    org = transfer.to_org
    person = Person.objects.unrestricted().filter(id_number=transfer.id_number).first()
    if person is None:
        info = idnumber.parse_id_number(transfer.id_number)
        person = Person(
            organization=org,
            name=transfer.name,
            id_number=info.number,
            birth_date=info.birth_date,
            sex="1" if info.sex == "男" else "2",
            ethnicity=transfer.ethnicity,
            education=transfer.education,
            phone=transfer.phone,
        )
        people_services.save_person(user, person)  # the people app's checks: ID number, duplicates
    else:
        _move_person(person, org)
    dues_from = (
        dues.month_of_index(dues.month_index(transfer.dues_paid_until) + 1)
        if transfer.dues_paid_until
        else dues.first_of_month(received_on)
    )
    membership = Membership.objects.unrestricted().select_for_update().filter(person=person).first()
    fields = {
        "organization": org,
        "status": transfer.member_status,
        "joined_on": transfer.joined_on,
        "converted_on": transfer.converted_on,
        "category": transfer.category,
        "dues_from": dues_from,
        "transferred_out_on": None,
        "party_group": None,
        "committee_post": "",
        "away_since": None,
    }
    if membership is None:
        membership = Membership(person=person, **fields)
    else:  # a member who once left the province comes back: the same record, its history kept
        for name, value in fields.items():
            setattr(membership, name, value)
    _validate(membership)
    with audit.operation(membership, "transfer", _transfer_note(transfer), fold=False) as op:
        membership.save()
        history.keep(membership, received_on, since=received_on)  # in the province from that day
        op.fact("所在党支部", org.name, old=f"省外：{transfer.from_org_name}", field="organization")
    transfer.membership = membership
    return _rule_warnings(RECEIVING_SIDE_RULES, org, user)


@transaction.atomic
def close(user, transfer: TransferRequest, *, reason: str, on: dt.date | None = None) -> TransferRequest:
    """End a request without moving the member: the issuing side declines a request (不予转出, with the cause:
    第二十五条 allows no refusal without one), or the receiving side returns a letter (退回)."""
    transfer = _lock(transfer)
    _state(transfer, *TransferRequest.OPEN_STATUSES)
    if not reason.strip():
        raise ValidationError({"reason": "请填写理由"})
    on = on or timezone.localdate()
    _not_in_future(on, "on", "日期")
    if transfer.status == TransferRequest.Status.REQUESTED:
        _require(user, "change", transfer.from_org.path, "只有转出党组织可以不予转出")
        transfer.status = TransferRequest.Status.REJECTED
    else:
        _require(user, "change", _receiving_path(transfer), "只有接收党组织可以退回")
        transfer.status = TransferRequest.Status.RETURNED
    transfer.closed_on = on
    transfer.close_reason = reason.strip()
    transfer.closed_by = user
    transfer.save()
    return transfer


# ---------------------------------------------------------------- dues


def _dues_member(user, membership: Membership) -> None:
    _require(user, "change", membership.org_path, "您无权登记该党员的党费")
    if not membership.is_present:
        raise ValidationError("该党员的组织关系已转出本省，不能登记党费")


@transaction.atomic
def record_payments(
    user,
    membership: Membership,
    *,
    first_month: dt.date,
    last_month: dt.date | None = None,
    amount: Decimal,
    paid_on: dt.date,
    note: str = "",
) -> list[DuesPayment]:
    """Record dues paid for one month or several (quarterly, or back-payment): `amount` is each month's."""
    _dues_member(user, membership)
    first_month = dues.first_of_month(first_month)
    last_month = dues.first_of_month(last_month or first_month)
    if last_month < first_month:
        raise ValidationError({"last_month": "截止月份不能早于起始月份"})
    if first_month < dues.first_of_month(membership.joined_on):
        raise ValidationError(
            {
                "first_month": f"缴费月份早于入党时间 {membership.joined_on:%Y-%m-%d}"
                "（党费自接收为预备党员之日起交纳：党费规定 一、第八条）"
            }
        )
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "金额应大于 0"})
    _not_in_future(paid_on, "paid_on", "缴费日期")
    months = dues.months(first_month, last_month)
    if len(months) > 24:
        raise ValidationError({"last_month": "一次最多登记 24 个月"})
    taken = list(
        DuesPayment.objects.unrestricted()
        .filter(membership=membership, month__in=months)
        .values_list("month", flat=True)
    )
    if taken:
        raise ValidationError(
            {"first_month": "已登记过党费的月份：" + "、".join(map(dues.month_label, sorted(taken)))}
        )
    payments = [
        DuesPayment(
            membership=membership,
            organization=membership.organization,
            org_path=membership.org_path,
            month=m,
            amount=amount,
            paid_on=paid_on,
            recorded_by=user,
            note=note.strip(),
        )
        for m in months
    ]
    with audit.operation(None, "create") as op:
        op.created(DuesPayment.objects.bulk_create(payments))  # ids come back (RETURNING) on both databases
    dues.settle([membership])
    return payments


@transaction.atomic
def delete_payment(user, payment: DuesPayment) -> None:
    """Undo a payment entered by mistake (audited with what it was)."""
    _require(user, "change", payment.org_path, "您无权撤销该党费记录")
    payment.delete()


@transaction.atomic
def record_exemption(
    user,
    membership: Membership,
    *,
    month_from: dt.date,
    month_to: dt.date | None,
    reason: str,
    approval: str = "",
) -> DuesExemption:
    """Record why a member pays less or nothing for some months (党费规定 一、第七条), so those months are not
    counted as unpaid without reason (一、第十三条)."""
    _dues_member(user, membership)
    if not reason.strip():
        raise ValidationError({"reason": "请填写理由"})
    month_from = dues.first_of_month(month_from)
    month_to = dues.first_of_month(month_to) if month_to else None
    if month_to and month_to < month_from:
        raise ValidationError({"month_to": "截止月份不能早于起始月份"})
    exemption = DuesExemption(
        membership=membership,
        organization=membership.organization,
        org_path=membership.org_path,
        month_from=month_from,
        month_to=month_to,
        reason=reason.strip(),
        approval=approval.strip(),
        recorded_by=user,
    )
    exemption.save()
    return exemption


@transaction.atomic
def delete_exemption(user, exemption: DuesExemption) -> None:
    _require(user, "change", exemption.org_path, "您无权撤销该记录")
    exemption.delete()
