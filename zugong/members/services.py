"""Member operations (register, edit, transfers confirmed by both sides, dues): transactional, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.core import audit, history, rules, scope
from zugong.core.dates import add_years
from zugong.orgs.models import Organization
from zugong.people import idnumber
from zugong.people import services as people_services
from zugong.people.models import Person

from . import dues
from . import history as member_history
from .models import (
    CorrectionPeriod,
    DisciplineSpan,
    DuesBaseSpan,
    DuesExemption,
    DuesPayment,
    MemberContact,
    Membership,
    PostSpan,
    TransferRequest,
)

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
    "abroad",
    "abroad_since",
    "graduated_on",
    # What the annual statistics count a mobile or lost member by (tables 12, 13).
    "mobile_scope",
    "mobile_destination",
    "mobile_card",
    "lost_reason",
)
# What the dues of a month are worked out from: kept with the months they applied (DuesBaseSpan).
DUES_INPUTS = ("dues_base", "dues_kind", "category")
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
        ("abroad_since", "出国（境）时间"),
    ):
        _not_in_future(getattr(membership, field), field, label)
    membership.full_clean(exclude=["org_path", "person", "organization"], validate_unique=False)


def _move_person(person: Person, org: Organization) -> None:
    """A member's 所在党组织 is the branch that holds the relationship: the person record follows it."""
    if person.organization_id != org.pk:
        person.organization = org
        person.save()


# ---------------------------------------------------------------- the dues base by month


def dues_start(membership: Membership) -> dt.date:
    """The first month of the member's dues record (`dues_from`, else the month joined: 党费规定 一、第八条)."""
    return dues.first_of_month(membership.dues_from or membership.joined_on)


def _base_values(membership: Membership) -> dict:
    return {"base": membership.dues_base, "kind": membership.effective_dues_kind}


def set_dues_base(membership: Membership, from_month: dt.date, *, before: dict | None = None) -> DuesBaseSpan:
    """From `from_month` the member's dues are worked out from the base and kind now on the record: a new rate
    applies from the first month paid at the new salary (党费规定 一、第十条), so the span starts on that
    month's first day and the months before keep the base they had. `before` (the values until then) opens the
    history of a member recorded without one. Call inside the service's `audit.operation`."""
    series = {"membership": membership}
    from_month = dues.first_of_month(from_month)
    if before is not None and not DuesBaseSpan.objects.unrestricted().filter(membership=membership).exists():
        start = dues_start(membership)
        if start < from_month:
            history.change(DuesBaseSpan, series, start, before)
    try:
        return history.change(DuesBaseSpan, series, from_month, _base_values(membership))
    except history.HistoryError:
        current = history.open_span(DuesBaseSpan, series)
        raise ValidationError(
            {
                "dues_base_from": f"适用起始月份不能早于现行计算基数的起始月份"
                f"{dues.month_label(current.started_on) if current else ''}"
            }
        ) from None


# ---------------------------------------------------------------- members


@transaction.atomic
def register_member(user, person: Person, organization: Organization, *, post_on: dt.date | None = None,
                    **fields) -> Membership:
    """Record that a person is a party member of a branch (data entry of an existing member); a committee post
    is held from `post_on` (default today)."""
    _check_branch(organization, "organization", "所在党支部")
    _require(user, "change", organization.path, f"您无权在“{organization.name}”登记党员")
    _require(user, "change", person.org_path, f"您无权修改“{person.name}”的信息")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    if Membership.objects.unrestricted().filter(person=person).exists():
        raise ValidationError(f"“{person.name}”已登记为党员")
    post = fields.pop("committee_post", "")
    membership = Membership(person=person, organization=organization, committee_post=post, **fields)
    _validate(membership)
    _post_date(post_on)
    with scope.bypass(), audit.operation(None, "create") as op:
        membership.committee_post = ""
        membership.save()
        op.subject = membership
        member_history.keep(membership)  # probationary from 入党时间, full from 转正时间 (a later status from today)
        set_dues_base(membership, dues_start(membership))
        if post:
            write_post(membership, post, post_on or timezone.localdate(), appointment=APPOINTED)
            membership.save(update_fields=["committee_post"])
        _move_person(person, organization)
    return membership


@transaction.atomic
def update_member(user, membership: Membership, *, changed_on: dt.date | None = None,
                  dues_base_from: dt.date | None = None, post_on: dt.date | None = None, **fields) -> Membership:
    """Edit a member's record (not the branch: that is a transfer); the audit entry holds the field diff.

    The status and party-group history follow (`members.history.keep`): probationary from 入党时间, full from
    转正时间, any other status and a new party group from `changed_on` (the day it took effect; today when
    not given). A change of the dues base, kind or category applies from `dues_base_from` (the first month paid
    at the new salary, 党费规定 一、第十条; default this month): the base history (`DuesBaseSpan`) takes it in the
    same operation. A changed committee post is written to its history from `post_on` (任职或免职日期, default
    today)."""
    _require(user, "change", membership.org_path, "您无权修改该党员的信息")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"不能在此修改：{'、'.join(sorted(unknown))}；所在党支部的变更请办理组织关系转接"
        )
    if not membership.is_present:
        raise ValidationError("该党员的组织关系已转出本省，不能修改")
    before = _base_values(membership)
    old_post = membership.committee_post
    for name, value in fields.items():
        setattr(membership, name, value)
    _validate(membership)
    post = membership.committee_post
    if post != old_post:
        _post_date(post_on)
    _not_in_future(changed_on, "changed_on", "变更日期")
    with audit.operation(membership, "update"):
        if post != old_post:
            membership.committee_post = old_post
            write_post(membership, post, post_on or timezone.localdate(), appointment=APPOINTED)
        membership.save()
        member_history.keep(membership, changed_on)
        if _base_values(membership) != before:
            set_dues_base(membership, dues_base_from or timezone.localdate(), before=before)
    return membership


# ---------------------------------------------------------------- committee posts (dated history)

APPOINTED = "上级党组织任命或登记"


def _post_date(day: dt.date | None) -> None:
    _not_in_future(day, "post_on", "职务变动日期")


def write_post(membership: Membership, post: str, on: dt.date, *, election=None, appointment: str = "",
               restart: bool = False, organization: Organization | None = None) -> None:
    """From `on`, `membership` holds `post` in its branch's committee ("": no post): the span history
    (`PostSpan`, one series per organization and member) and `committee_post` kept in step. `restart` opens a
    new span even for the same post (re-elected: the new term's span names the election). A post in another
    organization's committee (`organization`: a 党委 or 党总支 above the member's branch) is kept in the history
    only (`committee_post` is the post in the member's own branch). The caller saves the membership, inside
    its `audit.operation`."""
    org_id = organization.pk if organization is not None else membership.organization_id
    series = {"organization_id": org_id, "membership": membership}
    extra = {"election": election, "appointment": "" if election else appointment}
    last = PostSpan.objects.unrestricted().filter(ended_on__isnull=False, **series).order_by("-ended_on").first()
    if post and last is not None and on < last.ended_on:  # no post may overlap a closed one of the series
        raise ValidationError({"post_on": f"任职日期 {on:%Y-%m-%d} 早于该党员上一段任职的终止日期 "
                                          f"{last.ended_on:%Y-%m-%d}，请更正任职记录"})
    try:
        current = history.open_span(PostSpan, series)
        if restart and post and current is not None and current.post == post:
            if current.started_on == on:
                for k, v in extra.items():
                    setattr(current, k, v)
                current.save()
            else:
                history.end(PostSpan, series, on)
                history.change(PostSpan, series, on, {"post": post}, **extra)
        elif post:
            history.change(PostSpan, series, on, {"post": post}, **extra)
        else:
            history.end(PostSpan, series, on)
    except history.HistoryError as e:
        raise ValidationError({"post_on": str(e)}) from e
    if org_id == membership.organization_id:
        membership.committee_post = post


@transaction.atomic
def set_committee(user, organization: Organization, on: dt.date, posts: dict[int, str], *, election=None,
                  appointment: str = "", replace: bool = True) -> list[PostSpan]:
    """The committee of `organization` from `on`: `posts` maps membership ids to posts. With `replace` (a term
    election, a reorganization) every other member's post ends on `on`; without it (a by-election, one
    appointment) only the members named change. Members named by an election start a new span from `on`.
    One audited operation; returns the spans open from `on`."""
    _require(user, "change", organization.path, f"您无权变更“{organization.name}”的委员会")
    _post_date(on)
    branch = organization.kind == Organization.Kind.BRANCH
    rows = Membership.objects.unrestricted().select_for_update(of=("self",)).select_related("person")
    if branch:
        members = {m.pk: m for m in rows.filter(organization=organization)}
        held = {pk: m.committee_post for pk, m in members.items()}
    else:  # a 党委 or 党总支: its committee members are members of branches below it
        open_spans = PostSpan.objects.unrestricted().filter(organization=organization, ended_on__isnull=True)
        held = dict(open_spans.values_list("membership_id", "post"))
        members = {m.pk: m for m in rows.filter(pk__in=set(posts) | set(held), org_path__startswith=organization.path)}
    unknown = set(posts) - set(members)
    if unknown:
        raise ValidationError(f"有 {len(unknown)} 人不是“{organization.name}”{'' if branch else '所辖党组织'}的党员")
    note = str(election) if election else appointment
    with audit.operation(organization, "update", note or "委员会职务变动") as op:
        for pk, m in members.items():
            current = held.get(pk, "")
            post = posts.get(pk, "" if replace else current)
            restart = election is not None and pk in posts
            if post == current and not restart:
                continue
            if post and m.status != Membership.Status.FULL:
                raise ValidationError(
                    f"{m.person.name}不是正式党员，不能担任委员会职务（《中国共产党基层组织选举工作条例》第五条）")
            label = dict(Membership.CommitteePost.choices)
            write_post(m, post, on, election=election, appointment=appointment, restart=restart,
                       organization=organization)
            if branch:
                m.save(update_fields=["committee_post", "updated_at"])
            op.fact(m.person.name, label.get(post, "（免职）"), old=label.get(current, ""), field="committee_post")
    return list(PostSpan.objects.unrestricted().filter(organization=organization, ended_on__isnull=True))


def committee_on(organization: Organization, day: dt.date):
    """The committee of an organization on `day`: its post spans held that day (任职起止 on each)."""
    return (PostSpan.objects.unrestricted().filter(history.held_on(day), organization=organization)
            .select_related("membership__person", "election"))


@transaction.atomic
def record_discipline(user, membership: Membership, *, started_on: dt.date, ended_on: dt.date | None = None,
                      decision: str = "") -> DisciplineSpan:
    """Record a 留党察看 (from the day of the decision; `ended_on`: the day rights were restored, if already)."""
    _require(user, "change", membership.org_path, "您无权登记该党员的处分")
    _not_in_future(started_on, "started_on", "处分日期")
    if ended_on and ended_on <= started_on:
        raise ValidationError({"ended_on": "恢复党员权利日期应晚于处分日期"})
    series = {"membership": membership}
    if history.open_span(DisciplineSpan, series) is not None:
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
            span = history.end(DisciplineSpan, {"membership": membership}, on)
        except history.HistoryError as exc:
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


def _inbound_conflict(user, number: str, gate: "people_services.Gate | None" = None) -> str | None:
    """Why a member cannot be received from outside the province with this ID number, if they cannot.

    A membership the user may not see is never described (neither where it is nor its status): the answer only
    says it is registered, through the people app's hourly gate when one is given (the request step, asked
    before its transaction so the counted answer stays); past the limit every number is refused."""
    if gate is not None and (refused := gate.refusal()):
        return refused
    person = Person.objects.unrestricted().select_related("organization").filter(id_number=number).first()
    membership = Membership.objects.unrestricted().filter(person=person).first() if person else None
    if membership is None or membership.transferred_out_on:
        return None
    if not scope.can(user, "view", membership.org_path):
        return gate.registered_elsewhere() if gate is not None else people_services.DUPLICATE_OUTSIDE
    if membership.status not in Membership.ACTIVE_STATUSES:
        return f"该人员党籍状态为“{membership.get_status_display()}”，不能办理转入"
    return f"该党员的组织关系在“{person.organization.name}”，请由其所在党支部办理省内转接"


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
    # Not one transaction: the only write is the transfer's save (atomic below), so an answer about a member
    # outside the user's scope, counted by the people app's hourly gate, stays counted when the request is refused.
    _check_branch(to_org, "to_org", "接收党组织")
    _require(user, "change", to_org.path, f"您无权为“{to_org.name}”办理组织关系转入")
    gate = people_services.Gate(user)
    requested_on = requested_on or timezone.localdate()
    errors = {}
    try:
        number = idnumber.parse_id_number(id_number).number
    except idnumber.IdNumberError as exc:
        errors["id_number"] = str(exc)
        number = ""
    if number:
        conflict = _inbound_conflict(user, number, gate)
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
    # The membership's diff is logged at the receiving side, the transfer entry at the issuing side.
    with audit.operation(membership, "transfer", _transfer_note(transfer), org_path=old.path,
                         fold=False) as op:
        write_post(membership, "", received_on)  # a post ends with the move (held in the issuing branch)
        membership.organization = transfer.to_org
        membership.party_group = None
        membership.away_since = None
        membership.save()
        member_history.place_in_group(membership, received_on)  # the old branch's party group ends
        op.fact("所在党支部", transfer.to_org.name, old=old.name, field="organization")
        _move_person(membership.person, transfer.to_org)
    return _rule_warnings(SENDING_SIDE_RULES, old, user) + _rule_warnings(
        RECEIVING_SIDE_RULES, transfer.to_org, user
    )


def _receive_out(user, transfer: TransferRequest, received_on: dt.date) -> list[str]:
    membership = _locked_membership(transfer)
    with audit.operation(membership, "transfer", _transfer_note(transfer), fold=False) as op:
        membership.transferred_out_on = received_on
        write_post(membership, "", received_on)
        membership.save()
        member_history.leave(membership, received_on)  # no status or party group in the province from that day
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
        member_history.keep(membership, received_on, since=received_on)  # in the province from that day
        current = history.open_span(DuesBaseSpan, {"membership": membership})
        set_dues_base(membership, max(dues_from, current.started_on) if current else dues_from)
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


# ---------------------------------------------------------------- contact and 限期改正 (教育管理条例)


@transaction.atomic
def record_contact(
    user, membership: Membership, *, kind: str, contacted_on: dt.date, reached: bool, note: str = ""
) -> MemberContact:
    """Record a contact with a member, or a search for one out of contact (第二十四条、第三十四条)."""
    _require(user, "change", membership.org_path, "您无权登记该党员的联系情况")
    _not_in_future(contacted_on, "contacted_on", "日期")
    if kind == MemberContact.Kind.SEARCH and not membership.lost_contact_since:
        raise ValidationError({"kind": "该党员未登记失去联系时间；查找失联党员请先在党员信息中填写失去联系时间"})
    contact = MemberContact(
        membership=membership, kind=kind, contacted_on=contacted_on, reached=reached, note=note.strip(),
        recorded_by=user,
    )
    with audit.operation(contact, "create"):
        contact.save()
    return contact


@transaction.atomic
def record_correction(
    user, membership: Membership, *, started_on: dt.date, deadline: dt.date, reason: str
) -> CorrectionPeriod:
    """Set a 限期改正 period: it lasts at most 1 year (教育管理条例 第三十条)."""
    _require(user, "change", membership.org_path, "您无权为该党员登记限期改正")
    _not_in_future(started_on, "started_on", "起始日期")
    if not reason.strip():
        raise ValidationError({"reason": "请填写事由"})
    if deadline <= started_on:
        raise ValidationError({"deadline": "改正期限应晚于起始日期"})
    if deadline > add_years(started_on, 1):
        raise ValidationError({"deadline": "限期改正期限最长不超过 1 年（《中国共产党党员教育管理工作条例》第三十条）"})
    correction = CorrectionPeriod(
        membership=membership, started_on=started_on, deadline=deadline, reason=reason.strip(), recorded_by=user
    )
    with audit.operation(correction, "create"):
        correction.save()
    return correction


@transaction.atomic
def record_correction_outcome(
    user, correction: CorrectionPeriod, *, outcome: str, outcome_on: dt.date, outcome_note: str = ""
) -> CorrectionPeriod:
    """Record how a 限期改正 ended (已改正, 劝其退党, 除名 …)."""
    _require(user, "change", correction.membership.org_path, "您无权登记限期改正结果")
    _not_in_future(outcome_on, "outcome_on", "认定日期")
    if outcome_on < correction.started_on:
        raise ValidationError({"outcome_on": "认定日期不能早于限期改正起始日期"})
    correction.outcome, correction.outcome_on, correction.outcome_note = outcome, outcome_on, outcome_note.strip()
    with audit.operation(correction, "update"):
        correction.save()
    return correction
