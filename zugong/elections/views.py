"""Election pages: the terms list (who is due or overdue for election), election records, recording an
election, the higher organization's approval, term adjustments. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zugong.core import record_tabs, rules, scope
from zugong.core.dates import add_months
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page
from zugong.orgs.models import Organization

from . import services
from .filtersets import AdjustmentFilterSet, ElectionFilterSet, TermFilterSet
from .forms import AdjustForm, ApproveForm, ElectionForm
from .models import Election, TermAdjustment
from .rules import reminder_months, with_terms
from .tables import AdjustmentTable, ElectionTable, TermTable


def _window(request) -> tuple[int, object]:
    """The reminder lead time (months) of the user's (or the filtered organization's) subtree, and its end."""
    paths = scope.scope_paths(request.user)
    code = request.GET.get("org", "").strip()
    path = paths[0] if paths else ""
    if code:
        path = Organization.objects.visible_to(request.user).filter(code=code).values_list("path", flat=True).first() \
            or path
    months = reminder_months(path)
    return months, add_months(timezone.localdate(), months)


@login_required
def terms(request):
    today = timezone.localdate()
    months, window_end = _window(request)
    qs = with_terms(Organization.objects.visible_to(request.user)).order_by("election_due", "path")
    state = request.GET.get("state", "")
    if state == "overdue":
        qs = qs.filter(election_due__lt=today)
    elif state == "due":
        qs = qs.filter(election_due__gte=today, election_due__lte=window_end)
    elif state != "all":
        qs = qs.filter(election_due__lte=window_end)
    return list_page(request, queryset=qs, filterset_class=TermFilterSet,
                     table_class=lambda rows: TermTable(rows, window_end=window_end),
                     template="elections/terms.html", title="换届", export_name="换届情况",
                     extra={"months": months, "window_end": window_end})


@login_required
def election_list(request):
    qs = Election.objects.visible_to(request.user).select_related("organization").order_by("-held_on", "-pk")
    return list_page(request, queryset=qs, filterset_class=ElectionFilterSet, table_class=ElectionTable,
                     template="elections/list.html", title="选举记录", export_name="选举记录")


@login_required
def adjustment_list(request):
    qs = TermAdjustment.objects.visible_to(request.user).select_related("organization")
    return list_page(request, queryset=qs, filterset_class=AdjustmentFilterSet, table_class=AdjustmentTable,
                     template="elections/list.html", title="延期或提前换届", export_name="延期或提前换届")


def _get(request, pk) -> Election:
    return get_object_or_404(Election.objects.visible_to(request.user).select_related("organization"), pk=pk)


@login_required
def detail(request, pk):
    election = _get(request, pk)
    org = election.organization
    can_approve = (not election.approved_by_higher and election.valid
                   and scope.can(request.user, "manage", services.higher_path(org)))
    return render(request, "elections/detail.html", {
        "election": election, "org": org, "candidates": election.candidate_list(), "can_approve": can_approve,
        **record_tabs.tabs(request, election),
        "approve_form": ApproveForm(election=election, initial={"approved_on": timezone.localdate(),
                                                                "secretary_name": election.secretary_name,
                                                                "deputy_secretary_name": election.deputy_secretary_name})
        if can_approve else None,
    })


@login_required
def create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有记录选举的权限")
    initial = {"held_on": timezone.localdate()}
    org_pk = request.GET.get("org", "")
    if org_pk.isdigit():
        initial["organization"] = int(org_pk)
    can_except = bool(scope.scope_paths(request.user, "manage"))

    def make_form(allow_exception):
        return ElectionForm(request.POST or None, user=request.user, allow_exception=allow_exception, initial=initial)

    form = make_form(can_except and "exception_reason" in request.POST)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = services.record_election(
                request.user, data["organization"], held_on=data["held_on"], seats=data["seats"],
                expected_voters=data["expected_voters"], voters_present=data["voters_present"],
                candidates=form.candidates, kind=data["kind"], secretary_name=data["secretary_name"],
                deputy_secretary_name=data["deputy_secretary_name"], note=data["note"],
                exception_reason=data.get("exception_reason", ""))
        except rules.RuleViolation as exc:
            if can_except and scope.can(request.user, "manage", data["organization"].path) \
                    and "exception_reason" not in form.fields:
                form = make_form(True)
                form.is_valid()
            form.add_error(None, exc.messages)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已记录{election.organization.name}的选举")
            return redirect("elections:detail", pk=election.pk)
    return render(request, "elections/form.html", {"form": form, "title": "记录选举"})


@login_required
def approve(request, pk):
    election = _get(request, pk)
    if request.method != "POST":
        return redirect("elections:detail", pk=election.pk)
    form = ApproveForm(request.POST, election=election)
    if form.is_valid():
        try:
            services.approve(request.user, election, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已记录上级党组织的批准" + ("，新一届任期自选举之日起计算" if election.term_started else ""))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{'；'.join(e)}" for f, e in form.errors.items()))
    return redirect("elections:detail", pk=election.pk)


@login_required
def adjust(request, pk):
    """Record an approved postponement or advance of an organization's election (pk: the organization)."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    if not scope.can(request.user, "manage", services.higher_path(org)):
        raise PermissionDenied("只有上级党组织可以批准延期或提前换届")
    form = AdjustForm(request.POST or None, allow_exception="exception_reason" in request.POST,
                      initial={"approved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.adjust_term(request.user, org, **form.cleaned_data)
        except rules.RuleViolation as exc:
            if "exception_reason" not in form.fields:
                form = AdjustForm(request.POST, allow_exception=True)
                form.is_valid()
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已记录{org.name}的换届时间调整")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "elections/form.html", {"form": form, "title": f"延期或提前换届：{org.name}", "org": org})
