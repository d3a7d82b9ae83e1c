"""Member pages: roster and exports, a member's page and record, transfers, dues (thin: services act)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_tables2.data import TableListData

from zugong.core import exports, pii, record_tabs, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.orgs.models import Organization
from zugong.people import services as people_services
from zugong.people.models import Person

from . import dues, panels, selectors, services
from .filtersets import ArrearsFilterSet, RosterFilterSet, TransferFilterSet, subtree_of
from .selectors import awaiting
from .forms import (
    CloseForm,
    ConfirmForm,
    ContactForm,
    CorrectionForm,
    CorrectionOutcomeForm,
    ExemptionForm,
    InboundForm,
    MembershipForm,
    PaymentForm,
    ReceiveForm,
    RegisterForm,
    SendForm,
    TransferForm,
)
from .models import CorrectionPeriod, DuesExemption, DuesPayment, MemberContact, Membership, TransferRequest
from .tables import ArrearsTable, RosterOnTable, RosterTable, TransferTable

# ---------------------------------------------------------------- lookups (404 outside the user's scope)


def get_member(request, pk, action="view") -> Membership:
    member = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related(
            "person", "organization", "party_group", "inflow_organization"
        ),
        pk=pk,
    )
    if action != "view" and not scope.can(request.user, action, member.org_path):
        raise PermissionDenied("您无权修改该党员的信息")
    return member


def get_transfer(request, pk) -> TransferRequest:
    return get_object_or_404(
        TransferRequest.objects.visible_to(request.user).select_related(
            "membership__person", "from_org", "to_org", "created_by", "sent_by", "received_by", "closed_by"
        ),
        pk=pk,
    )


def _form_page(request, form, title, obj=None):
    return render(request, "core/form.html", {"form": form, "title": title, "object": obj})


def _confirm_page(request, title, text, obj=None):
    return render(
        request, "members/confirm.html", {"form": ConfirmForm(), "title": title, "text": text, "object": obj}
    )


# ---------------------------------------------------------------- roster and exports


@login_required
def roster(request):
    day = RosterFilterSet.on_of(request)
    if day:  # a past roster: the members held that day, with their status and branch of that day
        qs = (selectors.roster_on(request.user, day).select_related("person", "organization")
              .order_by("branch_path_then", "person__stroke_key", "pk"))
        if not request.GET.get("status"):
            qs = qs.filter(status_then__in=Membership.ACTIVE_STATUSES)
        title, table = f"党员花名册（截至 {day.year}年{day.month}月{day.day}日）", RosterOnTable
    else:
        qs = (
            Membership.objects.visible_to(request.user)
            .select_related("person", "organization")
            .order_by("org_path", "person__stroke_key", "pk")
        )
        if not request.GET.get("status"):
            qs = qs.active()  # the roster lists members in good standing unless another status is asked for
        title, table = "党员花名册", RosterTable
    return list_page(
        request,
        queryset=qs,
        filterset_class=RosterFilterSet,
        table_class=table,
        template="members/roster.html",
        title=title,
        export_name=title,
        extra={"section": "roster", "roster_on": day},
    )


def _export_filters(request) -> str:
    code = request.GET.get("org", "").strip()
    return f"所属组织代码：{code}" if code else ""


def _export_scope(request):
    """The visible subtree an export covers: ?org=<code>, else everything the user may see."""
    code = request.GET.get("org", "").strip()
    if not code:
        return None, True
    path = subtree_of(request, code)
    return path, path is not None


MEMBER_ITEMS = [
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "出生日期",
    "学历",
    "入党日期",
    "转正日期",
    "党员类别",
    "工作岗位",
    "所在党组织名称",
    "所在党组织代码",
    "联系电话",
    "党籍状态",
]


@login_required
def national_members(request):
    """全国党员信息数据项: one row per member (present, not expelled) of the visible subtree, one sheet."""
    path, found = _export_scope(request)
    qs = (
        Membership.objects.visible_to(request.user)
        .present()
        .exclude(status__in=[Membership.Status.LEFT, Membership.Status.CANCELLED])
        .select_related("person", "organization")
        .order_by("org_path", "person__stroke_key", "pk")
    )
    if path:
        qs = qs.filter(org_path__subtree=path)
    if not found:
        qs = qs.none()
    def rows():
        for i, m in enumerate(qs.iterator(chunk_size=exports.CHUNK), start=1):
            p = m.person
            full = people_services.exports_full(request.user, m.org_path)  # masked for who does not need them
            yield [
                i,
                p.name,
                p.id_number if full else pii.mask_id(p.id_number),
                p.get_sex_display(),
                p.get_ethnicity_display(),
                p.birth_date,
                p.get_education_display(),
                m.joined_on,
                m.converted_on,
                m.get_category_display(),
                m.occupation,
                m.organization.name,
                m.organization.code,
                p.phone if full else pii.mask_phone(p.phone),
                m.get_status_display(),
            ]

    return exports.respond(request, exports.Export("全国党员信息数据项", MEMBER_ITEMS, rows, qs.count(),
                                                   _export_filters(request)))


ORG_ITEMS = [
    "序号",
    "组织名称",
    "组织代码",
    "类别",
    "领域",
    "上级组织代码",
    "党员数",
    "正式党员数",
    "预备党员数",
    "成立日期",
    "本届届满",
]


def subtree_member_counts(members, depths) -> dict[str, dict]:
    """Members, full and probationary members under every path prefix of the given depths: one GROUP BY per
    depth over the members' paths (set-based; no per-organization query)."""
    counts: dict[str, dict] = {}
    for depth in depths:
        width = depth * Organization.steplen
        rows = (
            members.annotate(prefix=Substr("org_path", 1, width))
            .values("prefix")
            .annotate(
                total=Count("pk"),
                full=Count("pk", filter=Q(status=Membership.Status.FULL)),
                probationary=Count("pk", filter=Q(status=Membership.Status.PROBATIONARY)),
            )
            .order_by()
        )
        # Members of shallower organizations group under their whole (shorter) path: not this depth's rows.
        counts.update({r["prefix"]: r for r in rows if len(r["prefix"]) == width})
    return counts


@login_required
def national_orgs(request):
    """全国党组织信息数据项: one row per active organization of the visible subtree, with subtree member counts."""
    path, found = _export_scope(request)
    orgs = Organization.objects.visible_to(request.user).active().order_by("path")
    members = Membership.objects.visible_to(request.user).active()
    if path:
        orgs, members = orgs.filter(path__subtree=path), members.filter(org_path__subtree=path)
    if not found:
        orgs = orgs.none()
    parent = Organization.objects.visible_to(request.user).filter(path=path[: -Organization.steplen]) if path else None

    def rows():
        depths = set(orgs.values_list("depth", flat=True).distinct().order_by())
        counts = subtree_member_counts(members, depths)
        # Parent codes: the exported organizations', and the subtree root's parent if the user may see it.
        codes = dict(orgs.values_list("path", "code"))
        if parent is not None:
            codes.update(parent.values_list("path", "code"))
        empty = {"total": 0, "full": 0, "probationary": 0}
        for i, o in enumerate(orgs.iterator(chunk_size=exports.CHUNK), start=1):
            c = counts.get(o.path, empty)
            yield [
                i,
                o.name,
                o.code,
                o.get_kind_display(),
                o.get_sector_display(),
                codes.get(o.path[: -Organization.steplen], ""),
                c["total"],
                c["full"],
                c["probationary"],
                o.founded_on,
                o.term_ends_on,
            ]

    return exports.respond(request, exports.Export("全国党组织信息数据项", ORG_ITEMS, rows, orgs.count(),
                                                   _export_filters(request)))


# ---------------------------------------------------------------- a member


@login_required
def detail(request, pk):
    member = get_member(request, pk)
    tab = request.GET.get("tab", "info")
    can_change = scope.can(request.user, "change", member.org_path) and member.is_present
    open_transfer = TransferRequest.objects.visible_to(request.user).open().filter(membership=member).first()
    context = {
        "member": member,
        "person": member.person,
        "tab": tab,
        "can_change": can_change,
        "open_transfer": open_transfer,
        "tabs": panels.member_page.tabs(member),
        **record_tabs.tabs(request, member, tab=tab),
    }
    if tab == "info":
        context["monthly_dues"] = dues.dues_of(member)
        context["dues_basis"] = dues.basis_text(member)
    elif tab == "transfers":
        context["transfers"] = (
            TransferRequest.objects.visible_to(request.user)
            .filter(membership=member)
            .select_related("from_org", "to_org")
        )
    elif tab == "contacts":
        context["contacts"] = MemberContact.objects.visible_to(request.user).filter(membership=member)
        context["corrections"] = CorrectionPeriod.objects.visible_to(request.user).filter(membership=member)
    elif tab == "dues":
        members = Membership.objects.visible_to(request.user).filter(pk=member.pk)
        arrears = (
            dues.with_arrears(members, timezone.localdate()).values("unpaid_months", "last_paid").first()
        )
        context["arrears"] = arrears
        context["payments"] = Paginator(
            dues.payments_of(members).select_related("organization"), 24
        ).get_page(request.GET.get("page"))
        # The base by month (DuesBaseSpan): each month's dues as owed by the base in force then.
        context["dues_bases"] = bases = dues.base_history(member)
        for p in context["payments"]:
            p.due = dues.due_in(bases, p.month, member)
        context["exemptions"] = dues.exemptions_of(members)
    panels.member_page.add_tab_context(request, member, tab, context)
    return render(request, "members/detail.html", context)


@login_required
def edit(request, pk):
    member = get_member(request, pk, "change")
    form = MembershipForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(request.user, member, changed_on=form.cleaned_data.get("changed_on"),
                                   **form.cleaned_fields())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("members:detail", pk=member.pk)
    return _form_page(request, form, f"编辑党员信息：{member.person.name}", member)


@login_required
def register(request, pk):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if not scope.can(request.user, "change", person.org_path):
        raise PermissionDenied("您无权修改该人员")
    initial = {
        "organization": person.organization if person.organization.kind == Organization.Kind.BRANCH else None
    }
    form = RegisterForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.register_member(
                request.user, person, form.cleaned_data["organization"], **form.cleaned_fields()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已将“{person.name}”登记为党员")
            return redirect("members:detail", pk=member.pk)
    return _form_page(request, form, f"登记为党员：{person.name}", person)


# ---------------------------------------------------------------- transfers


@login_required
def transfer_list(request):
    qs = TransferRequest.objects.visible_to(request.user).select_related("from_org", "to_org")
    waiting = awaiting(TransferRequest.objects.visible_to(request.user), request.user).count()
    return list_page(
        request,
        queryset=qs,
        filterset_class=TransferFilterSet,
        table_class=TransferTable,
        template="members/transfer_list.html",
        title="组织关系转接",
        export_name="组织关系转接",
        extra={
            "section": "transfers",
            "waiting": waiting,
            "can_change": bool(scope.scope_paths(request.user, "change")),
        },
    )


def _to_field(exc: ValidationError, mapping: dict) -> ValidationError:
    """A service's error on a model field, reported on the form field that supplies it."""
    if hasattr(exc, "error_dict"):
        return ValidationError({mapping.get(k, k): v for k, v in exc.error_dict.items()})
    return exc


@login_required
def transfer_create(request, pk):
    member = get_member(request, pk, "change")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.request_transfer(
                request.user,
                member,
                kind=data["kind"],
                to_org=data.get("to_org"),
                to_org_name=data["to_org_name"],
                reason=data["reason"],
                requested_on=data["requested_on"],
            )
        except ValidationError as exc:
            apply_errors(form, _to_field(exc, {"to_org": "to_org_code"}))
        else:
            messages.success(request, "已登记组织关系转接申请，待转出方确认开具介绍信")
            return redirect("members:transfer_detail", pk=transfer.pk)
    return _form_page(request, form, f"办理组织关系转出：{member.person.name}", member)


@login_required
def transfer_inbound(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有办理组织关系转入的权限")
    form = InboundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        to_org = data.pop("to_org")
        try:
            transfer = services.request_inbound(request.user, to_org, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记省外转入的介绍信，待接收党支部确认接收")
            return redirect("members:transfer_detail", pk=transfer.pk)
    return _form_page(request, form, "登记省外转入")


def _actions(user, transfer: TransferRequest) -> dict:
    """Which confirmations this user may give on this request now."""
    issuing = transfer.from_org is not None and scope.can(user, "change", transfer.from_org.path)
    receiving_org = transfer.from_org if transfer.kind == TransferRequest.Kind.OUT else transfer.to_org
    receiving = receiving_org is not None and scope.can(user, "change", receiving_org.path)
    requested = transfer.status == TransferRequest.Status.REQUESTED
    sent = transfer.status == TransferRequest.Status.SENT
    return {
        "can_send": requested and issuing,
        "can_receive": sent and receiving,
        "can_close": (requested and issuing) or (sent and receiving),
    }


@login_required
def transfer_detail(request, pk):
    transfer = get_transfer(request, pk)
    member_visible = (
        transfer.membership_id is not None
        and Membership.objects.visible_to(request.user).filter(pk=transfer.membership_id).exists()
    )
    return render(
        request,
        "members/transfer_detail.html",
        {
            "transfer": transfer,
            "log": record_tabs.log(request, transfer),
            "member_visible": member_visible,
            **_actions(request.user, transfer),
        },
    )


def _transfer_step(request, pk, form_class, title, perform, allowed):
    transfer = get_transfer(request, pk)
    if not _actions(request.user, transfer)[allowed]:
        raise PermissionDenied("您不能对该转接办理此操作（不是当前应确认的一方，或状态已改变）")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = perform(transfer, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("members:transfer_detail", pk=transfer.pk)
    return _form_page(request, form, f"{title}：{transfer.name}", transfer)


@login_required
def transfer_send(request, pk):
    def perform(transfer, data):
        services.send(request.user, transfer, letter_no=data["letter_no"], sent_on=data["sent_on"])
        return "已确认转出，介绍信已开具，待接收方确认"

    return _transfer_step(request, pk, SendForm, "确认转出、开具介绍信", perform, "can_send")


@login_required
def transfer_receive(request, pk):
    def perform(transfer, data):
        warnings = services.receive(request.user, transfer, received_on=data["received_on"])
        for text in warnings:
            messages.warning(request, text)
        return "已确认接收，组织关系转接完成"

    return _transfer_step(request, pk, ReceiveForm, "确认接收", perform, "can_receive")


@login_required
def transfer_close(request, pk):
    def perform(transfer, data):
        closed = services.close(request.user, transfer, reason=data["reason"], on=data["on"])
        return f"已办结：{closed.get_status_display()}"

    return _transfer_step(request, pk, CloseForm, "不予转出或退回", perform, "can_close")


# ---------------------------------------------------------------- dues


def _dues_org(request):
    """The organization whose dues are shown: ?org=<code> among the visible ones, else the user's first."""
    code = request.GET.get("org", "").strip()
    visible = Organization.objects.visible_to(request.user)
    if code:
        return visible.filter(code=code).first(), code
    return visible.filter(path__in=scope.scope_paths(request.user)[:1]).first(), ""


@login_required
def dues_grid(request):
    """A subtree's members by month of a year: paid (amount), excused, unpaid; with each member's arrears."""
    org, code = _dues_org(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 1921), today.year)
    context = {
        "section": "dues",
        "org": org,
        "code": code,
        "year": year,
        "years": range(today.year, today.year - 6, -1),
        "month_numbers": range(1, 13),
    }
    if org is None:
        if code:
            messages.error(request, f"组织代码 {code} 不存在或不在您的管辖范围内")
        return render(request, "members/dues.html", context)
    members = (
        Membership.objects.visible_to(request.user)
        .present()
        .filter(org_path__subtree=org.path)
        .select_related("person", "organization")
        .order_by("org_path", "person__stroke_key", "pk")
    )
    page = Paginator(dues.with_arrears(members, today), 50).get_page(request.GET.get("page"))
    dues.year_grid(list(page), year, today)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    totals = {
        row["month"]: row["total"]
        for row in DuesPayment.objects.visible_to(request.user)
        .filter(org_path__subtree=org.path, month__gte=first, month__lte=last)
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    context.update(
        {
            "page": page,
            "totals": [totals.get(dt.date(year, n, 1)) for n in range(1, 13)],
            "can_change": scope.can(request.user, "change", org.path),
        }
    )
    return render(request, "members/dues.html", context)


@login_required
def arrears(request):
    # Read from the settled months stored on each member (dues.ArrearsRows): the count counts an index range,
    # a page reads its 50 rows in the index's order; the filters (organization, category) apply first.
    as_of, months = timezone.localdate(), ArrearsFilterSet.months_of(request)
    qs = Membership.objects.visible_to(request.user).active().select_related("person", "organization")
    return list_page(
        request,
        queryset=qs,
        filterset_class=ArrearsFilterSet,
        table_class=ArrearsTable,
        template="members/arrears.html",
        title="欠交党费",
        export_name="欠交党费名单",
        extra={"section": "arrears"},
        rows=lambda filtered: TableListData(dues.ArrearsRows(filtered, as_of, months)),
    )


@login_required
def dues_pay(request, pk):
    member = get_member(request, pk, "change")
    last = services.last_paid_month(member)
    start = dues.first_of_month(member.dues_from or member.joined_on)
    next_month = dues.month_of_index(dues.month_index(last) + 1) if last else start
    form = PaymentForm(
        request.POST or None, initial={"first_month": next_month, "amount": dues.dues_of(member)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payments = services.record_payments(
                request.user,
                member,
                first_month=data["first_month"],
                last_month=data["last_month"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记 {len(payments)} 个月的党费")
            return redirect(f"{_member_url(member)}?tab=dues")
    return _form_page(request, form, f"登记党费：{member.person.name}（{dues.basis_text(member)}）", member)


@login_required
def dues_exempt(request, pk):
    member = get_member(request, pk, "change")
    form = ExemptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_exemption(request.user, member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记减免或未交的理由")
            return redirect(f"{_member_url(member)}?tab=dues")
    return _form_page(request, form, f"登记党费减免或未交理由：{member.person.name}", member)


def _member_url(member: Membership) -> str:
    from django.urls import reverse

    return reverse("members:detail", args=[member.pk])


@login_required
def payment_delete(request, pk):
    payment = get_object_or_404(
        DuesPayment.objects.visible_to(request.user).select_related("membership__person"), pk=pk
    )
    if request.method == "POST":
        services.delete_payment(request.user, payment)
        messages.success(request, f"已撤销：{payment}")
        return redirect(f"{_member_url(payment.membership)}?tab=dues")
    if not scope.can(request.user, "change", payment.org_path):
        raise PermissionDenied("您无权撤销该党费记录")
    return _confirm_page(request, "撤销党费记录", f"确认撤销“{payment}”？撤销记入操作日志。", payment)


@login_required
def exemption_delete(request, pk):
    exemption = get_object_or_404(
        DuesExemption.objects.visible_to(request.user).select_related("membership__person"), pk=pk
    )
    if request.method == "POST":
        services.delete_exemption(request.user, exemption)
        messages.success(request, f"已撤销：{exemption}")
        return redirect(f"{_member_url(exemption.membership)}?tab=dues")
    if not scope.can(request.user, "change", exemption.org_path):
        raise PermissionDenied("您无权撤销该记录")
    return _confirm_page(
        request, "撤销党费减免或未交理由", f"确认撤销“{exemption}”？撤销记入操作日志。", exemption
    )


# ---------------------------------------------------------------- contact and 限期改正


def _member_form(request, pk, form, title, perform, done, tab="contacts"):
    member = get_member(request, pk, "change")
    if request.method == "POST" and form.is_valid():
        try:
            perform(member, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(f"{_member_url(member)}?tab={tab}")
    return _form_page(request, form, f"{title}：{member.person.name}", member)


@login_required
def contact_add(request, pk):
    return _member_form(
        request, pk, ContactForm(request.POST or None), "登记联系或查找情况",
        lambda member, data: services.record_contact(request.user, member, **data), "已登记联系情况",
    )


@login_required
def correction_add(request, pk):
    return _member_form(
        request, pk, CorrectionForm(request.POST or None), "登记限期改正",
        lambda member, data: services.record_correction(request.user, member, **data), "已登记限期改正",
    )


@login_required
def correction_outcome(request, pk):
    correction = get_object_or_404(
        CorrectionPeriod.objects.visible_to(request.user).select_related("membership__person"), pk=pk
    )
    form = CorrectionOutcomeForm(request.POST or None)
    return _member_form(
        request, correction.membership_id, form, "登记限期改正结果",
        lambda member, data: services.record_correction_outcome(request.user, correction, **data),
        "已登记限期改正结果",
    )
